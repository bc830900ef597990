"""Thin views for stage 4: fetch-and-authorize, call a service, render."""

from __future__ import annotations

from csp.decorators import csp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from congress.views import township_view
from livelihood.downloads import protected_file
from projects.selectors import plans_visible_to

from . import domain, forms, selectors, services
from .models import Duty, ItemStatus, Photo
from .permissions import (
    user_can_answer_item,
    user_can_follow_item,
    user_can_inspect,
    user_can_manage_supervision,
    user_can_report_progress,
)


def _apply(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (fields it knows, else non-field)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _project_or_404(request, pk):
    project = selectors.project_for_user(request.user, pk)
    if project is None:
        raise Http404
    return project


def _group(project):
    return getattr(project, "supervision_group", None)


# ---------------------------------------------------------------------------------------------
# Township overview and ledger


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


# ---------------------------------------------------------------------------------------------
# Groups


@login_required
@require_http_methods(["GET", "POST"])
def plan_groups(request, pk):
    plan = plans_visible_to(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    can_manage = user_can_manage_supervision(request.user, plan.township)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            services.groups_propose(actor=request.user, plan=plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Groups proposed. Adjust them, then confirm each."))
        return redirect("supervision:plan_groups", pk=plan.pk)
    groups = list(selectors.plan_groups(plan))
    elected = list(services.plan_projects(plan).values_list("title", flat=True))
    assigned = {m.deputy_id for g in groups for m in g.members.all()}
    without = (
        plan.township.deputies.filter(in_office=True).exclude(pk__in=assigned).order_by("name")
    )
    employed = list(
        plan.township.deputies.filter(in_office=True).exclude(employer="").only("name", "employer")
    )
    for g in groups:
        project_in = domain.ProjectIn(
            id=g.project_id, implementing_body=g.project.implementing_body
        )
        g.conflicts = [
            d.name
            for d in employed
            if domain.conflict_of_interest(
                domain.DeputyIn(id=d.pk, employer=d.employer), project_in
            )
        ]
    return render(
        request,
        "supervision/plan_groups.html",
        {
            "township": plan.township,
            "plan": plan,
            "groups": groups,
            "elected": elected,
            "without": without if groups else [],
            "can_manage": can_manage,
            "can_propose": can_manage and (not groups or any(not g.is_confirmed for g in groups)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_detail(request, pk):
    group = selectors.group_for_user(request.user, pk)
    if group is None:
        raise Http404
    township = group.project.township
    can_manage = user_can_manage_supervision(request.user, township)
    members = list(selectors.group_members(group))
    add_form = forms.MemberAddForm(township=township, exclude=[m.deputy_id for m in members])
    confirm_form = forms.ConfirmForm(initial={"presidium_member": group.presidium_member})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "add":
                add_form = forms.MemberAddForm(
                    request.POST, township=township, exclude=[m.deputy_id for m in members]
                )
                if add_form.is_valid():
                    services.group_member_add(
                        actor=request.user, group=group, deputy=add_form.cleaned_data["deputy"]
                    )
                    return redirect(group.get_absolute_url())
            elif action in ("remove", "leader", "duty"):
                member = next(
                    (m for m in members if str(m.deputy_id) == request.POST.get("deputy")), None
                )
                if member is None:
                    raise ValidationError(_("This deputy is not in the group."))
                if action == "remove":
                    services.group_member_remove(
                        actor=request.user, group=group, deputy=member.deputy
                    )
                elif action == "leader":
                    services.group_leader_set(actor=request.user, group=group, deputy=member.deputy)
                else:
                    duty = request.POST.get("duty", "")
                    if duty not in Duty.values:
                        raise ValidationError(_("Choose a task."))
                    services.group_member_duty_set(
                        actor=request.user, group=group, deputy=member.deputy, duty=duty
                    )
                return redirect(group.get_absolute_url())
            elif action == "confirm":
                confirm_form = forms.ConfirmForm(request.POST)
                if confirm_form.is_valid():
                    services.group_confirm(
                        actor=request.user,
                        group=group,
                        presidium_member=confirm_form.cleaned_data["presidium_member"],
                    )
                    messages.success(request, _("The group is confirmed."))
                    return redirect(group.get_absolute_url())
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(group.get_absolute_url())
    return render(
        request,
        "supervision/group_detail.html",
        {
            "township": township,
            "group": group,
            "project": group.project,
            "members": members,
            "add_form": add_form,
            "confirm_form": confirm_form,
            "duties": [c for c in Duty.choices if c[0] != Duty.LEADER],
            "can_manage": can_manage,
        },
    )


# ---------------------------------------------------------------------------------------------
# A project under supervision


@login_required
@require_http_methods(["GET", "POST"])
def project_detail(request, pk):
    project = _project_or_404(request, pk)
    township = project.township
    can_manage = user_can_manage_supervision(request.user, township)
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
        rules=selectors.rules_for(township),
        last_inspection=inspections[0].date if inspections else None,
        last_report=reports[0].reported_on if reports else None,
        today=today,
    )
    return render(
        request,
        "supervision/project_detail.html",
        {
            "township": township,
            "project": project,
            "group": group,
            "members": list(selectors.group_members(group)) if group else [],
            "plan": plan,
            "milestones": list(plan.milestones.all()) if plan else [],
            "reports": reports,
            "inspections": inspections,
            "items": selectors.ledger_list(request.user, township=township, project=project),
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
                actor=request.user,
                project=project,
                date=form.cleaned_data["date"],
                attendees=form.cleaned_data["attendees"],
                notes=form.cleaned_data["notes"],
                photos=form.cleaned_data["photos"],
                keep_location=form.cleaned_data["keep_location"],
                problems=form.problem_lines(),
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
        {"township": project.township, "project": project, "form": form, "title": _("New problem")},
    )


# ---------------------------------------------------------------------------------------------
# A ledger item


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
                initial = {"department": item.department or item.project.implementing_body}
            forms_shown[action] = bound.get(action) or form_class(initial=initial)
    return render(
        request,
        "supervision/item_detail.html",
        {
            "township": item.township,
            "item": item,
            "project": item.project,
            "events": selectors.item_events(item),
            "overdue": item.is_overdue(today),
            "today": today,
            "forms": forms_shown,
        },
        status=400 if bound else None,
    )


# Opened on its own, a photo is shown by the browser's image viewer, which styles its page
# inline; the response holds a JPEG and no markup of ours, so allow just that.
PHOTO_CSP = {
    "default-src": ["'none'"],
    "img-src": ["'self'"],
    "style-src": ["'unsafe-inline'"],
    "frame-ancestors": ["'self'"],
}


@csp(PHOTO_CSP)
@login_required
def photo(request, pk):
    photo = (
        Photo.objects.select_related("inspection__project", "report__project").filter(pk=pk).first()
    )
    if photo is None:
        raise Http404
    owner = photo.inspection or photo.report
    if selectors.project_for_user(request.user, owner.project_id) is None:
        raise Http404
    response = protected_file(photo.file.name, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# A deputy's phone view, notifications, the public page


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


def public_project(request, pk):
    project = selectors.public_projects_all().filter(pk=pk).first()
    if project is None:
        raise Http404
    plan = getattr(project, "implementation_plan", None)
    reports = list(
        project.progress_reports.only(
            "period", "reported_on", "percent_complete", "status", "invested", "project_id"
        )
    )
    return render(
        request,
        "supervision/public_project.html",
        {
            "project": project,
            "plan": plan,
            "milestones": list(plan.milestones.all()) if plan else [],
            "reports": reports,
            "evidence": selectors.project_evidence(project),
            "villages": list(project.villages.all()),
        },
    )
