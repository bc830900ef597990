"""The hand-over ledger: items in scope, the filtered list, an item's events, a deputy's open
items, overdue items."""

from __future__ import annotations

import datetime

from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone

from congress.permissions import get_scope

from .. import domain
from ..models import GroupStatus, LedgerItem
from ._base import AWAITING, OPEN, _township_filter


def items_visible_to(user) -> QuerySet[LedgerItem]:
    qs = LedgerItem.objects.select_related("project", "township", "county")
    q = _township_filter(user)
    return qs if q is None else qs.filter(q)


def ledger_list(
    user,
    *,
    township=None,
    county=None,
    status: str = "",
    overdue: bool = False,
    project=None,
    today=None,
) -> QuerySet[LedgerItem]:
    """A township's ledger, or a county congress's (``county=``)."""
    today = today or timezone.localdate()
    qs = items_visible_to(user)
    qs = qs.filter(county=county) if county is not None else qs.filter(township=township)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=AWAITING, deadline__lt=today)
    if project is not None:
        qs = qs.filter(project=project)
    # Open items first, the nearest deadline first; closed ones last.
    return qs.annotate(
        is_closed=Case(When(status=domain.CLOSED, then=Value(1)), default=Value(0))
    ).order_by("is_closed", F("deadline").asc(nulls_last=True), "-id")


def item_events(item):
    return item.events.select_related("by").order_by("at", "id")


def my_open_items(user) -> QuerySet[LedgerItem]:
    scope = get_scope(user)
    if not scope.is_deputy:
        return LedgerItem.objects.none()
    return (
        LedgerItem.objects.filter(
            project__supervision_group__members__deputy_id=scope.deputy_id,
            project__supervision_group__status=GroupStatus.CONFIRMED,
            status__in=OPEN,
        )
        .select_related("project", "township", "county")
        .order_by("deadline", "pk")
    )


def overdue_items(*, today: datetime.date) -> QuerySet[LedgerItem]:
    return LedgerItem.objects.filter(status__in=AWAITING, deadline__lt=today).select_related(
        "project", "township", "county"
    )
