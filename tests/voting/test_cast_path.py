"""The hall's cast path (issue 16): a static ballot shell and a JSON cast whose only authority
is the code in its body — one SQL statement, sealed before it, exactly once."""

import gzip
import io
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from voting import domain, fastpath, services, throttle
from voting.models import Ballot, BallotCode, SealedBallot

from .ceremony import open_with_ceremony
from .conftest import check_in, make_candidate_list


def _open(world, *, spares=2):
    staff = world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=world.vote, spares=spares)
    services.vote_record_issued(actor=staff, vote=world.vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, world.vote)
    world.vote.refresh_from_db()
    return codes


def _post(client, name, payload, **extra):
    return client.post(
        reverse(name), data=json.dumps(payload), content_type="application/json", **extra
    )


def _cast(client, vote, code, marks, lang="en"):
    return _post(
        client,
        "voting:ballot_cast_json",
        {"vote": vote.pk, "code": code, "marks": marks, "lang": lang},
    )


def test_the_shell_sets_no_cookie_and_is_the_same_for_everyone(vote_world):
    """Two phones (one with a language cookie, one holding a code in the fragment, which the
    server never sees) get the same bytes: no cookie, cacheable, nothing vote-specific."""
    codes = _open(vote_world)
    first = Client().get(reverse("voting:ballot_shell"))
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.cookies["django_language"] = "en"
    second = other.get(reverse("voting:ballot_shell"))
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert not first.cookies and not second.cookies
    assert "Set-Cookie" not in first.headers
    assert "public" in first["Cache-Control"] and first["ETag"]
    page = first.content.decode()
    assert vote_world.vote.title not in page and "csrfmiddlewaretoken" not in page
    assert codes[0] not in page
    # Both languages travel in the shell; the script picks one.
    strings = json.loads(page.split('id="shell-strings" type="application/json">')[1].split("<")[0])
    assert strings["en"]["open_ballot"] == "Open my ballot"
    assert set(strings) == {"zh-hans", "en"}
    again = Client().get(reverse("voting:ballot_shell"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    packed = Client().get(reverse("voting:ballot_shell"), HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip" and packed["ETag"] != first["ETag"]
    assert gzip.decompress(packed.content) == first.content


def test_a_code_opens_its_ballot_and_casts_once_with_no_cookie(vote_world):
    codes = _open(vote_world)
    client = Client()
    opened = _post(client, "voting:ballot_open_json", {"code": codes[0], "lang": "en"})
    assert opened.status_code == 200
    ballot = opened.json()
    assert ballot["vote"] == vote_world.vote.pk and ballot["limit"] == 3
    assert [c["title"] for c in ballot["candidates"]][0] == "东河村道路路灯安装"
    assert ballot["sealed"] is True
    cast = _cast(client, vote_world.vote, codes[0], "YYNA")
    assert cast.status_code == 201
    assert len(cast.json()["tracker"]) == 10
    assert not client.cookies and "Set-Cookie" not in cast.headers
    again = _cast(client, vote_world.vote, codes[0], "NNNN")
    assert again.status_code == 409
    assert again.json()["refusal"] == "already_cast"
    assert again.json()["message"] == "A ballot has already been cast with this code."
    assert SealedBallot.objects.filter(vote=vote_world.vote).count() == 1


def test_refusals_are_clear_in_english_and_chinese(vote_world):
    codes = _open(vote_world)
    client = Client()
    code = domain.normalize_code(codes[0])
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = _cast(client, vote_world.vote, typo, "YYNA")
    assert refused.status_code == 400 and refused.json()["refusal"] == "typo"
    assert "check symbol" in refused.json()["message"]
    unknown = _post(client, "voting:ballot_open_json", {"code": "ABCDE-FGH12-34567", "lang": "en"})
    assert unknown.json()["refusal"] in {"typo", "unknown"}
    too_many = _cast(client, vote_world.vote, codes[1], "YYYY", lang="zh-hans")
    assert too_many.status_code == 400 and too_many.json()["refusal"] == "too_many"
    assert "赞成" in too_many.json()["message"]
    malformed = _cast(client, vote_world.vote, codes[1], "YY", lang="en")
    assert malformed.json()["refusal"] == "malformed"
    # The refused ballots left the code usable.
    assert _cast(client, vote_world.vote, codes[1], "YNAA").status_code == 201
    used = _cast(client, vote_world.vote, codes[1], "YNAA", lang="zh-hans")
    assert used.status_code == 409 and used.json()["refusal"] == "already_cast"
    assert (
        used.json()["message"]
        in {
            "A ballot has already been cast with this code.",
            "此选票码已投过票。",
        }
        or "已" in used.json()["message"]
    )
    services.vote_close(actor=vote_world.users["staff"], vote=vote_world.vote)
    closed = _cast(client, vote_world.vote, codes[2], "YNAA")
    assert closed.status_code == 409 and closed.json()["refusal"] == "not_open"
    assert closed.json()["message"] == "This vote is not open for electronic voting."


def test_the_cast_is_one_statement_and_stores_the_sealed_blob_only(vote_world):
    codes = _open(vote_world)
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[1], choices="NAYY")
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "NAYY" not in queries[0]["sql"]
    assert not Ballot.objects.filter(vote=vote_world.vote).exists()
    rows = list(SealedBallot.objects.filter(vote=vote_world.vote).values("blob", "tracker"))
    assert len(rows) == 2
    for row in rows:
        blob = bytes(row["blob"])
        assert b"NAYY" not in blob and b"YYNA" not in blob
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM voting_sealedballot WHERE vote_id = %s "
            "AND (encode(blob, 'escape') LIKE '%%NAYY%%' OR tracker LIKE '%%NAYY%%')",
            [vote_world.vote.pk],
        )
        assert cursor.fetchone()[0] == 0


def test_a_cross_site_or_form_post_is_refused(vote_world):
    codes = _open(vote_world)
    client = Client()
    foreign = _post(
        client,
        "voting:ballot_cast_json",
        {"vote": vote_world.vote.pk, "code": codes[0], "marks": "YYNA"},
        HTTP_ORIGIN="https://evil.example",
    )
    assert foreign.status_code == 403
    form = client.post(
        reverse("voting:ballot_cast_json"),
        {"vote": vote_world.vote.pk, "code": codes[0], "marks": "YYNA"},
    )
    assert form.status_code == 415
    assert not BallotCode.objects.filter(vote=vote_world.vote, used=True).exists()


def _wsgi(app, method, path, payload=None, **headers):
    body = json.dumps(payload).encode() if payload is not None else b""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if payload is not None else "",
        **headers,
    }
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    answer["body"] = b"".join(app(environ, start_response))
    return answer


