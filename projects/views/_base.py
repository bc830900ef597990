"""What the projects views share: rendering with the navigation flags and PDF responses."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from ..permissions import user_can_triage_suggestions


def _render(request, template, context, status=None):
    township = context.get("township")
    if township is not None:
        context["nav_can_triage"] = user_can_triage_suggestions(request.user, township)
    return render(request, template, context, status=status)


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response
