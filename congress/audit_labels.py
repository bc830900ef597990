"""How the operation log reads to people: a label per action, and each change as
"field: before → after" with the field's own name where the model knows it.

Services write ``AuditEvent.action`` as a stable code (``ledger.close``) and ``before`` /
``after`` as JSON; this module only turns them into words for the page."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .audit import AuditAction

ACTION_LABELS = {action.value: action.label for action in AuditAction}

# Keys that are not a field of the object's model (counts, figures of a step).
KEY_LABELS = {
    "added": _("added"),
    "attempts": _("attempts"),
    "attendees": _("deputies attending"),
    "candidates": _("candidates"),
    "choices": _("marks"),
    "count": _("number"),
    "created": _("created"),
    "decision": _("decision"),
    "deputy": _("deputy"),
    "digest": _("ballot box digest"),
    "due": _("deputies due (应到)"),
    "duty": _("task"),
    "elected": _("elected"),
    "electronic_ballots": _("electronic ballots"),
    "error": _("error"),
    "file": _("file"),
    "issued": _("ballots issued"),
    "kind": _("kind"),
    "leader": _("leader"),
    "members": _("members"),
    "milestones": _("milestones"),
    "mode": _("mode"),
    "name": _("name"),
    "note": _("note"),
    "paper_ballots": _("paper ballots"),
    "paper_issued": _("paper ballots issued"),
    "present": _("deputies present (实到)"),
    "project": _("project"),
    "projects": _("projects"),
    "quarter": _("quarter"),
    "reason": _("reason"),
    "reply": _("reply to the proposer"),
    "returned": _("ballots returned"),
    "role": _("role"),
    "round": _("round"),
    "sequence": _("ballot number"),
    "slips_issued": _("code slips issued"),
    "slot": _("slot"),
    "slots": _("number of slots"),
    "status": _("status"),
    "token": _("QR code"),
    "unchanged": _("unchanged"),
    "updated": _("updated"),
    "username": _("username"),
    "valid": _("valid ballots"),
    "year": _("year"),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the key was not in "before"
    after: str | None


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _label(model, key: str) -> str:
    field = _field(model, key)
    if field is not None and getattr(field, "verbose_name", None):
        return str(field.verbose_name)
    return str(KEY_LABELS.get(key, key.replace("_", " ")))


def _text(model, key: str, value) -> str:
    """One JSON value as words: a choice by its label, yes/no, lists joined, nested dicts as
    "key: value" pairs."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list | tuple):
        return "、".join(_text(model, key, v) for v in value) if value else "—"
    if isinstance(value, dict):
        return "；".join(f"{_label(None, k)}: {_text(None, k, v)}" for k, v in value.items())
    field = _field(model, key)
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        for choice, label in choices:
            if str(choice) == str(value):
                return str(label)
    if isinstance(value, int | float):
        return localize(value)
    return str(value)


def changes(event) -> list[Change]:
    """The event's before/after as one line per key, in the order the service wrote them."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = _model(event.object_type)
    lines = []
    for key in [*before, *(k for k in after if k not in before)]:
        lines.append(
            Change(
                label=_label(model, key),
                before=_text(model, key, before[key]) if key in before else None,
                after=_text(model, key, after[key]) if key in after else None,
            )
        )
    if not lines and (event.before or event.after):  # not a dict: show it as it is
        return [Change(label="", before=None, after=str(event.after or event.before))]
    return lines
