"""Reads, filtered by the user's scope. Every list a view shows comes from here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone

from .domain import Headcount, add_headcounts, headcount_from_counts, quorum_met, quorum_needed
from .models import (
    Attendance,
    AttendanceStatus,
    AuditEvent,
    County,
    Delegation,
    DelegationMember,
    Deputy,
    RuleSet,
    Session,
    SessionStatus,
    Term,
    Township,
    Village,
)
from .permissions import get_scope


def townships_visible_to(user) -> QuerySet[Township]:
    scope = get_scope(user)
    qs = Township.objects.select_related("county")
    if scope.is_superuser:
        return qs
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return qs.filter(Q(pk__in=ids) | Q(county_id__in=scope.reviewer_counties))


def township_for_user(user, pk: int) -> Township | None:
    """The township if the user may see it, else None (the view answers 404)."""
    return townships_visible_to(user).filter(pk=pk).first()


def villages_visible_to(user) -> QuerySet[Village]:
    return Village.objects.filter(township__in=townships_visible_to(user)).select_related(
        "township"
    )


def deputies_visible_to(user) -> QuerySet[Deputy]:
    """Roster rows: township roles see their township, reviewers their county."""
    scope = get_scope(user)
    qs = Deputy.objects.select_related("township", "home_village", "work_village")
    if scope.is_superuser:
        return qs
    return qs.filter(
        Q(township_id__in=scope.any_township_role)
        | Q(township__county_id__in=scope.reviewer_counties)
    )


def deputy_list(user, *, township: Township, search: str = "", in_office: bool | None = None):
    qs = deputies_visible_to(user).filter(township=township)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(profession__icontains=search)
            | Q(home_village__name__icontains=search)
            | Q(expertise__icontains=[search])
        )
    if in_office is not None:
        qs = qs.filter(in_office=in_office)
    return qs.order_by("-in_office", "name_sort_key", "id")  # 姓氏笔画


def sessions_visible_to(user) -> QuerySet[Session]:
    scope = get_scope(user)
    qs = Session.objects.select_related("term", "term__township", "term__county")
    if scope.is_superuser:
        return qs
    township_ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        township_ids.add(scope.deputy_township_id)
    return qs.filter(
        Q(term__township_id__in=township_ids)
        | Q(term__county_id__in=scope.reviewer_counties)
        | Q(term__township__isnull=True, term__county_id__in=scope.any_county_role)
    )


def session_headcount(session: Session) -> Headcount:
    """应到/实到/请假/absent from one aggregate query."""
    counts = Attendance.objects.filter(session=session).aggregate(
        due=Count("id"),
        present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
        leave=Count("id", filter=Q(status=AttendanceStatus.LEAVE)),
    )
    return Headcount(
        due=counts["due"],
        present=counts["present"],
        on_leave=counts["leave"],
        absent=counts["due"] - counts["present"] - counts["leave"],
    )


@dataclass(frozen=True)
class DelegationRoll:
    """One line of the roll by delegation: the delegation (None: deputies in no delegation
    yet) and its headcount."""

    delegation_id: int | None
    name: str
    order: int
    headcount: Headcount


@dataclass(frozen=True)
class RollByDelegation:
    lines: tuple[DelegationRoll, ...]
    total: Headcount


def session_headcount_by_delegation(session: Session) -> RollByDelegation:
    """应到/实到/请假 per delegation of the session's term and in total, in one aggregate
    query over the attendance (grouped through each deputy's delegation seat for the term).
    Delegations with nobody on the roll are not listed; deputies in no delegation come last."""
    rows = (
        Attendance.objects.filter(session=session)
        .annotate(
            seat=FilteredRelation(
                "deputy__delegation_memberships",
                condition=Q(deputy__delegation_memberships__term_id=session.term_id),
            )
        )
        .values("seat__delegation_id", "seat__delegation__name", "seat__delegation__order")
        .annotate(
            due=Count("id"),
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            leave=Count("id", filter=Q(status=AttendanceStatus.LEAVE)),
        )
        .order_by()
    )
    lines = [
        DelegationRoll(
            delegation_id=row["seat__delegation_id"],
            name=row["seat__delegation__name"] or "",
            order=row["seat__delegation__order"] or 0,
            headcount=headcount_from_counts(
                due=row["due"], present=row["present"], on_leave=row["leave"]
            ),
        )
        for row in rows
    ]
    lines.sort(key=lambda line: (line.delegation_id is None, line.order, line.delegation_id or 0))
    return RollByDelegation(
        lines=tuple(lines), total=add_headcounts(line.headcount for line in lines)
    )


# ---------------------------------------------------------------------------------------------
# The county's own congress


def counties_with_congress_visible_to(user) -> QuerySet[County]:
    """Counties whose own congress page the user may read: the county's roles, its
    reviewers and the reviewers of its prefecture."""
    scope = get_scope(user)
    qs = County.objects.select_related("prefecture")
    if scope.is_superuser:
        return qs
    return qs.filter(pk__in=scope.county_congress_readers)


def county_for_user(user, pk: int) -> County | None:
    """The county if the user may read its congress, else None (the view answers 404)."""
    return counties_with_congress_visible_to(user).filter(pk=pk).first()


def county_terms(county: County) -> QuerySet[Term]:
    return Term.objects.filter(county=county, level="county").order_by("-number")


def county_sessions(county: County) -> QuerySet[Session]:
    return Session.objects.filter(term__county=county, term__level="county").select_related(
        "term", "term__county"
    )


def term_delegations(term: Term) -> QuerySet[Delegation]:
    """A county term's delegations in their order, with the head and the number of members."""
    return (
        Delegation.objects.filter(term=term)
        .select_related("head", "township")
        .annotate(members=Count("memberships"))
        .order_by("order", "id")
    )


def delegation_members(delegation: Delegation) -> QuerySet[Deputy]:
    return (
        Deputy.objects.filter(delegation_memberships__delegation=delegation)
        .select_related("township")
        .order_by("name_sort_key", "id")  # 姓氏笔画
    )


def term_unassigned_deputies(term: Term) -> QuerySet[Deputy]:
    """County deputies in office of the term's county in no delegation of the term yet."""
    seated = DelegationMember.objects.filter(term=term).values("deputy_id")
    return (
        deputies_in_office_for_term(term)
        .exclude(pk__in=seated)
        .select_related("township")
        .order_by("township_id", "name_sort_key", "id")
    )


def ruleset_for(*, township=None, county=None) -> RuleSet:
    """A congress body's voting rules (票决办法): the saved rule set, or — until staff first
    save theirs — the defaults, unsaved. The one way every stage reads the rules; a read
    never writes (congress.services.ruleset_update creates the row when rules are saved)."""
    if township is not None:
        found = RuleSet.objects.filter(township=township).first()
        return found or RuleSet(township=township)
    if county is None:
        raise ValueError("ruleset_for needs a township or a county")
    found = RuleSet.objects.filter(county=county, township__isnull=True).first()
    return found or RuleSet(county=county)


def ruleset_for_session(session: Session) -> RuleSet:
    term = session.term
    if term.township_id:
        return ruleset_for(township=term.township)
    return ruleset_for(county=term.county)


def session_quorum(session: Session) -> dict:
    """Headcount plus whether the quorum is met, for the session console."""
    count = session_headcount(session)
    rules = ruleset_for_session(session)
    return {
        "headcount": count,
        "quorum_met": quorum_met(
            present=count.present,
            in_office=count.due,
            numerator=rules.quorum_numerator,
            denominator=rules.quorum_denominator,
        ),
        "quorum_needed": quorum_needed(
            in_office=count.due,
            numerator=rules.quorum_numerator,
            denominator=rules.quorum_denominator,
        ),
        "quorum_fraction": f"{rules.quorum_numerator}/{rules.quorum_denominator}",
    }


def session_attendance(session: Session) -> QuerySet[Attendance]:
    return (
        Attendance.objects.filter(session=session)
        .select_related("deputy", "deputy__home_village")
        .order_by("deputy__name_sort_key", "deputy_id")  # 姓氏笔画
    )


def audit_events_visible_to(user, *, township: Township) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(township=township).select_related("actor")


def deputies_in_office_for_term(term) -> QuerySet[Deputy]:
    """实有代表 of a term: the township's township deputies, or the county's county deputies."""
    if term.township_id:
        return Deputy.objects.filter(
            township_id=term.township_id, is_township_deputy=True, in_office=True
        )
    return Deputy.objects.filter(
        township__county_id=term.county_id, is_county_deputy=True, in_office=True
    )


def home_attention(user) -> dict:
    """What needs the user's attention on their home page, per role."""
    scope = get_scope(user)
    items: dict = {"scope": scope}
    if scope.is_staff_anywhere or scope.is_superuser:
        townships = townships_visible_to(user)
        if not scope.is_superuser:
            townships = townships.filter(pk__in=scope.staff_townships)
        items["staff_townships"] = list(
            townships.annotate(
                deputies_in_office=Count("deputies", filter=Q(deputies__in_office=True)),
                deputies_without_account=Count(
                    "deputies", filter=Q(deputies__in_office=True, deputies__user__isnull=True)
                ),
            )
        )
        items["upcoming_sessions"] = list(
            sessions_visible_to(user).exclude(status="closed").order_by("date")[:5]
        )
    if scope.is_reviewer:
        items["reviewer_townships"] = list(
            Township.objects.filter(county_id__in=scope.reviewer_counties)
            .select_related("county")
            .annotate(deputies_in_office=Count("deputies", filter=Q(deputies__in_office=True)))
        )
    if scope.is_deputy:
        items["deputy"] = Deputy.objects.select_related("township", "home_village").get(
            pk=scope.deputy_id
        )
        # Coming: in progress, or planned from today on — a planned sitting whose day has
        # passed (staff have not closed it yet) is not one the deputy will attend.
        items["deputy_sessions"] = list(
            Session.objects.filter(attendance__deputy_id=scope.deputy_id)
            .filter(
                Q(status=SessionStatus.IN_PROGRESS)
                | Q(status=SessionStatus.PLANNED, date__gte=timezone.localdate())
            )
            .select_related("term", "term__township")
            .order_by("date")[:5]
        )
    other_roles = scope.townships_with("teller", "scrutineer", "government")
    if other_roles:
        items["other_role_townships"] = list(Township.objects.filter(pk__in=other_roles))
    return items
