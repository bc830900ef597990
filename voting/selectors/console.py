"""Reads for the console and a teller pair's batch page: a county plenary's check-in grouped by
delegation, the spare codes of the last printing, and what a batch's delegations returned
against what the pair has entered. Counts only, never what a ballot says."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, FilteredRelation, Q

from ..models import PaperEntry, Vote, VoteDelegationCount


@dataclass
class CheckinGroup:
    """One delegation's block of the check-in: its deputies on the roll in 姓氏笔画 order,
    with how many of them are checked in (实到) of those due (应到). ``delegation_id`` None
    holds the deputies in no delegation yet."""

    delegation_id: int | None
    name: str
    rows: list = field(default_factory=list)
    present: int = 0

    @property
    def due(self) -> int:
        return len(self.rows)


def checkin_by_delegation(session) -> list[CheckinGroup]:
    """A county congress session's roll grouped by delegation, in delegation order, deputies in
    stroke order inside: one query (each attendance row with its deputy, village and the
    deputy's delegation seat for the session's term), whatever the number of deputies."""
    from congress.models import Attendance, AttendanceStatus

    rows = (
        Attendance.objects.filter(session=session)
        .annotate(
            seat=FilteredRelation(
                "deputy__delegation_memberships",
                condition=Q(deputy__delegation_memberships__term_id=session.term_id),
            ),
            group_id=F("seat__delegation_id"),
            group_name=F("seat__delegation__name"),
            group_order=F("seat__delegation__order"),
        )
        .select_related("deputy", "deputy__home_village")
        .order_by(
            F("group_order").asc(nulls_last=True),
            F("group_id").asc(nulls_last=True),
            "deputy__name_sort_key",
            "deputy_id",
        )
    )
    groups: list[CheckinGroup] = []
    for row in rows:
        if not groups or groups[-1].delegation_id != row.group_id:
            groups.append(CheckinGroup(delegation_id=row.group_id, name=row.group_name or ""))
        group = groups[-1]
        group.rows.append(row)
        if row.status == AttendanceStatus.PRESENT:
            group.present += 1
    return groups


def codes_last_spares(vote: Vote, *, on_roll: int) -> int | None:
    """The spare codes of the vote's last printing: codes made minus the deputies on the roll
    (a printing makes one code per deputy on the roll plus the spares). None before the first
    printing. Never below 0 (deputies added to the roll since that printing)."""
    if not vote.codes_generated:
        return None
    return max(0, vote.codes_generated - on_roll)


@dataclass
class BatchReturns:
    """A teller pair's batch against its delegations' boxes: per delegation the paper ballots
    issued and returned (None: nothing recorded for it yet), their totals, and how many
    ballots each teller of the pair has entered."""

    rows: list
    issued: int
    returned: int
    recorded: bool
    entered: dict

    @property
    def all_recorded(self) -> bool:
        return all(row["recorded"] for row in self.rows)


def batch_returns(batch) -> BatchReturns:
    """Two queries: the batch's delegations with their counts for the vote, and the pair's
    entries counted per teller."""
    counts = {
        c.delegation_id: c
        for c in VoteDelegationCount.objects.filter(
            vote_id=batch.vote_id, delegation__in=batch.delegations.all()
        )
    }
    rows = []
    for delegation in batch.delegations.order_by("order", "id"):
        count = counts.get(delegation.pk)
        rows.append(
            {
                "delegation": delegation,
                "recorded": count is not None,
                "paper_issued": count.paper_issued if count else None,
                "paper_returned": count.paper_returned if count else None,
            }
        )
    entered = {"A": 0, "B": 0}
    for slot, n in (
        PaperEntry.objects.filter(vote_id=batch.vote_id, batch=batch)
        .values_list("slot")
        .annotate(n=Count("id"))
        .order_by()
    ):
        entered[slot] = n
    return BatchReturns(
        rows=rows,
        issued=sum(c.paper_issued for c in counts.values()),
        returned=sum(c.paper_returned for c in counts.values()),
        recorded=bool(counts),
        entered=entered,
    )
