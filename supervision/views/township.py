"""Township overview and ledger."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from congress.access import township_view
from projects.selectors import plans_visible_to

from .. import selectors
from ..models import ItemStatus
from ..permissions import (
    user_can_manage_supervision,
)


@township_view()
def overview(request, township):
    today = timezone.localdate()
    projects = list(selectors.supervision_list(request.user, township=township, today=today))
    rules = selectors.rules_for(township)
    for p in projects:
        p.dues = selectors.project_dues(
            p,
            rules=rules,
            last_inspection=p.last_inspection,
            last_report=p.last_report,
            today=today,
        )
        p.any_overdue = any(d.overdue for d in p.dues)
    plans = plans_visible_to(request.user).filter(township=township).order_by("-year")[:5]
    return render(
        request,
        "supervision/overview.html",
        {
            "township": township,
            "projects": projects,
            "plans": plans,
            "can_manage": user_can_manage_supervision(request.user, township),
            "today": today,
        },
    )


@township_view()
def ledger(request, township):
    status = request.GET.get("status", "open")
    if status not in {"", "open", *ItemStatus.values}:
        status = "open"
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.ledger_list(request.user, township=township, status=status, overdue=overdue)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/ledger.html",
        {
            "township": township,
            "page": page,
            "status": status,
            "overdue": overdue,
            "statuses": ItemStatus.choices,
            "today": timezone.localdate(),
        },
    )
