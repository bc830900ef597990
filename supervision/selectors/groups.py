"""Supervision groups: one for a user, its members, a plan's groups, a deputy's own groups."""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from congress.permissions import get_scope

from ..models import GroupMember, GroupStatus, SupervisionGroup
from ._base import _ids


def group_for_user(user, pk: int) -> SupervisionGroup | None:
    qs = SupervisionGroup.objects.select_related("project", "project__township", "plan")
    scope = get_scope(user)
    if not scope.is_superuser:
        qs = qs.filter(
            Q(project__township_id__in=_ids(user))
            | Q(project__township__county_id__in=scope.reviewer_counties)
        )
    return qs.filter(pk=pk).first()


def group_members(group) -> QuerySet[GroupMember]:
    return group.members.select_related("deputy", "deputy__home_village", "deputy__work_village")


def plan_groups(plan) -> QuerySet[SupervisionGroup]:
    return (
        SupervisionGroup.objects.filter(plan=plan)
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.select_related(
                    "deputy", "deputy__home_village", "deputy__work_village"
                ),
            )
        )
        .order_by("project__title", "pk")
    )


def my_groups(user) -> QuerySet[SupervisionGroup]:
    scope = get_scope(user)
    if not scope.is_deputy:
        return SupervisionGroup.objects.none()
    return (
        SupervisionGroup.objects.filter(
            members__deputy_id=scope.deputy_id, status=GroupStatus.CONFIRMED
        )
        .select_related("project", "project__township")
        .annotate(
            last_inspection=Max("inspections__date"),
            is_leader=Exists(
                GroupMember.objects.filter(
                    group=OuterRef("pk"), deputy_id=scope.deputy_id, is_leader=True
                )
            ),
        )
        .order_by("project__title")
    )
