"""Template helpers for the projects app.

``status_note``: a project's status history keeps the note its service wrote, translated
into the language of whoever caused the change ("提交青石镇2027年民生实事项目"). The notes
the services write come from a few fixed sentences, so the note is read back against each of
them in every site language and, when one fits, said again in the reader's language; any
other note (typed by a person) is shown as it was written.
"""

from __future__ import annotations

import functools
import re

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

register = template.Library()

# The sentences projects.services.plans and supervision.services write as status notes
# (tests/test_issue19_leftovers.py drives every one through its service).
SYSTEM_NOTES = (
    gettext_noop("Put forward for %(plan)s"),
    gettext_noop("Not advanced by %(round)s"),
    gettext_noop("Reconsidered by %(round)s"),
    gettext_noop("Candidate for %(plan)s"),
    gettext_noop("Elected by the congress"),
    gettext_noop("Not elected; back in the reserve"),
    gettext_noop("Implementation started"),
    gettext_noop("Reported completed"),
)
# str(AnnualPlan), which the notes above name as %(plan)s.
PLAN_NAME = gettext_noop("%(township)s %(year)s livelihood projects")
# What a placeholder may stand for; a year is digits, so "青石镇2027年" splits right.
_SLOTS = {"year": r"\d{4}"}


@functools.cache
def _pattern(msgid: str, language: str) -> re.Pattern:
    with translation.override(language):
        text = translation.gettext(msgid)
    parts = re.split(r"%\((\w+)\)s", text)
    regex = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_SLOTS.get(part, '.+?')})"
        for i, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


def reread(text: str, msgids=SYSTEM_NOTES) -> str:
    """``text`` in the current language when it is one of ``msgids`` as written in any site
    language (its plan name read back too); otherwise ``text`` unchanged."""
    if not text:
        return text
    for msgid in msgids:
        for language, _name in settings.LANGUAGES:
            found = _pattern(msgid, language).fullmatch(text)
            if found is None:
                continue
            values = found.groupdict()
            if "plan" in values:
                values["plan"] = reread(values["plan"], (PLAN_NAME,))
            return translation.gettext(msgid) % values if values else translation.gettext(msgid)
    return text


@register.filter
def status_note(change) -> str:
    """A status change's note in the reader's language (see the module docstring)."""
    return reread(change.note)
