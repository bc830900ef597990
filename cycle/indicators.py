"""Every figure shown to a user, defined once and computed as of a date (reads only).

The results page, the public pages, the receipt lineage, the township and county dashboards,
the Excel exports, the report PDFs and the API all read these functions. Each counts only
what was recorded on or before ``as_of``: suggestions by the day received, candidate lists
by the day locked, votes and evaluations by their publication time, progress reports by
report date, milestones by the day reached, inspections by date, hand-over items by their
dated steps. A quarterly report passes its quarter's last day, so regenerating last year's
Q2 report today gives the figures it gave on 1 July.

Numerators, bases and rounding are in ``cycle.domain.Figures`` (and ``DEFINITIONS`` below,
which the pages print as footnotes); 票决率 is ``voting.domain.yes_share_tenths``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    Exists,
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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.models import County, Prefecture, Township
from projects.models import (
    AnnualPlan,
    Candidate,
    PlanProject,
    Project,
    Suggestion,
    SuggestionStatus,
)
from supervision.selectors.projects import projects_evidence
from voting import domain as voting_domain
from voting.models import (
    ELECTED_RESULT,
    CandidateResult,
    EvaluationResult,
    VoteStatus,
)

from .domain import Figures, rate

__all__ = [
    "BODY_DEFINITIONS",
    "COUNTY_DEFINITIONS",
    "DEFINITIONS",
    "Definition",
    "Figures",
    "ProjectRow",
    "county_figures",
    "prefecture_figures",
    "day_end",
    "default_year",
    "elected_rows",
    "plan_figures",
    "projects_evidence",
    "yes_share",
    "yes_share_text",
]


@dataclass(frozen=True)
class Definition:
    label: str
    text: str


# What each figure counts, over what base, with what rounding: printed beside the figure
# (on hover, in a footnote, in the PDF and on the workbook's "Definitions" sheet).
DEFINITIONS = {
    "suggestions": Definition(
        _("Suggestions"),
        _(
            "Suggestions received in the plan's collection window (by default the year "
            "before) or merged into a project put forward in the plan, each counted once."
        ),
    ),
    "candidates": Definition(_("Candidates"), _("Projects on the plan's locked candidate list.")),
    "elected": Definition(_("Elected"), _("Candidates elected by a published project vote.")),
    "yes_share": Definition(
        _("Approval rate"),
        _(
            "Votes for ÷ the pass base of the vote (deputies in office, due or present, as "
            "the vote was set up), one decimal; more than half passes."
        ),
    ),
    "investment": Definition(
        _("Investment (10,000 yuan)"), _("Planned investment of the elected projects.")
    ),
    "percent_complete": Definition(
        _("% complete"),
        _(
            "Mean of the latest percentage complete reported, over elected projects with a "
            "progress report; two decimals."
        ),
    ),
    "on_time_rate": Definition(
        _("On-time rate"),
        _("Completed on or before the planned date ÷ projects due or completed; two decimals."),
    ),
    "budget_execution": Definition(
        _("Budget execution"),
        _("Invested to date ÷ budget, over projects with a progress report; two decimals."),
    ),
    "handover_closure": Definition(
        _("Hand-over closure rate"),
        _("Hand-over items closed ÷ all hand-over items; two decimals."),
    ),
    "overdue": Definition(
        _("Overdue hand-overs"),
        _("Hand-over items awaiting the department past their deadline."),
    ),
    "satisfaction": Definition(
        _("Satisfaction rate"),
        _("'Satisfied' votes ÷ ballots returned, over the published evaluations; two decimals."),
    ),
    "satisfaction_basic": Definition(
        _("Satisfied or basically satisfied"),
        _("'Satisfied' and 'basically satisfied' votes ÷ ballots returned; two decimals."),
    ),
}


# What a county's and a prefecture's rows and totals are made of: printed beside them on the
# county and prefecture dashboards, their workbooks and the API (with DEFINITIONS).
BODY_DEFINITIONS = {
    "county_congress": Definition(
        _("County congress (county level)"),
        _(
            "The county people's congress's own plan (县本级), voted at the county congress "
            "and counted by the same definitions as a township's. A suggestion a township "
            "referred to the county counts in both: the township received it and the county "
            "congress took it up."
        ),
    ),
    "townships_total": Definition(_("Townships' total"), _("The sum of the townships' plans.")),
    "total": Definition(
        _("County total"),
        _("The townships' total plus the county congress's own plan (county level)."),
    ),
}
COUNTY_DEFINITIONS = {**DEFINITIONS, **BODY_DEFINITIONS}


def day_end(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in the display zone (Asia/Shanghai)."""
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start) - datetime.timedelta(microseconds=1)


