"""The project reserve (项目储备库): creating and editing projects."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import County, Township, Village
from congress.services import audit_record, snapshot

from .. import domain
from ..models import Candidate, Project, ProjectStatus, ProjectStatusChange, body_fields
from ..permissions import is_county, user_can_manage_body
from ._base import _require
from .bodies import audit_body, body_of

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


def _villages_outside(body, villages) -> bool:
    """A township's project lies in its villages; a county congress's in any village of the
    county's townships."""
    if is_county(body):
        return any(v.township.county_id != body.pk for v in villages)
    return any(v.township_id != body.pk for v in villages)


@transaction.atomic
def project_create(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    villages: Sequence[Village] = (),
    **fields,
):
    """A project in the reserve of a township, or of a county congress (``county=``)."""
    body = body_of(township=township, county=county)
    _require(user_can_manage_body(actor, body))
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    if _villages_outside(body, villages):
        raise ValidationError({"villages": _("Choose villages of this township.")})
    project = Project(**body_fields(body), **fields)
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
        **audit_body(body),
        after=snapshot(project, list(PROJECT_FIELDS)),
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, villages: Sequence[Village] | None = None, **fields):
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=project.pk)
    )
    _require(user_can_manage_body(actor, project.body))
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
        if _villages_outside(project.body, villages):
            raise ValidationError({"villages": _("Choose villages of this township.")})
        project.villages.set(villages)
    after = snapshot(project, list(PROJECT_FIELDS))
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.PROJECT_UPDATE,
            obj=project,
            **audit_body(project.body),
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


def _in_locked_list(project: Project) -> bool:
    return Candidate.objects.filter(
        project=project, candidate_list__locked_at__isnull=False
    ).exists()
