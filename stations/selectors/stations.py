"""Scoped reads of stations, calendars, bookings and receptions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum

from congress.models import County, Township
from congress.permissions import get_scope
from projects.models import LiaisonStation

from ..models import Booking, BookingStatus, DutyDay, Reception


def stations_of(township: Township):
    return (
        LiaisonStation.objects.filter(township=township)
        .select_related("profile", "village")
        .prefetch_related("profile__deputies")
        .order_by("name")
    )


def station_public(pk: int) -> LiaisonStation | None:
    return (
        LiaisonStation.objects.select_related("township__county", "village", "profile")
        .prefetch_related("profile__deputies")
        .filter(pk=pk)
        .first()
    )


def upcoming_duty(station: LiaisonStation, *, today: datetime.date, limit: int = 12):
    """The station's published duty days from ``today`` (who is on duty when)."""
    return (
        DutyDay.objects.filter(station=station, published=True, date__gte=today)
        .prefetch_related("deputies")
        .order_by("date", "start")[:limit]
    )


def station_calendar(station: LiaisonStation, *, year: int):
    return (
        DutyDay.objects.filter(station=station, date__year=year)
        .prefetch_related("deputies", "swaps__from_deputy", "swaps__to_deputy")
        .annotate(n_booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("date", "start")
    )


def duty_day_for_user(user, pk: int) -> DutyDay | None:
    """A duty day in the user's scope: staff of its township, its county's reviewers."""
    scope = get_scope(user)
    qs = DutyDay.objects.select_related("station__township__county").prefetch_related(
        "deputies", Prefetch("bookings", queryset=Booking.objects.order_by("created_at"))
    )
    if not scope.is_superuser:
        qs = qs.filter(
            Q(station__township__in=scope.staff_townships)
            | Q(station__township__county__in=scope.reviewer_counties)
        )
    return qs.filter(pk=pk).first()


def station_for_user(user, pk: int) -> LiaisonStation | None:
    scope = get_scope(user)
    qs = LiaisonStation.objects.select_related("township__county", "profile")
    if not scope.is_superuser:
        qs = qs.filter(
            Q(township__in=scope.staff_townships) | Q(township__county__in=scope.reviewer_counties)
        )
    return qs.filter(pk=pk).first()


def reception_for_user(user, pk: int) -> Reception | None:
    scope = get_scope(user)
    qs = Reception.objects.select_related("station__township", "duty_day").prefetch_related(
        "deputies", "matters__suggestion", "matters__ledger_item", "bookings"
    )
    if not scope.is_superuser:
        qs = qs.filter(
            Q(station__township__in=scope.staff_townships)
            | Q(station__township__county__in=scope.reviewer_counties)
        )
    return qs.filter(pk=pk).first()


def receptions_of(township: Township, *, year: int):
    return (
        Reception.objects.filter(station__township=township, date__year=year)
        .select_related("station")
        .prefetch_related("deputies")
        .annotate(n_matters=Count("matters"))
        .order_by("-date", "-id")
    )


def my_duty_days(deputy_id: int, *, today: datetime.date):
    """A deputy's coming duty days with their bookings (the deputy is on duty: they see the
    residents' names and topics)."""
    return (
        DutyDay.objects.filter(deputies=deputy_id, date__gte=today)
        .select_related("station")
        .prefetch_related(
            "deputies",
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status=BookingStatus.BOOKED).order_by("created_at"),
            ),
        )
        .order_by("date", "start")[:20]
    )


@dataclass
class TownshipActivity:
    township: Township
    stations: int
    duty_days: int
    receptions: int
    head_visits: int
    residents: int
    matters: int
    bookings: int


def county_activity(county: County, *, year: int, as_of: datetime.date) -> list[TownshipActivity]:
    """Station activity per township of the county, in ``year`` up to ``as_of``."""
    start, end = datetime.date(year, 1, 1), min(as_of, datetime.date(year, 12, 31))
    townships = list(Township.objects.filter(county=county).order_by("name"))
    in_range = Q(receptions__date__range=(start, end))
    stations = {
        row["township"]: row
        for row in LiaisonStation.objects.filter(township__county=county)
        .values("township")
        .annotate(
            n=Count("pk", distinct=True),
            n_receptions=Count(
                "receptions", filter=in_range & Q(receptions__kind="reception"), distinct=True
            ),
            n_head_visits=Count(
                "receptions", filter=in_range & Q(receptions__kind="head_visit"), distinct=True
            ),
        )
    }
    residents = dict(
        Reception.objects.filter(station__township__county=county, date__range=(start, end))
        .values("station__township")
        .annotate(n=Sum("residents"))
        .values_list("station__township", "n")
    )
    matters = dict(
        Reception.objects.filter(station__township__county=county, date__range=(start, end))
        .values("station__township")
        .annotate(n=Count("matters"))
        .values_list("station__township", "n")
    )
    days = dict(
        DutyDay.objects.filter(
            station__township__county=county, published=True, date__range=(start, end)
        )
        .values("station__township")
        .annotate(n=Count("pk"))
        .values_list("station__township", "n")
    )
    bookings = dict(
        Booking.objects.filter(
            duty_day__station__township__county=county, duty_day__date__range=(start, end)
        )
        .exclude(status=BookingStatus.CANCELLED)
        .values("duty_day__station__township")
        .annotate(n=Count("pk"))
        .values_list("duty_day__station__township", "n")
    )
    out = []
    for t in townships:
        s = stations.get(t.pk, {})
        out.append(
            TownshipActivity(
                township=t,
                stations=s.get("n", 0),
                duty_days=days.get(t.pk, 0),
                receptions=s.get("n_receptions", 0),
                head_visits=s.get("n_head_visits", 0),
                residents=residents.get(t.pk, 0) or 0,
                matters=matters.get(t.pk, 0),
                bookings=bookings.get(t.pk, 0),
            )
        )
    return out


def published_calendar(*, today: datetime.date, limit: int = 8):
    """The next published duty days across all stations (the residents' front door)."""
    return (
        DutyDay.objects.filter(published=True, date__gte=today)
        .select_related("station__township")
        .prefetch_related("deputies")
        .order_by("date", "start", "station__name")[:limit]
    )
