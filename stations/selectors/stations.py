"""Scoped reads of stations, calendars, bookings and receptions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, Sum

from congress.models import County, Township
from congress.permissions import get_scope
from projects.models import LiaisonStation

from ..models import (
    Booking,
    BookingStatus,
    DutyDay,
    MatterRoute,
    Reception,
    ReceptionMatter,
    VisitKind,
)


def stations_of(township: Township):
    return (
        LiaisonStation.objects.filter(township=township)
        .select_related("profile", "village")
        .prefetch_related("profile__deputies")
        .order_by("name")
    )


def station_public(pk: int) -> LiaisonStation | None:
    return (
        LiaisonStation.objects.select_related(
            "township__county", "village", "profile", "intake_link"
        )
        .prefetch_related("profile__deputies")
        .filter(pk=pk)
        .first()
    )


def intake_url_of(station: LiaisonStation) -> str | None:
    """The station's QR intake form (projects), if it has an active link."""
    link = getattr(station, "intake_link", None)
    return link.get_absolute_url() if link is not None and link.is_active else None


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
    """One township's station activity in a period (the county reviewer's panel)."""

    township: Township
    stations: int = 0
    duty_days_planned: int = 0  # published reception days dated in the period
    duty_days_held: int = 0  # ... of which a reception was recorded
    receptions: int = 0
    head_visits: int = 0
    residents: int = 0
    matters: int = 0
    micro: int = 0  # matters handed over as 微建议
    bookings: int = 0  # 代表有约 not cancelled, on days in the period

    @property
    def held_percent(self) -> int | None:
        if not self.duty_days_planned:
            return None
        return self.duty_days_held * 100 // self.duty_days_planned


def activity_by_township(
    county: County, date_from: datetime.date, date_to: datetime.date
) -> list[TownshipActivity]:
    """Station activity per township of ``county`` from ``date_from`` to ``date_to``
    inclusive: reception days held against those planned, receptions and department heads'
    visits, residents received, matters raised (and 微建议), appointments. Six queries
    whatever the number of townships and stations."""
    rows = {
        t.pk: TownshipActivity(township=t)
        for t in Township.objects.filter(county=county).order_by("name", "pk")
    }
    for township_id, n in (
        LiaisonStation.objects.filter(township__county=county)
        .values("township")
        .annotate(n=Count("pk"))
        .values_list("township", "n")
    ):
        rows[township_id].stations = n
    for township_id, planned, held in (
        DutyDay.objects.filter(
            station__township__county=county, published=True, date__range=(date_from, date_to)
        )
        .values("station__township")
        .annotate(
            planned=Count("pk", distinct=True),
            held=Count("pk", filter=Q(receptions__kind=VisitKind.RECEPTION), distinct=True),
        )
        .values_list("station__township", "planned", "held")
    ):
        rows[township_id].duty_days_planned = planned
        rows[township_id].duty_days_held = held
    for township_id, receptions, visits, residents in (
        Reception.objects.filter(station__township__county=county, date__range=(date_from, date_to))
        .values("station__township")
        .annotate(
            receptions=Count("pk", filter=Q(kind=VisitKind.RECEPTION)),
            visits=Count("pk", filter=Q(kind=VisitKind.HEAD_VISIT)),
            residents=Sum("residents"),
        )
        .values_list("station__township", "receptions", "visits", "residents")
    ):
        row = rows[township_id]
        row.receptions, row.head_visits, row.residents = receptions, visits, residents or 0
    for township_id, matters, micro in (
        ReceptionMatter.objects.filter(
            reception__station__township__county=county,
            reception__date__range=(date_from, date_to),
        )
        .values("reception__station__township")
        .annotate(n=Count("pk"), micro=Count("pk", filter=Q(route=MatterRoute.MICRO)))
        .values_list("reception__station__township", "n", "micro")
    ):
        rows[township_id].matters = matters
        rows[township_id].micro = micro
    for township_id, n in (
        Booking.objects.filter(
            duty_day__station__township__county=county,
            duty_day__date__range=(date_from, date_to),
        )
        .exclude(status=BookingStatus.CANCELLED)
        .values("duty_day__station__township")
        .annotate(n=Count("pk"))
        .values_list("duty_day__station__township", "n")
    ):
        rows[township_id].bookings = n
    return list(rows.values())


def county_activity(county: County, *, year: int, as_of: datetime.date) -> list[TownshipActivity]:
    """Station activity per township of the county, in ``year`` up to ``as_of``."""
    start = datetime.date(year, 1, 1)
    return activity_by_township(county, start, min(as_of, datetime.date(year, 12, 31)))


def published_calendar(*, today: datetime.date, limit: int = 8):
    """The next published duty days across all stations (the residents' front door)."""
    return (
        DutyDay.objects.filter(published=True, date__gte=today)
        .select_related("station__township")
        .prefetch_related("deputies")
        .order_by("date", "start", "station__name")[:limit]
    )
