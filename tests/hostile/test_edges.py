"""What an outside probe sent that used to answer 500 or say too much, each answered clearly
now: NUL characters, huge pagination numbers, an over-long login name, invisible and
bidirectional characters in titles, a refused caller's body, and a flood of guessed codes."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Project, Suggestion
from voting import throttle

from ..voting.conftest import vote_world  # noqa: F401,F811 - a fixture

pytestmark = pytest.mark.django_db


# -- NUL ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/s/%00/",
        "/track/%00/",
        "/api/v1/suggestions/?status=%00",
        "/api/v1/projects/?q=%00",
    ],
)
def test_nul_in_path_or_query_is_a_clear_400(world, url):
    response = world.client("staff").get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_list_search_is_a_clear_400(world):
    client = world.client("staff")
    for name in ("projects:project_list", "congress:deputy_list"):
        url = reverse(name, args=[world.township.pk])
        response = client.get(url, {"q": "路灯\x00"})
        assert response.status_code == 400, name
        assert response.status_code == 400
        assert client.get(url, {"q": "路灯"}).status_code == 200


def test_nul_in_a_cookie_is_refused_not_looked_up(world):
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


def test_nul_in_an_api_body_is_a_field_error(world):
    client = world.client("staff")
    item = _ledger_item(world)
    response = client.post(
        reverse("api:ledger-item-close", args=[item.pk]),
        data=json.dumps({"note": "ok\x00"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "note" in response.json()


# -- API pagination -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808"])
def test_huge_pagination_numbers_are_capped(world, query):
    response = world.client("staff").get(f"/api/v1/deputies/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == world.township.deputies.count()


def test_page_size_is_capped_at_500(world):
    from congress.models import Deputy

    from ..factories import DeputyFactory

    DeputyFactory.create_batch(505, township=world.township)
    body = world.client("staff").get("/api/v1/deputies/?limit=100000").json()
    assert body["count"] == Deputy.objects.filter(township=world.township).count()
    assert len(body["results"]) == 500


# -- login -----------------------------------------------------------------------------------


def test_an_overlong_user_name_gets_the_login_form_again(world):
    response = Client().post(reverse("login"), {"username": "名" * 300, "password": "x"})
    assert response.status_code == 200
    assert "form" in response.context
    assert response.context["form"].errors


# -- invisible and bidirectional characters --------------------------------------------------

BAD_TITLES = {
    "only zero-width": "\u200b\u200b\u200b",
    "rtl override": "路灯\u202e改造",
    "bidi isolate": "\u2067东河村\u2069",
    "control": "路灯\x07改造",
    "soft hyphen only": "\u00ad",
}


@pytest.mark.parametrize("title", BAD_TITLES.values(), ids=BAD_TITLES.keys())
def test_invisible_or_bidi_title_is_refused_on_the_form(world, title):
    client = world.client("staff")
    before = Project.objects.count()
    response = client.post(
        reverse("projects:project_create", args=[world.township.pk]),
        {
            "title": title,
            "content": "内容",
            "location": "东河村",
            "estimated_investment": "10",
            "deadline": "2027-12-31",
        },
    )
    assert response.status_code in (200, 400)
    assert Project.objects.count() == before
    errors = " ".join(response.context["form"].errors.get("title", []))
    assert errors, response.context["form"].errors
    assert "字符" in errors or "可见" in errors


def test_invisible_title_is_refused_through_the_public_api(world):
    before = Suggestion.objects.count()
    from projects.models import IntakeLink

    link = IntakeLink.objects.create(deputy=world.deputy, token="EDGEQR1", township=world.township)
    response = Client(REMOTE_ADDR="10.9.8.7").post(
        "/api/v1/public-suggestions/",
        data=json.dumps({"token": link.token, "title": "\u200b\u200b", "content": "有内容"}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert Suggestion.objects.count() == before


def test_titles_are_stored_in_nfc(world):
    from projects import services

    decomposed = "Cafe\u0301 路灯"  # e + combining acute
    suggestion = services.suggestion_create(
        actor=world.users["staff"],
        township=world.township,
        channel="village_meeting",
        title=decomposed,
        content="内容",
    )
    suggestion.refresh_from_db()
    assert suggestion.title == "Caf\u00e9 路灯"


def test_emoji_and_line_breaks_stay_allowed(world):
    from projects import services

    suggestion = services.suggestion_create(
        actor=world.users["staff"],
        township=world.township,
        channel="village_meeting",
        title="儿童游乐场 👨\u200d👩\u200d👧",
        content="第一行\n第二行\t附注",
    )
    assert suggestion.pk


# -- permission before the body ---------------------------------------------------------------


def _ledger_item(world):
    from tests.permissions.supervision import _objects

    return _objects(world)["answered"]


def test_a_reviewer_posting_nothing_to_reopen_gets_403_not_field_errors(world):
    item = _ledger_item(world)
    response = world.client("reviewer").post(
        reverse("api:ledger-item-reopen", args=[item.pk]), data={}, content_type="application/json"
    )
    assert response.status_code == 403


def _write_rows():
    from tests.permission_table import LOGIN, ROLES, ROWS

    for row in ROWS:
        if row.method == "get" or not row.name.startswith("api:"):
            continue
        if len({row.expected[role] for role in ROLES}) == 1:
            continue  # the same answer for everyone (a public lookup's miss): not a refusal
        for role in ROLES:
            outcome = row.expected[role]
            if outcome == 404 and row.kwargs is None:
                # A create whose scope is named in the body (a session, a plan): out of scope
                # is only known from the body, so a caller who may act somewhere gets the
                # body's 400 first; callers who may act nowhere are refused (403) before it.
                continue
            if outcome == LOGIN or outcome in (401, 403, 404):
                yield pytest.param(row, role, outcome, id=f"{row.name}-{role}")


@pytest.mark.parametrize("row,role,outcome", list(_write_rows()))
def test_refused_callers_get_the_refusal_whatever_the_body(world, row, role, outcome):
    """Every API write action in the permission table, as every role it refuses, with an
    empty and with a malformed body: the refusal, never a 400 about the body."""
    from congress.models import Attendance

    world.attendance = Attendance.objects.get_or_create(session=world.session, deputy=world.deputy)[
        0
    ]
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    for body in ("{}", '{"x": '):
        response = getattr(world.client(role), row.method)(
            url, data=body, content_type="application/json"
        )
        assert response.status_code == outcome, (row.name, role, body, response.content[:200])


# -- guessed ballot codes ---------------------------------------------------------------------


@pytest.fixture
def open_vote(vote_world):  # noqa: F811
    from tests.voting.services.helpers import open_vote as make_open

    codes = make_open(vote_world, spares=30)
    return vote_world, codes


def _unknown_code():
    """A code with a valid check symbol that belongs to no vote."""
    from voting import domain

    return domain.format_code(domain.new_code())


def test_a_flood_of_unknown_codes_is_slowed_per_client(open_vote):
    world, codes = open_vote
    flood = Client(REMOTE_ADDR="10.66.0.1")
    statuses = [
        flood.post(reverse("voting:ballot"), {"code": _unknown_code()}).status_code
        for _ in range(throttle.LIMIT + 3)
    ]
    assert statuses[: throttle.LIMIT] == [400] * throttle.LIMIT
    assert statuses[-1] == 429
    last = flood.post(reverse("voting:ballot"), {"code": codes[0]})
    assert last.status_code == 429
    assert int(last["Retry-After"]) <= throttle.WINDOW
    # Another address is not slowed by the flood.
    other = Client(REMOTE_ADDR="10.66.0.2")
    assert other.post(reverse("voting:ballot"), {"code": codes[0]}).status_code == 200
    # The API is throttled for the same client too.
    api = Client(REMOTE_ADDR="10.66.0.1").post(
        "/api/v1/cast/",
        data=json.dumps({"vote": world.vote.pk, "code": codes[1], "choices": "YYN"}),
        content_type="application/json",
    )
    assert api.status_code == 429


def test_a_hall_behind_one_address_casting_correctly_is_never_refused(open_vote):
    world, codes = open_vote
    hall = Client(REMOTE_ADDR="10.77.0.1")
    n = len(world.vote.candidates.all())
    for code in codes[: throttle.LIMIT + 10]:
        response = hall.post(
            reverse("voting:ballot_cast"),
            {"vote": world.vote.pk, "code": code, "choices": "Y" + "N" * (n - 1)},
        )
        assert response.status_code == 200, response.content[:300]
    # Typos (a wrong check symbol) and repeats do not count as guesses either.
    for code in codes[:5]:
        hall.post(reverse("voting:ballot"), {"code": code})  # already cast
        hall.post(reverse("voting:ballot"), {"code": code[:-1] + "0"})
    assert not throttle.blocked(hall.get("/").wsgi_request)


def test_no_code_reaches_any_log(open_vote, caplog):
    world, codes = open_vote
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR="10.88.0.1")
    client.post(reverse("voting:ballot"), {"code": codes[2]})
    client.post(reverse("voting:ballot"), {"code": _unknown_code()})
    n = len(world.vote.candidates.all())
    client.post(
        reverse("voting:ballot_cast"),
        {"vote": world.vote.pk, "code": codes[2], "choices": "N" * n},
    )
    logged = caplog.text.upper().replace("-", "")
    assert codes[2].upper().replace("-", "") not in logged


# -- files only through checked views -------------------------------------------------------


def test_with_nginx_in_front_a_checked_download_hands_over_to_an_internal_location(
    world, settings, tmp_path
):
    """Production: the view checks scope, then nginx streams the file from its internal
    location; without the right the view refuses before naming any file."""
    from tests.permissions.reports import _objects as report_objects

    settings.LIVELIHOOD_ACCEL_REDIRECT = "/media/"
    report = report_objects(world).report
    url = reverse("reports:report_download", args=[report.pk])
    ok = world.client("staff").get(url)
    assert ok.status_code == 200
    assert ok["X-Accel-Redirect"] == "/media/" + report.file.name
    assert ok.content == b""
    assert world.client("staff_other").get(url).status_code in (403, 404)
    assert "X-Accel-Redirect" not in world.client("anonymous").get(url)


def test_code_refusals_follow_the_chosen_language(open_vote):
    """The refusal tables were translated once at import: English pages said them in
    Chinese."""
    client = Client(REMOTE_ADDR="10.99.0.1")
    client.cookies["django_language"] = "en"
    page = client.post(reverse("voting:ballot"), {"code": _unknown_code()}).content.decode()
    assert "does not belong to an open vote" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.post(reverse("voting:ballot"), {"code": _unknown_code()}).content.decode()
    assert "不属于" in page


# -- typed list filters -----------------------------------------------------------------------


def test_api_list_filters_are_typed_and_refuse_clearly(world):
    client = world.client("staff")
    ok = client.get("/api/v1/deputies/", {"township": world.township.pk}).json()
    assert ok["count"] == world.township.deputies.count()
    bad = client.get("/api/v1/deputies/", {"township": "abc"})
    assert bad.status_code == 400 and "township" in bad.json()
    wrong_choice = client.get("/api/v1/suggestions/", {"status": "nonsense"})
    assert wrong_choice.status_code == 400 and "status" in wrong_choice.json()
    huge = client.get("/api/v1/projects/", {"township": "9" * 30})
    assert huge.status_code in (200, 400)


def test_station_rules_refuse_an_out_of_range_number_clearly(world):
    """The fuzz found a 500: a huge minimum reached the database's smallint."""
    url = reverse("stations:duty_items", args=[world.township.pk])
    response = world.client("staff").post(url, {"min_duty_days": "99999"}, follow=True)
    assert response.status_code == 200
    assert any("366" in str(m) for m in response.context["messages"])
