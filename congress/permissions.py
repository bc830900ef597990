"""Who may do what. Predicates ``user_can_<verb>_<noun>(user, obj)``; views, services and the
API all use them. A user's scope is computed once per request and cached on the user object."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class Scope:
    is_superuser: bool = False
    # role -> township ids where the user holds that role
    township_roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # role -> county ids where the user holds that role in the county's own congress
    # (县人大常委会工作人员 and the county's tellers, scrutineers, government liaisons). A county
    # role never reaches the townships' own congress pages.
    county_roles: dict[str, frozenset[int]] = field(default_factory=dict)
    # Counties read-only: a county reviewer's county, and every county of a prefecture
    # reviewer's prefecture. Every reader of a reviewer's county goes through this set.
    reviewer_counties: frozenset[int] = frozenset()
    reviewer_prefectures: frozenset[int] = frozenset()
    deputy_id: int | None = None
    deputy_township_id: int | None = None
    # The county whose congress the deputy sits in (县人大代表 in office): their township's
    # county. It opens only the county's suggestion entry form (projects), never its pages.
    deputy_county_id: int | None = None

    def townships_with(self, *roles: str) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.township_roles.get(role, frozenset())
        return frozenset(ids)

    @property
    def staff_townships(self) -> frozenset[int]:
        return self.townships_with(Role.STAFF)

    @property
    def any_township_role(self) -> frozenset[int]:
        return self.townships_with(*[r for r in self.township_roles])

    def counties_with(self, *roles: str) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.county_roles.get(role, frozenset())
        return frozenset(ids)

    @property
    def county_staff_counties(self) -> frozenset[int]:
        return self.counties_with(Role.STAFF)

    @property
    def any_county_role(self) -> frozenset[int]:
        return self.counties_with(*list(self.county_roles))

    @property
    def county_congress_readers(self) -> frozenset[int]:
        """Counties whose own congress (terms, sessions, delegations) the user may read."""
        return self.any_county_role | self.reviewer_counties

    @property
    def is_staff_anywhere(self) -> bool:
        return bool(self.staff_townships)

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewer_counties)

    @property
    def is_deputy(self) -> bool:
        return self.deputy_id is not None


ANONYMOUS_SCOPE = Scope()


def get_scope(user) -> Scope:
    if user is None or not user.is_authenticated:
        return ANONYMOUS_SCOPE
    cached = getattr(user, "_livelihood_scope", None)
    if cached is not None:
        return cached
    from .models import Deputy, RoleAssignment

    township_roles: dict[str, set[int]] = {}
    county_roles: dict[str, set[int]] = {}
    counties: set[int] = set()
    prefectures: set[int] = set()
    for role, township_id, county_id, prefecture_id in RoleAssignment.objects.filter(
        user=user
    ).values_list("role", "township_id", "county_id", "prefecture_id"):
        if role == Role.REVIEWER:
            if prefecture_id is not None:
                prefectures.add(prefecture_id)
            else:
                counties.add(county_id)
        elif township_id is not None:
            township_roles.setdefault(role, set()).add(township_id)
        else:
            county_roles.setdefault(role, set()).add(county_id)
    if prefectures:
        from .models import County

        counties |= set(
            County.objects.filter(prefecture_id__in=prefectures).values_list("pk", flat=True)
        )
    deputy = (
        Deputy.objects.filter(user=user)
        .values_list("id", "township_id", "township__county_id", "is_county_deputy", "in_office")
        .first()
    )
    scope = Scope(
        is_superuser=user.is_superuser,
        township_roles={k: frozenset(v) for k, v in township_roles.items()},
        county_roles={k: frozenset(v) for k, v in county_roles.items()},
        reviewer_counties=frozenset(counties),
        reviewer_prefectures=frozenset(prefectures),
        deputy_id=deputy[0] if deputy else None,
        deputy_township_id=deputy[1] if deputy else None,
        deputy_county_id=deputy[2] if deputy and deputy[3] and deputy[4] else None,
    )
    user._livelihood_scope = scope
    return scope


def _township_ids(township) -> tuple[int, int]:
    """(township id, county id) from a Township instance."""
    return township.pk, township.county_id


def user_can_manage_township(user, township) -> bool:
    """Presidium staff of this township (or a superuser) may change its data."""
    scope = get_scope(user)
    return scope.is_superuser or township.pk in scope.staff_townships


def user_can_view_township(user, township) -> bool:
    """Anyone with a role in the township, a reviewer of its county, or one of its deputies."""
    scope = get_scope(user)
    township_id, county_id = _township_ids(township)
    return (
        scope.is_superuser
        or township_id in scope.any_township_role
        or county_id in scope.reviewer_counties
        or township_id == scope.deputy_township_id
    )


def user_can_view_roster(user, township) -> bool:
    """The deputy roster: staff and reviewers (read-only), and the township's other roles."""
    scope = get_scope(user)
    township_id, county_id = _township_ids(township)
    return (
        scope.is_superuser
        or township_id in scope.any_township_role
        or county_id in scope.reviewer_counties
    )


def user_can_view_deputy_phone(user, deputy) -> bool:
    """A deputy's phone is private: only staff of the deputy's township see it."""
    scope = get_scope(user)
    return scope.is_superuser or deputy.township_id in scope.staff_townships


def user_can_manage_county_congress(user, county) -> bool:
    """The county's own congress (terms, sessions, delegations, rules): its staff
    (县人大常委会工作人员) or a superuser. Township staff never; reviewers read only."""
    scope = get_scope(user)
    return scope.is_superuser or county.pk in scope.county_staff_counties


def user_can_view_county_congress(user, county) -> bool:
    """The county congress page: the county's own roles, and reviewers of the county (a
    county reviewer, or a reviewer of its prefecture)."""
    scope = get_scope(user)
    return scope.is_superuser or county.pk in scope.county_congress_readers


def user_can_manage_session(user, session) -> bool:
    term = session.term
    if term.township_id is None:  # a county congress: the county's staff
        scope = get_scope(user)
        return scope.is_superuser or term.county_id in scope.county_staff_counties
    return user_can_manage_township(user, term.township)


def user_can_view_session(user, session) -> bool:
    scope = get_scope(user)
    term = session.term
    if scope.is_superuser or term.county_id in scope.reviewer_counties:
        return True
    if term.township_id is None:
        return term.county_id in scope.any_county_role
    return (
        term.township_id in scope.any_township_role or term.township_id == scope.deputy_township_id
    )


def user_can_view_audit(user, township) -> bool:
    scope = get_scope(user)
    return (
        scope.is_superuser
        or township.pk in scope.staff_townships
        or township.county_id in scope.reviewer_counties
    )
