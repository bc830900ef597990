"""A ledger item and its actions (hand over, answer, close, reopen, escalate)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from .. import domain, forms, selectors, services
from ..permissions import (
    user_can_answer_item,
    user_can_follow_item,
)
from ._common import _apply

ITEM_ACTIONS = {
    "hand_over": (forms.HandOverForm, user_can_follow_item),
    "answer": (forms.AnswerForm, user_can_answer_item),
    "close": (forms.CloseForm, user_can_follow_item),
    "reopen": (forms.ReopenForm, user_can_follow_item),
    "escalate": (forms.CloseForm, user_can_follow_item),
}


@login_required
@require_http_methods(["GET", "POST"])
def item_detail(request, pk):
    item = selectors.items_visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    today = timezone.localdate()
    allowed = set(domain.ledger_actions(item.status))
    if item.is_overdue(today) and item.escalated_at is None:
        allowed.add("escalate")
    bound = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ITEM_ACTIONS:
            raise Http404
        form_class, predicate = ITEM_ACTIONS[action]
        if not predicate(request.user, item):
            raise PermissionDenied
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "hand_over":
                    services.item_hand_over(actor=request.user, item=item, **data)
                elif action == "answer":
                    services.item_answer(actor=request.user, item=item, **data)
                elif action == "close":
                    services.item_close(actor=request.user, item=item, **data)
                elif action == "reopen":
                    services.item_reopen(actor=request.user, item=item, **data)
                else:
                    services.item_escalate(actor=request.user, item=item, **data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                return redirect(item.get_absolute_url())
        bound[action] = form
    forms_shown = {}
    for action in ("hand_over", "answer", "close", "reopen", "escalate"):
        form_class, predicate = ITEM_ACTIONS[action]
        if action in allowed and predicate(request.user, item):
            initial = {}
            if action == "hand_over":
                fallback = item.project.implementing_body if item.project_id else ""
                initial = {"department": item.department or fallback}
            forms_shown[action] = bound.get(action) or form_class(initial=initial)
    return render(
        request,
        "supervision/item_detail.html",
        {
            "township": item.township,
            "county": item.county,
            "item": item,
            "project": item.project,
            "events": selectors.item_events(item),
            "overdue": item.is_overdue(today),
            "today": today,
            "forms": forms_shown,
        },
        status=400 if bound else None,
    )
