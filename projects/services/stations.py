"""Liaison stations and the QR links residents use to send suggestions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy, Township, Village
from congress.permissions import user_can_manage_township
from congress.services import audit_record

from ..models import IntakeLink, LiaisonStation
from ._base import _require
from .codes import _new_intake_token


@transaction.atomic
def station_create(
    *, actor, township: Township, name: str, village: Village | None = None, address: str = ""
) -> LiaisonStation:
    _require(user_can_manage_township(actor, township))
    if village is not None and village.township_id != township.pk:
        raise ValidationError({"village": _("Choose a village of this township.")})
    station = LiaisonStation(township=township, name=name, village=village, address=address)
    station.full_clean()
    station.save()
    link = IntakeLink(token=_new_intake_token(), township=township, station=station)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_CREATE,
        obj=station,
        township=township,
        after={"name": name, "token": link.token},
    )
    return station


@transaction.atomic
def intake_links_ensure(*, actor, township: Township) -> int:
    """Give every deputy in office and every station of the township a QR link. Idempotent;
    returns the number of links created."""
    _require(user_can_manage_township(actor, township))
    created = 0
    deputies = Deputy.objects.filter(
        township=township, in_office=True, intake_link__isnull=True
    ).order_by("pk")
    for deputy in deputies:
        IntakeLink.objects.create(token=_new_intake_token(), township=township, deputy=deputy)
        created += 1
    for station in LiaisonStation.objects.filter(township=township, intake_link__isnull=True):
        IntakeLink.objects.create(token=_new_intake_token(), township=township, station=station)
        created += 1
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.INTAKE_LINKS_CREATE,
            obj=township,
            township=township,
            after={"created": created},
        )
    return created
