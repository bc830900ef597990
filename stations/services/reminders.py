"""Reminders to the deputies on duty (what the daily beat task runs): one per deputy per
published duty day, shown in the deputy's notification list (supervision's ``Notification``,
the site's one list) and e-mailed when the account has an address."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision import services as supervision_services

from ..models import DutyDay, DutyReminder, StationRules

logger = logging.getLogger(__name__)

# The notification kind of a duty reminder (supervision's NotificationKind.DUTY_DAY).
DUTY_DAY_KIND = "duty_day"


def _subject(day: DutyDay) -> str:
    return _("Reception day at %(station)s on %(date)s, %(start)s–%(end)s") % {
        "station": day.station.name,
        "date": day.date.isoformat(),
        "start": day.start.strftime("%H:%M"),
        "end": day.end.strftime("%H:%M"),
    }


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
    url = reverse("stations:my")
    for day in days:
        if (day.date - today).days > notice.get(day.station.township_id, 1):
            continue
        subject = _subject(day)
        for deputy in day.deputies.all():
            try:
                with transaction.atomic():
                    reminder = DutyReminder.objects.create(duty_day=day, deputy=deputy)
                    if deputy.user_id and deputy.user.is_active:
                        # One per user, key and day, even under a concurrent run.
                        supervision_services.notify(
                            users=[deputy.user],
                            kind=DUTY_DAY_KIND,
                            key=f"{DUTY_DAY_KIND}:{day.pk}",
                            subject=subject,
                            url=url,
                            day=today,
                        )
            except IntegrityError:
                continue
            made += 1
            email = deputy.user.email if deputy.user_id else ""
            if email:
                try:
                    send_mail(subject, subject, settings.DEFAULT_FROM_EMAIL, [email])
                    DutyReminder.objects.filter(pk=reminder.pk).update(emailed=True)
                except Exception:  # noqa: BLE001 - mail down: the in-app reminder stays
                    logger.warning("duty reminder e-mail failed")
    return made
