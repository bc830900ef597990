"""Receptions recorded: who was there, residents received, and the matters raised — each a
suggestion in the existing intake (channel 联络站) and, for a 微建议, a hand-over in
supervision's ledger, through those apps' own services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record
from projects import services as project_services
from projects.models import LiaisonStation, Project, SuggestionChannel
from supervision import services as supervision_services

from ..models import Booking, BookingStatus, DutyDay, MatterRoute, Reception, ReceptionMatter
from ..permissions import user_can_manage_stations
from ._base import _require


@dataclass
class Matter:
    title: str
    content: str
    route: str = MatterRoute.SUGGESTION
    deputy: Deputy | None = None  # the receiving deputy; default the first present
    project: Project | None = None  # a 微建议 about an elected project under supervision
    department: str = ""
    deadline: datetime.date | None = None


@transaction.atomic
def reception_record(
    *,
    actor,
    station: LiaisonStation,
    date: datetime.date,
    deputies: list[Deputy],
    residents: int = 0,
    kind: str = "reception",
    visitor: str = "",
    notes: str = "",
    duty_day: DutyDay | None = None,
    bookings: list[Booking] = (),
    matters: list[Matter] = (),
) -> Reception:
    """Record a reception (or a department head's visit, 局长进站) with its matters."""
    township = station.township
    _require(user_can_manage_stations(actor, township))
    if any(d.township_id != township.pk for d in deputies):
        raise ValidationError({"deputies": _("Choose deputies of this township.")})
    if duty_day is not None and duty_day.station_id != station.pk:
        raise ValidationError(_("Choose a reception day of this station."))
    if kind == "head_visit" and not visitor.strip():
        raise ValidationError({"visitor": _("Name the department head who came.")})
    reception = Reception(
        station=station,
        duty_day=duty_day,
        kind=kind,
        date=date,
        residents=residents,
        visitor=visitor.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    reception.full_clean()
    reception.save()
    reception.deputies.set(deputies)
    booking_ids = [b.pk for b in bookings]
    if booking_ids:
        if duty_day is None:
            raise ValidationError(_("Appointments belong to a reception day."))
        n = Booking.objects.filter(
            pk__in=booking_ids, duty_day=duty_day, status=BookingStatus.BOOKED
        ).update(status=BookingStatus.RECEIVED, reception=reception)
        if n != len(set(booking_ids)):
            raise ValidationError(_("Some appointments are not open bookings of this day."))
    for matter in matters:
        _matter_record(actor=actor, reception=reception, matter=matter, deputies=deputies)
    audit_record(
        actor=actor,
        action=AuditAction.STATION_RECEPTION_RECORD,
        obj=reception,
        township=township,
        after={
            "deputies": sorted(d.pk for d in deputies),
            "residents": residents,
            "matters": len(matters),
        },
    )
    return reception


def _matter_record(*, actor, reception, matter: Matter, deputies) -> ReceptionMatter:
    if matter.route not in MatterRoute.values:
        raise ValidationError(_("Choose how the matter is handled."))
    deputy = matter.deputy or (deputies[0] if deputies else None)
    suggestion = project_services.suggestion_create(
        actor=actor,
        township=reception.station.township,
        channel=SuggestionChannel.STATION,
        deputy=deputy,
        station=reception.station,
        title=matter.title,
        content=matter.content,
    )
    item = None
    if matter.route == MatterRoute.MICRO:
        # A 微建议 is handed over about an elected project or, with no project, on its own
        # for the station's township.
        item = supervision_services.item_create(
            actor=actor,
            project=matter.project,
            township=reception.station.township,
            title=matter.title,
            detail=matter.content,
            suggestion=suggestion,
            department=matter.department,
            deadline=matter.deadline,
        )
    return ReceptionMatter.objects.create(
        reception=reception, route=matter.route, suggestion=suggestion, ledger_item=item
    )
