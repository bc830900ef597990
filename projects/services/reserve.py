"""The project reserve (项目储备库): creating and editing projects."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Township, Village
from congress.permissions import user_can_manage_township
from congress.services import audit_record, snapshot

from .. import domain
from ..models import Candidate, Project, ProjectStatus, ProjectStatusChange
from ._base import _require

PROJECT_FIELDS = (
    "title",
    "content",
    "category",
    "location",
    "estimated_investment",
    "funding_source",
    "implementing_body",
    "deadline",
    "expected_benefit",
    "necessity",
)


@transaction.atomic
def project_create(*, actor, township: Township, villages: Sequence[Village] = (), **fields):
    _require(user_can_manage_township(actor, township))
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    if any(v.township_id != township.pk for v in villages):
        raise ValidationError({"villages": _("Choose villages of this township.")})
    project = Project(township=township, **fields)
    project.tokens = domain.tokenize(f"{project.title} {project.content}")
    project.full_clean()
    project.save()
    project.villages.set(villages)
    ProjectStatusChange.objects.create(
        project=project, from_status="", to_status=project.status, by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.PROJECT_CREATE,
        obj=project,
        township=township,
        after=snapshot(project, list(PROJECT_FIELDS)),
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, villages: Sequence[Village] | None = None, **fields):
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    _require(user_can_manage_township(actor, project.township))
    if project.status in (ProjectStatus.CANDIDATE,) and _in_locked_list(project):
        raise ValidationError(
            _("The project is on a locked candidate list; its ballot details cannot change.")
        )
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    before = snapshot(project, list(PROJECT_FIELDS))
    for key, value in fields.items():
        setattr(project, key, value)
    project.tokens = domain.tokenize(f"{project.title} {project.content}")
    project.full_clean()
    project.save()
    if villages is not None:
        if any(v.township_id != project.township_id for v in villages):
            raise ValidationError({"villages": _("Choose villages of this township.")})
        project.villages.set(villages)
    after = snapshot(project, list(PROJECT_FIELDS))
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_UPDATE,
            obj=project,
            township=project.township,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


def _in_locked_list(project: Project) -> bool:
    return Candidate.objects.filter(
        project=project, candidate_list__locked_at__isnull=False
    ).exists()
