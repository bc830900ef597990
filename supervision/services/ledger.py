"""The hand-over ledger (U6): items recorded, handed over (交办), answered, closed (销号),
reopened and escalated (督办); rectifications and priorities after the satisfaction evaluation."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.audit import AuditAction
from congress.services import audit_record
from livelihood.i18n import in_site_language
from livelihood.stage_machines import StageMachine
from projects.models import Project

from .. import domain
from ..models import (
    ImplementationPlan,
    Inspection,
    ItemKind,
    ItemSource,
    ItemStatus,
    LedgerEvent,
    LedgerItem,
    SupervisionPriority,
)
from ..permissions import (
    user_can_answer_item,
    user_can_follow_item,
    user_can_inspect,
    user_can_manage_supervision,
)
from ._base import SUPERVISED, _require, _today
from .notifications import _notify_group, _notify_staff, _notify_township_government

# ---------------------------------------------------------------------------------------------
# The ledger item's state machine (its table is ``domain.LEDGER``)


def _record(
    item: LedgerItem, *, action: str, before: str, after: str, actor=None, note: str = ""
) -> None:
    """The ledger step (LedgerEvent) and the audit event of one action on an item; also
    writes the item's first step ("record") and the escalation (督办), which keep no state."""
    LedgerEvent.objects.create(
        item=item,
        by=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=before,
        to_status=after,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AuditAction(f"ledger.{action}"),
        obj=item,
        township=item.township,
        before={"status": before},
        after={"status": after, "note": note[:200]},
    )


def _refusal(current: str, action: str) -> str:
    return _("A hand-over that is “%(status)s” cannot be changed this way.") % {
        "status": ItemStatus(current).label
    }


# An action saves the status with the fields the service has just set on the locked item.
LEDGER_MACHINE = StageMachine(
    domain.LEDGER,
    refusal=_refusal,
    recorder=_record,
    update_fields=("department", "deadline", "answer", "closed_at", "updated_at"),
)


def _item_create(
    *,
    actor,
    project: Project | None,
    title: str,
    source: str,
    detail: str = "",
    kind: str = ItemKind.PROBLEM,
    inspection: Inspection | None = None,
    suggestion=None,
    department: str = "",
    deadline: datetime.date | None = None,
    report_required: bool = False,
    township=None,
) -> LedgerItem:
    # The item belongs to its project's body (a township or a county congress); without a
    # project (a 微建议) to the township given.
    item = LedgerItem(
        project=project,
        township=project.township if project is not None else township,
        county=project.county if project is not None else None,
        kind=kind,
        source=source,
        inspection=inspection,
        suggestion=suggestion,
        title=title,
        detail=detail,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        report_required=report_required,
    )
    item.full_clean()
    item.save()
    _record(item, action="record", before="", after=item.status, actor=actor, note=title)
    if department or deadline:
        _hand_over(item, actor=actor, department=department, deadline=deadline, note="")
    return item


@transaction.atomic
def item_create(
    *,
    actor,
    project: Project | None,
    title: str,
    detail: str = "",
    source: str = ItemSource.INSPECTION,
    suggestion=None,
    department: str = "",
    deadline: datetime.date | None = None,
    township=None,
) -> LedgerItem:
    """A problem found by the group or raised by residents (a suggestion about an elected
    project); handed over at once when a department and deadline are given.

    With ``project=None``: a 微建议 (issue 20) handed over on its own for ``township``,
    by that township's staff; a suggestion must be the township's own."""
    if project is None:
        if township is None:
            raise ValidationError(_("Say which township the hand-over belongs to."))
        _require(user_can_manage_supervision(actor, township))
        if suggestion is not None:
            if suggestion.township_id != township.pk:
                raise ValidationError(_("Choose a suggestion of this township."))
            source = ItemSource.RESIDENT
        return _item_create(
            actor=actor,
            project=None,
            township=township,
            title=title,
            detail=detail,
            source=source,
            suggestion=suggestion,
            department=department,
            deadline=deadline,
        )
    project = Project.objects.select_related("township", "county").get(pk=project.pk)
    _require(user_can_inspect(actor, project))
    if township is not None and township.pk != project.township_id:
        raise ValidationError(_("Choose a project of this township."))
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is supervised."))
    if suggestion is not None:
        if suggestion.township_id != project.township_id:
            raise ValidationError(_("Choose a suggestion of this township."))
        source = ItemSource.RESIDENT
    return _item_create(
        actor=actor,
        project=project,
        title=title,
        detail=detail,
        source=source,
        suggestion=suggestion,
        department=department,
        deadline=deadline,
    )


def _locked_item(item: LedgerItem) -> LedgerItem:
    return (
        LedgerItem.objects.select_for_update(of=("self",))
        .select_related("project__township", "township")
        .get(pk=item.pk)
    )


