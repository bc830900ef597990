"""The county plenary's reconciliation per delegation (代表团): pure, no database."""

import pytest

from voting.domain import DelegationIssue, reconcile_delegations


def _line(key, slips=0, paper=0, back=0, present=None):
    return DelegationIssue(
        key=key, slips_issued=slips, paper_issued=paper, paper_returned=back, present=present
    )


def test_totals_add_up_per_delegation():
    """发出 is slips plus paper, per delegation and overall; 收回 sums the paper returned."""
    rec = reconcile_delegations([_line("a", 30, 2, 2, 32), _line("b", 25, 5, 4, 30)])
    assert [line.issued for line in rec.lines] == [32, 30]
    assert (rec.slips_issued, rec.paper_issued, rec.paper_returned, rec.issued) == (55, 7, 6, 62)
    assert rec.balanced


def test_fewer_returned_than_issued_is_fine():
    """A deputy may keep the paper ballot: it is simply not cast."""
    rec = reconcile_delegations([_line("a", 0, 10, 9, 10)], returned=9, valid=9, invalid=0)
    assert rec.balanced and not rec.flagged


def test_returned_equal_to_issued_is_the_threshold():
    """Exactly as many back as handed out passes; one more is flagged for that delegation."""
    assert not _line("a", paper=5, back=5).over_returned
    rec = reconcile_delegations([_line("a", paper=5, back=6), _line("b", paper=5, back=5)])
    assert rec.flagged == ("a",)
    assert not rec.balanced


def test_more_handed_out_than_present_is_flagged():
    rec = reconcile_delegations(
        [_line("a", slips=31, present=30), _line("b", slips=30, present=30)]
    )
    assert rec.flagged == ("a",)


def test_the_whole_box_over_what_was_issued_is_flagged():
    """Overall, the box (electronic + paper) must not hold more than was issued (S2)."""
    rec = reconcile_delegations([_line("a", 10, 2, 2)], returned=13, valid=13, invalid=0)
    assert rec.over_returned and not rec.balanced
    assert not reconcile_delegations([_line("a", 10, 2, 2)], returned=12).over_returned


def test_valid_and_invalid_must_make_the_returned():
    rec = reconcile_delegations([_line("a", 10, 0, 0)], returned=10, valid=8, invalid=1)
    assert not rec.counts_agree and not rec.balanced
    assert reconcile_delegations([_line("a", 10)], returned=10, valid=9, invalid=1).balanced


def test_no_delegation_means_nothing_issued():
    rec = reconcile_delegations([])
    assert rec.issued == 0 and rec.balanced


@pytest.mark.parametrize(
    "lines",
    [
        [_line("a", slips=-1)],
        [_line("a", back=-1)],
        [_line("a"), _line("a")],
        [_line("a", present=-2)],
    ],
)
def test_caller_errors_raise(lines):
    with pytest.raises(ValueError):
        reconcile_delegations(lines)


def test_negative_overall_count_raises():
    with pytest.raises(ValueError):
        reconcile_delegations([], returned=-1)
