"""What the read modules of stage 4 share: the status groups and the user's township scope."""

from __future__ import annotations

from django.db.models import Q

from congress.permissions import get_scope
from projects.models import ProjectStatus

from .. import domain

SUPERVISED = (ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)
AWAITING = tuple(domain.AWAITING_DEPARTMENT)
OPEN = tuple(domain.OPEN_STATUSES)


def _township_filter(user) -> Q | None:
    """None: everything (superuser); else the Q over a row's body — ``township_id`` (its roles
    and deputies, the county's reviewers) or ``county_id`` (a county congress's own rows: the
    county's roles and reviewers). Rows of projects and ledger items both carry the two."""
    scope = get_scope(user)
    if scope.is_superuser:
        return None
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return (
        Q(township_id__in=ids)
        | Q(township__county_id__in=scope.reviewer_counties)
        | Q(county_id__in=scope.county_congress_readers)
    )


def _ids(user) -> set[int]:
    scope = get_scope(user)
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return ids
