"""What the stations services share: the permission guard, the refusal sentences, the
township's station rules and a duty day's start as an aware datetime."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress.access import require as _require  # noqa: F401 - the stage's services' guard

from .. import domain
from ..models import DutyDay

MESSAGES = {
    "duty_begun": _("This reception day has already begun; it can no longer be changed."),
    "not_on_duty": _("That deputy is not on duty that day."),
    "already_on_duty": _("The deputy taking over is already on duty that day."),
    "not_assigned": _("Choose a deputy assigned to this station."),
    "no_deputies": _("Assign deputies to the station before planning its calendar."),
    "bad_pattern": _("Choose a valid repeat pattern."),
    "unknown_item": _("Unknown duty item."),
}


def refusal(exc: domain.StationRuleError) -> ValidationError:
    return ValidationError(str(MESSAGES.get(exc.code, exc.code)), code=exc.code)


def duty_start(day: DutyDay) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day.date, day.start))
