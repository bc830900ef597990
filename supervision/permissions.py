"""Who may do what in stage 4. Views, services and the API use these predicates.

- staff of the township: everything (groups, plans, reports, inspections, the ledger);
- the government liaison: implementation plans, progress reports, answers to hand-overs;
- deputies in a project's supervision group: inspections, hand-overs, re-inspection (销号);
- every role in the township, its deputies and the county's reviewers: read (reviewers only
  read).
"""

from __future__ import annotations

from congress.models import Role
from congress.permissions import get_scope, user_can_manage_township, user_can_view_township


def user_can_view_supervision(user, township) -> bool:
    return user_can_view_township(user, township)


def user_can_manage_supervision(user, township) -> bool:
    """Groups (propose, adjust, confirm), priorities, escalation: presidium staff."""
    return user_can_manage_township(user, township)


def user_is_government(user, township) -> bool:
    return township.pk in get_scope(user).townships_with(Role.GOVERNMENT)


def user_can_report_progress(user, project) -> bool:
    """Implementation plans and progress reports: the government liaison, and staff."""
    return user_can_manage_township(user, project.township) or user_is_government(
        user, project.township
    )


def user_can_answer_item(user, item) -> bool:
    return user_can_report_progress(user, item.project)


def member_deputy_ids(group) -> set[int]:
    cached = getattr(group, "_member_ids", None)
    if cached is None:
        cached = set(group.members.values_list("deputy_id", flat=True))
        group._member_ids = cached
    return cached


def user_is_group_member(user, group) -> bool:
    scope = get_scope(user)
    if group is None or not scope.is_deputy or not group.is_confirmed:
        return False
    return scope.deputy_id in member_deputy_ids(group)


def _group_of(project):
    try:
        return project.supervision_group
    except Exception:  # RelatedObjectDoesNotExist
        return None


def user_can_inspect(user, project) -> bool:
    """Record an inspection, raise a problem, hand it over, re-inspect (销号 or reopen):
    members of the project's confirmed group, and staff."""
    return user_can_manage_township(user, project.township) or user_is_group_member(
        user, _group_of(project)
    )


def user_can_follow_item(user, item) -> bool:
    return user_can_inspect(user, item.project)
