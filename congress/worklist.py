"""The vocabulary of a person's work list (待办事项): one plain item per thing to do.

Every stage app answers ``selectors.tasks_for(user, today=...)`` with a list of these, and
``cycle.worklist`` (above the stages) composes them into the home page's sections. The
class lives here, in the lowest layer, so every stage can build items without importing a
later stage or the composer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# The sections of the home page, in the order they are shown. Township roles use the
# ``congress.models.Role`` values; GROUP is a deputy's work in their supervision groups.
STAFF = "staff"
TELLER = "teller"
SCRUTINEER = "scrutineer"
GOVERNMENT = "government"
GROUP = "group"
REVIEWER = "reviewer"
SECTIONS = (STAFF, TELLER, SCRUTINEER, GOVERNMENT, GROUP, REVIEWER)

# How many items of one kind a section lists; the rest are behind a "see all" item.
LIMIT = 8
# A cadence duty (inspection, progress report) is listed from this many days before it is due.
DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class Task:
    """One thing to do: what, where, by when, and the page where it is done.

    ``waiting`` marks work that cannot start yet (the page says why, e.g. paper entry while
    the vote is still open); it is listed so the person knows it is coming."""

    section: str
    kind: str  # a stable key: "paper_entry", "handover_answer", ... (tests, icons)
    what: str  # translated: what to do
    where: str  # township · project, or township · session · vote
    url: str
    due: datetime.date | None = None
    overdue: bool = False
    waiting: bool = False
    count: int | None = None  # how many things the item stands for, when it groups several

    @property
    def sort_key(self) -> tuple:
        """Overdue first, then the nearest date, work that can start before work that waits."""
        return (
            not self.overdue,
            self.waiting,
            self.due or datetime.date.max,
            self.where,
            self.what,
        )


def more_task(section: str, kind: str, *, shown: int, total: int, what: str, url: str) -> Task:
    """The closing item of a capped list: how many more, and the page listing them all."""
    return Task(
        section=section, kind=f"{kind}_more", what=what, where="", url=url, count=total - shown
    )
