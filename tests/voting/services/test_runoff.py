"""Run-offs and further votes through the services: a tie at the cutoff, a shortfall, the
presidium's decision."""

import pytest
from django.core.exceptions import ValidationError

from congress.models import AuditEvent, RuleSet
from voting import services

from .helpers import voted


def test_tie_at_the_cutoff_sets_up_a_runoff_among_the_tied(world):
    """P3: 4 candidates for 3 slots; the first has 9, the other three tie on 6. The first is
    elected; the three tied go to a run-off for the 2 remaining slots."""
    ballots = ["YYY-"] * 3 + ["YY-Y"] * 3 + ["Y-YY"] * 3 + ["----"]
    vote, result = voted(world, ballots)
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.yes for r in rows] == [9, 6, 6, 6]
    assert [r.elected for r in rows] == [True, False, False, False]
    assert [r.tied for r in rows] == [False, True, True, True]
    assert result.needs_runoff
    runoff = services.vote_create_runoff(actor=world.users["staff"], vote=vote)
    assert runoff.parent == vote and runoff.slots == 2 and runoff.mode == "competitive"
    assert [c.title for c in runoff.candidates.all()] == [r.candidate.title for r in rows[1:]]
    with pytest.raises(ValidationError):
        services.vote_create_runoff(actor=world.users["staff"], vote=vote)


def test_fewer_passing_than_slots_leaves_a_shortfall(world):
    """P4: with 10 in office a candidate needs 6; two of three slots are filled."""
    ballots = ["YYYN"] * 4 + ["YYNY"] * 4 + ["YN--"] * 2
    _vote, result = voted(world, ballots)
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.yes for r in rows] == [10, 8, 4, 4]
    assert [r.elected for r in rows] == [True, True, False, False]
    assert result.shortfall == 1 and not result.needs_runoff


def test_presidium_decides_a_tie_when_the_rules_say_so(world):
    RuleSet.objects.update_or_create(township=world.township, defaults={"tie_rule": "presidium"})
    ballots = ["YYY-"] * 3 + ["YY-Y"] * 3 + ["Y-YY"] * 3 + ["----"]
    vote, result = voted(world, ballots)
    assert services.followup_kind(vote) == "presidium"
    staff = world.users["staff"]
    with pytest.raises(ValidationError):  # two slots remain: choosing one is refused
        services.vote_resolve_tie(actor=staff, vote=vote, elected_positions=[2], reason="x")
    with pytest.raises(ValidationError):  # a reason is required
        services.vote_resolve_tie(actor=staff, vote=vote, elected_positions=[2, 3], reason="")
    services.vote_resolve_tie(
        actor=staff, vote=vote, elected_positions=[2, 3], reason="主席团会议研究决定"
    )
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.elected for r in rows] == [True, True, True, False]
    event = AuditEvent.objects.get(action="vote.presidium_tie")
    assert event.after == {"elected": [2, 3], "reason": "主席团会议研究决定"}


def test_shortfall_further_vote_among_the_rest(world):
    ballots = ["YYYN"] * 4 + ["YYNY"] * 4 + ["YN--"] * 2
    vote, result = voted(world, ballots)
    assert services.followup_kind(vote) == "further"
    child = services.vote_create_runoff(actor=world.users["staff"], vote=vote)
    assert child.slots == 1 and child.mode == "competitive"
    assert [c.title for c in child.candidates.all()] == ["镇区污水管网建设", "南塘村文化礼堂"]
