"""Station profiles and the township's station rules and duty items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy, Township
from congress.services import audit_record
from projects.models import LiaisonStation

from .. import domain
from ..models import DutyItem, StationProfile, StationRules
from ..permissions import user_can_manage_stations
from ._base import _require


@transaction.atomic
def station_profile_set(
    *,
    actor,
    station: LiaisonStation,
    level: str,
    online: bool,
    opening_hours: str = "",
    address: str | None = None,
    deputies: list[Deputy] = (),
) -> StationProfile:
    """A station's level, form, hours and assigned deputies (address on the station)."""
    _require(user_can_manage_stations(actor, station.township))
    station = LiaisonStation.objects.select_for_update().get(pk=station.pk)
    if any(d.township_id != station.township_id for d in deputies):
        raise ValidationError({"deputies": _("Choose deputies of this township.")})
    if address is not None and address != station.address:
        station.address = address
        station.full_clean()
        station.save(update_fields=["address"])
    profile = StationProfile.objects.filter(station=station).first() or StationProfile(
        station=station
    )
    profile.level = level
    profile.online = online
    profile.opening_hours = opening_hours
    profile.full_clean()
    profile.save()
    profile.deputies.set(deputies)
    audit_record(
        actor=actor,
        action=AuditAction.STATION_PROFILE_SET,
        obj=station,
        township=station.township,
        after={
            "level": level,
            "online": online,
            "deputies": sorted(d.pk for d in deputies),
        },
    )
    return profile


@transaction.atomic
def station_rules_set(*, actor, township: Township, min_duty_days: int) -> StationRules:
    _require(user_can_manage_stations(actor, township))
    rules, _created = StationRules.objects.select_for_update().get_or_create(township=township)
    rules.min_duty_days = min_duty_days
    rules.full_clean()
    rules.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_RULES_SET,
        obj=rules,
        township=township,
        after={"min_duty_days": min_duty_days},
    )
    return rules


@transaction.atomic
def duty_item_set(
    *, actor, township: Township, code: str, points: int, label: str = "", is_manual=None
) -> DutyItem:
    """Set an automatic item's points for the township, or add / change a manual item."""
    _require(user_can_manage_stations(actor, township))
    manual = code not in domain.AUTO_ITEMS if is_manual is None else is_manual
    if not manual and code not in domain.AUTO_ITEMS:
        raise ValidationError(_("Unknown duty item."))
    if manual and code in domain.AUTO_ITEMS:
        raise ValidationError(_("That code belongs to an automatic item."))
    if manual and not label.strip():
        raise ValidationError({"label": _("Name the item.")})
    item = DutyItem.objects.select_for_update().filter(township=township, code=code).first()
    item = item or DutyItem(township=township, code=code)
    item.points = points
    item.label = label.strip()
    item.is_manual = manual
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_DUTY_ITEM_SET,
        obj=item,
        township=township,
        after={"code": code, "points": points},
    )
    return item
