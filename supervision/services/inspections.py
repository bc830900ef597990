"""Inspections (视察) by a project's confirmed group; problems found become ledger items."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record
from projects.models import Project

from ..models import Inspection, ItemSource
from ..permissions import user_can_inspect
from ._base import _require, _today
from .ledger import _item_create
from .photos import _check_photos, _save_photos


@transaction.atomic
def inspection_record(
    *,
    actor,
    project: Project,
    date: datetime.date,
    attendees: Iterable[Deputy],
    notes: str,
    photos=(),
    keep_location: bool = False,
    problems: Sequence[str] = (),
) -> Inspection:
    """An inspection (视察) by the project's confirmed group; each problem found becomes a
    ledger item (recorded, to be handed over)."""
    project = Project.objects.select_related("township", "supervision_group").get(pk=project.pk)
    _require(user_can_inspect(actor, project))
    group = getattr(project, "supervision_group", None)
    if group is None or not group.is_confirmed:
        raise ValidationError(_("The project has no confirmed supervision group yet."))
    if date > _today():
        raise ValidationError({"date": _("An inspection cannot be dated in the future.")})
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": _("Tick who attended.")})
    members = set(group.members.values_list("deputy_id", flat=True))
    if any(d.pk not in members for d in attendees):
        raise ValidationError({"attendees": _("Only members of the group can be ticked.")})
    uploads = _check_photos(photos, keep_location)
    inspection = Inspection(project=project, group=group, date=date, notes=notes, recorded_by=actor)
    inspection.full_clean()
    inspection.save()
    inspection.attendees.set(attendees)
    _save_photos(actor=actor, uploads=uploads, keep_location=keep_location, inspection=inspection)
    audit_record(
        actor=actor,
        action=AuditAction.INSPECTION_RECORD,
        obj=inspection,
        township=project.township,
        after={"date": str(date), "attendees": sorted(d.pk for d in attendees)},
    )
    for title in problems:
        title = title.strip()
        if title:
            _item_create(
                actor=actor,
                project=project,
                title=title,
                source=ItemSource.INSPECTION,
                inspection=inspection,
            )
    return inspection
