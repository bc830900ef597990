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
from projects.selectors.worklist import county_congress_name

from .. import domain
from ..models import (
    OfficerRole,
    PaperBatch,
    PaperDecision,
    PaperEntry,
    Vote,
    VoteOfficer,
    VoteStatus,
)

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


def _paper_slot(user, entries: list[tuple]) -> str:
    """The sequence this teller keys (of one vote, or of one batch of a county plenary's
    paper): the one they started, else the one nobody started."""
    mine = {e[1] for e in entries if e[6] == user.pk}
    if mine:
        return sorted(mine)[0]
    started = {e[1] for e in entries}
    return "B" if started == {"A"} else "A"


class _Body:
    """Where the user holds each township role: in townships, and in counties' own congresses
    (a county plenary's vote has a term with no township)."""

    def __init__(self, scope, role):
        self.townships = set(scope.townships_with(role))
        self.counties = set(scope.counties_with(role))

    def __bool__(self):
        return bool(self.townships or self.counties)

    def holds(self, vote: Vote) -> bool:
        term = vote.session.term
        if term.township_id is not None:
            return term.township_id in self.townships
        return term.county_id in self.counties

    def q(self, prefix: str = "session__term__") -> Q:
        return Q(**{f"{prefix}township_id__in": self.townships}) | Q(
            **{f"{prefix}township__isnull": True, f"{prefix}county_id__in": self.counties}
        )


def _body_label(term) -> str:
    if term.township_id is not None:
        return term.township.name
    return county_congress_name(term.county.name)


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """The vote's work for staff (prepare, close, count, publish; set up a vote from a locked
    list), tellers (paper entry) and scrutineers (mismatches, doubtful ballots, certifying).

    Of a township's congress or of a county's own (its plenary, whose paper ballots may be
    split among teller pairs: a teller keys their pair's batch). Tellers and scrutineers are
    those with the role in the vote's body or named as the vote's officers. Seven queries at
    most, however many votes, ballots, batches and entries there are."""
    scope = get_scope(user)
    staff = _Body(scope, Role.STAFF)
    tellers = _Body(scope, Role.TELLER)
    scrutineers = _Body(scope, Role.SCRUTINEER)
    named = VoteOfficer.objects.filter(vote=OuterRef("pk"), user_id=user.pk)
    votes_q = staff.q() | tellers.q() | scrutineers.q() | Q(Exists(named))
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
    # Entries and decisions by (vote, batch): a county plenary's batches number their
    # sequences each from 1 and are compared each on its own; other votes have no batch.
    entries: dict[tuple, list[tuple]] = {}
    decided: dict[tuple, set[int]] = {}
    batches: dict[int, list[PaperBatch]] = {}
    if paper_votes:
        for row in (
            PaperEntry.objects.filter(vote_id__in=paper_votes)
            .order_by("vote_id", "batch_id", "slot", "sequence")
            .values_list(
                "vote_id",
                "slot",
                "sequence",
                "choices",
                "status",
                "doubtful",
                "entered_by_id",
                "batch_id",
            )
        ):
            entries.setdefault((row[0], row[7]), []).append(row)
        for vote_id, batch_id, sequence in PaperDecision.objects.filter(
            vote_id__in=paper_votes
        ).values_list("vote_id", "batch_id", "sequence"):
            decided.setdefault((vote_id, batch_id), set()).add(sequence)
        for batch in PaperBatch.objects.filter(vote_id__in=paper_votes).order_by(
            "vote_id", "number"
        ):
            batches.setdefault(batch.vote_id, []).append(batch)

    for vote in votes:
        where = _("%(body)s · session %(number)s · %(vote)s") % {
            "body": _body_label(vote.session.term),
            "number": vote.session.number,
            "vote": vote.title,
        }
        officer_roles = {o.role for o in vote.officers.all() if o.user_id == user.pk}
        is_staff = scope.is_superuser or staff.holds(vote)
        is_teller = tellers.holds(vote) or OfficerRole.TELLER in officer_roles
        is_scrutineer = scrutineers.holds(vote) or bool(
            officer_roles & {OfficerRole.CHIEF_SCRUTINEER, OfficerRole.SCRUTINEER}
        )
        console = reverse("voting:console", args=[vote.pk])
        results = reverse("voting:results", args=[vote.pk])
        paper_check = reverse("voting:paper_check", args=[vote.pk])
        due = vote.session.date
        paper_pending = vote.pk in paper_votes
        vote_batches = batches.get(vote.pk, [])
        groups = [b.pk for b in vote_batches] if vote_batches else [None]
        any_entered = any(entries.get((vote.pk, g)) for g in groups)
        open_items: set[tuple] = set()
        if paper_pending:
            for g in groups:
                mine = entries.get((vote.pk, g), [])
                a = [(e[3], e[4]) for e in mine if e[1] == "A"]
                b = [(e[3], e[4]) for e in mine if e[1] == "B"]
                items = {m.sequence for m in domain.compare_entries(a, b)}
                items |= {e[2] for e in mine if e[5]}
                items -= decided.get((vote.pk, g), set())
                open_items |= {(g, seq) for seq in items}

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
        if is_teller and vote_batches:
            # A county plenary's paper split among teller pairs: the pair's own batch only.
            for batch in vote_batches:
                if batch.finished_at is not None or user.pk not in (
                    batch.first_teller_id,
                    batch.second_teller_id,
                ):
                    continue
                mine = entries.get((vote.pk, batch.pk), [])
                slot = _paper_slot(user, mine)
                done = sum(1 for e in mine if e[1] == slot)
                add(
                    TELLER,
                    "paper_batch_entry",
                    _("Enter the paper ballots of batch %(number)s (%(n)s entered so far)")
                    % {"number": batch.number, "n": done},
                    reverse("voting:paper_batch_entry", args=[vote.pk, batch.number, slot]),
                    count=done,
                )
        elif is_teller:
            mine = entries.get((vote.pk, None), [])
            slot = _paper_slot(user, mine)
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
                done = sum(1 for e in mine if e[1] == slot)
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
            elif paper_pending and not any_entered:
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
            elif paper_pending and any(b.finished_at is None for b in vote_batches):
                add(
                    SCRUTINEER,
                    "paper_check",
                    _("Waiting for the teller pairs to finish their batches"),
                    paper_check,
                    waiting=True,
                )
            elif paper_pending:
                add(
                    SCRUTINEER,
                    "paper_finalize",
                    _("The entries agree: add the paper ballots to the count"),
                    paper_check,
                )
            elif vote.status == VoteStatus.COUNTED and _may_certify(scrutineers, user, vote):
                add(SCRUTINEER, "vote_certify", _("Certify the result"), results)

    if staff or scope.is_superuser:
        tasks += _votes_to_set_up(staff, scope.is_superuser, today=today)
    return tasks


