"""Labels of the duty items, by code (one table for the pages and the PDF)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ITEM_LABELS = {
    "station_duty": _("Station duty attended (接待日)"),
    "appointment": _("Appointments received (代表有约)"),
    "suggestion": _("Suggestions collected"),
    "suggestion_candidate": _("Suggestions that became candidate projects"),
    "inspection": _("Inspections"),
    "group_task": _("Supervision-group tasks"),
    "handover_raised": _("Hand-overs raised"),
    "handover_closed": _("Hand-overs closed"),
    "session_attendance": _("Session attendance"),
}

STATUS_LABELS = {
    "ok": _("on track"),
    "behind": _("behind the minimum"),
    "missed": _("minimum missed"),
}


@register.filter
def item_label(code):
    return ITEM_LABELS.get(code, code)


@register.filter
def frequency_label(status):
    return STATUS_LABELS.get(status, status)
