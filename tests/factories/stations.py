"""Liaison stations and their year built through the services: a station (with its QR intake
link) and its profile and deputies, reception days planned and published, residents'
appointments, receptions with their matters."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from ._core import DeputyFactory, TownshipFactory, _ServiceFactory, staff_of


class StationFactory(_ServiceFactory):
    """A liaison station (projects.services.station_create) with its profile
    (stations.services.station_profile_set): ``deputies`` assigned (two new deputies of the
    township unless given)."""

    class Meta:
        model = "projects.LiaisonStation"

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}代表联络站")
    address = "村委会"
    level = "village"
    online = False
    opening_hours = "每月15日 9:00-11:30"
    deputies = None

    @classmethod
    def _make(cls, *, township, name, address, level, online, opening_hours, deputies):
        from projects import services as projects
        from stations import services

        staff = staff_of(township)
        station = projects.station_create(
            actor=staff, township=township, name=name, address=address
        )
        if deputies is None:
            deputies = DeputyFactory.create_batch(2, township=township)
        services.station_profile_set(
            actor=staff,
            station=station,
            level=level,
            online=online,
            opening_hours=opening_hours,
            deputies=list(deputies),
        )
        return station


class DutyDayFactory(_ServiceFactory):
    """A reception day (接待日) planned on ``date`` with the station's deputies in turn
    (stations.services.calendar_plan) and, when ``published``, published with the station's
    calendar of that year."""

    class Meta:
        model = "stations.DutyDay"

    station = factory.SubFactory(StationFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    start = datetime.time(9, 0)
    end = datetime.time(11, 30)
    per_day = 2
    published = True

    @classmethod
    def _make(cls, *, station, date, start, end, per_day, published):
        from stations import services

        staff = staff_of(station.township)
        (day,) = services.calendar_plan(
            actor=staff, station=station, dates=[date], start=start, end=end, per_day=per_day
        )
        if published:
            services.calendar_publish(actor=staff, station=station, year=date.year)
            day.refresh_from_db()
        return day


class BookingFactory(_ServiceFactory):
    """A resident's appointment on a published reception day still ahead
    (stations.services.booking_create)."""

    class Meta:
        model = "stations.Booking"

    duty_day = factory.SubFactory(DutyDayFactory)
    topic = "村里排水沟堵塞"
    name = "张先生"
    phone = "13900000000"

    @classmethod
    def _make(cls, **fields):
        from stations import services

        return services.booking_create(**fields)


class ReceptionFactory(_ServiceFactory):
    """A reception recorded by staff (stations.services.reception_record): the day's deputies
    (or the station's), ``residents`` received, ``bookings`` received, and ``matters``
    (titles) each entered as a suggestion."""

    class Meta:
        model = "stations.Reception"

    station = factory.SubFactory(StationFactory)
    duty_day = None
    date = factory.LazyFunction(timezone.localdate)
    residents = 3
    bookings = ()
    matters = ()

    @classmethod
    def _make(cls, *, station, duty_day, date, residents, bookings, matters):
        from stations import services
        from stations.models import StationProfile

        if duty_day is not None:
            deputies = list(duty_day.deputies.all())
        else:
            deputies = list(StationProfile.objects.get(station=station).deputies.all())
        return services.reception_record(
            actor=staff_of(station.township),
            station=station,
            date=date,
            deputies=deputies,
            residents=residents,
            duty_day=duty_day,
            bookings=list(bookings),
            matters=[services.Matter(title=t, content=f"{t}，请代表反映") for t in matters],
        )


__all__ = ["BookingFactory", "DutyDayFactory", "ReceptionFactory", "StationFactory"]
