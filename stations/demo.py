"""Demo stations: every demo liaison station gets a profile (level, hours, its deputies), a
published reception calendar from a year back to a year ahead (one day a month), a year of
receptions (some with a department head, 局长进站; station suggestions of the projects demo
attached as the matters raised), a few 代表有约 appointments, and a manual duty item credited.
Idempotent: a station that has a profile is left as it is."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from congress.models import Deputy, Township
from projects.models import LiaisonStation, Suggestion

from . import domain
from .models import (
    Booking,
    BookingStatus,
    DutyDay,
    DutyItem,
    ManualCredit,
    MatterRoute,
    Reception,
    ReceptionMatter,
    StationLevel,
    StationProfile,
    StationRules,
)

TOPICS = ["村口路灯不亮", "河堤护栏松动", "小学门口缺减速带", "菜市场排水不畅", "老年食堂开餐时间"]
HEADS = ["镇交通办 主任", "县水利局 局长", "镇卫生院 院长"]


@transaction.atomic
def load_demo() -> list[str]:
    today = timezone.localdate()
    made = 0
    for township in Township.objects.filter(stations__isnull=False).distinct().order_by("pk"):
        stations = list(LiaisonStation.objects.filter(township=township).order_by("pk"))
        if StationProfile.objects.filter(station__in=stations).exists():
            continue
        made += _township(township, stations, today)
    if not made:
        return []
    return [f"stations: {made} liaison stations with a calendar and a year of receptions"]


def _township(township, stations, today) -> int:
    rng = random.Random(f"stations-demo-{township.code}")
    staff = (
        get_user_model()
        .objects.filter(roles__role="staff", roles__township=township)
        .order_by("pk")
        .first()
    )
    StationRules.objects.get_or_create(township=township, defaults={"min_duty_days": 4})
    item, _created = DutyItem.objects.get_or_create(
        township=township,
        code="research",
        defaults={"label": "参加专题调研", "points": 3, "is_manual": True},
    )
    deputies = list(Deputy.objects.filter(township=township, in_office=True).order_by("pk"))
    if not deputies:
        return 0
    share = max(2, len(deputies) // len(stations))
    for index, station in enumerate(stations):
        assigned = deputies[index * share : (index + 1) * share] or deputies[:share]
        profile = StationProfile.objects.create(
            station=station,
            level=_level(station, index),
            online=index == 0,
            opening_hours="周一至周五 8:30–17:30" if index == 0 else "每月第一个周一 9:00–11:30",
        )
        profile.deputies.set(assigned)
        ids = [d.pk for d in assigned]
        dates = [
            d
            for year in (today.year - 1, today.year, today.year + 1)
            for d in domain.monthly_dates(year, weekday=index % 5, nth=1)
            if today - datetime.timedelta(days=365) <= d <= today + datetime.timedelta(days=365)
        ]
        rota = domain.rotate_deputies(dates, ids, per_day=2)
        for day_date, on_duty in zip(dates, rota, strict=True):
            day = DutyDay.objects.create(
                station=station,
                date=day_date,
                start=datetime.time(9),
                end=datetime.time(11, 30),
                published=True,
            )
            day.deputies.set(on_duty)
            if day_date < today:
                _reception(rng, station, day, on_duty, staff)
            elif (day_date - today).days < 60:
                Booking.objects.create(
                    duty_day=day,
                    code=domain.code_from_bytes(rng.randbytes(8)),
                    topic=rng.choice(TOPICS),
                )
    for deputy in deputies[:3]:
        ManualCredit.objects.create(
            deputy=deputy,
            item=item,
            date=today - datetime.timedelta(days=rng.randint(20, 200)),
            points=item.points,
            evidence="调研报告一份，已归档",
            recorded_by=staff,
        )
    return len(stations)


def _level(station, index: int) -> str:
    """A county congress's station (its QR link files into the county's intake) is a county
    station; the township's first is its township station, the others village stations."""
    link = getattr(station, "intake_link", None)
    if link is not None and link.county_id is not None:
        return StationLevel.COUNTY
    return StationLevel.TOWNSHIP if index == 0 else StationLevel.VILLAGE


def _reception(rng, station, day, on_duty, staff) -> None:
    head = rng.random() < 0.2
    reception = Reception.objects.create(
        station=station,
        duty_day=day,
        kind="head_visit" if head else "reception",
        date=day.date,
        visitor=rng.choice(HEADS) if head else "",
        residents=rng.randint(2, 12),
        notes="",
        recorded_by=staff,
    )
    present = on_duty if rng.random() < 0.85 else on_duty[:1]
    reception.deputies.set(present)
    Booking.objects.create(
        duty_day=day,
        code=domain.code_from_bytes(rng.randbytes(8)),
        topic=rng.choice(TOPICS),
        status=BookingStatus.RECEIVED,
        reception=reception,
    )
    # A station suggestion of the projects demo becomes the matter raised that day (the
    # township's own: a county station's QR suggestions stay in the county's intake).
    suggestion = (
        Suggestion.objects.filter(station=station, channel="station", township=station.township)
        .exclude(pk__in=ReceptionMatter.objects.values("suggestion"))
        .order_by("pk")
        .first()
    )
    if suggestion is not None and rng.random() < 0.6:
        ReceptionMatter.objects.create(
            reception=reception, route=MatterRoute.SUGGESTION, suggestion=suggestion
        )
