"""The voting API: casting by code exactly once, results scoped until published."""

from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from voting import services
from voting.models import Ballot, SealedBallot

from .ceremony import open_box_and_count
from .services.helpers import open_vote


def test_cast_by_code_once_then_409(vote_world):
    codes = open_vote(vote_world)
    client = APIClient()  # no login: the code is the credential
    url = reverse("api:cast-list")
    data = {"vote": vote_world.vote.pk, "code": codes[0], "choices": "YYNA"}
    first = client.post(url, data, format="json")
    assert first.status_code == 201 and len(first.json()["tracker"]) == 10
    again = client.post(url, data, format="json")
    assert again.status_code == 409 and again.json()["reason"] == "already_cast"
    too_many = client.post(url, {**data, "code": codes[1], "choices": "YYYY"}, format="json")
    assert too_many.status_code == 400 and too_many.json()["reason"] == "too_many"
    typo = client.post(url, {**data, "code": "ABC"}, format="json")
    assert typo.status_code == 400 and typo.json()["reason"] == "typo"
    junk = client.post(url, {"vote": "x", "code": 5, "choices": "<script>"}, format="json")
    assert junk.status_code == 400
    assert SealedBallot.objects.count() == 1 and not Ballot.objects.exists()  # sealed


def test_vote_list_is_scoped_and_never_shows_content(vote_world):
    codes = open_vote(vote_world)
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    staff = APIClient()
    staff.force_authenticate(vote_world.users["staff"])
    rows = staff.get(reverse("api:vote-list")).json()["results"]
    assert [r["ballots_received"] for r in rows] == [1]
    assert "YYNA" not in str(rows)
    other = APIClient()
    other.force_authenticate(vote_world.users["staff_other"])
    assert other.get(reverse("api:vote-list")).json()["results"] == []


def test_results_hidden_until_counted_public_once_published(vote_world):
    w = vote_world
    codes = open_vote(w)
    for code in codes[:7]:
        services.ballot_cast(vote_id=w.vote.pk, typed_code=code, choices="YYNA")
    url = reverse("api:result-detail", args=[w.vote.pk])
    assert APIClient().get(url).status_code == 404  # open: nothing to show
    services.vote_close(actor=w.users["staff"], vote=w.vote)
    open_box_and_count(w.users["staff"], w.vote)
    assert APIClient().get(url).status_code == 404  # counted, not yet published
    reviewer = APIClient()
    reviewer.force_authenticate(w.users["reviewer"])
    assert reviewer.get(url).status_code == 200
    far = APIClient()
    far.force_authenticate(w.users["reviewer_other"])
    assert far.get(url).status_code == 404
    services.vote_certify(actor=w.users["chief"], vote=w.vote)
    services.vote_publish(actor=w.users["staff"], vote=w.vote)
    body = APIClient().get(url).json()
    assert body["returned"] == 7 and [c["yes"] for c in body["candidates"]] == [7, 7, 0, 0]
    # 票决率 is on the pass base (the 10 deputies in office), not the 7 valid ballots
    assert body["candidates"][0]["share"] == "70.0%"


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/cast/" in text and "/api/v1/results/{vote_id}/" in text


def test_vote_list_queries_do_not_grow_with_votes(vote_world):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .conftest import make_candidate_list

    def count():
        client = APIClient()
        client.force_authenticate(get_user_model().objects.get(username="staff_a"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("api:vote-list")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for year in (2031, 2032, 2033):
        services.vote_create(
            actor=vote_world.users["staff"],
            session=vote_world.session,
            candidate_list=make_candidate_list(vote_world.township, year=year),
        )
    assert count() == few