def yes_share(yes: int, pass_base: int) -> Decimal | None:
    """票决率 as a number (one decimal) for charts and sheets: voting's own definition."""
    tenths = voting_domain.yes_share_tenths(yes, pass_base=pass_base)
    return None if tenths is None else Decimal(tenths) / 10


def yes_share_text(yes: int, pass_base: int) -> str:
    """票决率 as printed (93.3%): voting's own definition."""
    return voting_domain.yes_share(yes, pass_base=pass_base)


# ---------------------------------------------------------------------------------------------
# Per plan, in one SQL statement of correlated subqueries for any number of plans


def _count(qs) -> Coalesce:
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


def _sum(qs, expr, output_field):
    return Subquery(
        qs.order_by()
        .annotate(_one=Value(1, output_field=IntegerField()))
        .values("_one")
        .annotate(s=Sum(expr))
        .values("s")[:1],
        output_field=output_field,
    )


def _make_date(year_expr, month: int, day: int) -> Func:
    return Func(year_expr, Value(month), Value(day), function="make_date", output_field=DateField())


def _local_midnight(day_expr) -> Func:
    """The instant a date begins in the display zone (Asia/Shanghai), in SQL."""
    return Func(
        day_expr,
        template="((%(expressions)s)::timestamp AT TIME ZONE 'Asia/Shanghai')",
        output_field=DateTimeField(),
    )


def _elected(end: datetime.datetime) -> Q:
    """Elected by a published project vote, published by ``end``."""
    return ELECTED_RESULT & Q(vote_result__vote__published_at__lte=end)


