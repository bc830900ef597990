"""A deputy's phone view and a user's notifications."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import selectors, services


@login_required
def my(request):
    groups = list(selectors.my_groups(request.user))
    today = timezone.localdate()
    rules_by_township = {}
    for g in groups:
        township_id = g.project.township_id
        if township_id not in rules_by_township:
            rules_by_township[township_id] = selectors.rules_for(g.project.township)
        rules = rules_by_township[township_id]
        g.dues = selectors.project_dues(
            g.project, rules=rules, last_inspection=g.last_inspection, last_report=None, today=today
        )
        g.dues = [d for d in g.dues if d.kind == "inspection"]
    items = list(selectors.my_open_items(request.user))
    return render(
        request,
        "supervision/my.html",
        {"groups": groups, "items": items, "today": today},
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
        services.notifications_mark_read(user=request.user, ids=ids or None)
        return redirect("supervision:notifications")
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "supervision/notifications.html", {"page": page})
