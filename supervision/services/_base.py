"""What the action modules of stage 4 share: the supervised statuses, the permission check,
today's date, the township's rule set and the project status step."""

from __future__ import annotations

import datetime

from django.utils import timezone

from congress import selectors as congress_selectors
from congress.access import require as _require  # noqa: F401 - the stage's services' guard
from congress.models import RuleSet
from projects.models import Project, ProjectStatus
from projects.services import project_set_status

SUPERVISED = (ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)


def _today() -> datetime.date:
    return timezone.localdate()


def ruleset_for(township) -> RuleSet:
    return congress_selectors.ruleset_for(township=township)


def _set_project_status(project: Project, target: str, *, actor, note: str) -> None:
    # projects owns the status machine and its history; we go through its public action.
    project_set_status(actor=actor, project=project, status=target, note=note)
