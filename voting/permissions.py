"""Who may run, count, certify and see a vote."""

from congress.models import Role
from congress.permissions import get_scope, user_can_manage_township

from .models import OfficerRole, VoteStatus


def _township(vote):
    return vote.session.term.township


def user_can_manage_vote(user, vote) -> bool:
    """Presidium staff of the township run the vote from the console."""
    township = _township(vote)
    if township is None:
        return get_scope(user).is_superuser
    return user_can_manage_township(user, township)


def _officer(user, vote, *roles) -> bool:
    if not user.is_authenticated:
        return False
    return any(o.user_id == user.pk and o.role in roles for o in vote.officers.all())


def user_can_enter_paper(user, vote) -> bool:
    """Tellers (计票人) named for the vote, or holding the teller role in the township."""
    scope = get_scope(user)
    township = _township(vote)
    return (
        scope.is_superuser
        or _officer(user, vote, OfficerRole.TELLER)
        or (township is not None and township.pk in scope.townships_with(Role.TELLER))
    )


def user_can_scrutinize(user, vote) -> bool:
    """Scrutineers resolve paper mismatches and doubtful ballots (B3)."""
    scope = get_scope(user)
    township = _township(vote)
    return (
        scope.is_superuser
        or _officer(user, vote, OfficerRole.CHIEF_SCRUTINEER, OfficerRole.SCRUTINEER)
        or (township is not None and township.pk in scope.townships_with(Role.SCRUTINEER))
    )


def user_can_certify(user, vote) -> bool:
    """The chief scrutineer (总监票人) certifies; when the chief has no account linked, a user
    with the township's scrutineer role may."""
    scope = get_scope(user)
    if scope.is_superuser or _officer(user, vote, OfficerRole.CHIEF_SCRUTINEER):
        return True
    chief_linked = any(
        o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id for o in vote.officers.all()
    )
    township = _township(vote)
    return (
        not chief_linked
        and township is not None
        and township.pk in scope.townships_with(Role.SCRUTINEER)
    )


def user_can_view_results(user, vote) -> bool:
    """Counted results: staff, officers and reviewers in scope; everyone once published."""
    if vote.status == VoteStatus.PUBLISHED:
        return True
    scope = get_scope(user)
    township = _township(vote)
    if scope.is_superuser:
        return True
    if township is None:
        return vote.session.term.county_id in scope.reviewer_counties
    return (
        township.pk in scope.townships_with(Role.STAFF, Role.TELLER, Role.SCRUTINEER)
        or township.county_id in scope.reviewer_counties
    )