def _hand_over(item, *, actor, department: str, deadline, note: str) -> None:
    department = (department or "").strip()
    if not department:
        raise ValidationError({"department": _("Name the department it is handed to.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Set a deadline (限时办结).")})
    if deadline < _today():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    item.department = department
    item.deadline = deadline
    item.full_clean()
    LEDGER_MACHINE.apply(item, "hand_over", actor=actor, note=note)
    _notify_township_government(item, kind="item_handed_over")


@transaction.atomic
def item_hand_over(
    *, actor, item: LedgerItem, department: str, deadline: datetime.date, note: str = ""
) -> LedgerItem:
    """交办: to a named department with a deadline (限时办结)."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    _hand_over(item, actor=actor, department=department, deadline=deadline, note=note)
    return item


@transaction.atomic
def item_answer(*, actor, item: LedgerItem, answer: str) -> LedgerItem:
    """The department answers with what was done."""
    item = _locked_item(item)
    _require(user_can_answer_item(actor, item))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Say what was done.")})
    item.answer = answer
    item.full_clean()
    LEDGER_MACHINE.apply(item, "answer", actor=actor, note=answer)
    _notify_group(item, kind="item_answered")
    return item


@transaction.atomic
def item_close(*, actor, item: LedgerItem, note: str = "") -> LedgerItem:
    """销号: the group re-inspected and confirms the fix."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    item.closed_at = timezone.now()
    LEDGER_MACHINE.apply(item, "close", actor=actor, note=note)
    return item


@transaction.atomic
def item_reopen(
    *, actor, item: LedgerItem, reason: str, deadline: datetime.date | None = None
) -> LedgerItem:
    """Re-inspection found it not fixed: back to the department, with a reason (and perhaps a
    new deadline)."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    if deadline is not None:
        if deadline < _today():
            raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
        item.deadline = deadline
    LEDGER_MACHINE.apply(item, "reopen", actor=actor, note=reason)
    return item


@transaction.atomic
def item_escalate(
    *, actor, item: LedgerItem, note: str = "", today: datetime.date | None = None
) -> LedgerItem:
    """督办: an overdue item goes to the presidium (staff are notified). Idempotent."""
    item = _locked_item(item)
    if actor is not None:
        _require(user_can_follow_item(actor, item))
    if item.escalated_at is not None:
        return item
    if not item.is_overdue(today or _today()):
        raise ValidationError(_("Only an overdue hand-over is escalated."))
    item.escalated_at = timezone.now()
    item.save(update_fields=["escalated_at", "updated_at"])
    _record(item, action="escalate", before=item.status, after=item.status, actor=actor, note=note)
    _notify_staff(item, kind="item_escalated")
    return item


@transaction.atomic
def rectification_create(
    *,
    actor,
    project: Project,
    title: str,
    deadline: datetime.date,
    report_required: bool,
    source: str,
) -> LedgerItem:
    """整改 after a 基本满意 / 不满意 rating (E4): handed over at once to the project's
    responsible department (or implementing body) with the deadline; ``report_required``: a
    report is due at the next standing-committee meeting."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=project.pk)
    )
    if actor is not None:
        _require(user_can_manage_supervision(actor, project.body))
    if source not in ItemSource.values:
        source = ItemSource.EVALUATION
    plan = ImplementationPlan.objects.filter(project=project).first()
    department = (plan.responsible_department if plan else "") or project.implementing_body
    if not department:
        department = in_site_language(
            gettext_noop("County government")
            if project.county_id
            else gettext_noop("Township government")
        )
    item = LedgerItem(
        project=project,
        township=project.township,
        county=project.county,
        kind=ItemKind.RECTIFICATION,
        source=source,
        title=title,
        report_required=report_required,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    item.full_clean()
    item.save()
    _record(item, action="record", before="", after=item.status, actor=actor, note=title)
    item.department = department
    item.deadline = deadline
    item.full_clean()
    LEDGER_MACHINE.apply(item, "hand_over", actor=actor)
    return item


@transaction.atomic
def project_priority_set(*, actor, project: Project, year: int, reason: str) -> SupervisionPriority:
    """Flag the project as a supervision priority for ``year``. Idempotent per year (the
    reason is updated)."""
    project = Project.objects.select_related("township", "county").get(pk=project.pk)
    if actor is not None:
        _require(user_can_manage_supervision(actor, project.body))
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a valid year.")})
    priority, created = SupervisionPriority.objects.update_or_create(
        project=project,
        year=year,
        defaults={
            "reason": reason,
            "set_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.PROJECT_PRIORITY_SET,
        obj=project,
        township=project.township,
        after={"year": year, "reason": reason},
    )
    return priority
