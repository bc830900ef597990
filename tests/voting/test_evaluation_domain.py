"""E1–E3 at every boundary, without a database."""

import pytest

from voting import domain as d


@pytest.mark.parametrize(
    ("satisfied", "basic", "base", "half_counts", "grade"),
    [
        (14, 0, 28, True, "satisfied"),  # exactly half counts when configured so
        (14, 0, 28, False, "unsatisfied"),  # exactly half does not count when so configured
        (14, 1, 28, False, "basic"),  # 15 of 28 > half
        (15, 0, 28, False, "satisfied"),
        (13, 1, 28, True, "basic"),  # 满意 + 基本满意 = exactly half
        (13, 1, 28, False, "unsatisfied"),
        (0, 0, 28, True, "unsatisfied"),  # all abstain: nobody satisfied
        (0, 0, 0, True, None),  # zero ballots: no grade
        (1, 0, 1, False, "satisfied"),
        (25, 3, 28, True, "satisfied"),
    ],
)
def test_grade_boundaries(satisfied, basic, base, half_counts, grade):
    assert (
        d.evaluation_grade(satisfied=satisfied, basic=basic, base=base, half_counts=half_counts)
        == grade
    )


def test_rates_have_two_decimals():
    assert d.percent_2dp(25, 28) == "89.29%"  # E3's example
    assert d.percent_2dp(0, 0) == "—"


def test_tally_counts_grades_sub_items_and_abstentions():
    ballots = [
        ("SB" + "SB" + "UU", "valid"),  # 2 projects, 2 sub-items each
        ("BU" + "--" + "S?", "valid"),
        ("----" + "--", "blank"),
        ("SSSSSS", "invalid"),
        ("AS" + "SS" + "SS", "valid"),
    ]
    t = d.tally_evaluation(ballots, projects=2, sub_items=2)
    assert (t.returned, t.valid, t.invalid, t.blank) == (5, 4, 1, 1)
    assert t.projects[0] == {"satisfied": 1, "basic": 1, "unsatisfied": 0, "abstain": 2}
    assert t.projects[1] == {"satisfied": 1, "basic": 1, "unsatisfied": 1, "abstain": 1}
    # project 1's sub-items are the characters at 2+0*2 and 2+0*2+1
    assert t.sub_items[0][0] == {"satisfied": 2, "basic": 0, "unsatisfied": 0, "abstain": 2}
    assert t.sub_items[1][1] == {"satisfied": 1, "basic": 0, "unsatisfied": 1, "abstain": 2}


def test_overall_rates():
    projects = [
        {"satisfied": 25, "basic": 2, "unsatisfied": 1, "abstain": 0},
        {"satisfied": 20, "basic": 5, "unsatisfied": 3, "abstain": 0},
    ]
    assert d.overall_rates(projects, returned=28) == ("80.36%", "92.86%")


def test_marks_are_validated_with_the_abstain_rule():
    d.validate_evaluation_marks("SBU", projects=3, sub_items=0, allows_abstain=False)
    with pytest.raises(d.VoteRuleError):
        d.validate_evaluation_marks("SBA", projects=3, sub_items=0, allows_abstain=False)
    d.validate_evaluation_marks("SBA", projects=3, sub_items=0, allows_abstain=True)
    with pytest.raises(d.VoteRuleError):
        d.validate_evaluation_marks("SB", projects=3, sub_items=0, allows_abstain=True)
    with pytest.raises(d.VoteRuleError):
        d.validate_evaluation_marks("SBY", projects=3, sub_items=0, allows_abstain=True)


def test_blank_evaluation_ballot_follows_the_blank_policy():
    assert d.evaluation_ballot_status("---", blank_policy="valid_abstain") == "blank"
    assert d.evaluation_ballot_status("---", blank_policy="invalid") == "invalid"
    assert d.evaluation_ballot_status("S--", blank_policy="invalid") == "valid"
