"""Reads for the vote: scoped lists, the vote with its details, the live count, the tally
(one aggregate query over the stored ballots), the paper comparison and a project's
published outcomes."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from congress.permissions import get_scope

from .. import domain
from ..models import Ballot, BallotStatus, PaperDecision, PaperEntry, SealedBallot, Vote


def votes_visible_to(user) -> QuerySet[Vote]:
    """Votes of the townships (or county) in the user's scope."""
    scope = get_scope(user)
    qs = Vote.objects.select_related(
        "session", "session__term", "session__term__township", "session__term__county"
    )
    if scope.is_superuser:
        return qs
    township_ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        township_ids.add(scope.deputy_township_id)
    return qs.filter(
        Q(session__term__township_id__in=township_ids)
        | Q(session__term__county_id__in=scope.reviewer_counties)
        # A county plenary: the county congress's own roles (never a township's staff).
        | Q(
            session__term__township__isnull=True,
            session__term__county_id__in=scope.any_county_role,
        )
    )


def vote_with_details(pk: int) -> Vote | None:
    return (
        Vote.objects.select_related(
            "session__term__township__county", "session__term__county", "candidate_list__plan"
        )
        .prefetch_related("candidates", "officers")
        .filter(pk=pk)
        .first()
    )


def ballots_received(vote: Vote) -> int:
    """The live count on the console: how many, never what. A sealed vote's electronic
    ballots are sealed blobs until the box is opened at the count; then they are ballots."""
    received = Ballot.objects.filter(vote=vote).count()
    if vote.is_sealed and not vote.box_opened_at:
        received += SealedBallot.objects.filter(vote=vote).count()
    return received


def tally_from_database(vote: Vote, candidates: int) -> domain.Tally:
    """The count of every candidate in one aggregate query (no ballot leaves the database)."""
    counted = Q(status__in=[BallotStatus.VALID, BallotStatus.BLANK])
    annotations = {f"m{i}": Substr("choices", i + 1, 1) for i in range(candidates)}
    aggregates = {
        "returned": Count("id"),
        "valid": Count("id", filter=counted),
        "invalid": Count("id", filter=Q(status=BallotStatus.INVALID)),
        "blank": Count("id", filter=Q(status=BallotStatus.BLANK)),
    }
    for i in range(candidates):
        aggregates[f"y{i}"] = Count("id", filter=counted & Q(**{f"m{i}": domain.YES}))
        aggregates[f"n{i}"] = Count("id", filter=counted & Q(**{f"m{i}": domain.NO}))
    row = Ballot.objects.filter(vote=vote).annotate(**annotations).aggregate(**aggregates)
    yes = [row[f"y{i}"] for i in range(candidates)]
    no = [row[f"n{i}"] for i in range(candidates)]
    return domain.Tally(
        returned=row["returned"],
        valid=row["valid"],
        invalid=row["invalid"],
        blank=row["blank"],
        yes=yes,
        no=no,
        abstain=[row["valid"] - yes[i] - no[i] for i in range(candidates)],
    )


def paper_sequences(vote: Vote, batch=None) -> dict[str, list[tuple[str, str]]]:
    """The two tellers' sequences: the vote's single pair, or one batch's pair (a county
    plenary's paper entry split among teller pairs)."""
    out: dict[str, list[tuple[str, str]]] = {"A": [], "B": []}
    for slot, choices, status in (
        PaperEntry.objects.filter(vote=vote, batch=batch)
        .order_by("slot", "sequence")
        .values_list("slot", "choices", "status")
    ):
        out[slot].append((choices, status))
    return out


def paper_state(vote: Vote, batch=None) -> dict:
    """The comparison of the two tellers' entries, with the scrutineers' decisions (of the
    vote's single pair, or of one batch)."""
    sequences = paper_sequences(vote, batch)
    mismatches = domain.compare_entries(sequences["A"], sequences["B"])
    doubtful = set(
        PaperEntry.objects.filter(vote=vote, batch=batch, doubtful=True).values_list(
            "sequence", flat=True
        )
    )
    decisions = {
        d.sequence: d
        for d in PaperDecision.objects.filter(vote=vote, batch=batch).select_related("decided_by")
    }
    open_items = sorted(({m.sequence for m in mismatches} | doubtful) - set(decisions), key=int)
    return {
        "a": sequences["A"],
        "b": sequences["B"],
        "mismatches": mismatches,
        "doubtful": sorted(doubtful),
        "decisions": decisions,
        "open": open_items,
        "ready": bool(sequences["A"] or sequences["B"]) and not open_items,
        "complete": len(sequences["A"]) == len(sequences["B"]) and not open_items,
    }


