"""Thin views: fetch-and-authorize in one helper, call a service, render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import roster, selectors, services
from .access import session_or_404, township_view
from .forms import (
    AccountForm,
    AttendanceForm,
    DelegationAssignForm,
    DelegationEditForm,
    DelegationForm,
    DeputyForm,
    RoleAccountForm,
    RosterUploadForm,
    RuleSetForm,
    SessionForm,
)
from .models import AttendanceStatus, Delegation, RoleAssignment, Term
from .permissions import (
    get_scope,
    user_can_manage_county_congress,
    user_can_manage_session,
    user_can_manage_township,
    user_can_view_audit,
    user_can_view_deputy_phone,
    user_can_view_roster,
    user_can_view_session,
)


@login_required
def township_list(request):
    townships = selectors.townships_visible_to(request.user)
    counties = selectors.counties_with_congress_visible_to(request.user)
    return render(
        request,
        "congress/township_list.html",
        {"townships": townships, "counties": counties},
    )


@township_view()
def township_detail(request, township):
    from django.db.models import Count, Q

    stats = township.deputies.aggregate(
        n_in_office=Count("id", filter=Q(in_office=True)),
        n_women=Count("id", filter=Q(in_office=True, gender="F")),
        n_county=Count("id", filter=Q(in_office=True, is_county_deputy=True)),
    )
    sessions = selectors.sessions_visible_to(request.user).filter(term__township=township)[:10]
    return render(
        request,
        "congress/township_detail.html",
        {
            "township": township,
            "stats": stats,
            "villages": township.villages.all(),
            "sessions": sessions,
            "can_manage": user_can_manage_township(request.user, township),
            "can_view_roster": user_can_view_roster(request.user, township),
            "can_view_audit": user_can_view_audit(request.user, township),
        },
    )


@township_view(check=user_can_view_roster)
def deputy_list(request, township):
    search = request.GET.get("q", "").strip()[:50]
    office = request.GET.get("office", "1")
    in_office = {"1": True, "0": False}.get(office)
    qs = selectors.deputy_list(request.user, township=township, search=search, in_office=in_office)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "congress/deputy_list.html",
        {
            "township": township,
            "page": page,
            "search": search,
            "office": office,
            "can_manage": user_can_manage_township(request.user, township),
            "show_phone": user_can_manage_township(request.user, township),
        },
    )


@login_required
def deputy_detail(request, pk):
    deputy = selectors.deputies_visible_to(request.user).filter(pk=pk).first()
    if deputy is None:
        raise Http404
    return render(
        request,
        "congress/deputy_detail.html",
        {
            "deputy": deputy,
            "township": deputy.township,
            "show_phone": user_can_view_deputy_phone(request.user, deputy),
            "can_manage": user_can_manage_township(request.user, deputy.township),
        },
    )


@township_view(manage=True)
def deputy_create(request, township):
    form = DeputyForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        try:
            deputy = services.deputy_create(
                actor=request.user, township=township, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Deputy %(name)s added.") % {"name": deputy.name})
            return redirect(deputy)
    return render(
        request, "congress/deputy_form.html", {"form": form, "township": township, "deputy": None}
    )


def _managed_deputy(request, pk):
    deputy = selectors.deputies_visible_to(request.user).filter(pk=pk).first()
    if deputy is None:
        raise Http404
    if not user_can_manage_township(request.user, deputy.township):
        raise PermissionDenied
    return deputy


@login_required
def deputy_edit(request, pk):
    deputy = _managed_deputy(request, pk)
    form = DeputyForm(request.POST or None, instance=deputy, township=deputy.township)
    if request.method == "POST" and form.is_valid():
        try:
            services.deputy_update(
                actor=request.user, deputy=deputy, **{f: form.cleaned_data[f] for f in form.fields}
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(deputy)
    return render(
        request,
        "congress/deputy_form.html",
        {"form": form, "township": deputy.township, "deputy": deputy},
    )


@login_required
def deputy_account_create(request, pk):
    deputy = _managed_deputy(request, pk)
    if deputy.user_id:
        messages.info(request, _("This deputy already has an account."))
        return redirect(deputy)
    form = AccountForm(request.POST or None, initial={"full_name": deputy.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.township_user_create(
                actor=request.user,
                township=deputy.township,
                deputy=deputy,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect(deputy)
    return render(
        request,
        "congress/account_form.html",
        {"form": form, "township": deputy.township, "deputy": deputy},
    )


@township_view(manage=True)
def township_accounts(request, township):
    form = RoleAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.township_user_create(
                actor=request.user,
                township=township,
                role=form.cleaned_data["role"],
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Account created."))
            return redirect("congress:township_accounts", pk=township.pk)
    assignments = (
        RoleAssignment.objects.filter(township=township)
        .select_related("user")
        .order_by("role", "user__username")
    )
    deputies_with_accounts = township.deputies.filter(user__isnull=False).select_related("user")
    return render(
        request,
        "congress/township_accounts.html",
        {
            "township": township,
            "form": form,
            "assignments": assignments,
            "deputies_with_accounts": deputies_with_accounts,
        },
    )


@township_view(manage=True)
def roster_import(request, township):
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.roster_import(
                actor=request.user, township=township, data=form.cleaned_data["file"].read()
            )
        except services.RosterImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _(
                    "Roster imported: %(created)s added, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect("congress:deputy_list", pk=township.pk)
    status = 400 if errors or form.errors else 200
    return render(
        request,
        "congress/roster_import.html",
        {"township": township, "form": form, "errors": errors},
        status=status,
    )


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=roster.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@township_view(manage=True)
def roster_template(request, township):
    village = township.villages.values_list("name", flat=True).first() or ""
    return _xlsx_response(roster.template_bytes(village), "代表名册模板.xlsx")


@township_view(manage=True)
def roster_export(request, township):
    deputies = selectors.deputy_list(request.user, township=township)
    stamp = timezone.localdate().isoformat()
    return _xlsx_response(roster.export_bytes(deputies), f"{township.name}代表名册-{stamp}.xlsx")


@township_view(check=lambda user, township: True)
def ruleset_edit(request, township):
    ruleset = selectors.ruleset_for(township=township)
    can_manage = user_can_manage_township(request.user, township)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = RuleSetForm(request.POST or None, instance=ruleset)
    if not can_manage:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.ruleset_update(
                actor=request.user,
                ruleset=ruleset,
                **{name: form.cleaned_data[name] for name in form.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rules saved. Votes already set up keep their own copy."))
            return redirect("congress:ruleset_edit", pk=township.pk)
    return render(
        request,
        "congress/ruleset_form.html",
        {"township": township, "form": form, "can_manage": can_manage},
    )


@township_view(check=user_can_view_audit)
def audit_log(request, township):
    page = Paginator(selectors.audit_events_visible_to(request.user, township=township), 50)
    return render(
        request,
        "congress/audit_log.html",
        {"township": township, "page": page.get_page(request.GET.get("page"))},
    )


@township_view(manage=True)
def session_create(request, township):
    form = SessionForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session created."))
            return redirect(session)
    return render(request, "congress/session_form.html", {"form": form, "township": township})


def _session_context(request, session):
    context = {
        "session": session,
        "township": session.term.township,
        "quorum": selectors.session_quorum(session),
        "can_manage": user_can_manage_session(request.user, session),
    }
    if session.term.township_id is None:  # a county congress: the roll by delegation
        context["county"] = session.term.county
        context["roll_by_delegation"] = selectors.session_headcount_by_delegation(session)
    return context


@login_required
def session_detail(request, pk):
    session = session_or_404(request.user, pk)
    if not user_can_view_session(request.user, session):
        raise PermissionDenied
    context = _session_context(request, session)
    context["attendance"] = selectors.session_attendance(session)
    context["statuses"] = AttendanceStatus.choices
    return render(request, "congress/session_detail.html", context)


@login_required
def session_headcount(request, pk):
    """The headcount panel alone, polled by HTMX on the session page."""
    session = session_or_404(request.user, pk)
    return render(request, "congress/_headcount_body.html", _session_context(request, session))


@login_required
@require_POST
def session_open_roll(request, pk):
    session = session_or_404(request.user, pk)
    if not user_can_manage_session(request.user, session):
        raise PermissionDenied
    try:
        added = services.session_open_roll(actor=request.user, session=session)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)s deputies put on the roll.") % {"count": added})
    return redirect(session)


@login_required
@require_POST
def attendance_set(request, pk, deputy_id):
    session = session_or_404(request.user, pk)
    if not user_can_manage_session(request.user, session):
        raise PermissionDenied
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown attendance status."), status=400)
    try:
        attendance = services.attendance_set(
            actor=request.user,
            session=session,
            deputy_id=deputy_id,
            status=form.cleaned_data["status"],
        )
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    except session.attendance.model.DoesNotExist as exc:
        raise Http404 from exc
    if request.htmx:
        response = render(
            request,
            "congress/_attendance_row.html",
            {
                "row": attendance,
                "session": session,
                "statuses": AttendanceStatus.choices,
                "can_manage": True,
            },
        )
        response["HX-Trigger"] = "headcount-changed"
        return response
    return redirect(session)


# ---------------------------------------------------------------------------------------------
# The county's own congress: its terms, sessions and delegations (代表团)


def county_view(*, manage: bool = False):
    """Fetch the county whose congress the user may read (404 outside it) and, for
    ``manage``, require its staff (403 for a reader such as a reviewer)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            county = selectors.county_for_user(request.user, pk)
            if county is None:
                raise Http404
            if manage and not user_can_manage_county_congress(request.user, county):
                raise PermissionDenied
            return view(request, county, *args, **kwargs)

        return wrapper

    return decorator


