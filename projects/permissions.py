"""Who may do what in stages 1–2. Views, services and the API use these predicates."""

from __future__ import annotations

from congress.permissions import get_scope, user_can_manage_township, user_can_view_township


def user_can_triage_suggestions(user, township) -> bool:
    """Staff of the township see suggestions with the proposer's contact and decide on them."""
    return user_can_manage_township(user, township)


def user_can_enter_suggestions(user, township) -> bool:
    """Staff, and the township's own deputies, enter suggestions collected offline."""
    scope = get_scope(user)
    return user_can_manage_township(user, township) or (
        scope.is_deputy and scope.deputy_township_id == township.pk
    )


def user_can_view_reserve(user, township) -> bool:
    """The reserve, plans and candidate lists: anyone with a role in the township, its
    deputies and the county's reviewers (read-only). No proposer data is shown there."""
    return user_can_view_township(user, township)


def user_can_manage_reserve(user, township) -> bool:
    return user_can_manage_township(user, township)


def user_can_manage_plan(user, plan) -> bool:
    return user_can_manage_township(user, plan.township)


def user_can_view_proposer(user, suggestion) -> bool:
    """A proposer's name and phone: staff of the township only."""
    return user_can_manage_township(user, suggestion.township)