def _annotate(
    plans: QuerySet[AnnualPlan], *, as_of: datetime.date, body: str = "township"
) -> QuerySet[AnnualPlan]:
    """The plans' counts as of the date. ``body`` says whose plans they are: a township's
    (suggestions and the reserve keyed by the township) or a county congress's own
    (县本级: keyed by the county). Two keys, not an OR, so each side keeps its index."""
    end = day_end(as_of)
    key = f"{body}_id"
    in_plan = Exists(
        PlanProject.objects.filter(
            plan_id=OuterRef(OuterRef("pk")), project_id=OuterRef("project_id"), added_at__lte=end
        )
    ) | Exists(
        Candidate.objects.filter(
            candidate_list__plan_id=OuterRef(OuterRef("pk")),
            candidate_list__locked_at__lte=end,
            project_id=OuterRef("project_id"),
        )
    )
    # The window as instants (its first and the day after its last, in the display zone),
    # so the (township, received) index serves the range.
    suggestions = Suggestion.objects.filter(
        Q(created_at__gte=OuterRef("window_from"), created_at__lt=OuterRef("window_until"))
        | (Q(status=SuggestionStatus.MERGED) & in_plan),
        **{key: OuterRef(key)},
        created_at__lte=end,
    )
    reserve = Project.objects.filter(**{key: OuterRef(key)}, created_at__lte=end)
    candidates = Candidate.objects.filter(
        candidate_list__plan_id=OuterRef("pk"), candidate_list__locked_at__lte=end
    )
    elected = CandidateResult.objects.filter(
        _elected(end), vote_result__vote__candidate_list__plan_id=OuterRef("pk")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    evaluations = EvaluationResult.objects.filter(
        vote_result__vote__plan_id=OuterRef("pk"),
        vote_result__vote__status=VoteStatus.PUBLISHED,
        vote_result__vote__published_at__lte=end,
    )
    return (
        plans.annotate(
            window_start=Coalesce(
                F("collection_start"), _make_date(F("year") - 1, 1, 1), output_field=DateField()
            ),
            window_end=Coalesce(
                F("collection_end"), _make_date(F("year") - 1, 12, 31), output_field=DateField()
            ),
        )
        .annotate(
            window_from=_local_midnight(F("window_start")),
            window_until=_local_midnight(F("window_end") + datetime.timedelta(days=1)),
        )
        .annotate(
            n_suggestions=_count(suggestions),
            n_reserve=_count(reserve),
            n_candidates=_count(candidates),
            n_elected=_count(elected),
            investment=Coalesce(
                _sum(elected, "candidate__investment", money),
                Value(Decimal("0")),
                output_field=money,
            ),
            eval_satisfied=_sum(evaluations, "satisfied", IntegerField()),
            eval_basic=_sum(evaluations, "basic", IntegerField()),
            eval_returned=_sum(evaluations, "vote_result__returned", IntegerField()),
        )
        .select_related(*(("township", "township__county") if body == "township" else ("county",)))
    )


def _figures_of(plan) -> Figures:
    return Figures(
        has_plan=True,
        suggestions=plan.n_suggestions,
        reserve=plan.n_reserve,
        candidates=plan.n_candidates,
        elected=plan.n_elected,
        investment=plan.investment,
        satisfied=plan.eval_satisfied,
        basic=plan.eval_basic,
        returned=plan.eval_returned,
    )


@dataclass(frozen=True)
class _Ref:
    """What the evidence needs of a project, without loading the model."""

    pk: int
    estimated_investment: Decimal | None
    deadline: datetime.date | None


def _elected_by_plan(plan_ids: list[int], *, as_of: datetime.date) -> dict[int, list[_Ref]]:
    """The elected projects of each plan as of the date, in one query of plain values."""
    out: dict[int, list[_Ref]] = {}
    rows = (
        CandidateResult.objects.filter(
            _elected(day_end(as_of)),
            candidate__project__isnull=False,
            vote_result__vote__candidate_list__plan_id__in=plan_ids,
        )
        .order_by()
        .values_list(
            "vote_result__vote__candidate_list__plan_id",
            "candidate__project_id",
            "candidate__project__estimated_investment",
            "candidate__project__deadline",
        )
    )
    for plan_id, pk, investment, deadline in rows:
        out.setdefault(plan_id, []).append(_Ref(pk, investment, deadline))
    return out


def plan_figures(
    plans: QuerySet[AnnualPlan],
    *,
    as_of: datetime.date | None = None,
    supervision_year: int | None = None,
    county_plans: QuerySet[AnnualPlan] | None = None,
) -> list[tuple[AnnualPlan, Figures]]:
    """Each plan with its figures as of the date (default today): one statement for the
    plans' counts, one for their elected projects, five for those projects' evidence —
    a constant number of queries for any number of plans. With ``supervision_year`` only
    that year's plans get the supervision figures (a trend shows the counts only).

    ``plans`` are townships' plans; ``county_plans`` county congresses' own plans (县本级),
    counted by the same definitions with their suggestions and reserve keyed by the county
    (one more statement), listed after the townships' plans."""
    as_of = as_of or timezone.localdate()
    rows = list(_annotate(plans, as_of=as_of).order_by("year", "township__code"))
    if county_plans is not None:
        rows += list(
            _annotate(county_plans, as_of=as_of, body="county").order_by("year", "county__code")
        )
    supervised = [p.pk for p in rows if supervision_year in (None, p.year)]
    by_plan = _elected_by_plan(supervised, as_of=as_of)
    evidence = projects_evidence([ref for refs in by_plan.values() for ref in refs], as_of=as_of)
    out = []
    for plan in rows:
        figures = _figures_of(plan)
        for ref in by_plan.get(plan.pk, []):
            figures.add_evidence(evidence[ref.pk])
        out.append((plan, figures))
    return out


# ---------------------------------------------------------------------------------------------
# A county: every township for a year, the total and the trend


@dataclass
class TownshipFigures:
    township: Township
    figures: Figures
    plan: AnnualPlan | None = None


@dataclass
class CountyCongressFigures:
    """The county congress's own projects (县本级): its own plan for the year, counted by
    the same definitions as a township's, beside its townships."""

    county: County
    figures: Figures
    plan: AnnualPlan | None = None


@dataclass
class CountyFigures:
    """A county's year. ``rows`` are its townships; ``county_row`` the county congress's own
    plan (县本级); ``townships_total`` the sum of the townships; ``total`` the whole county:
    the townships' total plus the county congress's own (``total_includes_county_congress``
    says so wherever the total is shown). The trend and the funnel are the whole's."""

    county: County
    year: int
    as_of: datetime.date
    rows: list[TownshipFigures]
    total: Figures
    trend: list[tuple[int, Figures]] = field(default_factory=list)
    county_row: CountyCongressFigures | None = None
    townships_total: Figures = field(default_factory=Figures)

    total_includes_county_congress = True

    @property
    def years(self) -> list[int]:
        return [y for y, _f in self.trend]

    @property
    def funnel(self) -> list[tuple[str, int]]:
        """Top-down: suggestions → candidates → elected."""
        t = self.total
        return [
            ("suggestions", t.suggestions or 0),
            ("candidates", t.candidates or 0),
            ("elected", t.elected or 0),
        ]


def _total(figures) -> Figures:
    total = Figures()
    for f in figures:
        total.add(f)
    return total


def _trend(plans: list[tuple[AnnualPlan, Figures]]) -> list[tuple[int, Figures]]:
    trend: dict[int, Figures] = {}
    for plan, figures in plans:
        trend.setdefault(plan.year, Figures()).add(figures)
    return sorted(trend.items())


def county_figures(
    county: County, year: int, *, as_of: datetime.date | None = None
) -> CountyFigures:
    """Every township of the county with its figures for ``year`` as of the date, the
    county congress's own plan (县本级), the townships' total, the whole county's total and
    the trend over all plan years — a constant number of queries."""
    as_of = as_of or timezone.localdate()
    townships = list(Township.objects.filter(county=county).order_by("code"))
    plans = plan_figures(
        AnnualPlan.objects.filter(township__county=county),
        county_plans=AnnualPlan.objects.filter(county=county),
        as_of=as_of,
        supervision_year=year,
    )
    this_year = {plan.township_id: (plan, f) for plan, f in plans if plan.year == year}
    own_plan, own = next(
        ((p, f) for p, f in plans if p.year == year and p.county_id), (None, Figures())
    )
    rows = []
    for township in townships:
        plan, figures = this_year.get(township.pk, (None, Figures()))
        rows.append(TownshipFigures(township=township, figures=figures, plan=plan))
    townships_total = _total(r.figures for r in rows)
    return CountyFigures(
        county=county,
        year=year,
        as_of=as_of,
        rows=rows,
        county_row=CountyCongressFigures(county=county, figures=own, plan=own_plan),
        townships_total=townships_total,
        total=_total([townships_total, own]),
        trend=_trend(plans),
    )


# ---------------------------------------------------------------------------------------------
# A prefecture (市): every county of it, each with its townships' and its own congress's figures


@dataclass
class PrefectureCountyRow:
    """One county of a prefecture's roll-up: its townships' total, its own congress's plan
    (县本级) and the whole county (the sum of the two)."""

    county: County
    townships: Figures
    county_congress: Figures
    total: Figures
    n_townships: int = 0
    plan: AnnualPlan | None = None


@dataclass
class PrefectureFigures:
    """A prefecture's year: a row per county and three totals — the townships of every
    county, the county congresses' own plans, and the whole (the sum of the two)."""

    prefecture: Prefecture
    year: int
    as_of: datetime.date
    rows: list[PrefectureCountyRow]
    townships_total: Figures
    county_congresses_total: Figures
    total: Figures
    trend: list[tuple[int, Figures]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [y for y, _f in self.trend]

    funnel = CountyFigures.funnel


def prefecture_figures(
    prefecture: Prefecture, year: int, *, as_of: datetime.date | None = None
) -> PrefectureFigures:
    """Every county of the prefecture with its figures for ``year`` as of the date — the
    same definitions and date as a county's dashboard — and the totals: a constant number
    of queries whatever the number of counties, townships, years or projects."""
    as_of = as_of or timezone.localdate()
    counties = list(
        County.objects.filter(prefecture=prefecture)
        .annotate(n_townships=Count("townships"))
        .order_by("code")
    )
    plans = plan_figures(
        AnnualPlan.objects.filter(township__county__prefecture=prefecture),
        county_plans=AnnualPlan.objects.filter(county__prefecture=prefecture),
        as_of=as_of,
        supervision_year=year,
    )
    townships: dict[int, Figures] = {}
    own: dict[int, tuple[AnnualPlan, Figures]] = {}
    for plan, figures in plans:
        if plan.year != year:
            continue
        if plan.county_id:
            own[plan.county_id] = (plan, figures)
        else:
            townships.setdefault(plan.township.county_id, Figures()).add(figures)
    rows = []
    for county in counties:
        plan, county_congress = own.get(county.pk, (None, Figures()))
        of_townships = townships.get(county.pk, Figures())
        rows.append(
            PrefectureCountyRow(
                county=county,
                townships=of_townships,
                county_congress=county_congress,
                total=_total([of_townships, county_congress]),
                n_townships=county.n_townships,
                plan=plan,
            )
        )
    townships_total = _total(r.townships for r in rows)
    congresses_total = _total(r.county_congress for r in rows)
    return PrefectureFigures(
        prefecture=prefecture,
        year=year,
        as_of=as_of,
        rows=rows,
        townships_total=townships_total,
        county_congresses_total=congresses_total,
        total=_total([townships_total, congresses_total]),
        trend=_trend(plans),
    )


def township_figures(
    township: Township, *, as_of: datetime.date | None = None
) -> list[tuple[AnnualPlan, Figures]]:
    """The township's plans with their figures as of the date, by year."""
    return plan_figures(AnnualPlan.objects.filter(township=township), as_of=as_of)


# ---------------------------------------------------------------------------------------------
# Elected projects of a plan (the township dashboard, the public page, the PDF)


@dataclass
class ProjectRow:
    project: Project | None
    title: str
    investment: Decimal | None
    yes: int
    pass_base: int
    vote_id: int
    evidence: dict | None = None
    satisfaction: dict | None = None
    milestones: list = field(default_factory=list)

    @property
    def yes_rate(self) -> Decimal | None:
        """票决率 (one decimal): 赞成 ÷ the vote's pass base."""
        return yes_share(self.yes, self.pass_base)

    @property
    def yes_share_text(self) -> str:
        return voting_domain.yes_share(self.yes, pass_base=self.pass_base)


def elected_rows(
    *,
    township_id: int | None = None,
    county_id: int | None = None,
    year: int,
    as_of: datetime.date | None = None,
) -> list[ProjectRow]:
    """The elected projects of a body's plan as of the date — a township's, or with
    ``county_id`` a county congress's own (县本级) — with their evidence and satisfaction
    result as of the same date (one query each)."""
    if (township_id is None) == (county_id is None):
        raise TypeError("elected_rows takes township_id or county_id")
    as_of = as_of or timezone.localdate()
    plan = (
        {"vote_result__vote__candidate_list__plan__township_id": township_id}
        if township_id is not None
        else {"vote_result__vote__candidate_list__plan__county_id": county_id}
    )
    results = (
        CandidateResult.objects.filter(
            _elected(day_end(as_of)),
            vote_result__vote__candidate_list__plan__year=year,
            **plan,
        )
        .select_related("candidate", "candidate__project", "vote_result")
        .order_by("candidate__vote_id", "candidate__position")
    )
    rows = [
        ProjectRow(
            project=cr.candidate.project,
            title=cr.candidate.title,
            investment=cr.candidate.investment,
            yes=cr.yes,
            pass_base=cr.vote_result.pass_base_count,
            vote_id=cr.vote_result.vote_id,
        )
        for cr in results
    ]
    projects = [r.project for r in rows if r.project is not None]
    evidence = projects_evidence(projects, as_of=as_of)
    ratings = satisfaction_rows([p.pk for p in projects], as_of=as_of)
    for row in rows:
        if row.project is not None:
            row.evidence = evidence.get(row.project.pk)
            row.satisfaction = ratings.get(row.project.pk)
    return rows


def satisfaction_rows(project_ids: list[int], *, as_of: datetime.date | None = None) -> dict:
    """Each project's satisfaction result published by the date (E3 rates, two decimals)."""
    if not project_ids:
        return {}
    end = day_end(as_of or timezone.localdate())
    found = {}
    for ev in (
        EvaluationResult.objects.filter(
            candidate__project_id__in=project_ids,
            vote_result__vote__status=VoteStatus.PUBLISHED,
            vote_result__vote__published_at__lte=end,
        )
        .select_related("vote_result", "candidate")
        .order_by("vote_result__vote__published_at", "vote_result__vote_id")
    ):
        returned = ev.vote_result.returned
        found[ev.candidate.project_id] = {
            "grade": ev.get_grade_display() if ev.grade else "",
            "grade_code": ev.grade,
            "satisfied": ev.satisfied,
            "basic": ev.basic,
            "unsatisfied": ev.unsatisfied,
            "returned": returned,
            "rate": rate(ev.satisfied, returned),
            "rate_basic": rate(ev.satisfied + ev.basic, returned),
        }
    return found


def default_year(
    *,
    county: County | None = None,
    township: Township | None = None,
    prefecture: Prefecture | None = None,
) -> int:
    """The latest plan year with a published project vote; else the latest plan year; else
    this year. A county's years are its townships' and its own congress's; a prefecture's
    those of every county in it."""
    plans = AnnualPlan.objects.all()
    if township is not None:
        plans = plans.filter(township=township)
    elif county is not None:
        plans = plans.filter(Q(township__county=county) | Q(county=county))
    elif prefecture is not None:
        plans = plans.filter(
            Q(township__county__prefecture=prefecture) | Q(county__prefecture=prefecture)
        )
    published = (
        plans.filter(
            candidate_list__votes__status=VoteStatus.PUBLISHED,
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    latest = published or plans.order_by("-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year
