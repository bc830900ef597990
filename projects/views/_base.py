"""What the projects views share: the congress body a page belongs to, rendering with the
navigation flags, and PDF responses."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from congress import selectors as congress_selectors

from ..permissions import is_county, user_can_manage_body, user_can_triage_suggestions

# URL names of the pages a body has, by level: a township's, and a county congress's own
# (the same views under /counties/<pk>/…, routed with ``level="county"``).
COUNTY_URL_NAMES = {
    "suggestion_list": "county_suggestion_list",
    "suggestion_create": "county_suggestion_create",
    "suggestion_decide": "county_suggestion_decide",
    "suggestion_import": "county_suggestion_import",
    "suggestion_template": "county_suggestion_template",
    "project_list": "county_project_list",
    "project_create": "county_project_create",
    "plan_list": "county_plan_list",
    "intake_codes": "county_intake_codes",
}


def body_url(name: str, body) -> str:
    """The URL of one of a body's pages: ``projects:<name>`` for a township, its
    ``/counties/<pk>/…`` twin for a county congress."""
    if is_county(body):
        name = COUNTY_URL_NAMES[name]
    return reverse(f"projects:{name}", args=[body.pk])


def body_view(*, manage: bool = False, check=None):
    """Fetch the congress body in the user's scope and check the permission: a township
    (``/townships/<pk>/…``) or, for the routes passing ``level="county"``, a county's own
    congress (``/counties/<pk>/…``). Outside the scope 404 — a township's staff never see the
    county congress's pages, a county's staff never a township's; inside it without the
    right, 403. The view receives the body (a Township or a County)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, level: str = "township", **kwargs):
            if level == "county":
                body = congress_selectors.county_for_user(request.user, pk)
            else:
                body = congress_selectors.township_for_user(request.user, pk)
            if body is None:
                raise Http404
            if manage and not user_can_manage_body(request.user, body):
                raise PermissionDenied
            if check is not None and not check(request.user, body):
                raise PermissionDenied
            return view(request, body, *args, **kwargs)

        return wrapper

    return decorator


def body_context(body) -> dict:
    """``body`` plus ``township`` or ``county`` (the breadcrumbs and tabs read them)."""
    if is_county(body):
        return {"body": body, "county": body, "township": None}
    return {"body": body, "township": body, "county": None}


def _render(request, template, context, status=None):
    body = context.get("body") or context.get("township")
    if body is not None:
        context.update(body_context(body))
        context["nav_can_triage"] = user_can_triage_suggestions(request.user, body)
    return render(request, template, context, status=status)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