def _county_term_or_404(request, pk, *, manage=False) -> Term:
    term = Term.objects.filter(pk=pk, level="county").select_related("county").first()
    if term is None or selectors.county_for_user(request.user, term.county_id) is None:
        raise Http404
    if manage and not user_can_manage_county_congress(request.user, term.county):
        raise PermissionDenied
    return term


def _delegation_or_404(request, pk, *, manage=False) -> Delegation:
    delegation = (
        Delegation.objects.filter(pk=pk).select_related("term__county", "head", "township").first()
    )
    if (
        delegation is None
        or selectors.county_for_user(request.user, delegation.term.county_id) is None
    ):
        raise Http404
    if manage and not user_can_manage_county_congress(request.user, delegation.term.county):
        raise PermissionDenied
    return delegation


@county_view()
def county_congress(request, county):
    terms = list(selectors.county_terms(county))
    current = terms[0] if terms else None
    return render(
        request,
        "congress/county_congress.html",
        {
            "county": county,
            "terms": terms,
            "current_term": current,
            "sessions": selectors.county_sessions(county)[:20],
            "delegations": selectors.term_delegations(current) if current else [],
            "county_deputies": selectors.deputies_in_office_for_term(current).count()
            if current
            else 0,
            "can_manage": user_can_manage_county_congress(request.user, county),
            # The congress's quarterly reports (reports app): its staff and its reviewers.
            "can_read_reports": user_can_manage_county_congress(request.user, county)
            or county.pk in get_scope(request.user).reviewer_counties,
        },
    )