def test_the_wsgi_front_answers_before_django(vote_world, monkeypatch):
    """Under gunicorn the shell and the cast never reach Django's middleware: the same
    answers, no cookie, one SQL statement per cast, and any other path still goes to Django."""
    codes = _open(vote_world)
    # The front closes connections as Django does after a request; here the test's own
    # transaction holds the connection.
    monkeypatch.setattr(fastpath, "_release_connections", lambda: None)
    reached = []

    def django_app(environ, start_response):
        reached.append(environ["PATH_INFO"])
        start_response("200 OK", [])
        return [b"django"]

    app = fastpath.mount(django_app)
    shell = _wsgi(app, "GET", "/vote/")
    assert shell["status"] == 200 and shell["body"] == fastpath.shell()[0]
    assert "Set-Cookie" not in shell["headers"]
    assert "Content-Security-Policy" in shell["headers"]
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[1], choices="YNAA")
    with CaptureQueriesContext(connection) as queries:
        cast = _wsgi(
            app,
            "POST",
            "/vote/cast",
            {"vote": vote_world.vote.pk, "code": codes[0], "marks": "YNAY"},
        )
    assert cast["status"] == 201, cast
    assert len(queries) == 1
    again = _wsgi(
        app, "POST", "/vote/cast", {"vote": vote_world.vote.pk, "code": codes[0], "marks": "YNAY"}
    )
    assert again["status"] == 409
    assert _wsgi(app, "GET", "/ballot/")["body"] == b"django"
    assert reached == ["/ballot/"]


