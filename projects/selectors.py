"""Reads for stages 1–2, filtered by the user's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.permissions import get_scope
from congress.selectors import townships_visible_to
from congress.worklist import STAFF, Task

from . import domain
from .models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    IntakeLink,
    PlanProject,
    Project,
    ProjectStatus,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
    SuggestionStatus,
)

# How many pre-filtered rows are scored for similarity at most: the newest ones sharing a
# bigram with the query. Keeps a lookup bounded however large the township's history grows.
SIMILAR_CANDIDATE_LIMIT = 400


def _triage_townships(user) -> QuerySet:
    scope = get_scope(user)
    qs = townships_visible_to(user)
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=scope.staff_townships)


def suggestions_for_staff(user) -> QuerySet[Suggestion]:
    """Suggestions with proposer data: staff of the township (and superusers) only."""
    return Suggestion.objects.filter(township__in=_triage_townships(user)).select_related(
        "township", "village", "deputy", "station", "project"
    )


def suggestion_for_staff(user, pk: int) -> Suggestion | None:
    return suggestions_for_staff(user).filter(pk=pk).first()


@dataclass
class TriageFilters:
    status: str = ""
    village: int | None = None
    channel: str = ""
    category: str = ""
    deputy: int | None = None
    search: str = ""


def triage_list(user, *, township, filters: TriageFilters) -> QuerySet[Suggestion]:
    qs = (
        suggestions_for_staff(user)
        .filter(township=township)
        .defer("tokens", "necessity", "reply", "content")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.deputy:
        qs = qs.filter(deputy_id=filters.deputy)
    if filters.search:
        term = filters.search
        code = domain.normalize_receipt_code(term)
        condition = Q(title__icontains=term) | Q(content__icontains=term)
        if code:
            condition |= Q(receipt_code=code)
        qs = qs.filter(condition)
    return qs.order_by("-created_at", "-id")


def suggestion_categories(township) -> list[str]:
    return list(
        Suggestion.objects.filter(township=township)
        .exclude(category="")
        .values_list("category", flat=True)
        .distinct()
        .order_by("category")[:50]
    )


def similar_suggestions(
    *,
    township_id: int,
    tokens: list[str],
    title: str = "",
    exclude_id: int | None = None,
    limit: int = 8,
) -> list[tuple[Suggestion, float]]:
    """Suggestions of the township similar to ``tokens``, best first, with their score.

    Pre-filter in PostgreSQL with the GIN index (``tokens && key tokens``), newest first,
    at most SIMILAR_CANDIDATE_LIMIT rows; score them in Python (domain.rank_similar, on the
    whole text and on the titles); then fetch the few winners. Two queries whatever the
    township's size.
    """
    title_tokens = domain.tokenize(title) if title else []
    keys = domain.key_tokens(tokens)
    if not keys:
        return []
    rows = Suggestion.objects.filter(township_id=township_id, tokens__overlap=keys)
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    rows = rows.order_by("-created_at", "-id").values_list("id", "tokens", "title")
    candidates = [
        (pid, row_tokens, domain.tokenize(row_title) if title_tokens else ())
        for pid, row_tokens, row_title in rows[:SIMILAR_CANDIDATE_LIMIT]
    ]
    ranked = domain.rank_similar(tokens, candidates, query_title=title_tokens, limit=limit)
    if not ranked:
        return []
    by_id = Suggestion.objects.select_related("village", "project").in_bulk(
        [pid for pid, _score in ranked]
    )
    return [(by_id[pid], score) for pid, score in ranked if pid in by_id]


def similar_projects(
    *, township_id: int, tokens: list[str], title: str = "", limit: int = 5
) -> list[tuple[Project, float]]:
    """Reserve projects a suggestion could be merged into, best first."""
    keys = domain.key_tokens(tokens)
    if not keys:
        return []
    title_tokens = domain.tokenize(title) if title else []
    rows = (
        Project.objects.filter(township_id=township_id, tokens__overlap=keys)
        .exclude(status=ProjectStatus.CANCELLED)
        .order_by("-created_at")
        .values_list("id", "tokens", "title")[:SIMILAR_CANDIDATE_LIMIT]
    )
    candidates = [
        (pid, row_tokens, domain.tokenize(row_title) if title_tokens else ())
        for pid, row_tokens, row_title in rows
    ]
    ranked = domain.rank_similar(
        tokens, candidates, query_title=title_tokens, limit=limit, threshold=0.2
    )
    by_id = Project.objects.in_bulk([pid for pid, _score in ranked])
    return [(by_id[pid], score) for pid, score in ranked if pid in by_id]


# ---------------------------------------------------------------------------------------------
# Reserve projects


def projects_visible_to(user) -> QuerySet[Project]:
    scope = get_scope(user)
    qs = Project.objects.select_related("township")
    if scope.is_superuser:
        return qs
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return qs.filter(Q(township_id__in=ids) | Q(township__county_id__in=scope.reviewer_counties))


def reserve_list(user, *, township, status: str = "", search: str = "") -> QuerySet[Project]:
    qs = (
        projects_visible_to(user)
        .filter(township=township)
        .defer("tokens")
        .annotate(n_suggestions=Count("suggestions", distinct=True))
        .prefetch_related("villages")
    )
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(content__icontains=search))
    return qs.order_by("-created_at", "-id")


@dataclass
class LineageStep:
    """One line of the lineage: what kind of step, when, and the object it shows."""

    kind: str  # "status", "decision", "candidate", "vote", "progress", "rating"
    at: datetime.datetime | None
    item: object


@dataclass
class Lineage:
    project: Project
    villages: list = field(default_factory=list)
    suggestions_count: int = 0
    status_changes: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    candidacies: list = field(default_factory=list)
    votes: list = field(default_factory=list)  # published vote results (CandidateResult)
    ratings: list = field(default_factory=list)  # published evaluations (EvaluationResult)
    progress: dict | None = None  # supervision's latest figures, when supervised

    @property
    def timeline(self) -> list[LineageStep]:
        """Every step in the order it happened. A candidate list counts from its lock; the
        implementation figures are the state today, so they come last."""
        steps = [LineageStep("status", c.at, c) for c in self.status_changes]
        steps += [LineageStep("decision", d.recorded_at, d) for d in self.decisions]
        steps += [LineageStep("candidate", c.candidate_list.locked_at, c) for c in self.candidacies]
        steps += [LineageStep("vote", v["vote"].published_at, v) for v in self.votes]
        steps += [LineageStep("rating", r["vote"].published_at, r) for r in self.ratings]
        dated = sorted(
            (s for s in steps if s.at is not None), key=lambda s: (s.at, _KIND_ORDER[s.kind])
        )
        undated = [s for s in steps if s.at is None]
        out = dated + undated
        if self.progress and self.progress.get("milestones_total"):
            out.append(LineageStep("progress", None, self.progress))
        return out


# Steps at the same moment: a vote's result before the status change it caused.
_KIND_ORDER = {"decision": 0, "candidate": 1, "vote": 2, "status": 3, "rating": 4}


def project_lineage(project: Project) -> Lineage:
    """Everything that happened to a project, without anyone's personal data: the status
    history, each round's decision and reason, and the candidate lists it stood on. Later
    stages (vote, progress, rating) add their steps here."""
    from voting.selectors import published_outcomes

    votes, ratings = published_outcomes(project)
    progress = None
    if project.status in ("implementing", "completed", "elected"):
        from supervision.selectors import project_evidence

        progress = project_evidence(project)
    return Lineage(
        votes=votes,
        ratings=ratings,
        progress=progress,
        project=project,
        villages=list(project.villages.all()),
        suggestions_count=project.suggestions.count(),
        status_changes=list(project.status_changes.order_by("at", "id")),
        decisions=list(
            ShortlistDecision.objects.filter(project=project)
            .select_related("round", "round__plan")
            .order_by("round__plan__year", "round__position")
        ),
        candidacies=list(
            Candidate.objects.filter(project=project)
            .select_related("candidate_list", "candidate_list__plan")
            .order_by("candidate_list__plan__year")
        ),
    )


def suggestion_by_receipt(code: str) -> Suggestion | None:
    normalized = domain.normalize_receipt_code(code)
    if normalized is None:
        return None
    return (
        Suggestion.objects.select_related("township", "village", "project", "deputy", "station")
        .filter(receipt_code=normalized)
        .first()
    )


def suggestions_by_receipts(codes: list[str]) -> list[Suggestion]:
    """The suggestions behind these receipt codes, in the order given (one query); unknown
    codes are skipped. Only what the public receipt page shows anyway: code and status."""
    if not codes:
        return []
    by_code = {
        s.receipt_code: s
        for s in Suggestion.objects.filter(receipt_code__in=codes).only(
            "pk", "receipt_code", "status"
        )
    }
    return [by_code[code] for code in codes if code in by_code]


def intake_link_by_token(token: str) -> IntakeLink | None:
    token = (token or "").strip().upper()
    return (
        IntakeLink.objects.select_related("township", "deputy", "station", "station__village")
        .filter(token=token, is_active=True)
        .first()
    )


def intake_links(township) -> QuerySet[IntakeLink]:
    return (
        IntakeLink.objects.filter(township=township)
        .select_related("deputy", "deputy__home_village", "station", "station__village")
        .order_by("station__name", "deputy__name", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Plans


def plans_visible_to(user) -> QuerySet[AnnualPlan]:
    scope = get_scope(user)
    qs = AnnualPlan.objects.select_related("township", "candidate_list")
    if scope.is_superuser:
        return qs
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return qs.filter(Q(township_id__in=ids) | Q(township__county_id__in=scope.reviewer_counties))


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
        township_id=plan.township_id,
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
    return Project.objects.filter(
        township_id=plan.township_id, status=ProjectStatus.RESERVE
    ).order_by("-created_at")


def rounds_of(plan: AnnualPlan) -> QuerySet[ShortlistRound]:
    return plan.rounds.order_by("position")


# ---------------------------------------------------------------------------------------------
# The home page's work list (composed with the other stages' in livelihood.worklist)


def _staff_township_ids(user) -> set[int] | None:
    """Townships whose staff work the user does; None: every township (a superuser)."""
    scope = get_scope(user)
    if scope.is_superuser:
        return None
    return set(scope.staff_townships)


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """Staff's shortlisting work: suggestions to review, rounds to decide, candidate lists to
    lock. At most five queries, however many suggestions, plans and projects there are."""
    ids = _staff_township_ids(user)
    if ids is not None and not ids:
        return []
    tasks: list[Task] = []

    suggestions = Suggestion.objects.filter(status=SuggestionStatus.RECEIVED)
    plans = AnnualPlan.objects.filter(year__gte=today.year).exclude(
        candidate_list__locked_at__isnull=False
    )
    if ids is not None:
        suggestions = suggestions.filter(township_id__in=ids)
        plans = plans.filter(township_id__in=ids)
    for row in (
        suggestions.values("township_id", "township__name")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by("township__name")
    ):
        url = reverse("projects:suggestion_list", args=[row["township_id"]])
        tasks.append(
            Task(
                section=STAFF,
                kind="triage",
                what=ngettext(
                    "Review %(n)s new suggestion",
                    "Review %(n)s new suggestions",
                    row["n"],
                )
                % {"n": row["n"]},
                where=_("%(township)s · waiting since %(date)s")
                % {
                    "township": row["township__name"],
                    "date": timezone.localtime(row["oldest"]).date().isoformat(),
                },
                url=f"{url}?status={SuggestionStatus.RECEIVED}",
                count=row["n"],
            )
        )

    plans = list(plans.select_related("township").order_by("year", "township__name"))
    if not plans:
        return tasks
    plan_ids = [p.pk for p in plans]
    rounds: dict[int, list[tuple[int, str]]] = {}
    for plan_id, position, name in (
        ShortlistRound.objects.filter(plan_id__in=plan_ids)
        .order_by("plan_id", "position")
        .values_list("plan_id", "position", "name")
    ):
        rounds.setdefault(plan_id, []).append((position, name))
    entered: dict[int, list[int]] = {}
    for plan_id, project_id in PlanProject.objects.filter(plan_id__in=plan_ids).values_list(
        "plan_id", "project_id"
    ):
        entered.setdefault(plan_id, []).append(project_id)
    decisions: dict[int, dict[int, dict[int, str]]] = {}
    for plan_id, position, project_id, decision in ShortlistDecision.objects.filter(
        round__plan_id__in=plan_ids
    ).values_list("round__plan_id", "round__position", "project_id", "decision"):
        decisions.setdefault(plan_id, {}).setdefault(position, {})[project_id] = decision

    for plan in plans:
        where = _("%(township)s · %(year)s plan") % {
            "township": plan.township.name,
            "year": plan.year,
        }
        if not entered.get(plan.pk):
            tasks.append(
                Task(
                    section=STAFF,
                    kind="plan_entries",
                    what=_("Put reserve projects forward for shortlisting"),
                    where=where,
                    url=reverse("projects:plan_detail", args=[plan.pk]),
                )
            )
            continue
        plan_rounds = rounds.get(plan.pk, [])
        by_index = {
            i: decisions.get(plan.pk, {}).get(position, {})
            for i, (position, _name) in enumerate(plan_rounds)
        }
        pending = None
        for i, (position, name) in enumerate(plan_rounds):
            pool = domain.round_pool(i, entered[plan.pk], by_index)
            undecided = [pid for pid in pool if pid not in by_index.get(i, {})]
            if undecided:
                pending = (position, name, len(undecided))
                break
        if pending is not None:
            position, name, n = pending
            tasks.append(
                Task(
                    section=STAFF,
                    kind="round",
                    what=ngettext(
                        "%(round)s: decide %(n)s project",
                        "%(round)s: decide %(n)s projects",
                        n,
                    )
                    % {"round": name, "n": n},
                    where=where,
                    url=reverse("projects:round_detail", args=[plan.pk, position]),
                    count=n,
                )
            )
        elif domain.advanced_by_last_round(len(plan_rounds), entered[plan.pk], by_index):
            tasks.append(
                Task(
                    section=STAFF,
                    kind="lock_candidates",
                    what=_("Check and lock the candidate list"),
                    where=where,
                    url=reverse("projects:candidate_list", args=[plan.pk]),
                )
            )
    return tasks
