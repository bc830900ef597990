"""Reads for reports and dashboards: scope, and the dashboards' shapes over the cycle's
indicator layer (cycle/indicators.py), which defines every figure once, as of a date.
Dashboards read stored results and aggregates, never ballots, and run a constant number of
queries whatever the number of townships, years or projects. Reads only: no writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from congress.models import County, Prefecture, Township
from congress.permissions import get_scope
from cycle import indicators
from projects.models import AnnualPlan, Project
from voting.models import ELECTED_RESULT, CandidateResult, VoteStatus

from .models import Report, ReportKind

# ---------------------------------------------------------------------------------------------
# Scope


def counties_for_dashboard(user) -> QuerySet[County]:
    """Reviewers see their counties (read-only); superusers all."""
    scope = get_scope(user)
    if scope.is_superuser:
        return County.objects.all()
    return County.objects.filter(pk__in=scope.reviewer_counties)


def prefectures_for_dashboard(user) -> QuerySet[Prefecture]:
    """Prefecture reviewers see their prefectures' roll-up (read-only); superusers all."""
    scope = get_scope(user)
    if scope.is_superuser:
        return Prefecture.objects.all()
    return Prefecture.objects.filter(pk__in=scope.reviewer_prefectures)


def prefecture_for_dashboard(user, pk) -> tuple[Prefecture | None, bool]:
    """The prefecture and whether the user may read its roll-up: its reviewers and
    superusers may. A reviewer of one of its counties is in scope but may not (403); to
    everyone else the prefecture does not exist (None: 404)."""
    prefecture = Prefecture.objects.filter(pk=pk).first()
    if prefecture is None:
        return None, False
    scope = get_scope(user)
    if scope.is_superuser or prefecture.pk in scope.reviewer_prefectures:
        return prefecture, True
    if prefecture.counties.filter(pk__in=scope.reviewer_counties).exists():
        return prefecture, False
    return None, False


def townships_for_dashboard(user) -> QuerySet[Township]:
    """Staff of the township, reviewers of its county, superusers."""
    scope = get_scope(user)
    qs = Township.objects.select_related("county")
    if scope.is_superuser:
        return qs
    return qs.filter(Q(pk__in=scope.staff_townships) | Q(county_id__in=scope.reviewer_counties))


def reports_visible_to(user) -> QuerySet[Report]:
    """Township reports: staff of the township and reviewers of the county; county roll-ups:
    reviewers of the county; the county congress's own reports: its staff and the county's
    reviewers. Superusers see all."""
    scope = get_scope(user)
    qs = Report.objects.select_related("township", "county", "requested_by")
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(kind=ReportKind.TOWNSHIP, township_id__in=scope.staff_townships)
        | Q(kind=ReportKind.COUNTY_CONGRESS, county_id__in=scope.county_staff_counties)
        | Q(county_id__in=scope.reviewer_counties)
    )


# ---------------------------------------------------------------------------------------------
# Figures: every one comes from the cycle's indicator layer (cycle/indicators.py), as of a date


Figures = indicators.Figures
ProjectRow = indicators.ProjectRow
elected_rows = indicators.elected_rows
satisfaction_rows = indicators.satisfaction_rows
default_year = indicators.default_year


def project_evidence(project, *, as_of: datetime.date | None = None) -> dict:
    """The project's supervision evidence as of the date (the one definition)."""
    return indicators.projects_evidence([project], as_of=as_of)[project.pk]


@dataclass
class CountyDashboard:
    county: County
    year: int
    as_of: datetime.date
    years: list[int]
    rows: list[indicators.TownshipFigures]
    total: Figures  # the whole county: its townships and its own congress (县本级)
    trend: list[tuple[int, Figures]] = field(default_factory=list)
    supervision: bool = True
    county_row: indicators.CountyCongressFigures | None = None
    townships_total: Figures = field(default_factory=Figures)

    total_includes_county_congress = True
    funnel = indicators.CountyFigures.funnel  # top-down: suggestions → candidates → elected


def county_dashboard(
    county: County, year: int, *, as_of: datetime.date | None = None
) -> CountyDashboard:
    """The county congress's own plan (县本级) and every township of the county with its
    figures for ``year`` as of the date, the townships' total and the whole county's, the
    county's trend over all plan years and the funnel — a constant number of queries."""
    found = indicators.county_figures(county, year, as_of=as_of)
    return CountyDashboard(
        county=county,
        year=year,
        as_of=found.as_of,
        years=found.years,
        rows=found.rows,
        total=found.total,
        trend=found.trend,
        supervision=found.total.supervised or any(f.supervised for _y, f in found.trend),
        county_row=found.county_row,
        townships_total=found.townships_total,
    )


def prefecture_dashboard(
    prefecture: Prefecture, year: int, *, as_of: datetime.date | None = None
) -> indicators.PrefectureFigures:
    """Every county of the prefecture (its townships' and its own congress's figures) for
    ``year`` as of the date, the totals and the trend — a constant number of queries."""
    return indicators.prefecture_figures(prefecture, year, as_of=as_of)


@dataclass
class TownshipDashboard:
    township: Township
    year: int
    as_of: datetime.date
    years: list[int]
    figures: Figures
    trend: list[tuple[int, Figures]]
    projects: list[ProjectRow]
    plan: AnnualPlan | None
    supervision: bool = True


def township_dashboard(
    township: Township, year: int, *, as_of: datetime.date | None = None
) -> TownshipDashboard:
    as_of = as_of or timezone.localdate()
    plans = indicators.township_figures(township, as_of=as_of)
    plan, figures = next(((p, f) for p, f in plans if p.year == year), (None, Figures()))
    return TownshipDashboard(
        township=township,
        year=year,
        as_of=as_of,
        years=[p.year for p, _f in plans],
        figures=figures,
        trend=[(p.year, f) for p, f in plans],
        projects=indicators.elected_rows(township_id=township.pk, year=year, as_of=as_of),
        plan=plan,
    )


