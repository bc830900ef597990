"""Reads of the stations app (re-exported here)."""

from .record import (
    DutyRecord,
    duty_counts,
    duty_record,
    duty_records,
    manual_items,
    points_for,
    rules_for,
    township_overview,
)
from .stations import (
    TownshipActivity,
    county_activity,
    duty_day_for_user,
    my_duty_days,
    published_calendar,
    reception_for_user,
    receptions_of,
    station_calendar,
    station_for_user,
    station_public,
    stations_of,
    upcoming_duty,
)

__all__ = [
    "DutyRecord",
    "TownshipActivity",
    "county_activity",
    "duty_counts",
    "duty_day_for_user",
    "duty_record",
    "duty_records",
    "manual_items",
    "my_duty_days",
    "points_for",
    "published_calendar",
    "reception_for_user",
    "receptions_of",
    "rules_for",
    "station_calendar",
    "station_for_user",
    "station_public",
    "stations_of",
    "township_overview",
    "upcoming_duty",
]