@county_view(manage=True)
def county_session_create(request, county):
    form = SessionForm(request.POST or None, county=county)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session created."))
            return redirect(session)
    return render(request, "congress/session_form.html", {"form": form, "county": county})


@login_required
def term_delegations(request, pk):
    term = _county_term_or_404(request, pk)
    can_manage = user_can_manage_county_congress(request.user, term.county)
    form = DelegationForm(term=term) if can_manage else None
    return render(
        request,
        "congress/term_delegations.html",
        {
            "county": term.county,
            "term": term,
            "delegations": selectors.term_delegations(term),
            "unassigned": selectors.term_unassigned_deputies(term).count(),
            "can_manage": can_manage,
            "form": form,
        },
    )


@login_required
def delegation_create(request, pk):
    term = _county_term_or_404(request, pk, manage=True)
    form = DelegationForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            delegation = services.delegation_create(
                actor=request.user, term=term, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Delegation created."))
            return redirect(delegation)
    return render(
        request,
        "congress/delegation_form.html",
        {"form": form, "county": term.county, "term": term},
    )


@login_required
@require_POST
def delegations_by_township(request, pk):
    term = _county_term_or_404(request, pk, manage=True)
    created, seated = services.delegations_by_township(actor=request.user, term=term)
    messages.success(
        request,
        _("%(created)s delegations created, %(seated)s deputies seated.")
        % {"created": created, "seated": seated},
    )
    return redirect("congress:term_delegations", pk=term.pk)


@login_required
def delegation_detail(request, pk):
    delegation = _delegation_or_404(request, pk)
    term = delegation.term
    can_manage = user_can_manage_county_congress(request.user, term.county)
    members = selectors.delegation_members(delegation)
    context = {
        "county": term.county,
        "term": term,
        "delegation": delegation,
        "members": members,
        "can_manage": can_manage,
    }
    if can_manage:
        context["edit_form"] = DelegationEditForm(instance=delegation, members=members)
        context["assign_form"] = _assign_form(delegation)
    return render(request, "congress/delegation_detail.html", context)


def _assign_form(delegation, data=None):
    term = delegation.term
    return DelegationAssignForm(
        data,
        candidates=selectors.term_unassigned_deputies(term),
        townships=term.county.townships.order_by("code"),
    )


@login_required
@require_POST
def delegation_edit(request, pk):
    delegation = _delegation_or_404(request, pk, manage=True)
    form = DelegationEditForm(
        request.POST,
        instance=Delegation.objects.get(pk=delegation.pk),
        members=selectors.delegation_members(delegation),
    )
    if form.is_valid():
        try:
            services.delegation_update(
                actor=request.user, delegation=delegation, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Delegation saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(delegation)


@login_required
@require_POST
def delegation_assign(request, pk):
    delegation = _delegation_or_404(request, pk, manage=True)
    form = _assign_form(delegation, request.POST)
    if form.is_valid():
        try:
            added = services.delegation_assign(
                actor=request.user, delegation=delegation, deputy_ids=form.deputy_ids()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(count)s deputies seated.") % {"count": added})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(delegation)


@login_required
@require_POST
def delegation_remove(request, pk, deputy_id):
    delegation = _delegation_or_404(request, pk, manage=True)
    services.delegation_remove(actor=request.user, delegation=delegation, deputy_id=deputy_id)
    messages.success(request, _("Deputy taken out of the delegation."))
    return redirect(delegation)
