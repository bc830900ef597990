"""Reads for reports and dashboards. Dashboards read stored results (VoteResult /
CandidateResult) and aggregates, never ballots, and run a constant number of queries
whatever the number of townships, years or projects."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from congress.models import County, Township
from congress.permissions import get_scope
from projects.models import AnnualPlan, Candidate, Project, Suggestion
from voting.models import ELECTED_RESULT, CandidateResult, VoteStatus

from . import domain
from .models import Report, ReportKind

# ---------------------------------------------------------------------------------------------
# Scope


def counties_for_dashboard(user) -> QuerySet[County]:
    """Reviewers see their counties (read-only); superusers all."""
    scope = get_scope(user)
    if scope.is_superuser:
        return County.objects.all()
    return County.objects.filter(pk__in=scope.reviewer_counties)


def townships_for_dashboard(user) -> QuerySet[Township]:
    """Staff of the township, reviewers of its county, superusers."""
    scope = get_scope(user)
    qs = Township.objects.select_related("county")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(pk__in=scope.staff_townships) | Q(county_id__in=scope.reviewer_counties))


def reports_visible_to(user) -> QuerySet[Report]:
    """Township reports: staff of the township and reviewers of the county; county roll-ups:
    reviewers of the county. Superusers see all."""
    scope = get_scope(user)
    qs = Report.objects.select_related("township", "county", "requested_by")
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(kind=ReportKind.TOWNSHIP, township_id__in=scope.staff_townships)
        | Q(county_id__in=scope.reviewer_counties)
    )


# ---------------------------------------------------------------------------------------------
# Optional later stages: supervision and the satisfaction evaluation. Looked up at call time so
# reports keep working (showing "—") while those apps are being built.


def _optional(module: str, name: str):
    try:
        if importlib.util.find_spec(module) is None:
            return None
        return getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None


def project_evidence(project) -> dict | None:
    """supervision.selectors.project_evidence(project) when supervision has landed."""
    fn = _optional("supervision.selectors", "project_evidence")
    if fn is None:
        return None
    try:
        return fn(project)
    except Exception:  # noqa: BLE001 - a half-built stage must not break a report
        return None


def satisfaction_for(project) -> dict | None:
    """voting.selectors.project_satisfaction(project) when the evaluation has landed."""
    fn = _optional("voting.selectors", "project_satisfaction")
    if fn is None:
        return None
    try:
        return fn(project)
    except Exception:  # noqa: BLE001
        return None


# ---------------------------------------------------------------------------------------------
# Figures per annual plan (one township, one year), in one query


ELECTED = ELECTED_RESULT  # voting/models.py: elected by a published project vote


def _count(qs) -> Coalesce:
    """COUNT(*) of a correlated queryset as a scalar subquery (0 when empty)."""
    return Coalesce(
        Subquery(
            qs.order_by()
            .annotate(_one=Value(1, output_field=IntegerField()))
            .values("_one")
            .annotate(c=Count("pk"))
            .values("c")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _make_date(year_expr, month: int, day: int) -> Func:
    return Func(year_expr, Value(month), Value(day), function="make_date", output_field=DateField())


def plan_figures(plans: QuerySet[AnnualPlan]) -> QuerySet[AnnualPlan]:
    """Annotate plans with suggestions (received in the plan's collection window, by default
    the year before), candidates, elected (published results) and the elected projects'
    investment (万元) — correlated subqueries, one SQL statement for any number of plans."""
    suggestions = Suggestion.objects.filter(
        township_id=OuterRef("township_id"),
        created_at__date__gte=OuterRef("window_start"),
        created_at__date__lte=OuterRef("window_end"),
    )
    candidates = Candidate.objects.filter(candidate_list__plan_id=OuterRef("pk"))
    elected = CandidateResult.objects.filter(
        ELECTED, vote_result__vote__candidate_list__plan_id=OuterRef("pk")
    )
    investment = Subquery(
        elected.order_by()
        .annotate(_one=Value(1, output_field=IntegerField()))
        .values("_one")
        .annotate(s=Sum("candidate__investment"))
        .values("s")[:1],
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    qs = plans.annotate(
        window_start=Coalesce(
            F("collection_start"), _make_date(F("year") - 1, 1, 1), output_field=DateField()
        ),
        window_end=Coalesce(
            F("collection_end"), _make_date(F("year") - 1, 12, 31), output_field=DateField()
        ),
    ).annotate(
        n_suggestions=_count(suggestions),
        n_candidates=_count(candidates),
        n_elected=_count(elected),
        investment=Coalesce(
            investment,
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
    )
    qs = _with_satisfaction(qs)
    return qs.select_related("township", "township__county")


def _evaluation_model():
    """voting.EvaluationResult once the satisfaction evaluation has landed, else None."""
    try:
        from voting.models import EvaluationResult
    except ImportError:
        return None
    return EvaluationResult


def _with_satisfaction(qs):
    """满意 votes and ballots returned over the plan's published evaluations (E3: the overall
    满意率 is their ratio), or no annotation while the evaluation is not built."""
    model = _evaluation_model()
    if model is None:
        return qs
    rows = model.objects.filter(
        vote_result__vote__plan_id=OuterRef("pk"),
        vote_result__vote__status=VoteStatus.PUBLISHED,
    ).order_by()
    total = rows.annotate(_one=Value(1, output_field=IntegerField())).values("_one")
    return qs.annotate(
        eval_satisfied=Subquery(
            total.annotate(s=Sum("satisfied")).values("s")[:1], output_field=IntegerField()
        ),
        eval_basic=Subquery(
            total.annotate(s=Sum("basic")).values("s")[:1], output_field=IntegerField()
        ),
        eval_returned=Subquery(
            total.annotate(s=Sum("vote_result__returned")).values("s")[:1],
            output_field=IntegerField(),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Dashboard rows


@dataclass
class Figures:
    """The indicators of one township and year (or a total). None means "not available"
    (shown as —): no plan that year, or a later stage not yet built / recorded."""

    suggestions: int | None = None
    candidates: int | None = None
    elected: int | None = None
    investment: Decimal | None = None
    percent_complete: Decimal | None = None
    on_time_rate: Decimal | None = None
    budget_execution: Decimal | None = None
    handover_closure: Decimal | None = None
    overdue: int | None = None
    satisfaction: Decimal | None = None
    satisfied: int | None = None
    returned: int | None = None
    has_plan: bool = False

    def add(self, other: Figures) -> None:
        for name in ("suggestions", "candidates", "elected", "satisfied", "returned"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None:
                setattr(self, name, (mine or 0) + theirs)
        if other.investment is not None:
            self.investment = (self.investment or Decimal("0")) + other.investment
        if other.overdue is not None:
            self.overdue = (self.overdue or 0) + other.overdue
        self.has_plan = self.has_plan or other.has_plan
        self.satisfaction = domain.rate(self.satisfied, self.returned)


def figures_of(plan) -> Figures:
    satisfied = getattr(plan, "eval_satisfied", None)
    returned = getattr(plan, "eval_returned", None)
    return Figures(
        suggestions=plan.n_suggestions,
        candidates=plan.n_candidates,
        elected=plan.n_elected,
        investment=plan.investment,
        satisfied=satisfied,
        returned=returned,
        satisfaction=domain.rate(satisfied, returned),
        has_plan=True,
    )


@dataclass
class TownshipRow:
    township: Township
    figures: Figures
    plan: AnnualPlan | None = None


@dataclass
class CountyDashboard:
    county: County
    year: int
    years: list[int]
    rows: list[TownshipRow]
    total: Figures
    trend: list[tuple[int, Figures]] = field(default_factory=list)
    supervision: bool = False

    @property
    def funnel(self) -> list[tuple[str, int]]:
        t = self.total
        return [
            ("suggestions", t.suggestions or 0),
            ("candidates", t.candidates or 0),
            ("elected", t.elected or 0),
        ]


def county_dashboard(county: County, year: int) -> CountyDashboard:
    """Every township of the county with its figures for ``year``, the county's trend over
    all plan years and the funnel — three queries whatever the county's size."""
    townships = list(Township.objects.filter(county=county).order_by("code"))
    plans = list(plan_figures(AnnualPlan.objects.filter(township__county=county)).order_by())
    by_township = {p.township_id: p for p in plans if p.year == year}
    rows = []
    total = Figures()
    for township in townships:
        plan = by_township.get(township.pk)
        figures = figures_of(plan) if plan else Figures()
        rows.append(TownshipRow(township=township, figures=figures, plan=plan))
        total.add(figures)
    trend: dict[int, Figures] = {}
    for plan in plans:
        trend.setdefault(plan.year, Figures()).add(figures_of(plan))
    supervision = _add_supervision(rows, total, county=county, year=year)
    return CountyDashboard(
        county=county,
        year=year,
        years=sorted(trend),
        rows=rows,
        total=total,
        trend=sorted(trend.items()),
        supervision=supervision,
    )