def paper_batches(vote: Vote) -> list:
    """A county plenary's batches with their delegations and progress (how many ballots each
    teller entered, whether finished) — counts only, never what a ballot says."""
    from django.db.models import Count

    from ..models import PaperBatch

    return list(
        PaperBatch.objects.filter(vote=vote)
        .select_related("first_teller", "second_teller")
        .prefetch_related("delegations")
        .annotate(
            entered_a=Count("entries", filter=Q(entries__slot="A")),
            entered_b=Count("entries", filter=Q(entries__slot="B")),
        )
        .order_by("number")
    )


def batch_for_user(vote: Vote, user):
    """The batch whose pair the user belongs to, if any."""
    from ..models import PaperBatch

    if not user.is_authenticated:
        return None
    return (
        PaperBatch.objects.filter(vote=vote)
        .filter(Q(first_teller=user) | Q(second_teller=user))
        .order_by("number")
        .first()
    )


def published_outcomes(project) -> tuple[list, list]:
    """The project's results in published votes and evaluations, for the resident's lineage
    page: counts only, nothing about any ballot or person."""
    from ..models import CandidateResult, EvaluationResult, VoteStatus

    votes = []
    for cr in (
        CandidateResult.objects.filter(
            candidate__project=project, vote_result__vote__status=VoteStatus.PUBLISHED
        )
        .select_related("vote_result__vote", "candidate")
        .order_by("vote_result__vote__created_at")
    ):
        votes.append(
            {
                "vote": cr.vote_result.vote,
                "yes": cr.yes,
                "share": domain.yes_share(cr.yes, pass_base=cr.vote_result.pass_base_count),
                "elected": cr.elected,
            }
        )
    ratings = []
    for ev in (
        EvaluationResult.objects.filter(
            candidate__project=project, vote_result__vote__status=VoteStatus.PUBLISHED
        )
        .select_related("vote_result__vote")
        .order_by("vote_result__vote__created_at")
    ):
        ratings.append(
            {
                "vote": ev.vote_result.vote,
                "grade": ev.get_grade_display(),
                "rate": domain.percent_2dp(ev.satisfied, ev.vote_result.returned),
            }
        )
    return votes, ratings


def vote_delegations(vote: Vote) -> dict | None:
    """A county plenary's delegations on the console and the certificate: each delegation's
    roll (应到/实到/请假, congress's one aggregate query), what it was handed and gave back,
    and the totals — None for a township's vote. Nothing here ties a ballot to a
    delegation: electronic ballots are counted only overall."""
    from congress.models import Delegation
    from congress.selectors import session_headcount_by_delegation

    term = vote.session.term
    if term.township_id is not None:
        return None
    roll = session_headcount_by_delegation(vote.session)
    by_delegation = {line.delegation_id: line.headcount for line in roll.lines}
    counts = {row.delegation_id: row for row in vote.delegation_counts.all()}
    rows = []
    for delegation in (
        Delegation.objects.filter(term=term).select_related("head").order_by("order", "id")
    ):
        count = counts.get(delegation.pk)
        rows.append(
            {
                "delegation": delegation,
                "roll": by_delegation.get(delegation.pk),
                "slips_issued": count.slips_issued if count else 0,
                "paper_issued": count.paper_issued if count else 0,
                "paper_returned": count.paper_returned if count else 0,
                "recorded": count is not None,
            }
        )
    reconciliation = vote.delegation_reconciliation()
    flagged = set(reconciliation.flagged) if reconciliation else set()
    for row in rows:
        row["flagged"] = row["delegation"].name in flagged
    return {
        "rows": rows,
        "roll_total": roll.total,
        "unseated": by_delegation.get(None),
        "reconciliation": reconciliation,
    }
