"""Progress reports (U5) from the government liaison."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record, snapshot
from projects.models import Project, ProjectStatus

from .. import domain
from ..models import Milestone, ProgressReport, WorkStatus
from ..permissions import user_can_report_progress
from ._base import _require, _set_project_status, _today
from .photos import _check_photos, _save_photos
from .plans import implementation_plan_ensure

REPORT_FIELDS = [
    "period",
    "reported_on",
    "invested",
    "quantities",
    "percent_complete",
    "milestone",
    "status",
    "expected_completion",
    "narrative",
]


@transaction.atomic
def progress_report_submit(
    *, actor, project: Project, photos=(), keep_location: bool = False, **fields
) -> ProgressReport:
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=project.pk)
    )
    _require(user_can_report_progress(actor, project))
    if project.status not in (ProjectStatus.IMPLEMENTING, ProjectStatus.ELECTED):
        raise ValidationError(_("Progress is reported only for a project being implemented."))
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    plan = implementation_plan_ensure(actor=None, project=project)
    fields.setdefault("reported_on", _today())
    report = ProgressReport(project=project, submitted_by=actor, **fields)
    if report.reported_on and report.reported_on > _today():
        raise ValidationError({"reported_on": _("A report cannot be dated in the future.")})
    report.over_budget = domain.over_budget(plan.budget, report.invested)
    report.slip_days = domain.slip_days(plan.deadline, report.expected_completion)
    report.full_clean()
    uploads = _check_photos(photos, keep_location)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"period": _("A report for this period already exists.")}) from None
    _save_photos(actor=actor, uploads=uploads, keep_location=keep_location, report=report)
    if report.milestone:
        Milestone.objects.filter(plan=plan, kind=report.milestone, done_on__isnull=True).update(
            done_on=report.reported_on
        )
    audit_record(
        actor=actor,
        action=AuditAction.PROGRESS_REPORT_SUBMIT,
        obj=report,
        township=project.township,
        county=project.county,
        after=snapshot(report, REPORT_FIELDS + ["over_budget", "slip_days"]),
    )
    if report.status == WorkStatus.COMPLETED and report.percent_complete == 100:
        # the project machine writes the history row and the audit event
        _set_project_status(
            project, ProjectStatus.COMPLETED, actor=actor, note=_("Reported completed")
        )
    return report
