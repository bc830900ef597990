"""Pure rules of a county congress's supervision (issue 17): when the concentrated
supervisions (集中督查) of a plan year fall, and when their reminders are due. No database;
``today`` is passed in."""

from __future__ import annotations

import calendar
import datetime

ROUND_EVERY_MONTHS = 2  # the seeds: "每两个月开展一次集中督查"
ROUND_FIRST_MONTH = 3  # the plan is adopted at the session and implemented from spring
ROUND_DAY = 15
ROUND_REMIND_DAYS = 7


def round_dates(
    year: int,
    *,
    every_months: int = ROUND_EVERY_MONTHS,
    first_month: int = ROUND_FIRST_MONTH,
    day: int = ROUND_DAY,
) -> list[datetime.date]:
    """The concentrated supervisions of a plan year: ``first_month``, then every
    ``every_months`` months to December, each on ``day`` (the month's last day when the month
    is shorter)."""
    if not 1 <= every_months <= 12:
        raise ValueError("every_months must be 1..12")
    if not 1 <= first_month <= 12:
        raise ValueError("first_month must be 1..12")
    if not 1 <= day <= 31:
        raise ValueError("day must be 1..31")
    out = []
    for month in range(first_month, 13, every_months):
        last = calendar.monthrange(year, month)[1]
        out.append(datetime.date(year, month, min(day, last)))
    return out


def next_round(dates, today: datetime.date) -> datetime.date | None:
    """The first round on or after ``today``, or None when the year's rounds are over."""
    return next((d for d in sorted(dates) if d >= today), None)


def rounds_to_remind(dates, today: datetime.date, *, days_before: int) -> list[datetime.date]:
    """Rounds whose reminder is due today: from ``days_before`` days ahead up to the day."""
    return [d for d in dates if 0 <= (d - today).days <= days_before]


ROUND_EARLY_DAYS = 7  # a round recorded up to a week before its planned date counts for it


def round_rows(
    dates, held, today: datetime.date, *, year: int, early_days: int = ROUND_EARLY_DAYS
) -> list[dict]:
    """Each planned round of the year with its window, the windows one after another with no
    overlap: from ``early_days`` before the date (a round recorded a little early counts for
    it) up to ``until``, where the next round's window begins (the year's end for the last).
    A recorded round counts for the one window it falls in (``held``); one passed unrecorded
    (``past``) can still be recorded until then."""
    dates = sorted(dates)
    early = datetime.timedelta(days=early_days)
    rows = []
    for i, day in enumerate(dates):
        until = dates[i + 1] - early if i + 1 < len(dates) else datetime.date(year + 1, 1, 1)
        rows.append(
            {
                "date": day,
                "until": until,
                "held": any(day - early <= h < until for h in held),
                "past": day < today,
            }
        )
    return rows