@dataclass
class ProjectRow:
    project: Project | None
    title: str
    investment: Decimal | None
    yes: int
    yes_rate: Decimal | None
    vote_id: int
    evidence: dict | None = None
    satisfaction: dict | None = None
    milestones: list = field(default_factory=list)


@dataclass
class TownshipDashboard:
    township: Township
    year: int
    years: list[int]
    figures: Figures
    trend: list[tuple[int, Figures]]
    projects: list[ProjectRow]
    plan: AnnualPlan | None
    supervision: bool = False


def elected_rows(*, township_id: int, year: int) -> list[ProjectRow]:
    """Elected projects of a township's plan, from the stored (published) results."""
    results = (
        CandidateResult.objects.filter(
            ELECTED,
            vote_result__vote__candidate_list__plan__township_id=township_id,
            vote_result__vote__candidate_list__plan__year=year,
        )
        .select_related("candidate", "candidate__project", "vote_result")
        .order_by("candidate__vote_id", "candidate__position")
    )
    rows = []
    for cr in results:
        base = cr.vote_result.pass_base_count
        rows.append(
            ProjectRow(
                project=cr.candidate.project,
                title=cr.candidate.title,
                investment=cr.candidate.investment,
                yes=cr.yes,
                yes_rate=domain.rate(cr.yes, base),
                vote_id=cr.vote_result.vote_id,
            )
        )
    _add_satisfaction(rows)
    return rows


