"""Pure rules of the stations app: the duty items and their points (履职积分), the minimum
station frequency, the year-ahead calendar dates, swaps, bookings and their receipt codes.
No ORM, no settings, no clock: ``today`` / ``now`` are passed in."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

# The items credited automatically from what the system already records, with their default
# points (a township may change the points; the codes are fixed). Order = display order.
AUTO_ITEMS: dict[str, int] = {
    "station_duty": 2,  # a reception at a station the deputy attended (接待日到岗)
    "appointment": 1,  # a resident's 代表有约 appointment received at such a reception
    "suggestion": 1,  # a suggestion the deputy collected (any channel)
    "suggestion_candidate": 3,  # ... that became a candidate project (locked list)
    "inspection": 2,  # an inspection (视察) the deputy took part in
    "group_task": 2,  # a seat in a confirmed supervision group (监督小组)
    "handover_raised": 1,  # a problem the deputy raised that was handed over (交办)
    "handover_closed": 1,  # ... and closed (销号)
    "session_attendance": 3,  # present at a congress session (attendance only, never a vote)
}

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8


class StationRuleError(ValueError):
    """A refused change, with a code the services turn into a sentence."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PointLine:
    code: str
    count: int
    points_each: int

    @property
    def points(self) -> int:
        return self.count * self.points_each


def item_points(overrides: dict[str, int]) -> dict[str, int]:
    """The points of every automatic item: the township's overrides over the defaults."""
    return {code: overrides.get(code, default) for code, default in AUTO_ITEMS.items()}


def point_lines(counts: dict[str, int], points: dict[str, int]) -> list[PointLine]:
    """One line per automatic item (in the order of AUTO_ITEMS); unknown codes refused."""
    unknown = set(counts) - set(AUTO_ITEMS)
    if unknown:
        raise StationRuleError("unknown_item")
    return [PointLine(code, counts.get(code, 0), points[code]) for code in AUTO_ITEMS]


def total_points(lines: list[PointLine], manual_points: int = 0) -> int:
    return sum(line.points for line in lines) + manual_points


OK, BEHIND, MISSED = "ok", "behind", "missed"


def frequency_status(*, attended: int, minimum: int, year: int, as_of: datetime.date) -> str:
    """The minimum station frequency: ``missed`` once the year is over (or as good as over)
    with fewer duty days than the minimum; ``behind`` during the year when fewer than the
    whole duty days due pro rata (integer arithmetic: minimum × days elapsed // days in
    year); else ``ok``."""
    if attended >= minimum:
        return OK
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    if as_of >= end:
        return MISSED
    if as_of < start:
        return OK
    days_in_year = (end - start).days + 1
    elapsed = (as_of - start).days + 1
    due = minimum * elapsed // days_in_year
    return BEHIND if attended < due else OK


def monthly_dates(year: int, *, weekday: int, nth: int) -> list[datetime.date]:
    """The ``nth`` (1–4, or -1 for the last) ``weekday`` (0 = Monday) of every month."""
    if weekday not in range(7) or nth not in (1, 2, 3, 4, -1):
        raise StationRuleError("bad_pattern")
    out = []
    for month in range(1, 13):
        days = [week[weekday] for week in calendar.monthcalendar(year, month) if week[weekday] != 0]
        out.append(datetime.date(year, month, days[nth - 1 if nth > 0 else -1]))
    return out


def weekly_dates(
    start: datetime.date, end: datetime.date, *, weekday: int, every: int = 1
) -> list[datetime.date]:
    """Every ``every`` weeks on ``weekday`` from ``start`` to ``end`` inclusive."""
    if weekday not in range(7) or every < 1 or end < start:
        raise StationRuleError("bad_pattern")
    first = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    out = []
    day = first
    while day <= end:
        out.append(day)
        day += datetime.timedelta(weeks=every)
    return out


def rotate_deputies(dates: list, deputy_ids: list[int], per_day: int) -> list[list[int]]:
    """Deputies on duty per date, in turn, so duty spreads evenly across the station's
    deputies (a deputy at most once per date)."""
    if not deputy_ids or per_day < 1:
        raise StationRuleError("no_deputies")
    per_day = min(per_day, len(deputy_ids))
    out, i = [], 0
    for _date in dates:
        out.append([deputy_ids[(i + k) % len(deputy_ids)] for k in range(per_day)])
        i += per_day
    return out


def check_swap(
    *, on_duty: set[int], from_id: int, to_id: int, assigned: set[int], has_begun: bool
) -> None:
    """A swap hands one duty to a deputy assigned to the station who is not on duty yet;
    not once the duty day has begun."""
    if has_begun:
        raise StationRuleError("duty_begun")
    if from_id not in on_duty:
        raise StationRuleError("not_on_duty")
    if to_id == from_id or to_id in on_duty:
        raise StationRuleError("already_on_duty")
    if to_id not in assigned:
        raise StationRuleError("not_assigned")


def can_book(*, duty_start: datetime.datetime, now: datetime.datetime, published: bool) -> bool:
    """A published duty day is bookable until it starts."""
    return published and now < duty_start


def can_cancel(*, status: str, duty_start: datetime.datetime, now: datetime.datetime) -> bool:
    return status == "booked" and now < duty_start


def code_from_bytes(raw: bytes) -> str:
    """A receipt code of CODE_LENGTH characters from random bytes (≥ 40 bits)."""
    if len(raw) < CODE_LENGTH:
        raise StationRuleError("short_entropy")
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in raw[:CODE_LENGTH])


def normalise_code(text: str) -> str:
    """What a resident typed: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code
