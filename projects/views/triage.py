"""Triage: staff's suggestion list and decisions, offline entry and the .xlsx import."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress import selectors as congress_selectors
from congress.models import County
from congress.permissions import get_scope

from .. import domain, selectors, services, xlsx
from ..forms import DecideForm, StaffSuggestionForm, SuggestionUploadForm, TriageFilterForm
from ..models import SuggestionStatus, body_fields
from ..permissions import (
    is_county,
    user_can_enter_suggestions,
    user_can_manage_body,
    user_can_refer_suggestion,
    user_can_triage_suggestions,
    user_can_view_body,
)
from ..services.imports import example_village
from ._base import _render, body_url, body_view

TRIAGE_PAGE_SIZE = 25


def _int(value):
    return int(value) if value and str(value).isdigit() else None


@body_view(check=user_can_triage_suggestions)
def suggestion_list(request, township):
    filter_form = TriageFilterForm(request.GET or None, township=township)
    filters = selectors.TriageFilters()
    if filter_form.is_valid():
        data = filter_form.cleaned_data
        filters = selectors.TriageFilters(
            status=data["status"],
            village=data["village"].pk if data["village"] else None,
            channel=data["channel"],
            category=data["category"].strip(),
            deputy=data["deputy"].pk if data["deputy"] else None,
            search=data["q"].strip(),
        )
    qs = selectors.triage_list(request.user, township=township, filters=filters)
    page = Paginator(qs, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    opened = None
    open_id = _int(request.GET.get("open"))
    if open_id:
        opened = selectors.suggestion_for_staff(request.user, open_id)
        if opened is not None and opened.body != township:
            opened = None
    context = {
        "body": township,
        "page": page,
        "filter_form": filter_form,
        "statuses": SuggestionStatus,
        "decide_form": _decide_form(township),
        "base_query": _query_without(request, "open"),
        # With the detail panel open the list is narrower: fewer columns.
        "wide_cell": "d-xxl-table-cell" if opened is not None else "d-md-table-cell",
        "wider_cell": "d-xxl-table-cell" if opened is not None else "d-xl-table-cell",
    }
    if opened is not None:
        context.update(_detail_context(request, opened))
    return _render(request, "projects/suggestion_list.html", context)


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def _decide_form(township, **kwargs):
    return DecideForm(
        township=township,
        exclusion_reasons=services.ruleset_for_body(township).exclusion_reasons,
        **kwargs,
    )


def _detail_context(request, suggestion):
    tokens = suggestion.tokens
    body_ids = {"township_id": suggestion.township_id, "county_id": suggestion.county_id}
    similar_projects = selectors.similar_projects(**body_ids, tokens=tokens, title=suggestion.title)
    return {
        "preselect_project": similar_projects[0][0].pk if similar_projects else None,
        "opened": suggestion,
        "decide_url": body_url("suggestion_decide", suggestion.body),
        "can_refer": suggestion.status != SuggestionStatus.MERGED
        and suggestion.status != SuggestionStatus.REFERRED
        and user_can_refer_suggestion(request.user, suggestion),
        "similar": selectors.similar_suggestions(
            **body_ids,
            tokens=tokens,
            title=suggestion.title,
            exclude_id=suggestion.pk,
        ),
        "similar_projects": similar_projects,
        "single_decide_form": _decide_form(
            suggestion.body, suggestion_ids=[suggestion.pk], initial={"ids": [suggestion.pk]}
        ),
    }


@login_required
def suggestion_detail(request, pk):
    suggestion = selectors.suggestion_for_staff(request.user, pk)
    if suggestion is None:
        raise Http404
    context = {"body": suggestion.body}
    context.update(_detail_context(request, suggestion))
    return _render(request, "projects/suggestion_detail.html", context)


@body_view(check=user_can_triage_suggestions)
@require_POST
def suggestion_decide(request, township):
    form = _decide_form(township, data=request.POST)
    back = request.POST.get("next") or body_url("suggestion_list", township)
    if not back.startswith("/") or back.startswith("//"):
        back = body_url("suggestion_list", township)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        if "ids" in form.errors:
            messages.error(request, _("Choose at least one suggestion."))
        return redirect(back)
    data = form.cleaned_data
    try:
        if data["action"] == "reply":
            suggestions = selectors.suggestions_for_staff(request.user).filter(
                **body_fields(township), pk__in=data["ids"]
            )
            for suggestion in suggestions:
                services.suggestion_reply(
                    actor=request.user, suggestion=suggestion, reply=data["reply"]
                )
            messages.success(request, _("Reply saved."))
        elif data["action"] == "reject":
            rows = services.suggestions_reject(
                actor=request.user,
                **body_fields(township),
                suggestion_ids=data["ids"],
                reason=data["reason"],
                reply=data["reply"],
            )
            messages.success(request, _("%(count)s suggestions rejected.") % {"count": len(rows)})
        else:
            project = services.suggestions_merge(
                actor=request.user,
                **body_fields(township),
                suggestion_ids=data["ids"],
                project=data["project"] if data["action"] == "merge_into" else None,
                reply=data["reply"],
            )
            messages.success(
                request,
                _("%(count)s suggestions merged into “%(project)s”.")
                % {"count": len(data["ids"]), "project": project.title},
            )
            if data["action"] == "merge_new":
                return redirect(project)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(back)


def _entry_body(user, pk: int, level: str):
    """The body of the entry form, as ``body_view`` resolves it; and for a county deputy in
    office their own county too, whose congress pages they do not otherwise read (the form
    is the one county page they reach). Elsewhere out of scope: None (404)."""
    if level == "county":
        county = congress_selectors.county_for_user(user, pk)
        if county is None and get_scope(user).deputy_county_id == pk:
            county = County.objects.filter(pk=pk).first()
        return county
    return congress_selectors.township_for_user(user, pk)


@login_required
def suggestion_create(request, pk, level: str = "township"):
    township = _entry_body(request.user, pk, level)
    if township is None:
        raise Http404
    if not user_can_enter_suggestions(request.user, township):
        raise PermissionDenied
    is_staff = user_can_manage_body(request.user, township)
    form = StaffSuggestionForm(request.POST or None, township=township, is_staff=is_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create(
                actor=request.user,
                **body_fields(township),
                channel=data["channel"],
                deputy=data.get("deputy"),
                station=data.get("station"),
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Suggestion entered. Receipt code: %(code)s")
                % {"code": suggestion.receipt_display},
            )
            if is_staff:
                return redirect(suggestion)
            return redirect(body_url("suggestion_create", township))
    similar = []
    if request.method == "POST" and form.is_bound:
        text = f"{request.POST.get('title', '')} {request.POST.get('content', '')}"
        similar = selectors.similar_suggestions(
            **({"county_id": township.pk} if is_county(township) else {"township_id": township.pk}),
            tokens=domain.tokenize(text[:2200]),
            title=request.POST.get("title", "")[:100],
        )
    return _render(
        request,
        "projects/suggestion_form.html",
        {
            "form": form,
            "body": township,
            "is_staff": is_staff,
            "similar": similar,
            # A county deputy enters the county's suggestions without reading its pages.
            "can_view_body": user_can_view_body(request.user, township),
        },
        status=400 if form.errors else 200,
    )


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=xlsx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@body_view(check=user_can_triage_suggestions)
def suggestion_import(request, body):
    """Suggestions collected offline, from an .xlsx file, into the intake of a township or
    of a county congress (``/counties/<pk>/suggestions/import/``)."""
    form = SuggestionUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.suggestion_import(
                actor=request.user, **body_fields(body), data=form.cleaned_data["file"].read()
            )
        except services.SuggestionImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request, _("%(count)s suggestions imported.") % {"count": len(created)}
            )
            return redirect(body_url("suggestion_list", body))
    return _render(
        request,
        "projects/suggestion_import.html",
        {"body": body, "form": form, "errors": errors},
        status=400 if errors or form.errors else 200,
    )


@body_view(check=user_can_triage_suggestions)
def suggestion_template(request, body):
    """The import template; its example names one of the body's villages — for a county in
    the "<township><village>" form a county's file always accepts."""
    return _xlsx_response(
        xlsx.template_bytes(example_village(body)), "民生实事项目建议导入模板.xlsx"
    )


@login_required
@require_POST
def suggestion_refer(request, pk):
    """Township staff refer a suggestion too big for the township to the county reserve
    (转县级); the county's staff find it in their intake with where it came from."""
    suggestion = selectors.suggestion_for_staff(request.user, pk)
    if suggestion is None:
        raise Http404
    if not user_can_refer_suggestion(request.user, suggestion):
        raise PermissionDenied
    try:
        services.suggestion_refer(
            actor=request.user, suggestion=suggestion, reply=request.POST.get("reply", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Referred to %(county)s; the proposer's receipt follows it.")
            % {"county": suggestion.township.county.name},
        )
    return redirect(body_url("suggestion_list", suggestion.body) + f"?open={suggestion.pk}")
