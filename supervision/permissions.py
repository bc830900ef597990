"""Who may do what in stage 4. Views, services and the API use these predicates.

- staff of the township: everything (groups, plans, reports, inspections, the ledger);
- the government liaison: implementation plans, progress reports, answers to hand-overs;
- deputies in a project's supervision group: inspections, hand-overs, re-inspection (销号);
- every role in the township, its deputies and the county's reviewers: read (reviewers only
  read).

A county congress's own projects (issue 17) are supervised by the county's staff
(县人大常委会工作人员): 督办 leaders and committees, concentrated supervision, hearings and the
county's hand-over ledger; the county's other roles and its (or its prefecture's) reviewers
read. Township staff never reach them. Every predicate taking a ``body`` accepts a township
or a county.
"""

from __future__ import annotations

from congress.models import County, Role
from congress.permissions import (
    get_scope,
    user_can_manage_county_congress,
    user_can_manage_township,
    user_can_view_county_congress,
    user_can_view_township,
)


def _is_county(body) -> bool:
    return isinstance(body, County)


def user_can_view_supervision(user, body) -> bool:
    if _is_county(body):
        return user_can_view_county_congress(user, body)
    return user_can_view_township(user, body)


def user_can_manage_supervision(user, body) -> bool:
    """Groups (propose, adjust, confirm), priorities, escalation: presidium staff; a county's
    督办 assignments, rounds and hearings: the county's staff."""
    if _is_county(body):
        return user_can_manage_county_congress(user, body)
    return user_can_manage_township(user, body)


def user_is_government(user, body) -> bool:
    scope = get_scope(user)
    if _is_county(body):
        return body.pk in scope.counties_with(Role.GOVERNMENT)
    return body.pk in scope.townships_with(Role.GOVERNMENT)


def user_can_report_progress(user, project) -> bool:
    """Implementation plans and progress reports: the government liaison, and staff."""
    body = project.body
    return user_can_manage_supervision(user, body) or user_is_government(user, body)


def user_can_answer_item(user, item) -> bool:
    body = item.body
    return user_can_manage_supervision(user, body) or user_is_government(user, body)


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
    return user_can_manage_supervision(user, project.body) or user_is_group_member(
        user, _group_of(project)
    )


def user_can_follow_item(user, item) -> bool:
    """Hand over, close, reopen: as for the item's project; an item without a project (a
    微建议) is followed by the body's staff."""
    if item.project_id is None:
        return user_can_manage_supervision(user, item.body)
    return user_can_inspect(user, item.project)


def user_can_record_county_inspection(user, project) -> bool:
    """Record an inspection (视察) of a county congress's project, organised by one of its
    special committees or offices: the county's staff (县人大常委会工作人员). A county
    project has no supervision group, so its deputies do not record their own."""
    if project.county_id is None:
        return False
    return user_can_manage_supervision(user, project.county)