@pytest.mark.django_db(transaction=True)
def test_one_code_sent_by_20_phones_at_once_casts_one_ballot(world):
    staff = world.users["staff"]
    check_in(world, 10, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=10, paper_issued=0)
    open_with_ceremony(staff, vote)
    barrier = threading.Barrier(20)
    body = {"vote": vote.pk, "code": codes[0], "marks": "YYNA"}

    def phone(_i):
        barrier.wait(timeout=30)
        try:
            return _post(Client(), "voting:ballot_cast_json", body).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(phone, range(20)))
    assert statuses.count(201) == 1 and statuses.count(409) == 19
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    assert BallotCode.objects.filter(vote=vote, used=True).count() == 1


def test_a_client_guessing_codes_is_throttled_and_the_hall_is_not(vote_world, settings):
    """Past the limit of unknown codes a client is answered 429 (even for a real code) until
    the window ends; another client of the hall casts as usual."""
    # A cache of this test's own: the test Redis is shared with other test runs, which clear it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    codes = _open(vote_world)
    guesser = Client(REMOTE_ADDR="10.9.8.7")
    statuses = [
        _post(
            guesser,
            "voting:ballot_cast_json",
            {"vote": vote_world.vote.pk, "code": domain.new_code(), "marks": "YYNA"},
        ).status_code
        for _ in range(throttle.LIMIT + 3)
    ]
    assert statuses[: throttle.LIMIT] == [409] * throttle.LIMIT
    assert statuses[-1] == 429
    blocked = _cast(guesser, vote_world.vote, codes[0], "YYNA")
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) <= throttle.WINDOW
    assert blocked.json()["refusal"] == "throttled"
    hall = Client(REMOTE_ADDR="10.9.8.8")
    assert _cast(hall, vote_world.vote, codes[0], "YYNA").status_code == 201


def test_after_the_switch_to_paper_a_phone_that_read_the_vote_is_refused(vote_world):
    """The process remembers an open vote's rules and key; the statement itself checks the
    vote is still open for codes, so a switch to paper stops the next cast at once."""
    codes = _open(vote_world)
    client = Client()
    assert _cast(client, vote_world.vote, codes[0], "YYNA").status_code == 201
    services.vote_switch_to_paper(actor=vote_world.users["staff"], vote=vote_world.vote)
    refused = _cast(client, vote_world.vote, codes[1], "YYNA")
    assert refused.status_code == 409 and refused.json()["refusal"] == "not_open"
    assert SealedBallot.objects.filter(vote=vote_world.vote).count() == 1
    assert BallotCode.objects.filter(vote=vote_world.vote, used=True).count() == 1


def test_a_vote_opened_after_the_process_read_the_open_votes_is_found(vote_world):
    """The open votes' salts are remembered; a code they do not find is looked up again with
    the salts read afresh, so a vote opened meanwhile is never refused."""
    codes = _open(vote_world)
    client = Client()
    first = _post(client, "voting:ballot_open_json", {"code": codes[0]})
    assert first.status_code == 200 and first.json()["vote"] == vote_world.vote.pk
    staff = vote_world.users["staff"]
    clist = make_candidate_list(vote_world.township, year=2028)
    second = services.vote_create(actor=staff, session=vote_world.session, candidate_list=clist)
    later = services.vote_generate_codes(actor=staff, vote=second, spares=0)
    services.vote_record_issued(actor=staff, vote=second, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, second)
    found = _post(client, "voting:ballot_open_json", {"code": later[0], "lang": "en"})
    assert found.status_code == 200 and found.json()["vote"] == second.pk
    unknown = _post(client, "voting:ballot_open_json", {"code": domain.new_code(), "lang": "en"})
    assert unknown.status_code == 409
    assert unknown.json()["message"] == "This code does not belong to an open vote."
