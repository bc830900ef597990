"""Who may do what in stages 1–2. Views, services and the API use these predicates.

A congress body is a township or a county's own congress (issue 17): every predicate taking
a ``body`` accepts either. A township's staff run its intake and shortlisting; a county's
staff (县人大常委会工作人员) run the county congress's. Each never reaches the other's."""

from __future__ import annotations

from congress.models import County
from congress.permissions import (
    get_scope,
    user_can_manage_county_congress,
    user_can_manage_township,
    user_can_view_county_congress,
    user_can_view_township,
)


def is_county(body) -> bool:
    return isinstance(body, County)


def user_can_manage_body(user, body) -> bool:
    """Staff of the township, or the county's staff for a county congress (or a superuser)."""
    if is_county(body):
        return user_can_manage_county_congress(user, body)
    return user_can_manage_township(user, body)


def user_can_view_body(user, body) -> bool:
    """A township: anyone with a role in it, its deputies, its county's reviewers. A county
    congress: its own roles and the county's (or its prefecture's) reviewers."""
    if is_county(body):
        return user_can_view_county_congress(user, body)
    return user_can_view_township(user, body)


def user_can_triage_suggestions(user, body) -> bool:
    """Staff of the body see suggestions with the proposer's contact and decide on them."""
    return user_can_manage_body(user, body)


def user_can_enter_suggestions(user, body) -> bool:
    """Staff enter suggestions collected offline; so do the body's own deputies, as the
    receiving deputy: a township's deputies at the township, the county's deputies in office
    (县人大代表) at the county congress."""
    if user_can_manage_body(user, body):
        return True
    scope = get_scope(user)
    if is_county(body):
        return scope.deputy_county_id == body.pk
    return scope.is_deputy and scope.deputy_township_id == body.pk


def user_can_refer_suggestion(user, suggestion) -> bool:
    """Staff of the township refer one of its suggestions to the county reserve (转县级)."""
    return suggestion.township_id is not None and user_can_manage_township(
        user, suggestion.township
    )


def user_can_view_reserve(user, body) -> bool:
    """The reserve, plans and candidate lists: anyone who may read the body (read-only for
    readers). No proposer data is shown there."""
    return user_can_view_body(user, body)


def user_can_manage_reserve(user, body) -> bool:
    return user_can_manage_body(user, body)


def user_can_manage_plan(user, plan) -> bool:
    return user_can_manage_body(user, plan.body)


def user_can_view_proposer(user, suggestion) -> bool:
    """A proposer's name and phone: staff of the body only."""
    return user_can_manage_body(user, suggestion.body)
