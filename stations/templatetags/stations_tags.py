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


@register.simple_tag(takes_context=True)
def stations_nav(context) -> str:
    """Where the navigation's stations entry leads for this user (from the scope only: no
    queries): staff to their township's stations, reviewers to their county's station
    activity, deputies to their duty days; nobody else has one."""
    from django.urls import reverse

    from congress.permissions import get_scope

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    scope = get_scope(user)
    if scope.staff_townships:
        return reverse("stations:township_stations", args=[min(scope.staff_townships)])
    if scope.reviewer_counties:
        return reverse("stations:county_activity", args=[min(scope.reviewer_counties)])
    if scope.deputy_id is not None:
        return reverse("stations:my")
    return ""
