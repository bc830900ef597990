"""A county congress's supervision (issue 17): the overview (projects with their 督办领导 and
committee, the year's concentrated supervisions), the county's ledger, committees and
settings, the 督办 assignment of a project, concentrated supervisions and hearings, and the
deputies' inspections (视察) of a project organised by a committee.

Readers: the county's roles, its reviewers and its prefecture's (``county_view``); writers:
the county's staff. Outside the scope: 404; a reader posting or opening a form: 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.views import county_view
from projects.models import Project

from .. import forms, selectors, services
from ..models import Hearing, ItemStatus, SupervisionRound, SupervisionUnit
from ..permissions import (
    user_can_manage_supervision,
    user_can_record_county_inspection,
    user_can_view_supervision,
)
from ._common import _apply, _project_or_404


@county_view()
def county_overview(request, county):
    today = timezone.localdate()
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2100 else today.year
    return render(
        request,
        "supervision/county_overview.html",
        {
            "county": county,
            "projects": list(selectors.county_projects(county, today=today)),
            "schedule": selectors.county_round_schedule(county, year=year, today=today),
            "year": year,
            "rounds": list(selectors.county_rounds(county)[:20]),
            "hearings": list(selectors.county_hearings(county)[:10]),
            "can_manage": user_can_manage_supervision(request.user, county),
            "today": today,
        },
    )


@county_view()
def county_ledger(request, county):
    status = request.GET.get("status", "open")
    if status not in {"", "open", *ItemStatus.values}:
        status = "open"
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.ledger_list(request.user, county=county, status=status, overdue=overdue)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/ledger.html",
        {
            "county": county,
            "page": page,
            "status": status,
            "overdue": overdue,
            "statuses": ItemStatus.choices,
            "today": timezone.localdate(),
        },
    )


@county_view(manage=True)
@require_http_methods(["GET", "POST"])
def county_units(request, county):
    units = list(selectors.county_units(county))
    add_form = forms.UnitForm(county=county, prefix="new")
    edit_forms = {
        u.pk: forms.UnitForm(
            county=county,
            prefix=f"u{u.pk}",
            initial={
                "name": u.name,
                "position": u.position,
                "contact": u.contact_id,
                "active": u.active,
            },
        )
        for u in units
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "defaults":
            services.county_units_ensure(actor=request.user, county=county)
            return redirect("supervision:county_units", pk=county.pk)
        if action == "add":
            form = add_form = forms.UnitForm(request.POST, county=county, prefix="new")
            unit = None
        elif action == "edit":
            unit = SupervisionUnit.objects.filter(
                county=county, pk=request.POST.get("unit") or 0
            ).first()
            if unit is None:
                raise Http404
            form = edit_forms[unit.pk] = forms.UnitForm(
                request.POST, county=county, prefix=f"u{unit.pk}"
            )
        else:
            raise Http404
        if form.is_valid():
            try:
                services.county_unit_save(
                    actor=request.user, county=county, unit=unit, **form.cleaned_data
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The committee or office is saved."))
                return redirect("supervision:county_units", pk=county.pk)
    return render(
        request,
        "supervision/county_units.html",
        {
            "county": county,
            "rows": [(u, edit_forms[u.pk]) for u in units],
            "add_form": add_form,
        },
        status=400 if request.method == "POST" else None,
    )


@county_view(manage=True)
@require_http_methods(["GET", "POST"])
def county_settings(request, county):
    current = selectors.county_supervision_settings(county)
    form = forms.CountySettingsForm(
        request.POST or None,
        initial={
            "every_months": current.every_months,
            "first_month": current.first_month,
            "day_of_month": current.day_of_month,
            "remind_days_before": current.remind_days_before,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.county_settings_update(actor=request.user, county=county, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The concentrated supervision schedule is saved."))
            return redirect("supervision:county_overview", pk=county.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "county": county,
            "form": form,
            "title": _("Concentrated supervision schedule"),
            "intro": _(
                "The standing committee holds a concentrated supervision (集中督查) of the "
                "elected projects every few months; the supervising leaders and the "
                "committees' contacts are reminded before each one."
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def oversight_edit(request, pk):
    project = _project_or_404(request, pk)
    county = project.county
    if county is None:
        raise Http404
    if not user_can_manage_supervision(request.user, county):
        raise PermissionDenied
    current = getattr(project, "oversight", None)
    initial = (
        {
            "leader_name": current.leader_name,
            "leader_user": current.leader_user_id,
            "unit": current.unit_id,
        }
        if current
        else {}
    )
    form = forms.OversightForm(request.POST or None, county=county, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.oversight_set(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The supervising leader and committee are saved."))
            return redirect("supervision:project_detail", pk=project.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "county": county,
            "project": project,
            "form": form,
            "title": _("Supervising leader and committee"),
        },
    )


def _county_project_or_404(request, pk):
    """A county congress's project the user may read (its county's roles and reviewers);
    a township's project, or one out of scope: 404."""
    project = _project_or_404(request, pk)
    if project.county_id is None:
        raise Http404
    return project


@login_required
def county_inspections(request, pk):
    """The inspections (视察) of a county project organised by its committees: who organised
    each, when, how many deputies attended. Readers see the list; staff record one."""
    project = _county_project_or_404(request, pk)
    return render(
        request,
        "supervision/county_inspections.html",
        {
            "county": project.county,
            "project": project,
            "inspections": list(
                selectors.county_inspections(project).prefetch_related("photos", "items")
            ),
            "can_record": user_can_record_county_inspection(request.user, project),
        },
    )


