"""Template filters for congress pages: audit log wording, stored ISO timestamps."""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from congress import audit_labels

register = template.Library()


@register.filter
def as_datetime(value):
    """An ISO 8601 string (as kept in the cache) as an aware datetime; None when unreadable,
    so ``|date`` and ``|timesince`` can localise it."""
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value or ""))
        except ValueError:
            parsed = None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return timezone.localtime(parsed)


@register.filter
def audit_action(action: str) -> str:
    return audit_labels.action_label(action)


@register.filter
def audit_changes(event) -> list:
    return audit_labels.changes(event)
