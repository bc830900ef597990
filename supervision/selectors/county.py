"""A county congress's supervision (issue 17): its elected projects with their 督办领导 and
committee, the concentrated supervisions and hearings recorded, the special committees."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from congress.models import County, Delegation, DelegationMember, Deputy, Term
from projects.models import Project

from .. import schedule
from ..models import (
    CountySupervisionSettings,
    Hearing,
    Inspection,
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
    rows = schedule.round_rows(dates, held, today, year=year)
    return {"settings": s, "rows": rows, "next": schedule.next_round(dates, today)}


def county_projects(county: County, *, today: datetime.date) -> QuerySet[Project]:
    """The county's elected projects with their 督办领导, committee, hand-over counts and
    the number of inspections (视察) held."""
    return (
        Project.objects.filter(county=county, status__in=SUPERVISED)
        .defer("tokens")
        .select_related("oversight__unit", "oversight__leader_user", "implementation_plan")
        .annotate(
            open_items=_count(LedgerItem, status__in=OPEN),
            overdue_items=_count(LedgerItem, status__in=AWAITING, deadline__lt=today),
            inspections_n=_count(Inspection),
        )
        .order_by("status", "title", "pk")
    )


def county_units(county: County) -> QuerySet[SupervisionUnit]:
    """The county's committees and offices, each with the number of inspections (视察) it
    organised (``inspections_n``)."""
    return (
        SupervisionUnit.objects.filter(county=county)
        .select_related("contact")
        .annotate(inspections_n=Count("inspections"))
    )


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


# ---------------------------------------------------------------------------------------------
# Deputies' inspections (视察) organised by a special committee or office


def county_deputies_in_office(county: County) -> QuerySet[Deputy]:
    """The county's deputies in office (县人大代表): who may attend an inspection of one of
    the county congress's projects."""
    return Deputy.objects.filter(township__county=county, is_county_deputy=True, in_office=True)


def county_deputy_groups(county: County) -> list[tuple[str, list[Deputy]]]:
    """The county's deputies in office grouped for a long checkbox list: by delegation (代表团)
    of the county's current term, in the delegations' order; deputies in no delegation by
    township. Within a group 姓氏笔画. Four queries whatever the number of deputies."""
    deputies = list(
        county_deputies_in_office(county)
        .select_related("township")
        .only("pk", "name", "township__name", "township__id")
        .order_by("name_sort_key", "id")
    )
    term = Term.objects.filter(county=county, level="county").order_by("-number").first()
    seat: dict[int, int] = {}
    delegations: list[Delegation] = []
    if term is not None:
        seat = dict(
            DelegationMember.objects.filter(term=term).values_list("deputy_id", "delegation_id")
        )
        delegations = list(Delegation.objects.filter(term=term).order_by("order", "id"))
    by_delegation: dict[int, list[Deputy]] = {d.pk: [] for d in delegations}
    by_township: dict[str, list[Deputy]] = {}
    for deputy in deputies:
        delegation_id = seat.get(deputy.pk)
        if delegation_id in by_delegation:
            by_delegation[delegation_id].append(deputy)
        else:
            by_township.setdefault(deputy.township.name, []).append(deputy)
    groups = [(d.name, by_delegation[d.pk]) for d in delegations if by_delegation[d.pk]]
    for township_name in sorted(by_township):
        label = (
            _("%(township)s (in no delegation)") % {"township": township_name}
            if delegations
            else township_name
        )
        groups.append((label, by_township[township_name]))
    return groups


def county_inspections(project: Project) -> QuerySet[Inspection]:
    """A county project's inspections, newest first, with the organising committee and the
    number of deputies attending (one query)."""
    return (
        Inspection.objects.filter(project=project)
        .select_related("unit", "recorded_by")
        .annotate(attendee_count=Count("attendees", distinct=True))
        .order_by("-date", "-id")
    )
