"""What every action module of the projects services shares: the permission guard, the
township's rule set and the project's state machine (its table is ``domain.PROJECT``; here it
gains its refusal message and its recorder, which writes the status history and the audit
event)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congress import selectors as congress_selectors
from congress.access import require as _require  # noqa: F401 - the stage's services' guard
from congress.audit import AuditAction
from congress.models import RuleSet, Township
from congress.services import audit_record
from livelihood.stage_machines import StageMachine

from .. import domain
from ..models import Project, ProjectStatus, ProjectStatusChange


def ruleset_for(township: Township) -> RuleSet:
    return congress_selectors.ruleset_for(township=township)


# ---------------------------------------------------------------------------------------------
# The project's state machine

# What the operation log calls each action (the vote's outcome is one entry either way).
AUDITED = {
    "put_forward": AuditAction.PROJECT_PUT_FORWARD,
    "set_aside": AuditAction.PROJECT_SET_ASIDE,
    "make_candidate": AuditAction.PROJECT_MAKE_CANDIDATE,
    "elect": AuditAction.PROJECT_OUTCOME,
    "return_unelected": AuditAction.PROJECT_OUTCOME,
    "start": AuditAction.PROJECT_IMPLEMENTING,
    "complete": AuditAction.PROJECT_COMPLETED,
    "cancel": AuditAction.PROJECT_CANCEL,
    "restore": AuditAction.PROJECT_RESTORE,
}


def _refusal(current: str, action: str) -> str:
    target = domain.PROJECT.table[action].target
    return _("A project that is “%(current)s” cannot become “%(target)s”.") % {
        "current": ProjectStatus(current).label,
        "target": ProjectStatus(target).label,
    }


def _record(
    project: Project, *, action: str, before: str, after: str, actor=None, note: str = ""
) -> None:
    """The history row (ProjectStatusChange) and the audit event of one project action."""
    ProjectStatusChange.objects.create(
        project=project,
        from_status=before,
        to_status=after,
        by=actor if actor is not None and actor.is_authenticated else None,
        note=note[:200],
    )
    audit_record(
        actor=actor,
        action=AUDITED[action],
        obj=project,
        township=project.township,
        before={"status": before},
        after={"status": after, "note": note[:200]} if note else {"status": after},
    )


PROJECT_MACHINE = StageMachine(
    domain.PROJECT, refusal=_refusal, recorder=_record, update_fields=("updated_at",)
)


def project_set_status(*, actor, project: Project, status: str, note: str = "") -> None:
    """Move a project (locked by the caller) to ``status`` by the one action that leads
    there, with its history row and audit event (for callers that name the status they
    want; ``PROJECT_MACHINE.apply(project, action, …)`` names the action). Nothing happens
    when the project already has that status."""
    _set_status(project, status, actor=actor, note=note)


def _set_status(project: Project, target: str, *, actor, note: str = "") -> None:
    """Move a (locked) project to ``target``: see :func:`project_set_status`."""
    current = project.status
    if current == target:
        return
    try:
        action = domain.project_action(current, target)
    except domain.TransitionError:
        # No action leads there: the machine refuses in its own words.
        action = next(a for a, t in domain.PROJECT.table.items() if t.target == target)
    PROJECT_MACHINE.apply(project, action, actor=actor, note=note)
