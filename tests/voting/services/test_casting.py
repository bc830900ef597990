"""Casting through the services: a code casts exactly once, bad codes and marks are refused and
burn nothing, casting only while open."""

import pytest

from voting import domain, services
from voting.models import BallotCode, SealedBallot

from ..ceremony import open_with_ceremony
from .helpers import open_vote


def test_a_code_casts_exactly_once(vote_world):
    codes = open_vote(vote_world)
    receipt = services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert len(receipt.tracker) == 10
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="NNNN")
    assert exc.value.reason == "already_cast"
    assert SealedBallot.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("ABCDE", "typo"), ("", "typo")],
)
def test_bad_codes_are_refused(vote_world, typed, reason):
    open_vote(vote_world)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=typed, choices="YYNA")
    assert exc.value.reason == reason


def test_a_well_formed_code_of_another_vote_is_unknown(vote_world):
    open_vote(vote_world)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(
            vote_id=vote_world.vote.pk, typed_code=domain.new_code(), choices="YYNA"
        )
    assert exc.value.reason == "unknown"


def test_malformed_marks_do_not_burn_the_code(vote_world):
    codes = open_vote(vote_world)
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YY")
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert SealedBallot.objects.count() == 1


def test_casting_is_refused_before_opening_and_after_closing(vote_world):
    staff = vote_world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=vote_world.vote, spares=0)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert exc.value.reason == "not_open"
    open_with_ceremony(staff, vote_world.vote)
    services.vote_close(actor=staff, vote=vote_world.vote)
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[1], choices="YYNA")
    assert not BallotCode.objects.filter(vote=vote_world.vote).exists()  # burnt
