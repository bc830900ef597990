"""Implementation plans (U4): the plan with its six milestones, and its edits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record, snapshot
from projects.models import Project, ProjectStatus

from ..models import MILESTONE_ORDER, ImplementationPlan, Milestone
from ..permissions import user_can_manage_supervision, user_can_report_progress
from ._base import SUPERVISED, _require, _set_project_status, _today


@transaction.atomic
def implementation_plan_ensure(*, actor, project: Project) -> ImplementationPlan:
    """An (empty) implementation plan with the six milestones for an elected project; moves the
    project from ELECTED to IMPLEMENTING. Idempotent. ``actor`` may be None (a system step
    after a published vote)."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=project.pk)
    )
    if actor is not None:
        _require(
            user_can_manage_supervision(actor, project.body)
            or user_can_report_progress(actor, project)
        )
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is implemented and supervised."))
    plan, created = ImplementationPlan.objects.get_or_create(
        project=project,
        defaults={
            "deadline": project.deadline,
            "budget": project.estimated_investment,
            "funding_sources": project.funding_source,
            "responsible_department": project.implementing_body,
        },
    )
    existing = set(plan.milestones.values_list("kind", flat=True))
    Milestone.objects.bulk_create(
        Milestone(plan=plan, kind=kind, position=i)
        for i, kind in enumerate(MILESTONE_ORDER, start=1)
        if kind not in existing
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.IMPLEMENTATION_PLAN_CREATE,
            obj=plan,
            township=project.township,
            county=project.county,
        )
    if project.status == ProjectStatus.ELECTED:
        # the project machine writes the history row and the audit event
        _set_project_status(
            project, ProjectStatus.IMPLEMENTING, actor=actor, note=_("Implementation started")
        )
    return plan


PLAN_FIELDS = ["responsible_department", "targets", "deadline", "budget", "funding_sources"]


@transaction.atomic
def implementation_plan_update(
    *,
    actor,
    plan: ImplementationPlan,
    milestones: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
    **fields,
) -> ImplementationPlan:
    """Edit the plan; ``milestones`` maps a kind to (planned date, reached on)."""
    plan = (
        ImplementationPlan.objects.select_for_update(of=("self",))
        .select_related("project__township", "project__county")
        .get(pk=plan.pk)
    )
    project = plan.project
    _require(user_can_report_progress(actor, project))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    before = snapshot(plan, PLAN_FIELDS)
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean()
    plan.save()
    changed = {}
    for m in plan.milestones.all():
        if milestones and m.kind in milestones:
            planned, done = milestones[m.kind]
            if (m.planned_date, m.done_on) != (planned, done):
                if done is not None and done > _today():
                    raise ValidationError(_("A milestone cannot be reached in the future."))
                m.planned_date, m.done_on = planned, done
                m.save(update_fields=["planned_date", "done_on"])
                changed[m.kind] = [str(planned or ""), str(done or "")]
    after = snapshot(plan, PLAN_FIELDS)
    after["milestones"] = changed
    audit_record(
        actor=actor,
        action=AuditAction.IMPLEMENTATION_PLAN_UPDATE,
        obj=plan,
        township=project.township,
        county=project.county,
        before=before,
        after=after,
    )
    return plan
