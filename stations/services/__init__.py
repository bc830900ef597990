"""Writes of the stations app, one function per use case (re-exported here)."""

from .bookings import booking_by_code, booking_cancel, booking_create
from .calendar import calendar_plan, calendar_publish, duty_swap
from .credits import manual_credit_record
from .receptions import Matter, reception_record
from .reminders import reminders_send
from .stations import duty_item_set, station_profile_set, station_rules_set

__all__ = [
    "Matter",
    "booking_by_code",
    "booking_cancel",
    "booking_create",
    "calendar_plan",
    "calendar_publish",
    "duty_item_set",
    "duty_swap",
    "manual_credit_record",
    "reception_record",
    "reminders_send",
    "station_profile_set",
    "station_rules_set",
]
