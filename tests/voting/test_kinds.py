"""The two kinds of ballot behind one interface (voting/kinds.py): each kind's marks and
validity, the keys a teller types, the tally and the stored result rows, the rows the pages
show; and the evaluation's typed rules (defaults in one place, validated, JSON both ways)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from voting import domain, services
from voting.domain import EvaluationRules, VoteRuleError
from voting.kinds import ProjectVote, SatisfactionEvaluation, kind_of
from voting.models import (
    Ballot,
    BallotChannel,
    CandidateResult,
    EvaluationResult,
    Vote,
    VoteCandidate,
    VoteStatus,
)


def _project_vote(mode="competitive", slots=2, blank="valid_abstain"):
    return Vote(kind="projects", mode=mode, slots=slots, blank_ballot_policy=blank)


def _evaluation(blank="valid_abstain", **rules):
    return Vote(
        kind="evaluation",
        mode="itemized",
        slots=2,
        blank_ballot_policy=blank,
        evaluation_rules=EvaluationRules(**rules).to_json(),
    )


# --- which kind -----------------------------------------------------------------------------


def test_kind_of_picks_the_vote_s_kind():
    assert isinstance(kind_of(_project_vote()), ProjectVote)
    assert isinstance(kind_of(_evaluation()), SatisfactionEvaluation)
    assert isinstance(_evaluation().ballot_kind, SatisfactionEvaluation)


# --- marks and validity ---------------------------------------------------------------------


def test_project_vote_marks_one_per_candidate():
    kind = kind_of(_project_vote())
    kind.validate("YNA-", candidates=4)
    kind.validate("Y?--", candidates=4)  # unreadable is a mark (B3)
    for bad in ("YNA", "YNA--", "YNSB"):
        with pytest.raises(VoteRuleError):
            kind.validate(bad, candidates=4)


@pytest.mark.parametrize(
    ("mode", "choices", "status"),
    [
        ("competitive", "YYN-", "valid"),
        ("competitive", "YYY-", "invalid"),  # B1: 3 approvals for 2 slots
        ("equal", "YYY-", "invalid"),
        ("itemized", "YYYY", "valid"),  # 逐项: no limit
        ("competitive", "----", "blank"),
    ],
)
def test_project_vote_status(mode, choices, status):
    kind = kind_of(_project_vote(mode=mode))
    assert kind.status(choices) == status
    assert kind.over_limit(choices) == (status == "invalid")


def test_blank_policy_is_shared_by_both_kinds():
    assert kind_of(_project_vote(blank="invalid")).status("---") == "invalid"
    assert kind_of(_evaluation(blank="invalid")).status("---") == "invalid"
    assert kind_of(_evaluation()).status("---") == "blank"


def test_evaluation_marks_follow_sub_items_and_the_abstain_rule():
    kind = kind_of(_evaluation(sub_items=("进度",)))
    assert kind.length(2) == 4  # two projects, then one sub-item each
    kind.validate("SBUS", candidates=2)
    with pytest.raises(VoteRuleError):
        kind.validate("SB", candidates=2)  # the sub-items are missing
    with pytest.raises(VoteRuleError):
        kind.validate("SBAS", candidates=2)  # 弃权 not allowed
    kind_of(_evaluation(allows_abstain=True, sub_items=("进度",))).validate("SBAS", candidates=2)
    with pytest.raises(VoteRuleError):
        kind.validate("YNYN", candidates=2)  # a project vote's marks


def test_an_evaluation_has_no_approval_limit():
    kind = kind_of(_evaluation())
    assert not kind.over_limit("SSSS")
    assert kind.status("SSSS") == "valid"


def test_invalid_marks_have_the_kind_s_length():
    assert kind_of(_project_vote()).invalid_marks(4) == "----"
    assert kind_of(_evaluation(sub_items=("进度", "质量"))).invalid_marks(2) == "-" * 6


def test_buttons_offered_on_the_ballot():
    assert [m for m, _label, _c in kind_of(_project_vote()).choices_offered()] == ["Y", "N", "A"]
    assert [m for m, _label, _c in kind_of(_evaluation()).choices_offered()] == ["S", "B", "U"]
    offered = kind_of(_evaluation(allows_abstain=True)).choices_offered()
    assert [m for m, _label, _c in offered] == ["S", "B", "U", "A"]


# --- paper keys -----------------------------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_project_vote_paper_keys(english):
    kind = kind_of(_project_vote())
    assert kind.parse_paper_keys("1 2 3 0", candidates=4) == ("YNA-", "", False)
    assert kind.parse_paper_keys("1290?", candidates=4) == ("YN?-", "", True)
    assert kind.parse_paper_keys("x", candidates=4) == ("----", "invalid", False)
    assert kind.parse_paper_keys("B?", candidates=4) == ("----", "", True)
    with pytest.raises(ValidationError) as caught:
        kind.parse_paper_keys("124", candidates=4)
    assert "(4)" in " ".join(caught.value.messages)
    with pytest.raises(ValidationError):
        kind.parse_paper_keys("1245", candidates=4)  # 4 is not a project vote's key


def test_evaluation_paper_keys_cover_sub_items_and_abstain_only_when_allowed(english):
    kind = kind_of(_evaluation(sub_items=("进度",)))
    assert kind.parse_paper_keys("1 2 3 9", candidates=2) == ("SBU?", "", False)
    assert kind.parse_paper_keys("X", candidates=2) == ("----", "invalid", False)
    with pytest.raises(ValidationError) as caught:
        kind.parse_paper_keys("1243", candidates=2)  # 4 弃权 is not allowed
    assert "(4)" in " ".join(caught.value.messages)
    allowed = kind_of(_evaluation(allows_abstain=True, sub_items=("进度",)))
    assert allowed.parse_paper_keys("1243", candidates=2) == ("SBAU", "", False)


def test_the_old_public_parsers_read_as_the_kinds_do():
    assert services.parse_paper_keys("120", candidates=3) == ("YN-", "", False)
    assert services.parse_evaluation_keys("14", projects=1, sub_items=1, allows_abstain=True) == (
        "SA",
        "",
        False,
    )
    with pytest.raises(ValidationError):
        services.parse_evaluation_keys("14", projects=1, sub_items=1, allows_abstain=False)


def test_paper_help_says_what_to_type(english):
    assert "(3)" in kind_of(_project_vote()).paper_help(3)
    assert "sub-item" in kind_of(_evaluation()).paper_help(3)


# --- typed rules ----------------------------------------------------------------------------


def test_evaluation_rules_defaults_are_in_one_place():
    rules = EvaluationRules.from_json({})
    assert rules == EvaluationRules()
    assert rules.allows_abstain is False
    assert rules.sub_items == ()
    assert rules.grade_base == "returned"
    assert rules.half_counts is True
    assert rules.rectify_on_basic and rules.report_on_unsatisfied and rules.low_rated_priority
    assert EvaluationRules.from_json(None) == EvaluationRules()


def test_evaluation_rules_round_trip_through_json():
    rules = EvaluationRules(allows_abstain=True, sub_items=["进度", "质量"], grade_base="valid")
    data = rules.to_json()
    assert data["sub_items"] == ["进度", "质量"]  # JSON-ready
    assert EvaluationRules.from_json(data) == rules
    assert rules.sub_items == ("进度", "质量")  # frozen and hashable
    assert EvaluationRules.from_json({"half_counts": False}).half_counts is False


@pytest.mark.parametrize(
    "data",
    [
        {"grade_base": "everyone"},
        {"half_counts": "yes"},
        {"sub_items": "进度"},
        {"sub_items": ["进度", "进度"]},
        {"sub_items": [""]},
        {"sub_items": ["长" * 33]},
        {"unknown_rule": True},
    ],
)
def test_evaluation_rules_are_validated(data):
    with pytest.raises(VoteRuleError) as caught:
        EvaluationRules.from_json(data)
    assert caught.value.code == "evaluation_rules"


def test_grade_and_base_come_from_the_rules():
    strict = EvaluationRules(half_counts=False, grade_base="valid")
    assert strict.grade(satisfied=14, basic=0, base=28) == "unsatisfied"
    assert EvaluationRules().grade(satisfied=14, basic=0, base=28) == "satisfied"
    assert strict.grade_base_count(returned=10, valid=8, present=9, in_office=12) == 8


# --- tally, stored results and the rows the pages show --------------------------------------


def _box(vote, ballots):
    Ballot.objects.bulk_create(
        Ballot(vote=vote, choices=c, status=s, channel=BallotChannel.PAPER) for c, s in ballots
    )


def _closed(vote):
    Vote.objects.filter(pk=vote.pk).update(status=VoteStatus.CLOSED)
    vote.refresh_from_db()
    return vote


def test_project_vote_tally_and_result_rows(vote_world):
    vote = vote_world.vote  # 4 candidates, 3 slots, 10 in office, 9 present
    kind = kind_of(vote)
    ballots = [("YYYN", "valid")] * 6 + [("YYN-", "valid")] * 2 + [("----", "blank")]
    _box(vote, ballots + [("YYYY", "invalid")])
    t = kind.tally(4)
    assert (t.returned, t.valid, t.invalid, t.blank) == (10, 9, 1, 1)
    assert t.yes == [8, 8, 6, 0]
    assert t.abstain[3] == 3  # two unmarked, one blank ballot
    # the database tally and the pure one agree
    pure = domain.tally(ballots + [("YYYY", "invalid")], candidates=4)
    assert (pure.yes, pure.no, pure.abstain) == (t.yes, t.no, t.abstain)
    services.vote_record_issued(
        actor=vote_world.users["staff"], vote=vote, slips_issued=0, paper_issued=10
    )
    vote.refresh_from_db()
    vote.paper_counted = True
    vote.save(update_fields=["paper_counted"])
    result = services.vote_count(actor=vote_world.users["staff"], vote=_closed(vote))
    stored = {
        cr.candidate.position: cr for cr in CandidateResult.objects.filter(vote_result=result)
    }
    assert [stored[p].elected for p in (1, 2, 3, 4)] == [True, True, True, False]
    assert stored[1].rank == 1 and stored[3].rank == 3
    rows = kind.results_context(result)["rows"]
    assert {row["cr"].candidate.position: row["share"] for row in rows}[1] == "80.0%"  # 8 of 10
    assert [cr.candidate.position for cr in kind.display_rows(result)] == [1, 2, 3, 4]


def _evaluation_vote(world, **rules):
    """An evaluation of two projects set up directly (the service needs a published vote)."""
    vote = Vote.objects.create(
        kind="evaluation",
        session=world.session,
        title="测评",
        mode="itemized",
        ballot_type="approval",
        slots=2,
        pass_base="in_office",
        quorum_numerator=2,
        quorum_denominator=3,
        tie_rule="revote",
        shortfall_rule="leave_empty",
        blank_ballot_policy="valid_abstain",
        trackers_enabled=False,
        code_salt="salt",
        evaluation_rules=EvaluationRules(**rules).to_json(),
    )
    for position, title in ((1, "东河村道路"), (2, "西岭村饮水")):
        VoteCandidate.objects.create(vote=vote, position=position, title=title)
    return vote


def test_evaluation_tally_grades_and_rows(vote_world):
    vote = _evaluation_vote(vote_world, sub_items=("进度",))
    kind = kind_of(vote)
    # project 1: 5 满意, 2 基本满意 of 8 returned; project 2: 3 满意, 2 基本满意, 2 不满意
    ballots = [("SBSS", "valid")] * 2 + [("SSSB", "valid")] * 3 + [("BUBU", "valid")] * 2
    _box(vote, ballots + [("----", "blank")])
    t = kind.tally(2)
    assert (t.returned, t.valid, t.blank) == (8, 8, 1)
    assert t.projects[0] == {"satisfied": 5, "basic": 2, "unsatisfied": 0, "abstain": 1}
    assert t.sub_items[1][0] == {"satisfied": 2, "basic": 3, "unsatisfied": 2, "abstain": 1}
    Vote.objects.filter(pk=vote.pk).update(slips_issued=0, paper_issued=8, paper_counted=True)
    vote.refresh_from_db()
    result = services.vote_count(actor=vote_world.users["staff"], vote=_closed(vote))
    assert result.pass_base_count == 8  # the rules' base: ballots returned
    grades = {
        ev.candidate.position: ev for ev in EvaluationResult.objects.filter(vote_result=result)
    }
    assert grades[1].grade == "satisfied" and grades[2].grade == "basic"
    assert grades[2].sub_items == {"进度": t.sub_items[1][0]}
    context = kind.results_context(result)
    by_project = {row["ev"].candidate.position: row for row in context["rows"]}
    assert by_project[1]["satisfied_rate"] == "62.50%"
    assert by_project[2]["both_rate"] == "62.50%"
    assert context["overall"] == ("50.00%", "75.00%")  # 8 and 12 of 16
    assert [ev.candidate.position for ev in kind.display_rows(result)] == [1, 2]


def test_each_kind_s_results_page_uses_its_own_table(vote_world):
    vote = _evaluation_vote(vote_world)
    _box(vote, [("SB", "valid")] * 3)
    Vote.objects.filter(pk=vote.pk).update(paper_issued=3, paper_counted=True)
    vote.refresh_from_db()
    services.vote_count(actor=vote_world.users["staff"], vote=_closed(vote))
    client = vote_world.client("staff")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("voting:results", args=[vote.pk])).content.decode()
    assert "Evaluation results" in html and "Satisfaction rate" in html
    assert "Approval rate" not in html
