"""The home page's work list (composed with the other stages' in livelihood.worklist)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.models import Role, Session, SessionStatus
from congress.permissions import get_scope
from congress.worklist import SCRUTINEER, STAFF, TELLER, Task

from .. import domain
from ..models import OfficerRole, PaperDecision, PaperEntry, Vote, VoteOfficer, VoteStatus

ACTIVE = (
    VoteStatus.DRAFT,
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.CERTIFIED,
)


def _has_paper(vote: Vote) -> bool:
    """Whether paper ballots are (or may be) in the box: handed out, or switched to paper."""
    return vote.paper_mode or vote.paper_issued > 0


def _paper_slot(user, vote_id: int, entries: list[tuple]) -> str:
    """The sequence this teller keys: the one they started, else the one nobody started."""
    mine = {slot for (v, slot, _seq, _c, _s, _d, by) in entries if v == vote_id and by == user.pk}
    if mine:
        return sorted(mine)[0]
    started = {slot for (v, slot, *_rest) in entries if v == vote_id}
    return "B" if started == {"A"} else "A"


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """The vote's work for staff (prepare, close, count, publish; set up a vote from a locked
    list), tellers (paper entry) and scrutineers (mismatches, doubtful ballots, certifying).

    Tellers and scrutineers are those with the township role or named as the vote's officers.
    Six queries at most, however many votes, ballots and entries there are."""
    scope = get_scope(user)
    staff_ids = set(scope.staff_townships)
    teller_ids = set(scope.townships_with(Role.TELLER))
    scrutineer_ids = set(scope.townships_with(Role.SCRUTINEER))
    named = VoteOfficer.objects.filter(vote=OuterRef("pk"), user_id=user.pk)
    votes_q = Q(session__term__township_id__in=staff_ids | teller_ids | scrutineer_ids) | Q(
        Exists(named)
    )
    if scope.is_superuser:
        votes_q = Q()
    votes = list(
        Vote.objects.filter(votes_q, status__in=ACTIVE)
        .select_related("session__term__township", "session__term__county")
        .prefetch_related("officers")
        .order_by("session__date", "created_at")
    )
    tasks: list[Task] = []
    paper_votes = [
        v.pk
        for v in votes
        if v.status == VoteStatus.CLOSED and _has_paper(v) and not v.paper_counted
    ]
    entries: list[tuple] = []
    decided: dict[int, set[int]] = {}
    if paper_votes:
        entries = list(
            PaperEntry.objects.filter(vote_id__in=paper_votes)
            .order_by("vote_id", "slot", "sequence")
            .values_list(
                "vote_id", "slot", "sequence", "choices", "status", "doubtful", "entered_by_id"
            )
        )
        for vote_id, sequence in PaperDecision.objects.filter(vote_id__in=paper_votes).values_list(
            "vote_id", "sequence"
        ):
            decided.setdefault(vote_id, set()).add(sequence)

    for vote in votes:
        township = vote.session.term.township
        township_id = township.pk if township else None
        where = _("%(body)s · session %(number)s · %(vote)s") % {
            "body": township.name if township else vote.session.term.county.name,
            "number": vote.session.number,
            "vote": vote.title,
        }
        officer_roles = {o.role for o in vote.officers.all() if o.user_id == user.pk}
        is_staff = scope.is_superuser or township_id in staff_ids
        is_teller = township_id in teller_ids or OfficerRole.TELLER in officer_roles
        is_scrutineer = township_id in scrutineer_ids or bool(
            officer_roles & {OfficerRole.CHIEF_SCRUTINEER, OfficerRole.SCRUTINEER}
        )
        console = reverse("voting:console", args=[vote.pk])
        results = reverse("voting:results", args=[vote.pk])
        paper_check = reverse("voting:paper_check", args=[vote.pk])
        due = vote.session.date
        paper_pending = vote.pk in paper_votes
        mine = [e for e in entries if e[0] == vote.pk]
        a = [(e[3], e[4]) for e in mine if e[1] == "A"]
        b = [(e[3], e[4]) for e in mine if e[1] == "B"]
        open_items: set[int] = set()
        if paper_pending:
            open_items = {m.sequence for m in domain.compare_entries(a, b)}
            open_items |= {e[2] for e in mine if e[5]}
            open_items -= decided.get(vote.pk, set())

        def add(section, kind, what, url, *, waiting=False, count=None, where=where, due=due):
            tasks.append(
                Task(
                    section=section,
                    kind=kind,
                    what=what,
                    where=where,
                    url=url,
                    due=due,
                    overdue=False,
                    waiting=waiting,
                    count=count,
                )
            )

        if is_staff:
            if vote.status == VoteStatus.DRAFT:
                add(
                    STAFF,
                    "vote_prepare",
                    _("Prepare the vote: officers, code slips, numbers issued, then open it"),
                    console,
                )
            elif vote.status == VoteStatus.OPEN:
                add(STAFF, "vote_open", _("Voting is open: close the vote when it ends"), console)
            elif vote.status == VoteStatus.CLOSED and paper_pending:
                add(
                    STAFF,
                    "vote_paper",
                    _("Waiting for the paper ballots to be entered and checked"),
                    console,
                    waiting=True,
                )
            elif vote.status == VoteStatus.CLOSED:
                add(STAFF, "vote_count", _("Count the votes"), console)
            elif vote.status == VoteStatus.COUNTED:
                add(
                    STAFF,
                    "vote_certify_wait",
                    _("Waiting for the chief scrutineer to certify the result"),
                    results,
                    waiting=True,
                )
            elif vote.status == VoteStatus.CERTIFIED:
                add(STAFF, "vote_publish", _("Publish the result (主席团公告)"), console)
        if is_teller:
            slot = _paper_slot(user, vote.pk, entries)
            entry = reverse("voting:paper_entry", args=[vote.pk, slot])
            if vote.status == VoteStatus.OPEN:
                add(
                    TELLER,
                    "paper_entry",
                    _("Paper ballot entry opens when the vote is closed"),
                    entry,
                    waiting=True,
                )
            elif paper_pending:
                done = len(a if slot == "A" else b)
                add(
                    TELLER,
                    "paper_entry",
                    _("Enter the paper ballots (%(n)s entered so far)") % {"n": done},
                    entry,
                    count=done,
                )
        if is_scrutineer:
            if vote.status == VoteStatus.OPEN:
                add(
                    SCRUTINEER,
                    "scrutiny_wait",
                    _("Voting is open: checking paper ballots and certifying come after it closes"),
                    paper_check,
                    waiting=True,
                )
            elif vote.status == VoteStatus.CLOSED and not paper_pending:
                add(
                    SCRUTINEER,
                    "scrutiny_wait",
                    _("Waiting for the presidium staff to count the votes"),
                    reverse("voting:session_votes", args=[vote.session_id]),
                    waiting=True,
                )
            elif paper_pending and not (a or b):
                add(
                    SCRUTINEER,
                    "paper_check",
                    _("Waiting for the tellers to enter the paper ballots"),
                    paper_check,
                    waiting=True,
                )
            elif paper_pending and open_items:
                add(
                    SCRUTINEER,
                    "paper_check",
                    ngettext(
                        "Decide %(n)s paper ballot (mismatch or doubtful)",
                        "Decide %(n)s paper ballots (mismatches or doubtful)",
                        len(open_items),
                    )
                    % {"n": len(open_items)},
                    paper_check,
                    count=len(open_items),
                )
            elif paper_pending:
                add(
                    SCRUTINEER,
                    "paper_finalize",
                    _("The entries agree: add the paper ballots to the count"),
                    paper_check,
                )
            elif vote.status == VoteStatus.COUNTED and _may_certify(scope, user, vote):
                add(SCRUTINEER, "vote_certify", _("Certify the result"), results)

    if staff_ids or scope.is_superuser:
        tasks += _votes_to_set_up(staff_ids, scope.is_superuser, today=today)
    return tasks


def _may_certify(scope, user, vote: Vote) -> bool:
    """As permissions.user_can_certify, without the superuser shortcut: the work list shows
    a superuser only staff work."""
    officers = vote.officers.all()
    if any(o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id == user.pk for o in officers):
        return True
    chief_linked = any(o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id for o in officers)
    township_id = vote.session.term.township_id
    return not chief_linked and township_id in scope.townships_with(Role.SCRUTINEER)


def _votes_to_set_up(staff_ids: set[int], everywhere: bool, *, today) -> list[Task]:
    """Locked candidate lists no vote has been set up from: set it up at the township's next
    session (two queries)."""
    from projects.models import CandidateList

    lists = CandidateList.objects.filter(
        locked_at__isnull=False, plan__year__gte=today.year
    ).exclude(Exists(Vote.objects.filter(candidate_list=OuterRef("pk"))))
    if not everywhere:
        lists = lists.filter(plan__township_id__in=staff_ids)
    lists = list(lists.select_related("plan__township").order_by("plan__year"))
    if not lists:
        return []
    sessions: dict[int, Session] = {}
    for session in (
        Session.objects.filter(
            term__township_id__in={c.plan.township_id for c in lists},
            date__gte=today,
        )
        .select_related("term")
        .exclude(status=SessionStatus.CLOSED)
        .order_by("-date")
    ):
        sessions[session.term.township_id] = session  # the earliest wins
    tasks = []
    for clist in lists:
        township = clist.plan.township
        session = sessions.get(township.pk)
        where = _("%(township)s · %(year)s plan") % {
            "township": township.name,
            "year": clist.plan.year,
        }
        if session is None:
            tasks.append(
                Task(
                    section=STAFF,
                    kind="vote_setup",
                    what=_("Schedule a session to vote on the candidate list"),
                    where=where,
                    url=reverse("congress:session_create", args=[township.pk]),
                )
            )
        else:
            tasks.append(
                Task(
                    section=STAFF,
                    kind="vote_setup",
                    what=_("Set up the vote on the candidate list at session %(number)s")
                    % {"number": session.number},
                    where=where,
                    url=reverse("voting:vote_create", args=[session.pk]),
                    due=session.date,
                )
            )
    return tasks
