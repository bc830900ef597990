"""Pure rules of the roll and the slips by delegation (代表团). No database."""

import pytest

from congress.domain import (
    DelegationSlips,
    Headcount,
    add_headcounts,
    headcount,
    headcount_by_group,
    headcount_from_counts,
    reconcile_by_delegation,
)


def test_headcount_by_group_and_total_agree_with_the_whole_roll():
    rows = [
        (1, "present"),
        (1, "present"),
        (1, "leave"),
        (2, "absent"),
        (2, "present"),
        (None, "present"),  # a deputy in no delegation yet is still on the roll
    ]
    groups = headcount_by_group(rows)
    assert list(groups) == [1, 2, None]  # first-seen order
    assert groups[1] == Headcount(due=3, present=2, on_leave=1, absent=0)
    assert groups[2] == Headcount(due=2, present=1, on_leave=0, absent=1)
    assert groups[None] == Headcount(due=1, present=1, on_leave=0, absent=0)
    total = add_headcounts(groups.values())
    assert total == headcount([status for _key, status in rows])
    assert total == Headcount(due=6, present=4, on_leave=1, absent=1)


def test_empty_roll_totals_zero():
    assert headcount_by_group([]) == {}
    assert add_headcounts([]) == Headcount(due=0, present=0, on_leave=0, absent=0)


def test_headcount_from_counts_derives_absent_and_refuses_impossible_counts():
    assert headcount_from_counts(due=30, present=27, on_leave=2) == Headcount(30, 27, 2, 1)
    assert headcount_from_counts(due=0, present=0, on_leave=0).absent == 0
    with pytest.raises(ValueError):
        headcount_from_counts(due=3, present=3, on_leave=1)
    with pytest.raises(ValueError):
        headcount_from_counts(due=3, present=-1, on_leave=0)


def test_reconciliation_balanced_with_a_kept_ballot():
    result = reconcile_by_delegation(
        [
            DelegationSlips("青石镇代表团", issued=30, returned=30, present=30),
            DelegationSlips("柳河乡代表团", issued=28, returned=27, present=28),
        ]
    )
    assert (result.issued, result.returned, result.unreturned) == (58, 57, 1)
    assert result.lines[1].unreturned == 1
    assert result.flagged == ()
    assert result.balanced  # a deputy who keeps the ballot does not unbalance the count


def test_reconciliation_flags_the_delegation_that_returned_more_than_issued():
    result = reconcile_by_delegation(
        [
            DelegationSlips("A", issued=30, returned=31),
            DelegationSlips("B", issued=30, returned=28),
        ]
    )
    # in total fewer came back than went out: only the per-delegation check sees A
    assert (result.issued, result.returned) == (60, 59)
    assert not result.over_returned
    assert result.flagged == ("A",)  # the per-delegation check finds what the total hides
    assert result.lines[0].over_returned and result.lines[0].unreturned == 0
    assert not result.balanced


def test_reconciliation_flags_more_issued_than_present():
    result = reconcile_by_delegation([DelegationSlips("A", issued=31, returned=30, present=30)])
    assert result.flagged == ("A",)
    assert result.lines[0].over_issued
    assert not result.balanced


def test_reconciliation_total_over_returned():
    result = reconcile_by_delegation(
        [DelegationSlips("A", issued=10, returned=12), DelegationSlips("B", issued=5, returned=5)]
    )
    assert result.over_returned and result.unreturned == 0
    assert result.flagged == ("A",)


def test_reconciliation_of_nothing_is_balanced():
    result = reconcile_by_delegation([])
    assert (result.issued, result.returned, result.flagged, result.balanced) == (0, 0, (), True)


def test_zero_issued_zero_returned_is_fine():
    result = reconcile_by_delegation([DelegationSlips("A", issued=0, returned=0, present=0)])
    assert result.balanced


@pytest.mark.parametrize(
    "lines",
    [
        [DelegationSlips("A", issued=-1, returned=0)],
        [DelegationSlips("A", issued=1, returned=-1)],
        [DelegationSlips("A", issued=1, returned=1, present=-2)],
        [DelegationSlips("A", issued=1, returned=1), DelegationSlips("A", issued=2, returned=2)],
    ],
)
def test_reconciliation_refuses_bad_input(lines):
    with pytest.raises(ValueError):
        reconcile_by_delegation(lines)