def satisfaction_rows(project_ids: list[int]) -> dict[int, dict]:
    """The published satisfaction result of each project, in one query."""
    model = _evaluation_model()
    if model is None or not project_ids:
        return {}
    found = {}
    for ev in (
        model.objects.filter(
            candidate__project_id__in=project_ids,
            vote_result__vote__status=VoteStatus.PUBLISHED,
        )
        .select_related("vote_result", "candidate")
        .order_by("vote_result__vote_id")
    ):
        returned = ev.vote_result.returned
        found[ev.candidate.project_id] = {
            "grade": ev.get_grade_display() if ev.grade else "",
            "grade_code": ev.grade,
            "satisfied": ev.satisfied,
            "basic": ev.basic,
            "unsatisfied": ev.unsatisfied,
            "returned": returned,
            "rate": domain.rate(ev.satisfied, returned),
            "rate_basic": domain.rate(ev.satisfied + ev.basic, returned),
        }
    return found


def _add_satisfaction(rows: list[ProjectRow]) -> None:
    found = satisfaction_rows([r.project.pk for r in rows if r.project is not None])
    for row in rows:
        if row.project is not None:
            row.satisfaction = found.get(row.project.pk)


def _supervision_models():
    try:
        from supervision import models as sm
    except ImportError:
        return None
    needed = ("ImplementationPlan", "ProgressReport", "Milestone", "LedgerItem", "Inspection")
    return sm if all(hasattr(sm, n) for n in needed) else None


