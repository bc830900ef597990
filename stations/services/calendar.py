"""The reception calendar (接待日): a year planned ahead, published, swaps recorded."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record
from projects.models import LiaisonStation

from .. import domain
from ..models import DutyDay, DutySwap, StationProfile
from ..permissions import user_can_manage_stations
from ._base import _require, duty_start, refusal


def _assigned_ids(station: LiaisonStation) -> list[int]:
    profile = StationProfile.objects.filter(station=station).first()
    if profile is None:
        return []
    return sorted(profile.deputies.filter(in_office=True).values_list("pk", flat=True))


@transaction.atomic
def calendar_plan(
    *,
    actor,
    station: LiaisonStation,
    dates: list[datetime.date],
    start: datetime.time,
    end: datetime.time,
    per_day: int = 2,
) -> list[DutyDay]:
    """Plan duty days (unpublished) on ``dates``, the station's deputies in turn. Dates that
    already have a duty day at that time are left as they are."""
    _require(user_can_manage_stations(actor, station.township))
    if end <= start:
        raise ValidationError({"end": _("The end time must be after the start time.")})
    station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    taken = set(
        DutyDay.objects.filter(station=station, date__in=dates, start=start).values_list(
            "date", flat=True
        )
    )
    dates = sorted(d for d in set(dates) if d not in taken)
    try:
        rota = domain.rotate_deputies(dates, _assigned_ids(station), per_day)
    except domain.StationRuleError as exc:
        raise refusal(exc) from None
    created = []
    for day, deputy_ids in zip(dates, rota, strict=True):
        duty = DutyDay(station=station, date=day, start=start, end=end)
        duty.full_clean()
        duty.save()
        duty.deputies.set(deputy_ids)
        created.append(duty)
    audit_record(
        actor=actor,
        action=AuditAction.STATION_CALENDAR_PLAN,
        obj=station,
        township=station.township,
        after={"days": len(created)},
    )
    return created


@transaction.atomic
def calendar_publish(*, actor, station: LiaisonStation, year: int) -> int:
    """Publish the station's planned duty days of ``year`` (station page, front door)."""
    _require(user_can_manage_stations(actor, station.township))
    n = DutyDay.objects.filter(station=station, date__year=year, published=False).update(
        published=True
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATION_CALENDAR_PUBLISH,
        obj=station,
        township=station.township,
        after={"year": year, "days": n},
    )
    return n


@transaction.atomic
def duty_swap(
    *, actor, duty_day: DutyDay, from_deputy: Deputy, to_deputy: Deputy, reason: str = ""
) -> DutySwap:
    """Record a swap: ``to_deputy`` takes ``from_deputy``'s duty on that day."""
    duty_day = (
        DutyDay.objects.select_for_update().select_related("station__township").get(pk=duty_day.pk)
    )
    _require(user_can_manage_stations(actor, duty_day.station.township))
    on_duty = set(duty_day.deputies.values_list("pk", flat=True))
    try:
        domain.check_swap(
            on_duty=on_duty,
            from_id=from_deputy.pk,
            to_id=to_deputy.pk,
            assigned=set(_assigned_ids(duty_day.station)),
            has_begun=timezone.now() >= duty_start(duty_day),
        )
    except domain.StationRuleError as exc:
        raise refusal(exc) from None
    duty_day.deputies.remove(from_deputy)
    duty_day.deputies.add(to_deputy)
    swap = DutySwap.objects.create(
        duty_day=duty_day,
        from_deputy=from_deputy,
        to_deputy=to_deputy,
        reason=reason.strip()[:200],
        by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.STATION_DUTY_SWAP,
        obj=duty_day,
        township=duty_day.station.township,
        before={"deputy": from_deputy.pk},
        after={"deputy": to_deputy.pk},
    )
    return swap
