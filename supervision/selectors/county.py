"""A county congress's supervision (issue 17): its elected projects with their 督办领导 and
committee, the concentrated supervisions and hearings recorded, the special committees."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch, QuerySet

from congress.models import County
from projects.models import Project

from .. import schedule
from ..models import (
    CountySupervisionSettings,
    Hearing,
    LedgerItem,
    ProjectOversight,
    SupervisionRound,
    SupervisionUnit,
)
from ._base import AWAITING, OPEN, SUPERVISED
from .projects import _count


def county_supervision_settings(county: County) -> CountySupervisionSettings:
    """The saved settings or the defaults, unsaved (a read never writes)."""
    return CountySupervisionSettings.objects.filter(
        county=county
    ).first() or CountySupervisionSettings(county=county)


def county_round_schedule(county: County, *, year: int, today: datetime.date) -> dict:
    """The year's concentrated supervisions (集中督查) by the county's settings, the next
    one, and which dates a round was recorded on or after (a date counts as held when a
    round is recorded from it up to the next date)."""
    s = county_supervision_settings(county)
    dates = schedule.round_dates(
        year, every_months=s.every_months, first_month=s.first_month, day=s.day_of_month
    )
    held = sorted(
        SupervisionRound.objects.filter(county=county, date__year=year).values_list(
            "date", flat=True
        )
    )
    rows = []
    for i, day in enumerate(dates):
        until = dates[i + 1] if i + 1 < len(dates) else datetime.date(year, 12, 31)
        # A round recorded within a week before the planned date counts for it too.
        start = day - datetime.timedelta(days=7)
        rows.append(
            {
                "date": day,
                "held": any(start <= h < until for h in held),
                "past": day < today,
            }
        )
    return {"settings": s, "rows": rows, "next": schedule.next_round(dates, today)}


def county_projects(county: County, *, today: datetime.date) -> QuerySet[Project]:
    """The county's elected projects with their 督办领导, committee and hand-over counts."""
    return (
        Project.objects.filter(county=county, status__in=SUPERVISED)
        .defer("tokens")
        .select_related("oversight__unit", "oversight__leader_user", "implementation_plan")
        .annotate(
            open_items=_count(LedgerItem, status__in=OPEN),
            overdue_items=_count(LedgerItem, status__in=AWAITING, deadline__lt=today),
        )
        .order_by("status", "title", "pk")
    )


def county_units(county: County) -> QuerySet[SupervisionUnit]:
    return SupervisionUnit.objects.filter(county=county).select_related("contact")


def county_rounds(county: County) -> QuerySet[SupervisionRound]:
    return (
        SupervisionRound.objects.filter(county=county)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk", "title", "county_id"))
        )
    )


def county_hearings(county: County) -> QuerySet[Hearing]:
    return (
        Hearing.objects.filter(county=county)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk", "title", "county_id"))
        )
    )


def county_project_oversight(project: Project) -> dict | None:
    """For a county congress's project: its 督办 assignment, and the rounds and hearings
    that concern it (None for a township's project)."""
    if project.county_id is None:
        return None
    return {
        "oversight": ProjectOversight.objects.filter(project=project)
        .select_related("unit", "leader_user")
        .first(),
        "rounds": list(SupervisionRound.objects.filter(projects=project).order_by("-date")),
        "hearings": list(Hearing.objects.filter(projects=project).order_by("-date")),
    }