def _may_certify(scrutineers: _Body, user, vote: Vote) -> bool:
    """As permissions.user_can_certify, without the superuser shortcut: the work list shows
    a superuser only staff work."""
    officers = vote.officers.all()
    if any(o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id == user.pk for o in officers):
        return True
    chief_linked = any(o.role == OfficerRole.CHIEF_SCRUTINEER and o.user_id for o in officers)
    return not chief_linked and scrutineers.holds(vote)


def _votes_to_set_up(staff: _Body, everywhere: bool, *, today) -> list[Task]:
    """Locked candidate lists no vote has been set up from: set it up at the body's next
    session — a township's, or a county congress's plenary (two queries)."""
    from projects.models import CandidateList

    lists = CandidateList.objects.filter(
        locked_at__isnull=False, plan__year__gte=today.year
    ).exclude(Exists(Vote.objects.filter(candidate_list=OuterRef("pk"))))
    if not everywhere:
        lists = lists.filter(staff.q("plan__"))
    lists = list(lists.select_related("plan__township", "plan__county").order_by("plan__year"))
    if not lists:
        return []
    sessions: dict[tuple, Session] = {}
    for session in (
        Session.objects.filter(
            Q(term__township_id__in={c.plan.township_id for c in lists if c.plan.township_id})
            | Q(
                term__township__isnull=True,
                term__county_id__in={c.plan.county_id for c in lists if c.plan.county_id},
            ),
            date__gte=today,
        )
        .select_related("term")
        .exclude(status=SessionStatus.CLOSED)
        .order_by("-date")
    ):
        term = session.term
        key = ("t", term.township_id) if term.township_id else ("c", term.county_id)
        sessions[key] = session  # the earliest wins
    tasks = []
    for clist in lists:
        plan = clist.plan
        if plan.township_id:
            session = sessions.get(("t", plan.township_id))
            body = plan.township.name
            new_session = reverse("congress:session_create", args=[plan.township_id])
        else:
            session = sessions.get(("c", plan.county_id))
            body = county_congress_name(plan.county.name)
            new_session = reverse("congress:county_session_create", args=[plan.county_id])
        where = _("%(township)s · %(year)s plan") % {"township": body, "year": plan.year}
        if session is None:
            tasks.append(
                Task(
                    section=STAFF,
                    kind="vote_setup",
                    what=_("Schedule a session to vote on the candidate list"),
                    where=where,
                    url=new_session,
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
