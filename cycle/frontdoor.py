"""The residents' front door: what the anonymous home page leads to.

Above the stage apps, like ``cycle.worklist``: it reads the published results (voting,
through reports' one definition of an elected project) of the townships and of the county
congresses' own plans (县本级), and the liaison stations (projects), so congress, which owns
the home view, imports no later stage. A few queries; no personal data (only townships,
counties, years, counts, station names and addresses, and the published
reception days with the deputies on duty, which are posted publicly anyway)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from projects.models import LiaisonStation
from stations.selectors import published_calendar
from voting.models import ELECTED_RESULT as ELECTED
from voting.models import CandidateResult


@dataclass
class PublishedTownship:
    """A township whose latest published project vote residents can follow."""

    pk: int
    name: str
    county: str
    year: int
    projects: int


@dataclass
class PublishedCountyCongress:
    """A county congress whose own plan (县本级) has a published project vote."""

    pk: int
    name: str
    year: int
    projects: int


@dataclass
class StationsOfTownship:
    township: str
    county: str
    stations: list = field(default_factory=list)


def published_townships() -> list[PublishedTownship]:
    """Each township's latest year with published elected projects, and how many (one
    query)."""

    latest: dict[int, PublishedTownship] = {}
    rows = (
        # Townships' plans: a county congress's own plan has no township page to link to.
        CandidateResult.objects.filter(
            ELECTED, vote_result__vote__candidate_list__plan__township__isnull=False
        )
        .values(
            "vote_result__vote__candidate_list__plan__township_id",
            "vote_result__vote__candidate_list__plan__township__name",
            "vote_result__vote__candidate_list__plan__township__county__name",
            "vote_result__vote__candidate_list__plan__year",
        )
        .annotate(n=Count("candidate__project", distinct=True))
    )
    prefix = "vote_result__vote__candidate_list__plan__"
    for row in rows:
        pk, year = row[prefix + "township_id"], row[prefix + "year"]
        if pk not in latest or latest[pk].year < year:
            latest[pk] = PublishedTownship(
                pk=pk,
                name=row[prefix + "township__name"],
                county=row[prefix + "township__county__name"],
                year=year,
                projects=row["n"],
            )
    return sorted(latest.values(), key=lambda t: (t.county, t.name))


def published_county_congresses() -> list[PublishedCountyCongress]:
    """Each county congress's latest year with published elected projects of its own plan,
    and how many (one query); its page is ``reports:public_county_year``."""

    latest: dict[int, PublishedCountyCongress] = {}
    prefix = "vote_result__vote__candidate_list__plan__"
    rows = (
        CandidateResult.objects.filter(ELECTED, **{prefix + "county__isnull": False})
        .values(prefix + "county_id", prefix + "county__name", prefix + "year")
        .annotate(n=Count("candidate__project", distinct=True))
        .order_by()
    )
    for row in rows:
        pk, year = row[prefix + "county_id"], row[prefix + "year"]
        if pk not in latest or latest[pk].year < year:
            latest[pk] = PublishedCountyCongress(
                pk=pk, name=row[prefix + "county__name"], year=year, projects=row["n"]
            )
    return sorted(latest.values(), key=lambda c: c.name)


def liaison_stations() -> list[StationsOfTownship]:
    """Liaison stations (代表联络站) whose QR code takes suggestions, per township (one
    query)."""

    out: dict[int, StationsOfTownship] = {}
    for station in (
        LiaisonStation.objects.filter(intake_link__is_active=True)
        .select_related("township__county", "village")
        .order_by("township__county__name", "township__name", "name")
    ):
        group = out.setdefault(
            station.township_id,
            StationsOfTownship(township=station.township.name, county=station.township.county.name),
        )
        group.stations.append(station)
    return list(out.values())


def front_door() -> dict:
    return {
        "published": published_townships(),
        # The county congresses' own projects (县本级), beside the townships'.
        "published_counties": published_county_congresses(),
        "station_groups": liaison_stations(),
        # The next published reception days (接待日) at the stations, with who is on duty.
        "duty_days": published_calendar(today=timezone.localdate()),
    }
