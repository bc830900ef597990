"""Secrecy in the database, the logs and the responses (architecture.md "The secret ballot").

These tests fail if a column, a log line or a response could link a deputy, a user, a
check-in or a code to a ballot's content."""

import logging

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from congress.models import AuditEvent
from voting import domain, services
from voting.models import Ballot, BallotCode, SealedBallot

from .ceremony import present_slips
from .services.helpers import open_vote

BALLOT_FIELDS = {"id", "vote", "choices", "status", "channel", "tracker"}


def test_ballot_rows_hold_no_person_no_code_and_no_time():
    fields = {f.name for f in Ballot._meta.get_fields() if not f.auto_created or f.concrete}
    assert fields == BALLOT_FIELDS
    assert isinstance(Ballot._meta.pk, models.UUIDField)  # random, not a sequence
    for f in Ballot._meta.get_fields():
        assert not isinstance(f, models.DateField | models.TimeField), f.name
        if f.is_relation and f.concrete:
            assert f.related_model._meta.label == "voting.Vote", f.name


def test_codes_are_linked_to_nothing_but_their_vote():
    fields = {f.name for f in BallotCode._meta.concrete_fields}
    assert fields == {"id", "vote", "code_hash", "used"}


def test_no_model_points_at_a_ballot_or_a_code():
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation:
                assert f.related_model not in (Ballot, BallotCode), f"{model.__name__}.{f.name}"


def test_ballots_are_never_listed_in_insertion_order(vote_world):
    """While the vote is open the box holds sealed blobs only; once the key holders open it,
    the physical order of the box is content order, whatever the casting order was; the
    default ordering is by content too."""
    codes = open_vote(vote_world)
    cast_order = ["NNNN", "YYYN", "AAAA", "YNNN", "NYYY", "YAAA"]
    for code, choices in zip(codes, cast_order, strict=False):
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=code, choices=choices)
    assert not Ballot.objects.exists()
    assert SealedBallot.objects.filter(vote=vote_world.vote).count() == len(cast_order)
    services.vote_close(actor=vote_world.users["staff"], vote=vote_world.vote)
    present_slips(vote_world.users["chief"], vote_world.vote)
    assert list(Ballot.objects.values_list("choices", flat=True)) == sorted(cast_order)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT choices FROM voting_ballot WHERE vote_id = %s ORDER BY ctid",
            [vote_world.vote.pk],
        )
        physical = [row[0] for row in cursor.fetchall()]
    assert physical == sorted(cast_order)


def test_codes_are_burnt_at_close(vote_world):
    codes = open_vote(vote_world)
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNN")
    services.vote_close(actor=vote_world.users["staff"], vote=vote_world.vote)
    assert not BallotCode.objects.filter(vote=vote_world.vote).exists()
    vote_world.vote.refresh_from_db()
    assert vote_world.vote.codes_used == 1


def test_casting_writes_no_audit_row_and_no_log_line(vote_world, client, caplog):
    codes = open_vote(vote_world)
    before = AuditEvent.objects.count()
    vote = vote_world.vote
    caplog.set_level(logging.DEBUG)
    response = client.post(
        reverse("voting:ballot_cast"),
        {"vote": vote.pk, "code": codes[0], "choices": "YYNA"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert SealedBallot.objects.filter(vote=vote).count() == 1
    assert AuditEvent.objects.count() == before
    logged = caplog.text
    for secret in (codes[0], domain.format_code(codes[0]), "10.1.2.3"):
        assert secret not in logged
    # a retried submission is answered "already cast" and still logs nothing revealing
    again = client.post(
        reverse("voting:ballot_cast"), {"vote": vote.pk, "code": codes[0], "choices": "NNNN"}
    )
    assert again.status_code == 409
    assert codes[0] not in caplog.text


def test_ballot_pages_set_no_session_and_are_not_cached(vote_world, client):
    codes = open_vote(vote_world)
    response = client.post(reverse("voting:ballot"), {"code": codes[0]})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert codes[0] not in response.request["PATH_INFO"]


def test_the_code_never_appears_in_a_url(vote_world, client):
    """Every link and form on the ballot pages uses POST bodies; the slips put the code in
    the fragment, which browsers never send."""
    codes = open_vote(vote_world)
    page = client.post(reverse("voting:ballot"), {"code": codes[0]}).content.decode()
    assert f"?code={codes[0]}" not in page and f"/{codes[0]}" not in page
    assert 'method="post"' in page


@pytest.mark.parametrize("role", ["staff", "reviewer", "superuser"])
def test_no_page_or_api_lists_individual_ballots_before_publication(vote_world, role):
    codes = open_vote(vote_world)
    receipt = services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    client = vote_world.client(role)
    console = client.get(reverse("voting:console", args=[vote_world.vote.pk]))
    body = console.content.decode()
    assert receipt.tracker not in body and "YYNA" not in body
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    carrying_marks = {
        name
        for name, component in schema["components"]["schemas"].items()
        if "choices" in component.get("properties", {})
    }
    # Only the cast *request* carries an electronic ballot's marks; no response ever returns
    # one. The paper schemas carry what a teller typed from an anonymous paper ballot, shown to
    # that teller pair and the scrutineers as on the paper pages (double entry and its check).
    assert carrying_marks <= {"Cast", "CastRequest", "PaperEntry", "PaperDecision", "PaperMarks"}
    paths = schema["paths"]
    for path, operations in paths.items():
        text = str(operations)
        if any(f"/{name}'" in text for name in ("PaperEntry", "PaperDecision", "PaperMarks")):
            assert "paper" in path, path
