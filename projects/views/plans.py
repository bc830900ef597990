"""Plans, rounds, candidate lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import domain, selectors, services
from ..forms import AddProjectsForm, PlanForm, RoundDecisionForm, SlotsForm
from ..models import CandidateList, body_fields
from ..permissions import user_can_manage_body, user_can_manage_plan, user_can_view_reserve
from ._base import _pdf_response, _render, body_view


@body_view(check=user_can_view_reserve)
def plan_list(request, township):
    """A body's plans: ``township`` is a Township or a County (its own congress)."""
    can_manage = user_can_manage_body(request.user, township)
    form = PlanForm(
        request.POST or None, initial={"year": timezone.localdate().year + 1, "slots": 3}
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user, **body_fields(township), **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Plan created."))
                return redirect(plan)
    plans = selectors.plans_visible_to(request.user).filter(**body_fields(township))
    return _render(
        request,
        "projects/plan_list.html",
        {"body": township, "plans": plans, "form": form, "can_manage": can_manage},
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


def _candidate_list(plan) -> CandidateList:
    """The plan's candidate list, or an empty unsaved one to show: reads never write (the
    list is created, under a lock, by the service that first puts a candidate on it)."""
    found = CandidateList.objects.filter(plan=plan).first()
    return found if found is not None else CandidateList(plan=plan)


@login_required
def plan_detail(request, pk):
    plan = _plan_or_404(request, pk)
    can_manage = user_can_manage_plan(request.user, plan)
    candidate_list = _candidate_list(plan)
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
            "body": plan.body,
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
    candidate_list = _candidate_list(plan)
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
            "body": plan.body,
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
    clist = _candidate_list(plan)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if clist.pk is None:  # nothing on the list yet: the lock's own refusal
                check = domain.check_candidate_list(
                    mode=services.ruleset_for_body(plan.body).vote_mode,
                    candidates=0,
                    slots=plan.slots,
                )
                raise ValidationError(services.lock_refusal_message(check))
            services.candidate_list_lock(actor=request.user, candidate_list=clist)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The candidate list is locked for the vote."))
        return redirect("projects:candidate_list", pk=plan.pk)
    ruleset = services.ruleset_for_body(plan.body)
    rows = list(selectors.candidate_rows(clist)) if clist.pk else []
    check = domain.check_candidate_list(
        mode=ruleset.vote_mode, candidates=len(rows), slots=plan.slots
    )
    return _render(
        request,
        "projects/candidate_list.html",
        {
            "plan": plan,
            "body": plan.body,
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
    from ..pdf import render_pdf

    plan = _plan_or_404(request, pk)
    clist = _candidate_list(plan)
    rows = list(selectors.candidate_rows(clist)) if clist.pk else []
    pdf = render_pdf(
        "projects/pdf/candidates.html",
        {
            "plan": plan,
            "body": plan.body,
            "candidate_list": clist,
            "candidates": rows,
            "ruleset": services.ruleset_for_body(plan.body),
            "today": timezone.localdate(),
        },
        request=request,
    )
    return _pdf_response(pdf, f"{plan}候选项目.pdf")
