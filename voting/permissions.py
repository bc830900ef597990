"""Who may run, count, certify and see a vote — of a township's congress or of a county's own
congress (its plenary: the county's staff run it, its tellers and scrutineers count it)."""

from congress.models import Role
from congress.permissions import (
    get_scope,
    user_can_manage_county_congress,
    user_can_manage_township,
)

from .models import OfficerRole, VoteStatus


def _township(vote):
    return vote.session.term.township


def _county_id(vote):
    """The county whose own congress holds the vote; None for a township's vote."""
    term = vote.session.term
    return term.county_id if term.township_id is None else None


def _body_role(scope, vote, *roles) -> bool:
    """The user holds one of ``roles`` in the vote's body (its township, or the county's own
    congress for a county vote)."""
    township = _township(vote)
    if township is not None:
        return township.pk in scope.townships_with(*roles)
    return _county_id(vote) in scope.counties_with(*roles)


def user_can_manage_vote(user, vote) -> bool:
    """Presidium staff of the township (or the county congress's staff, for a county
    plenary) run the vote from the console."""
    township = _township(vote)
    if township is None:
        return user_can_manage_county_congress(user, vote.session.term.county)
    return user_can_manage_township(user, township)


def _officer(user, vote, *roles) -> bool:
    if not user.is_authenticated:
        return False
    return any(o.user_id == user.pk and o.role in roles for o in vote.officers.all())


def user_can_enter_paper(user, vote) -> bool:
    """Tellers (计票人) named for the vote, or holding the teller role in its body."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or _officer(user, vote, OfficerRole.TELLER)
        or _body_role(scope, vote, Role.TELLER)
    )


def user_can_scrutinize(user, vote) -> bool:
    """Scrutineers resolve paper mismatches and doubtful ballots (B3)."""
    scope = get_scope(user)
    return (
        scope.is_superuser
        or _officer(user, vote, OfficerRole.CHIEF_SCRUTINEER, OfficerRole.SCRUTINEER)
        or _body_role(scope, vote, Role.SCRUTINEER)
    )


def user_can_certify(user, vote) -> bool:
    """The chief scrutineer (总监票人) certifies; when the chief has no account linked, a user
    with the body's scrutineer role may."""
    scope = get_scope(user)
    if scope.is_superuser or _officer(user, vote, OfficerRole.CHIEF_SCRUTINEER):
        return True
    chief_linked = any(
        o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id for o in vote.officers.all()
    )
    return not chief_linked and _body_role(scope, vote, Role.SCRUTINEER)


def user_can_view_results(user, vote) -> bool:
    """Counted results: staff, officers and reviewers in scope; everyone once published."""
    if vote.status == VoteStatus.PUBLISHED:
        return True
    scope = get_scope(user)
    if scope.is_superuser or vote.session.term.county_id in scope.reviewer_counties:
        return True
    return _body_role(scope, vote, Role.STAFF, Role.TELLER, Role.SCRUTINEER)