@dataclass
class CountyCongressDashboard:
    """The county congress's own plan (县本级) for a year, shaped like a township's: its
    figures by the same definitions and its elected projects, as of a date."""

    county: County
    year: int
    as_of: datetime.date
    figures: Figures
    projects: list[ProjectRow]
    plan: AnnualPlan | None


def county_congress_dashboard(
    county: County, year: int, *, as_of: datetime.date | None = None
) -> CountyCongressDashboard:
    as_of = as_of or timezone.localdate()
    plans = indicators.plan_figures(
        AnnualPlan.objects.none(),
        county_plans=AnnualPlan.objects.filter(county=county, year=year),
        as_of=as_of,
    )
    plan, figures = plans[0] if plans else (None, Figures())
    return CountyCongressDashboard(
        county=county,
        year=year,
        as_of=as_of,
        figures=figures,
        projects=indicators.elected_rows(county_id=county.pk, year=year, as_of=as_of),
        plan=plan,
    )


def county_oversight_rows(
    project_ids: list[int], *, date_from: datetime.date, date_to: datetime.date
) -> dict[int, dict]:
    """Each county project's 督办领导 and responsible committee, and the hearings (听取审议)
    held between the dates that heard it, with their opinions — two queries."""
    if not project_ids:
        return {}
    from supervision.models import Hearing, HearingBody, ProjectOversight

    out: dict[int, dict] = {pid: {"leader": "", "unit": "", "hearings": []} for pid in project_ids}
    for pid, leader, unit in ProjectOversight.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "leader_name", "unit__name"):
        out[pid].update(leader=leader or "", unit=unit or "")
    heard = (
        Hearing.projects.through.objects.filter(
            project_id__in=project_ids,
            hearing__date__gte=date_from,
            hearing__date__lte=date_to,
        )
        .select_related("hearing")
        .order_by("hearing__date", "hearing_id")
    )
    for link in heard:
        hearing = link.hearing
        out[link.project_id]["hearings"].append(
            {
                "date": hearing.date,
                # Lazy: read in the reader's language (the PDF renders in Chinese).
                "body": HearingBody(hearing.body).label
                if hearing.body in HearingBody.values
                else hearing.body,
                "opinions": hearing.opinions,
            }
        )
    return out


def photo_files(
    project_ids: list[int], *, per_project: int = 3, as_of: datetime.date | None = None
) -> dict[int, list[str]]:
    """A few photo file paths per project (progress reports' and inspections' photos,
    uploaded by the date), in one query."""
    if not project_ids:
        return {}
    from django.core.files.storage import default_storage

    from supervision.models import Photo

    end = indicators.day_end(as_of or timezone.localdate())
    rows = (
        Photo.objects.annotate(pid=Coalesce("report__project_id", "inspection__project_id"))
        .filter(pid__in=project_ids, created_at__lte=end)
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


def milestone_rows(project_ids: list[int], *, as_of: datetime.date | None = None) -> dict:
    """Each project's milestones (U4: 立项、财评、招投标、开工、完工、验收) with their planned
    and reached dates and whether they slipped, as of the date (a milestone reached later
    is not yet reached), in one query."""
    if not project_ids:
        return {}
    from supervision.models import Milestone, MilestoneKind

    today = as_of or timezone.localdate()
    out: dict[int, list[dict]] = {}
    for pid, kind, planned, done in (
        Milestone.objects.filter(plan__project_id__in=project_ids)
        .order_by("plan__project_id", "position")
        .values_list("plan__project_id", "kind", "planned_date", "done_on")
    ):
        done = done if done is not None and done <= today else None
        late_at = done or today
        out.setdefault(pid, []).append(
            {
                "kind": kind,
                # In the reader's language (the PDF renders in Chinese: 立项, 开工 …).
                "label": MilestoneKind(kind).label if kind in MilestoneKind.values else kind,
                "planned": planned,
                "done": done,
                "slipped": bool(planned and late_at > planned),
            }
        )
    return out


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


def _plan_of(body: Township | County) -> dict:
    """The filter on a vote's plan for a body: a township's, or a county congress's own."""
    key = "county" if isinstance(body, County) else "township"
    return {f"candidate_list__plan__{key}": body}


def public_years(body: Township | County) -> list[int]:
    """Years with a published project vote of the body's plan (a township's, or a county
    congress's own)."""
    plan = {f"vote_result__vote__{k}": v for k, v in _plan_of(body).items()}
    return sorted(
        set(
            CandidateResult.objects.filter(ELECTED_RESULT, **plan).values_list(
                "vote_result__vote__candidate_list__plan__year", flat=True
            )
        ),
        reverse=True,
    )


def public_votes(body: Township | County, year: int):
    """The body's published votes of the year's plan, in the order they were set up."""
    from voting.models import Vote

    return list(
        Vote.objects.filter(
            **_plan_of(body), candidate_list__plan__year=year, status=VoteStatus.PUBLISHED
        ).order_by("created_at")
    )


def counties_with_public_results() -> list[int]:
    """Counties whose congress has published elected projects of its own plan."""
    return list(
        CandidateResult.objects.filter(
            ELECTED_RESULT, vote_result__vote__candidate_list__plan__county__isnull=False
        )
        .order_by()
        .values_list("vote_result__vote__candidate_list__plan__county_id", flat=True)
        .distinct()
    )
