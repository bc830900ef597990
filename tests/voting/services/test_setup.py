"""The vote's set-up through its services: rules and candidates copied, refusals, codes stored as
hashes, quorum."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import RuleSet
from voting import domain, services
from voting.models import BallotCode, Vote

from ..conftest import check_in, make_candidate_list


def test_setup_copies_rules_and_candidates(vote_world):
    vote = vote_world.vote
    assert (vote.mode, vote.slots, vote.pass_base) == ("competitive", 3, "in_office")
    assert [c.title for c in vote.candidates.all()][0] == "东河村道路路灯安装"
    RuleSet.objects.update_or_create(
        township=vote_world.township, defaults={"pass_base": "present"}
    )
    vote.refresh_from_db()
    assert vote.pass_base == "in_office"  # later rule edits never change a set-up vote


def test_competitive_vote_with_too_few_candidates_is_refused(world):
    check_in(world, 3)
    clist = make_candidate_list(world.township, titles=["甲", "乙", "丙"], slots=3)
    with pytest.raises(ValidationError) as exc:
        services.vote_create(
            actor=world.users["staff"], session=world.session, candidate_list=clist
        )
    assert "差额" in " ".join(exc.value.messages)
    assert not Vote.objects.exists()


def test_unlocked_list_is_refused(world):
    clist = make_candidate_list(world.township)
    clist.locked_at = None
    clist.save()
    with pytest.raises(ValidationError):
        services.vote_create(
            actor=world.users["staff"], session=world.session, candidate_list=clist
        )


def test_other_township_staff_cannot_set_up(vote_world):
    with pytest.raises(PermissionDenied):
        services.vote_create(
            actor=vote_world.users["staff_other"],
            session=vote_world.session,
            candidate_list=vote_world.vote.candidate_list,
        )


def test_codes_are_stored_only_as_hashes(vote_world):
    codes = services.vote_generate_codes(
        actor=vote_world.users["staff"], vote=vote_world.vote, spares=5
    )
    assert len(codes) == 15 and len(set(codes)) == 15  # 10 on the roll + 5 spares
    stored = set(BallotCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(codes)
    assert {domain.code_hash(c, salt=vote_world.vote.code_salt) for c in codes} == stored


def test_vote_cannot_open_without_quorum(world):
    check_in(world, 6, total=10)  # 6 of 10 < 2/3
    clist = make_candidate_list(world.township)
    vote = services.vote_create(
        actor=world.users["staff"], session=world.session, candidate_list=clist
    )
    services.vote_generate_codes(actor=world.users["staff"], vote=vote, spares=0)
    with pytest.raises(ValidationError) as exc:
        services.vote_open(actor=world.users["staff"], vote=vote)
    assert "6" in exc.value.messages[0]
