"""Manual duty items credited by staff, with evidence."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record

from ..models import DutyItem, ManualCredit
from ..permissions import user_can_manage_stations
from ._base import _require


@transaction.atomic
def manual_credit_record(
    *, actor, deputy: Deputy, item: DutyItem, date: datetime.date, evidence: str
) -> ManualCredit:
    _require(user_can_manage_stations(actor, deputy.township))
    if item.township_id != deputy.township_id or not item.is_manual:
        raise ValidationError({"item": _("Choose a manual duty item of this township.")})
    if not evidence.strip():
        raise ValidationError({"evidence": _("Describe the evidence.")})
    credit = ManualCredit(
        deputy=deputy,
        item=item,
        date=date,
        points=item.points,
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    credit.full_clean()
    credit.save()
    audit_record(
        actor=actor,
        action=AuditAction.STATION_MANUAL_CREDIT,
        obj=credit,
        township=deputy.township,
        after={"deputy": deputy.pk, "item": item.code, "points": item.points},
    )
    return credit
