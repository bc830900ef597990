"""A person's work list (待办事项) on the home page, composed from every stage.

This module sits above the stage apps: it asks each stage's ``selectors.tasks_for(user,
today=...)`` for plain ``congress.worklist.Task`` items and groups them into one section per
role the person holds (in a township's congress or in a county's own, issue 17), so no stage
(and not congress, which owns the home view) imports a later one. A section for a role the
person holds is shown even when empty, saying so."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress import worklist as w
from congress.models import Role
from congress.permissions import get_scope
from projects import selectors as projects
from supervision import selectors as supervision
from voting import selectors as voting

# A county congress's staff (县人大常委会工作人员) who are no township's presidium staff.
COUNTY_STAFF_TITLE = _("As the county congress's staff")

TITLES = {
    w.STAFF: _("As presidium staff"),
    w.TELLER: _("As teller (计票人)"),
    w.SCRUTINEER: _("As scrutineer (监票人)"),
    w.GOVERNMENT: _("As government liaison"),
    w.GROUP: _("In your supervision groups"),
    w.REVIEWER: _("Across your county"),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tasks: list[w.Task]


def _held_sections(user) -> set[str]:
    """The sections a person sees even when there is nothing in them: their roles, in a
    township's congress or in a county's own."""
    scope = get_scope(user)
    held = set()
    if scope.is_staff_anywhere or scope.county_staff_counties or scope.is_superuser:
        held.add(w.STAFF)
    for role, section in (
        (Role.TELLER, w.TELLER),
        (Role.SCRUTINEER, w.SCRUTINEER),
        (Role.GOVERNMENT, w.GOVERNMENT),
    ):
        if scope.townships_with(role) or scope.counties_with(role):
            held.add(section)
    if scope.is_reviewer:
        held.add(w.REVIEWER)
    return held


def tasks_for(user, *, today: datetime.date | None = None) -> list[w.Task]:
    """Every stage's tasks for the user, unsorted."""

    today = today or timezone.localdate()
    return [
        *projects.tasks_for(user, today=today),
        *voting.tasks_for(user, today=today),
        *supervision.tasks_for(user, today=today),
    ]


def worklist_for(user, *, today: datetime.date | None = None) -> list[Section]:
    """The home page's sections in a fixed order, each sorted: overdue first, then by date;
    a capped list's "more" item stays last in its section."""
    tasks = tasks_for(user, today=today)
    held = _held_sections(user)
    scope = get_scope(user)
    titles = dict(TITLES)
    if scope.county_staff_counties and not (scope.is_staff_anywhere or scope.is_superuser):
        titles[w.STAFF] = COUNTY_STAFF_TITLE
    by_section: dict[str, list[w.Task]] = {}
    for task in tasks:
        by_section.setdefault(task.section, []).append(task)
    sections = []
    for key in w.SECTIONS:
        items = by_section.get(key, [])
        if not items and key not in held:
            continue
        items = sorted(items, key=lambda t: (t.kind.endswith("_more"), t.sort_key))
        sections.append(Section(key=key, title=str(titles[key]), tasks=items))
    return sections