def evidence_rows(projects: list, *, today: datetime.date | None = None) -> dict:
    """Supervision figures for many projects in five aggregate queries (never one call per
    project): the keys of supervision.selectors.project_evidence. Empty while supervision is
    not built."""
    sm = _supervision_models()
    if sm is None or not projects:
        return {}
    from django.db.models import Max
    from django.utils import timezone

    today = today or timezone.localdate()
    ids = [p.pk for p in projects]
    plans = {
        row["project_id"]: row
        for row in sm.ImplementationPlan.objects.filter(project_id__in=ids).values(
            "project_id", "budget", "deadline"
        )
    }
    latest = {
        row["project_id"]: row
        for row in sm.ProgressReport.objects.filter(project_id__in=ids)
        .order_by("project_id", "-reported_on", "-id")
        .distinct("project_id")
        .values("project_id", "percent_complete", "invested", "expected_completion", "reported_on")
    }
    milestones = {
        row["plan__project_id"]: row
        for row in sm.Milestone.objects.filter(plan__project_id__in=ids)
        .order_by()
        .values("plan__project_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_on__isnull=False)),
            completed_on=Max("done_on", filter=Q(kind="completion")),
        )
    }
    open_statuses = ["recorded", "handed_over", "answered", "reopened"]
    awaiting = ["handed_over", "reopened"]
    ledger = {
        row["project_id"]: row
        for row in sm.LedgerItem.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status="closed")),
            answered=Count("pk", filter=Q(status="answered")),
            open=Count("pk", filter=Q(status__in=open_statuses)),
            overdue=Count("pk", filter=Q(status__in=awaiting, deadline__lt=today)),
        )
    }
    inspections = dict(
        sm.Inspection.objects.filter(project_id__in=ids)
        .order_by()
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    out = {}
    for project in projects:
        plan = plans.get(project.pk, {})
        last = latest.get(project.pk, {})
        ms = milestones.get(project.pk, {})
        items = ledger.get(project.pk, {})
        budget = plan.get("budget") if plan.get("budget") is not None else None
        if budget is None:
            budget = project.estimated_investment
        planned = plan.get("deadline") or project.deadline
        invested = last.get("invested")
        completed_on = ms.get("completed_on")
        if completed_on is None and last.get("percent_complete") == 100:
            completed_on = last.get("reported_on")
        expected = last.get("expected_completion")
        finish = completed_on or expected
        out[project.pk] = {
            "budget": budget,
            "invested": invested,
            "percent_complete": last.get("percent_complete"),
            "planned_completion": planned,
            "expected_completion": expected,
            "completed_on": completed_on,
            "milestones_done": ms.get("done", 0),
            "milestones_total": ms.get("total", 0),
            "handovers": items.get("total", 0),
            "closed_handovers": items.get("closed", 0),
            "answered_handovers": items.get("answered", 0),
            "open_handovers": items.get("open", 0),
            "overdue_handovers": items.get("overdue", 0),
            "inspections": inspections.get(project.pk, 0),
            "over_budget": budget is not None and invested is not None and invested > budget,
            "slipped": bool(planned and finish and finish > planned),
            "due": bool(planned and planned <= today) or completed_on is not None,
            "on_time": bool(completed_on and planned and completed_on <= planned),
            "has_progress": bool(last),
        }
    return out


def photo_files(project_ids: list[int], *, per_project: int = 3) -> dict[int, list[str]]:
    """A few photo file paths per project (progress reports' and inspections' photos), in
    one query. Empty while supervision is not built."""
    sm = _supervision_models()
    if sm is None or not project_ids or not hasattr(sm, "Photo"):
        return {}
    from django.core.files.storage import default_storage
    from django.db.models.functions import Coalesce as _Coalesce

    rows = (
        sm.Photo.objects.annotate(pid=_Coalesce("report__project_id", "inspection__project_id"))
        .filter(pid__in=project_ids)
        .order_by("-created_at", "-id")
        .values_list("pid", "file")
    )
    out: dict[int, list[str]] = {}
    for pid, name in rows[: per_project * len(project_ids) * 4]:
        if len(out.setdefault(pid, [])) < per_project:
            try:
                out[pid].append(default_storage.path(name))
            except NotImplementedError:  # remote storage: no thumbnails in the PDF
                return {}
    return out


MILESTONE_LABELS = {
    "approval": "立项",
    "fiscal_review": "财评",
    "tendering": "招投标",
    "start": "开工",
    "completion": "完工",
    "acceptance": "验收",
}


def milestone_rows(project_ids: list[int], *, today: datetime.date | None = None) -> dict:
    """Each project's milestones (U4: 立项、财评、招投标、开工、完工、验收) with their planned
    and reached dates and whether they slipped, in one query. Empty while supervision is not
    built."""
    sm = _supervision_models()
    if sm is None or not project_ids:
        return {}
    from django.utils import timezone

    today = today or timezone.localdate()
    out: dict[int, list[dict]] = {}
    for pid, kind, planned, done in (
        sm.Milestone.objects.filter(plan__project_id__in=project_ids)
        .order_by("plan__project_id", "position")
        .values_list("plan__project_id", "kind", "planned_date", "done_on")
    ):
        late_at = done or today
        out.setdefault(pid, []).append(
            {
                "kind": kind,
                "label": MILESTONE_LABELS.get(kind, kind),
                "planned": planned,
                "done": done,
                "slipped": bool(planned and late_at > planned),
            }
        )
    return out


def roll_up(evidence: list[dict]) -> dict:
    """County-dashboard indicators from many projects' evidence (None when unknown)."""
    if not evidence:
        return {}
    with_progress = [e for e in evidence if e["has_progress"]]
    due = [e for e in evidence if e["due"]]
    budget = sum((e["budget"] or 0) for e in with_progress)
    invested = sum((e["invested"] or 0) for e in with_progress)
    handovers = sum(e["handovers"] for e in evidence)
    return {
        "percent_complete": (
            domain.rate(
                sum(e["percent_complete"] or 0 for e in with_progress), len(with_progress) * 100
            )
            if with_progress
            else None
        ),
        "on_time_rate": domain.rate(sum(1 for e in due if e["on_time"]), len(due)) if due else None,
        "budget_execution": domain.rate(invested, budget) if with_progress else None,
        "handover_closure": domain.rate(sum(e["closed_handovers"] for e in evidence), handovers)
        if handovers
        else None,
        "overdue": sum(e["overdue_handovers"] for e in evidence),
    }


@dataclass(frozen=True)
class ProjectRef:
    """What the supervision roll-up needs of a project, without loading the model."""

    pk: int
    estimated_investment: Decimal | None
    deadline: datetime.date | None


def _elected_projects(**filters) -> dict[int, list[ProjectRef]]:
    """Elected projects (published) by plan id, in one query of plain values."""
    out: dict[int, list[ProjectRef]] = {}
    rows = (
        CandidateResult.objects.filter(ELECTED, candidate__project__isnull=False, **filters)
        .order_by()
        .values_list(
            "vote_result__vote__candidate_list__plan_id",
            "candidate__project_id",
            "candidate__project__estimated_investment",
            "candidate__project__deadline",
        )
    )
    for plan_id, pk, investment, deadline in rows:
        out.setdefault(plan_id, []).append(ProjectRef(pk, investment, deadline))
    return out


def _apply_rollup(figures: Figures, evidence: list[dict]) -> None:
    for key, value in roll_up(evidence).items():
        setattr(figures, key, value)


def _add_supervision(rows: list[TownshipRow], total: Figures, *, county, year) -> bool:
    """Supervision figures (% complete, on-time rate, budget execution, hand-over closure,
    overdue) for every township: one query for the elected projects, five aggregates over
    supervision's tables. Returns False while supervision is not built (columns show —)."""
    if _supervision_models() is None:
        return False
    by_plan = _elected_projects(
        vote_result__vote__candidate_list__plan__township__county=county,
        vote_result__vote__candidate_list__plan__year=year,
    )
    evidence = evidence_rows([p for projects in by_plan.values() for p in projects])
    for row in rows:
        if row.plan is None:
            continue
        _apply_rollup(row.figures, [evidence[p.pk] for p in by_plan.get(row.plan.pk, [])])
    _apply_rollup(total, list(evidence.values()))
    return True


def township_dashboard(township: Township, year: int) -> TownshipDashboard:
    plans = list(plan_figures(AnnualPlan.objects.filter(township=township)).order_by("year"))
    plan = next((p for p in plans if p.year == year), None)
    projects = elected_rows(township_id=township.pk, year=year)
    evidence = evidence_rows([r.project for r in projects if r.project is not None])
    for row in projects:
        if row.project is not None:
            row.evidence = evidence.get(row.project.pk)
    figures = figures_of(plan) if plan else Figures()
    if plan is not None:
        _apply_rollup(figures, list(evidence.values()))
    return TownshipDashboard(
        township=township,
        year=year,
        years=[p.year for p in plans],
        figures=figures,
        trend=[(p.year, figures_of(p)) for p in plans],
        projects=projects,
        plan=plan,
        supervision=_supervision_models() is not None,
    )


def default_year(*, county: County | None = None, township: Township | None = None) -> int:
    """The latest plan year of the body, or this year when it has none."""
    qs = AnnualPlan.objects.all()
    if township is not None:
        qs = qs.filter(township=township)
    elif county is not None:
        qs = qs.filter(township__county=county)
    latest = qs.order_by("-year").values_list("year", flat=True).first()
    return latest or datetime.date.today().year  # noqa: DTZ011 - a calendar year only


# ---------------------------------------------------------------------------------------------
# Projects (drill-down, public)


def project_for_dashboard(user, pk: int) -> Project | None:
    return (
        Project.objects.select_related("township", "township__county")
        .filter(pk=pk, township__in=townships_for_dashboard(user))
        .first()
    )


def project_results(project: Project) -> list[CandidateResult]:
    """Every stored vote result of the project (published or not: the caller decides)."""
    return list(
        CandidateResult.objects.filter(candidate__project=project)
        .select_related(
            "candidate",
            "vote_result",
            "vote_result__vote",
            "vote_result__vote__candidate_list__plan",
        )
        .order_by("vote_result__vote__created_at")
    )


def public_township_years(township: Township) -> list[int]:
    """Years with a published project vote."""
    return sorted(
        set(
            CandidateResult.objects.filter(
                ELECTED, vote_result__vote__candidate_list__plan__township=township
            ).values_list("vote_result__vote__candidate_list__plan__year", flat=True)
        ),
        reverse=True,
    )


def public_votes(township: Township, year: int):
    from voting.models import Vote

    return list(
        Vote.objects.filter(
            candidate_list__plan__township=township,
            candidate_list__plan__year=year,
            status=VoteStatus.PUBLISHED,
        ).order_by("created_at")
    )
