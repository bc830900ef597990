"""A project under supervision: its page, implementation plan, progress reports, inspections
and new problems."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import forms, selectors, services
from ..permissions import (
    user_can_inspect,
    user_can_manage_supervision,
    user_can_report_progress,
)
from ._common import _apply, _group, _project_or_404


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk):
    project = _project_or_404(request, pk)
    township = project.township
    body = project.body
    can_manage = user_can_manage_supervision(request.user, body)
    priority_form = forms.PriorityForm(initial={"year": timezone.localdate().year + 1})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        priority_form = forms.PriorityForm(request.POST)
        if priority_form.is_valid():
            try:
                services.project_priority_set(
                    actor=request.user, project=project, **priority_form.cleaned_data
                )
            except ValidationError as exc:
                _apply(priority_form, exc)
            else:
                messages.success(request, _("Marked as a supervision priority."))
                return redirect("supervision:project_detail", pk=project.pk)
    today = timezone.localdate()
    group = _group(project)
    plan = getattr(project, "implementation_plan", None)
    reports = list(
        project.progress_reports.prefetch_related("photos").select_related("submitted_by")
    )
    inspections = list(
        project.inspections.prefetch_related("attendees", "photos").select_related("recorded_by")
    )
    evidence = selectors.project_evidence(project)
    dues = selectors.project_dues(
        project,
        rules=selectors.rules_for(body),
        last_inspection=inspections[0].date if inspections else None,
        last_report=reports[0].reported_on if reports else None,
        today=today,
    )
    return render(
        request,
        "supervision/project_detail.html",
        {
            "township": township,
            "county": project.county,
            "project": project,
            "group": group,
            # A county congress's project (issue 17): its 督办领导 and committee, the
            # concentrated supervisions that visited it and the hearings that heard it.
            "county_oversight": selectors.county_project_oversight(project),
            "members": list(selectors.group_members(group)) if group else [],
            "plan": plan,
            "milestones": list(plan.milestones.all()) if plan else [],
            "reports": reports,
            "inspections": inspections,
            "items": selectors.ledger_list(
                request.user, township=township, county=project.county, project=project
            ),
            "priorities": list(project.supervision_priorities.order_by("-year")),
            "evidence": evidence,
            "dues": dues,
            "today": today,
            "can_manage": can_manage,
            "can_report": user_can_report_progress(request.user, project),
            "can_inspect": user_can_inspect(request.user, project)
            and group is not None
            and group.is_confirmed,
            "priority_form": priority_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_report_progress(request.user, project):
        raise PermissionDenied
    plan = getattr(project, "implementation_plan", None)
    if plan is None:
        try:
            plan = services.implementation_plan_ensure(actor=request.user, project=project)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("supervision:project_detail", pk=project.pk)
    milestones = list(plan.milestones.all())
    form = forms.ImplementationPlanForm(request.POST or None, instance=plan, milestones=milestones)
    if request.method == "POST" and form.is_valid():
        try:
            services.implementation_plan_update(
                actor=request.user,
                plan=plan,
                milestones=form.milestone_dates(),
                **form.plan_fields(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The implementation plan is saved."))
            return redirect("supervision:project_detail", pk=project.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "township": project.township,
            "county": project.county,
            "project": project,
            "form": form,
            "title": _("Implementation plan"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_report_progress(request.user, project):
        raise PermissionDenied
    form = forms.ProgressReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report_submit(
                actor=request.user,
                project=project,
                photos=form.cleaned_data["photos"],
                keep_location=form.cleaned_data["keep_location"],
                **form.report_fields(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The progress report is submitted."))
            return redirect("supervision:project_detail", pk=project.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "township": project.township,
            "county": project.county,
            "project": project,
            "form": form,
            "title": _("Progress report"),
            "multipart": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_inspect(request.user, project):
        raise PermissionDenied
    group = _group(project)
    if group is None or not group.is_confirmed:
        messages.error(request, _("The project has no confirmed supervision group yet."))
        return redirect("supervision:project_detail", pk=project.pk)
    form = forms.InspectionForm(request.POST or None, request.FILES or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_record(
                actor=request.user, project=project, **form.service_fields()
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            n = inspection.items.count()
            messages.success(request, _("The inspection is recorded."))
            if n:
                return redirect(inspection.items.order_by("pk").first().get_absolute_url())
            return redirect("supervision:project_detail", pk=project.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "township": project.township,
            "county": project.county,
            "project": project,
            "form": form,
            "title": _("Record an inspection"),
            "multipart": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, pk):
    project = _project_or_404(request, pk)
    if not user_can_inspect(request.user, project):
        raise PermissionDenied
    form = forms.ItemForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            return redirect(item.get_absolute_url())
    return render(
        request,
        "supervision/form.html",
        {
            "township": project.township,
            "county": project.county,
            "project": project,
            "form": form,
            "title": _("New problem"),
        },
    )
