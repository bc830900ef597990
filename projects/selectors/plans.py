"""Plans: rounds, the funnel, entries and candidate lists."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from .. import domain
from ..models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    PlanProject,
    Project,
    ProjectStatus,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
    SuggestionStatus,
    body_fields,
)
from .reserve import body_scope_q


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    qs = AnnualPlan.objects.select_related("township", "county", "candidate_list")
    condition = body_scope_q(user)
    return qs if condition is None else qs.filter(condition)


def plan_rounds(plan: AnnualPlan) -> list[dict]:
    """Rounds with their decisions and the project pool, for the plan page and round page."""
    rounds = list(plan.rounds.order_by("position"))
    entered = list(plan.entries.values_list("project_id", flat=True))
    decisions_rows = list(
        ShortlistDecision.objects.filter(round__plan=plan).select_related("recorded_by")
    )
    index_of = {r.pk: i for i, r in enumerate(rounds)}
    decisions: dict[int, dict[int, str]] = {}
    rows_by_round: dict[int, dict[int, ShortlistDecision]] = {}
    for row in decisions_rows:
        i = index_of[row.round_id]
        decisions.setdefault(i, {})[row.project_id] = row.decision
        rows_by_round.setdefault(i, {})[row.project_id] = row
    projects = Project.objects.in_bulk(entered)
    out = []
    for i, rnd in enumerate(rounds):
        pool = domain.round_pool(i, entered, decisions)
        counts = {d: 0 for d in domain.DECISIONS}
        for pid in pool:
            d = decisions.get(i, {}).get(pid)
            if d:
                counts[d] += 1
        out.append(
            {
                "round": rnd,
                "index": i,
                "pool": [
                    {"project": projects[pid], "decision": rows_by_round.get(i, {}).get(pid)}
                    for pid in pool
                    if pid in projects
                ],
                "counts": counts,
                "undecided": len(pool) - sum(counts.values()),
            }
        )
    return out


def _collection_window(plan: AnnualPlan) -> tuple[datetime.date, datetime.date]:
    start = plan.collection_start or datetime.date(plan.year - 1, 1, 1)
    end = plan.collection_end or datetime.date(plan.year - 1, 12, 31)
    return start, end


def plan_funnel(plan: AnnualPlan) -> list[tuple[str, int]]:
    """suggestions → projects → proposed → candidates → elected, as counts.

    suggestions: received by the township in the plan's collection window; projects: the
    reserve projects those suggestions were merged into; proposed: projects that reached the
    last shortlisting round (the presidium's proposal); candidates: on the candidate list;
    elected: candidates the vote elected.
    """
    start, end = _collection_window(plan)
    window = Suggestion.objects.filter(
        **body_fields(plan.body),
        created_at__date__gte=start,
        created_at__date__lte=end,
    ).aggregate(
        n=Count("id"),
        projects=Count("project", distinct=True, filter=Q(status=SuggestionStatus.MERGED)),
    )
    rounds = plan_rounds_light(plan)
    candidates = Candidate.objects.filter(candidate_list__plan=plan).aggregate(
        n=Count("id"),
        elected=Count(
            "id",
            filter=Q(
                project__status__in=[
                    ProjectStatus.ELECTED,
                    ProjectStatus.IMPLEMENTING,
                    ProjectStatus.COMPLETED,
                ]
            ),
        ),
    )
    return domain.funnel(
        suggestions=window["n"],
        projects=window["projects"],
        proposed=rounds,
        candidates=candidates["n"],
        elected=candidates["elected"],
    )


def plan_rounds_light(plan: AnnualPlan) -> int:
    """How many projects reached the plan's last round."""
    n_rounds = plan.rounds.count()
    entered = list(plan.entries.values_list("project_id", flat=True))
    if n_rounds <= 1:
        return len(entered)
    decisions: dict[int, dict[int, str]] = {}
    for position, pid, decision in ShortlistDecision.objects.filter(
        round__plan=plan, round__position=n_rounds - 2
    ).values_list("round__position", "project_id", "decision"):
        decisions.setdefault(position, {})[pid] = decision
    return len(domain.round_pool(n_rounds - 1, entered, decisions))


def candidate_rows(candidate_list: CandidateList) -> QuerySet[Candidate]:
    return candidate_list.candidates.select_related("project").prefetch_related(
        Prefetch("project__villages")
    )


def plan_entries(plan: AnnualPlan) -> QuerySet[PlanProject]:
    return plan.entries.select_related("project")


def reserve_for_plan(plan: AnnualPlan) -> QuerySet[Project]:
    """Reserve projects that can be put forward in the plan."""
    return Project.objects.filter(**body_fields(plan.body), status=ProjectStatus.RESERVE).order_by(
        "-created_at"
    )


def rounds_of(plan: AnnualPlan) -> QuerySet[ShortlistRound]:
    return plan.rounds.order_by("position")
