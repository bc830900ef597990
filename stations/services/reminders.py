"""Reminders to the deputies on duty (what the daily beat task runs)."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import DutyDay, DutyReminder, StationRules

logger = logging.getLogger(__name__)


def reminders_send(*, today: datetime.date | None = None) -> int:
    """One reminder per deputy per published duty day coming within the township's notice
    (default the next day); idempotent. Returns how many were made."""
    today = today or timezone.localdate()
    notice = dict(StationRules.objects.values_list("township_id", "remind_days_before"))
    days = (
        DutyDay.objects.filter(
            published=True, date__gte=today, date__lte=today + datetime.timedelta(days=7)
        )
        .select_related("station__township")
        .prefetch_related("deputies__user")
    )
    made = 0
    for day in days:
        if (day.date - today).days > notice.get(day.station.township_id, 1):
            continue
        for deputy in day.deputies.all():
            try:
                with transaction.atomic():
                    reminder = DutyReminder.objects.create(duty_day=day, deputy=deputy)
            except IntegrityError:
                continue
            made += 1
            email = deputy.user.email if deputy.user_id else ""
            if email:
                subject = _("Reception day at %(station)s on %(date)s, %(start)s–%(end)s") % {
                    "station": day.station.name,
                    "date": day.date.isoformat(),
                    "start": day.start.strftime("%H:%M"),
                    "end": day.end.strftime("%H:%M"),
                }
                try:
                    send_mail(subject, subject, settings.DEFAULT_FROM_EMAIL, [email])
                    DutyReminder.objects.filter(pk=reminder.pk).update(emailed=True)
                except Exception:  # noqa: BLE001 - mail down: the in-app reminder stays
                    logger.warning("duty reminder e-mail failed")
    return made
