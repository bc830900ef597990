"""Thin views for stages 1–2: fetch-and-authorize, call a service, render."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.permissions import user_can_manage_township
from congress.views import township_view

from . import domain, ratelimit, selectors, services, xlsx
from .forms import (
    AddProjectsForm,
    DecideForm,
    PlanForm,
    ProjectForm,
    PublicSuggestionForm,
    ReceiptLookupForm,
    RoundDecisionForm,
    SlotsForm,
    StaffSuggestionForm,
    StationForm,
    SuggestionUploadForm,
    TriageFilterForm,
)
from .models import CandidateList, ProjectStatus, SuggestionStatus
from .permissions import (
    user_can_enter_suggestions,
    user_can_manage_plan,
    user_can_manage_reserve,
    user_can_triage_suggestions,
    user_can_view_reserve,
)

# Abuse control for the public form (no outside services): per-address limits in the cache,
# a honeypot field, and a cap on the request size.
# Settings PROJECTS_SUBMIT_LIMIT / PROJECTS_LOOKUP_LIMIT override (count, seconds).
SUBMIT_LIMIT = (5, 600)  # 5 suggestions per address per 10 minutes
LOOKUP_LIMIT = (30, 60)  # 30 receipt lookups per address per minute
MAX_PUBLIC_BODY = 32 * 1024
TRIAGE_PAGE_SIZE = 25
# The receipt codes a browser sent, newest first, kept in its session so a resident finds
# them again on the lookup page. Only codes: no suggestion text or personal data.
RECEIPTS_SESSION_KEY = "receipts"
RECEIPTS_REMEMBERED = 20


def _render(request, template, context, status=None):
    township = context.get("township")
    if township is not None:
        context["nav_can_triage"] = user_can_triage_suggestions(request.user, township)
    return render(request, template, context, status=status)


def _limits(name):
    return getattr(settings, name, SUBMIT_LIMIT if "SUBMIT" in name else LOOKUP_LIMIT)


# ---------------------------------------------------------------------------------------------
# Public pages: the QR form, the receipt, the lookup


def _refused(request, message: str, status: int):
    return _render(request, "projects/public_refused.html", {"message": message}, status=status)


def intake(request, token):
    """The public suggestion form behind a deputy's or liaison station's QR code."""
    link = selectors.intake_link_by_token(token)
    if link is None:
        raise Http404
    form = PublicSuggestionForm(request.POST or None, township=link.township)
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > MAX_PUBLIC_BODY:
            return _refused(request, _("The suggestion is too long. Please shorten it."), 413)
        limit, window = _limits("PROJECTS_SUBMIT_LIMIT")
        if not ratelimit.hit(request, scope="submit", limit=limit, window=window):
            return _refused(
                request,
                _(
                    "Too many suggestions from this network in a short time. Please wait ten "
                    "minutes and try again, or hand your suggestion to a deputy."
                ),
                429,
            )
        if form.is_robot():
            return _refused(
                request,
                _("The form could not be accepted. Please reload the page and fill it in again."),
                400,
            )
        if form.is_valid():
            try:
                suggestion = services.suggestion_submit_public(link=link, **form.service_fields())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                _remember_receipt(request, suggestion.receipt_code)
                url = reverse("projects:receipt_detail", args=[suggestion.receipt_code])
                return redirect(f"{url}?new=1")
    return _render(
        request,
        "projects/intake_form.html",
        {"form": form, "link": link, "township": link.township},
        status=400 if form.errors else 200,
    )


def _remember_receipt(request, code: str) -> None:
    codes = [c for c in _remembered_receipts(request) if c != code]
    request.session[RECEIPTS_SESSION_KEY] = [code, *codes][:RECEIPTS_REMEMBERED]


def _remembered_receipts(request) -> list[str]:
    codes = request.session.get(RECEIPTS_SESSION_KEY)
    if not isinstance(codes, list):
        return []
    return [c for c in codes if isinstance(c, str)][:RECEIPTS_REMEMBERED]


def _render_lookup(request, context, status=None):
    context["sent_here"] = selectors.suggestions_by_receipts(_remembered_receipts(request))
    return _render(request, "projects/receipt_lookup.html", context, status=status)


def receipt_lookup(request):
    form = ReceiptLookupForm(request.GET or None)
    if form.is_valid():
        code = domain.normalize_receipt_code(form.cleaned_data["code"])
        if code is None:
            form.add_error(
                "code",
                _("This is not a receipt code. Check the characters; it looks like 7KQM-2XDA-9PZ."),
            )
        else:
            return redirect("projects:receipt_detail", code=code)
    return _render_lookup(request, {"form": form})


def receipt_detail(request, code):
    """Status, reply and the project's lineage; never anyone's personal data."""
    limit, window = _limits("PROJECTS_LOOKUP_LIMIT")
    if not ratelimit.hit(request, scope="lookup", limit=limit, window=window):
        return _refused(request, _("Too many lookups. Please wait a minute and try again."), 429)
    suggestion = selectors.suggestion_by_receipt(code)
    if suggestion is None:
        form = ReceiptLookupForm(initial={"code": code})
        return _render_lookup(request, {"form": form, "not_found": True}, status=404)
    lineage = None
    if suggestion.project_id:
        lineage = selectors.project_lineage(suggestion.project)
    return _render(
        request,
        "projects/receipt_detail.html",
        {
            "suggestion": suggestion,
            "lineage": lineage,
            "is_new": request.GET.get("new") == "1",
        },
    )


# ---------------------------------------------------------------------------------------------
# Triage


def _int(value):
    return int(value) if value and str(value).isdigit() else None


@township_view(check=user_can_triage_suggestions)
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
        if opened is not None and opened.township_id != township.pk:
            opened = None
    context = {
        "township": township,
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
        exclusion_reasons=services.ruleset_for(township).exclusion_reasons,
        **kwargs,
    )


def _detail_context(request, suggestion):
    tokens = suggestion.tokens
    similar_projects = selectors.similar_projects(
        township_id=suggestion.township_id, tokens=tokens, title=suggestion.title
    )
    return {
        "preselect_project": similar_projects[0][0].pk if similar_projects else None,
        "opened": suggestion,
        "similar": selectors.similar_suggestions(
            township_id=suggestion.township_id,
            tokens=tokens,
            title=suggestion.title,
            exclude_id=suggestion.pk,
        ),
        "similar_projects": similar_projects,
        "single_decide_form": _decide_form(
            suggestion.township, suggestion_ids=[suggestion.pk], initial={"ids": [suggestion.pk]}
        ),
    }


@login_required
def suggestion_detail(request, pk):
    suggestion = selectors.suggestion_for_staff(request.user, pk)
    if suggestion is None:
        raise Http404
    context = {"township": suggestion.township}
    context.update(_detail_context(request, suggestion))
    return _render(request, "projects/suggestion_detail.html", context)


@township_view(check=user_can_triage_suggestions)
@require_POST
def suggestion_decide(request, township):
    form = _decide_form(township, data=request.POST)
    back = request.POST.get("next") or reverse("projects:suggestion_list", args=[township.pk])
    if not back.startswith("/"):
        back = reverse("projects:suggestion_list", args=[township.pk])
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
                township=township, pk__in=data["ids"]
            )
            for suggestion in suggestions:
                services.suggestion_reply(
                    actor=request.user, suggestion=suggestion, reply=data["reply"]
                )
            messages.success(request, _("Reply saved."))
        elif data["action"] == "reject":
            rows = services.suggestions_reject(
                actor=request.user,
                township=township,
                suggestion_ids=data["ids"],
                reason=data["reason"],
                reply=data["reply"],
            )
            messages.success(request, _("%(count)s suggestions rejected.") % {"count": len(rows)})
        else:
            project = services.suggestions_merge(
                actor=request.user,
                township=township,
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


@township_view(check=user_can_enter_suggestions)
def suggestion_create(request, township):
    is_staff = user_can_manage_township(request.user, township)
    form = StaffSuggestionForm(request.POST or None, township=township, is_staff=is_staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_create(
                actor=request.user,
                township=township,
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
            return redirect("projects:suggestion_create", pk=township.pk)
    similar = []
    if request.method == "POST" and form.is_bound:
        text = f"{request.POST.get('title', '')} {request.POST.get('content', '')}"
        similar = selectors.similar_suggestions(
            township_id=township.pk,
            tokens=domain.tokenize(text[:2200]),
            title=request.POST.get("title", "")[:100],
        )
    return _render(
        request,
        "projects/suggestion_form.html",
        {"form": form, "township": township, "is_staff": is_staff, "similar": similar},
        status=400 if form.errors else 200,
    )


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=xlsx.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@township_view(check=user_can_triage_suggestions)
def suggestion_import(request, township):
    form = SuggestionUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.suggestion_import(
                actor=request.user, township=township, data=form.cleaned_data["file"].read()
            )
        except services.SuggestionImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request, _("%(count)s suggestions imported.") % {"count": len(created)}
            )
            return redirect("projects:suggestion_list", pk=township.pk)
    return _render(
        request,
        "projects/suggestion_import.html",
        {"township": township, "form": form, "errors": errors},
        status=400 if errors or form.errors else 200,
    )


@township_view(check=user_can_triage_suggestions)
def suggestion_template(request, township):
    village = township.villages.values_list("name", flat=True).first() or ""
    return _xlsx_response(xlsx.template_bytes(village), "民生实事项目建议导入模板.xlsx")


# ---------------------------------------------------------------------------------------------
# The reserve


@township_view(check=user_can_view_reserve)
def project_list(request, township):
    status = request.GET.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    search = request.GET.get("q", "").strip()[:50]
    qs = selectors.reserve_list(request.user, township=township, status=status, search=search)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return _render(
        request,
        "projects/project_list.html",
        {
            "township": township,
            "page": page,
            "status": status,
            "search": search,
            "statuses": ProjectStatus.choices,
            "can_manage": user_can_manage_reserve(request.user, township),
        },
    )


def _project_or_404(request, pk):
    project = selectors.projects_visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


@login_required
def project_detail(request, pk):
    project = _project_or_404(request, pk)
    can_manage = user_can_manage_reserve(request.user, project.township)
    suggestions = []
    if user_can_triage_suggestions(request.user, project.township):
        suggestions = project.suggestions.select_related("village", "deputy").order_by("created_at")
    return _render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "township": project.township,
            "lineage": selectors.project_lineage(project),
            "suggestions": suggestions,
            "can_manage": can_manage,
        },
    )


@township_view(manage=True)
def project_create(request, township):
    form = ProjectForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        villages = list(data.pop("villages"))
        try:
            project = services.project_create(
                actor=request.user, township=township, villages=villages, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project added to the reserve."))
            return redirect(project)
    return _render(
        request, "projects/project_form.html", {"form": form, "township": township, "project": None}
    )


@login_required
def project_edit(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_manage_reserve(request.user, project.township):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, instance=project, township=project.township)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        villages = list(data.pop("villages"))
        try:
            services.project_update(actor=request.user, project=project, villages=villages, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(project)
    return _render(
        request,
        "projects/project_form.html",
        {"form": form, "township": project.township, "project": project},
    )


# ---------------------------------------------------------------------------------------------
# QR codes


@township_view(manage=True)
def intake_codes(request, township):
    station_form = StationForm(None, township=township)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "generate":
            created = services.intake_links_ensure(actor=request.user, township=township)
            messages.success(request, _("%(count)s QR codes created.") % {"count": created})
            return redirect("projects:intake_codes", pk=township.pk)
        station_form = StationForm(request.POST, township=township)
        if station_form.is_valid():
            try:
                services.station_create(
                    actor=request.user, township=township, **station_form.cleaned_data
                )
            except ValidationError as exc:
                station_form.add_error(None, exc)
            else:
                messages.success(request, _("Liaison station added with its QR code."))
                return redirect("projects:intake_codes", pk=township.pk)
    links = list(selectors.intake_links(township))
    for link in links:
        link.full_url = request.build_absolute_uri(link.get_absolute_url())
    return _render(
        request,
        "projects/intake_codes.html",
        {
            "township": township,
            "links": links,
            "station_form": station_form,
            "missing": township.deputies.filter(in_office=True, intake_link__isnull=True).count(),
        },
    )


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _qr_cards(request, links):
    from .qr import qr_data_uri

    cards = []
    for link in links:
        url = request.build_absolute_uri(link.get_absolute_url())
        cards.append({"link": link, "url": url, "qr": qr_data_uri(url)})
    return cards


@township_view(manage=True)
def intake_sheet(request, township):
    from .pdf import render_pdf

    cards = _qr_cards(request, selectors.intake_links(township).filter(is_active=True))
    pdf = render_pdf(
        "projects/pdf/intake_sheet.html", {"township": township, "cards": cards}, request=request
    )
    return _pdf_response(pdf, f"{township.name}代表二维码.pdf")


@login_required
def intake_poster(request, token):
    from .pdf import render_pdf

    link = selectors.intake_link_by_token(token)
    if link is None or not user_can_view_reserve(request.user, link.township):
        raise Http404
    if not user_can_manage_township(request.user, link.township):
        raise PermissionDenied
    card = _qr_cards(request, [link])[0]
    pdf = render_pdf(
        "projects/pdf/intake_poster.html",
        {"township": link.township, "card": card},
        request=request,
    )
    return _pdf_response(pdf, f"{link}二维码海报.pdf")


# ---------------------------------------------------------------------------------------------
# Plans, rounds, candidate lists


@township_view(check=user_can_view_reserve)
def plan_list(request, township):
    can_manage = user_can_manage_township(request.user, township)
    form = PlanForm(
        request.POST or None, initial={"year": timezone.localdate().year + 1, "slots": 3}
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user, township=township, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Plan created."))
                return redirect(plan)
    plans = selectors.plans_visible_to(request.user).filter(township=township)
    return _render(
        request,
        "projects/plan_list.html",
        {"township": township, "plans": plans, "form": form, "can_manage": can_manage},
    )


def _plan_or_404(request, pk):
    plan = selectors.plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


FUNNEL_LABELS = {
    "suggestions": _("Suggestions"),
    "projects": _("Reserve projects"),
    "proposed": _("Proposed by the presidium"),
    "candidates": _("Candidate projects"),
    "elected": _("Elected"),
}


@login_required
def plan_detail(request, pk):
    plan = _plan_or_404(request, pk)
    can_manage = user_can_manage_plan(request.user, plan)
    candidate_list = CandidateList.objects.get_or_create(plan=plan)[0]
    add_form = AddProjectsForm(queryset=selectors.reserve_for_plan(plan))
    slots_form = SlotsForm(initial={"slots": plan.slots})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action")
        try:
            if action == "slots":
                slots_form = SlotsForm(request.POST)
                if slots_form.is_valid():
                    services.plan_update(
                        actor=request.user, plan=plan, slots=slots_form.cleaned_data["slots"]
                    )
                    messages.success(request, _("Changes saved."))
                    return redirect(plan)
            else:
                add_form = AddProjectsForm(request.POST, queryset=selectors.reserve_for_plan(plan))
                if add_form.is_valid():
                    count = services.plan_add_projects(
                        actor=request.user, plan=plan, projects=add_form.cleaned_data["projects"]
                    )
                    messages.success(
                        request, _("%(count)s projects put forward.") % {"count": count}
                    )
                    return redirect(plan)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(plan)
    funnel = selectors.plan_funnel(plan)
    funnel_rows = [(key, str(FUNNEL_LABELS[key]), count) for key, count in funnel]
    return _render(
        request,
        "projects/plan_detail.html",
        {
            "plan": plan,
            "township": plan.township,
            "candidate_list": candidate_list,
            "rounds": selectors.plan_rounds(plan),
            "funnel": funnel_rows,
            "funnel_json": {
                "labels": [label for _k, label, _n in funnel_rows],
                "values": [n for _k, _l, n in funnel_rows],
            },
            "can_manage": can_manage and not candidate_list.is_locked,
            "add_form": add_form,
            "slots_form": slots_form,
        },
    )


@login_required
def round_detail(request, pk, position):
    plan = _plan_or_404(request, pk)
    rnd = plan.rounds.filter(position=position).first()
    if rnd is None:
        raise Http404
    can_manage = user_can_manage_plan(request.user, plan)
    candidate_list = CandidateList.objects.get_or_create(plan=plan)[0]
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = RoundDecisionForm(request.POST)
        if form.is_valid():
            project = plan.entries.filter(project_id=form.cleaned_data["project"]).first()
            if project is None:
                messages.error(request, _("The project did not reach this round."))
            else:
                try:
                    services.round_record_decision(
                        actor=request.user,
                        round=rnd,
                        project=project.project,
                        decision=form.cleaned_data["decision"],
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    messages.success(request, _("Decision recorded."))
        else:
            messages.error(request, _("Choose a decision and write the reason."))
        return redirect("projects:round_detail", pk=plan.pk, position=position)
    rounds = selectors.plan_rounds(plan)
    current = rounds[position] if position < len(rounds) else None
    if current is None:
        raise Http404
    return _render(
        request,
        "projects/round_detail.html",
        {
            "plan": plan,
            "township": plan.township,
            "rounds": rounds,
            "current": current,
            "round": rnd,
            "is_last": position == len(rounds) - 1,
            "can_manage": can_manage and not candidate_list.is_locked,
            "decisions": RoundDecisionForm.base_fields["decision"].choices,
        },
    )


@login_required
def candidate_list(request, pk):
    plan = _plan_or_404(request, pk)
    can_manage = user_can_manage_plan(request.user, plan)
    clist = CandidateList.objects.get_or_create(plan=plan)[0]
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            services.candidate_list_lock(actor=request.user, candidate_list=clist)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The candidate list is locked for the vote."))
        return redirect("projects:candidate_list", pk=plan.pk)
    ruleset = services.ruleset_for(plan.township)
    rows = list(selectors.candidate_rows(clist))
    check = domain.check_candidate_list(
        mode=ruleset.vote_mode, candidates=len(rows), slots=plan.slots
    )
    return _render(
        request,
        "projects/candidate_list.html",
        {
            "plan": plan,
            "township": plan.township,
            "candidate_list": clist,
            "candidates": rows,
            "ruleset": ruleset,
            "check": check,
            "refusal": "" if check.ok else services.lock_refusal_message(check),
            "margin": len(rows) - plan.slots,
            "can_lock": can_manage and not clist.is_locked,
        },
    )


@login_required
def candidate_pdf(request, pk):
    from .pdf import render_pdf

    plan = _plan_or_404(request, pk)
    clist = CandidateList.objects.get_or_create(plan=plan)[0]
    rows = list(selectors.candidate_rows(clist))
    pdf = render_pdf(
        "projects/pdf/candidates.html",
        {
            "plan": plan,
            "township": plan.township,
            "candidate_list": clist,
            "candidates": rows,
            "ruleset": services.ruleset_for(plan.township),
            "today": timezone.localdate(),
        },
        request=request,
    )
    return _pdf_response(pdf, f"{plan}候选项目.pdf")
