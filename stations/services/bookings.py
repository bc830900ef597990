"""代表有约: a resident books a slot on a published reception day and may cancel it."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record

from .. import domain
from ..models import Booking, BookingStatus, DutyDay
from ._base import duty_start

MAX_BOOKINGS_PER_DAY = 30


def _new_code() -> str:
    return domain.code_from_bytes(secrets.token_bytes(domain.CODE_LENGTH))


def booking_create(*, duty_day: DutyDay, topic: str, name: str = "", phone: str = "") -> Booking:
    """A resident's appointment; the caller rate-limits by address (projects.ratelimit)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _booking_create(duty_day=duty_day, topic=topic, name=name, phone=phone)
        except IntegrityError:  # a code collision (≥ 40 bits: practically never)
            continue
    raise ValidationError(_("Please try again."))


def _booking_create(*, duty_day, topic, name, phone) -> Booking:
    duty_day = (
        DutyDay.objects.select_for_update().select_related("station__township").get(pk=duty_day.pk)
    )
    if not domain.can_book(
        duty_start=duty_start(duty_day), now=timezone.now(), published=duty_day.published
    ):
        raise ValidationError(_("This reception day can no longer be booked."))
    if duty_day.bookings.filter(status=BookingStatus.BOOKED).count() >= MAX_BOOKINGS_PER_DAY:
        raise ValidationError(_("This reception day is fully booked; please choose another."))
    booking = Booking(
        duty_day=duty_day,
        code=_new_code(),
        topic=topic.strip(),
        name=name.strip(),
        phone=phone.strip(),
    )
    booking.full_clean()
    booking.save()
    # The audit row names the day, never the resident.
    audit_record(
        actor=None,
        action=AuditAction.STATION_BOOKING_CREATE,
        obj=duty_day,
        township=duty_day.station.township,
        after={"booking": booking.pk},
    )
    return booking


def booking_by_code(code: str) -> Booking | None:
    code = domain.normalise_code(code)
    if len(code) != domain.CODE_LENGTH:
        return None
    return (
        Booking.objects.select_related("duty_day__station")
        .prefetch_related("duty_day__deputies")
        .filter(code=code)
        .first()
    )


@transaction.atomic
def booking_cancel(*, code: str) -> Booking:
    """The resident cancels with their receipt code, before the day begins."""
    found = booking_by_code(code)
    if found is None:
        raise ValidationError(_("No appointment has this receipt code."))
    booking = (
        Booking.objects.select_for_update().select_related("duty_day__station").get(pk=found.pk)
    )
    if not domain.can_cancel(
        status=booking.status, duty_start=duty_start(booking.duty_day), now=timezone.now()
    ):
        raise ValidationError(_("This appointment can no longer be cancelled."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=None,
        action=AuditAction.STATION_BOOKING_CANCEL,
        obj=booking.duty_day,
        township=booking.duty_day.station.township,
        after={"booking": booking.pk},
    )
    return booking
