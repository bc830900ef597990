"""What every action module of the projects services shares: the permission guard, the
township's rule set and the project status change with history."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from congress import selectors as congress_selectors
from congress.models import RuleSet, Township

from .. import domain
from ..models import Project, ProjectStatus, ProjectStatusChange


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ruleset_for(township: Township) -> RuleSet:
    return congress_selectors.ruleset_for(township=township)


def project_set_status(*, actor, project: Project, status: str, note: str = "") -> None:
    """Move a project (locked by the caller) to ``status`` along an allowed transition,
    with its history row: the one way any stage changes a project's status."""
    _set_status(project, status, actor=actor, note=note)


def _set_status(project: Project, target: str, *, actor, note: str = "") -> None:
    """Move a (locked) project to ``target`` along an allowed transition, with history."""
    current = project.status
    if current == target:
        return
    try:
        domain.check_transition(current, target)
    except domain.TransitionError as exc:
        raise ValidationError(
            _("A project that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ProjectStatus(current).label,
                "target": ProjectStatus(target).label,
            }
        ) from exc
    project.status = target
    project.save(update_fields=["status", "updated_at"])
    ProjectStatusChange.objects.create(
        project=project,
        from_status=current,
        to_status=target,
        by=actor if actor is not None and actor.is_authenticated else None,
        note=note[:200],
    )