def _deputy_groups(county, selected: set[int]) -> list[dict]:
    """The attendee checkboxes by delegation; a group holding a ticked deputy starts open
    (when the page comes back with an error)."""
    return [
        {
            "label": label,
            "deputies": deputies,
            "ticked": sum(d.pk in selected for d in deputies),
        }
        for label, deputies in selectors.county_deputy_groups(county)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def county_inspection_create(request, pk):
    project = _county_project_or_404(request, pk)
    county = project.county
    if not user_can_record_county_inspection(request.user, project):
        raise PermissionDenied
    oversight = getattr(project, "oversight", None)
    form = forms.CountyInspectionForm(
        request.POST or None,
        request.FILES or None,
        county=county,
        initial={"unit": oversight.unit_id if oversight else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.county_inspection_record(
                actor=request.user, project=project, **form.service_fields()
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            if inspection.items.exists():
                messages.success(
                    request,
                    _(
                        "The inspection is recorded; the problems found are in the hand-over "
                        "ledger, to hand over."
                    ),
                )
            else:
                messages.success(request, _("The inspection is recorded."))
            return redirect("supervision:county_inspections", pk=project.pk)
    selected = form.selected_attendees()
    return render(
        request,
        "supervision/county_inspection_form.html",
        {
            "county": county,
            "project": project,
            "form": form,
            "deputy_groups": _deputy_groups(county, selected),
            "selected": selected,
        },
        status=400 if request.method == "POST" else None,
    )


def _findings(formset) -> list[services.Finding]:
    return [
        services.Finding(
            project=f.cleaned_data["project"],
            title=f.cleaned_data["title"],
            department=f.cleaned_data.get("department") or "",
            deadline=f.cleaned_data.get("deadline"),
        )
        for f in formset
        if f.cleaned_data.get("title") and f.cleaned_data.get("project")
    ]


def _record_page(request, county, *, kind: str):
    """The form of a concentrated supervision or of a hearing, with its findings."""
    projects = Project.objects.filter(county=county, status__in=selectors.SUPERVISED).order_by(
        "title", "pk"
    )
    form_class = forms.RoundForm if kind == "round" else forms.HearingForm
    data = request.POST if request.method == "POST" else None
    form = form_class(data, projects=projects)
    formset = forms.FindingFormSet(data, prefix="f", form_kwargs={"projects": projects})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            if kind == "round":
                obj = services.round_record(
                    actor=request.user,
                    county=county,
                    date=data["date"],
                    projects=data["projects"],
                    notes=data["notes"],
                    findings=_findings(formset),
                )
            else:
                obj = services.hearing_record(
                    actor=request.user,
                    county=county,
                    date=data["date"],
                    body=data["body"],
                    projects=data["projects"],
                    opinions=data["opinions"],
                    follow_ups=_findings(formset),
                )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Recorded."))
            return redirect(obj.get_absolute_url())
    if kind == "round":
        title = _("Record a concentrated supervision")
        formset_title = _("Findings handed over")
    else:
        title = _("Record a hearing")
        formset_title = _("Follow-up items")
    return render(
        request,
        "supervision/form.html",
        {
            "county": county,
            "form": form,
            "formset": formset,
            "formset_title": formset_title,
            "formset_help": _(
                "Each item goes to the hand-over ledger on its project; with a department "
                "and a deadline it is handed over at once."
            ),
            "title": title,
        },
        status=400 if request.method == "POST" else None,
    )


@county_view(manage=True)
@require_http_methods(["GET", "POST"])
def round_create(request, county):
    return _record_page(request, county, kind="round")


@county_view(manage=True)
@require_http_methods(["GET", "POST"])
def hearing_create(request, county):
    return _record_page(request, county, kind="hearing")


@county_view()
def hearing_list(request, county):
    return render(
        request,
        "supervision/hearing_list.html",
        {
            "county": county,
            "hearings": list(selectors.county_hearings(county)),
            "can_manage": user_can_manage_supervision(request.user, county),
        },
    )


def _readable(request, obj):
    if obj is None or not user_can_view_supervision(request.user, obj.county):
        raise Http404
    return obj


@login_required
def round_detail(request, pk):
    rnd = _readable(
        request,
        SupervisionRound.objects.select_related("county", "recorded_by").filter(pk=pk).first(),
    )
    return render(
        request,
        "supervision/round_detail.html",
        {
            "county": rnd.county,
            "round": rnd,
            "projects": list(rnd.projects.order_by("title")),
            "items": list(rnd.items.select_related("project").order_by("pk")),
            "today": timezone.localdate(),
        },
    )


@login_required
def hearing_detail(request, pk):
    hearing = _readable(
        request, Hearing.objects.select_related("county", "recorded_by").filter(pk=pk).first()
    )
    return render(
        request,
        "supervision/hearing_detail.html",
        {
            "county": hearing.county,
            "hearing": hearing,
            "projects": list(hearing.projects.order_by("title")),
            "items": list(hearing.items.select_related("project").order_by("pk")),
            "today": timezone.localdate(),
        },
    )
