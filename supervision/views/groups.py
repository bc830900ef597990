"""Groups: a plan's proposed groups and one group's members, leader, duties and confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from projects.selectors import plans_visible_to

from .. import domain, forms, selectors, services
from ..models import Duty
from ..permissions import (
    user_can_manage_supervision,
)


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
