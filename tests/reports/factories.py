"""Builders for reports tests: a plan whose candidate list was locked and voted on, published
vote results, supervision records and a published evaluation — every one made through the
services (tests/factories), as the presidium, the officers and the government liaison would.

The dashboards count as of a date, and these records are made today; a test's year is an
earlier one. So after the services have written them, their timestamps are moved to the dates
the year's calendar gives them (as voting/demo.py does for its past sessions): the projects in
September of the year before, the list locked on 1 March, the vote published on 20 March, the
hand-over items recorded on 5 January. Only times and dates move, never a status or a count."""

from __future__ import annotations

import datetime

from django.utils import timezone

from projects.models import Candidate, ProjectStatusChange, Suggestion
from projects.services import suggestion_create
from tests.factories import (
    government_of,
    implementation_plan,
    locked_list,
    roll_call,
    run_vote,
    staff_of,
)
from tests.factories.voting import TITLES, _body_kw, _name_officers
from voting.models import Vote, VoteStatus

# A vote's rules as the township's default rule set gives them (tests that build a Vote by
# hand for a pure rule take them from here).
RULES = dict(
    mode="competitive",
    ballot_type="approval",
    pass_base="in_office",
    quorum_numerator=2,
    quorum_denominator=3,
    tie_rule="revote",
    shortfall_rule="further_vote",
    blank_ballot_policy="valid_abstain",
    trackers_enabled=False,
    code_salt="salt",
)

__all__ = ["RULES", "TITLES", "published_evaluation", "published_plan", "supervision_records"]

# The roll of every session these builders vote at: 30 in office, 28 present, 2 on leave.
IN_OFFICE, PRESENT, ON_LEAVE = 30, 28, 2
LOSER_YES = 10  # at most this many 赞成 for a candidate not elected


def _utc(year, month, day, hour=2):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def _roll(session):
    if not session.attendance.exists():
        roll_call(session, in_office=IN_OFFICE, present=PRESENT, on_leave=ON_LEAVE)
    return session.attendance.filter(status="present").count()


def yes_counts(n: int, elected: int, *, present: int, limit: int) -> list[int]:
    """The 赞成 each candidate gets: the i-th elected ``present - 1 - i`` (26, 25, 24 of 28),
    the others an even share of what the approval limit leaves, at most LOSER_YES."""
    winners = [present - 1 - i for i in range(1, elected + 1)]
    losers = n - elected
    spare = present * limit - sum(winners)
    return winners + [min(LOSER_YES, spare // losers) if losers else 0] * losers


def published_plan(
    township,
    session,
    *,
    year=2026,
    titles=TITLES,
    elected=3,
    status=VoteStatus.PUBLISHED,
    suggestions=0,
    published_at=None,
):
    """A plan of ``titles`` candidates (investments 101, 102, … 万元); the first ``elected``
    are elected in a vote taken to ``status`` (published or certified) at ``session``, whose
    roll is 30 in office, 28 present (taken when the session has none). At a county
    plenary's session the plan is the county congress's own (县本级) and ``township`` is not
    used. With fewer
    candidates than ``elected`` every one is elected in an equal vote (等额), else the vote is
    competitive (差额) for ``elected`` slots (at least one). ``suggestions`` suggestions are
    received in the collection window. The projects date from the year before, the list is
    locked on 1 March and the vote published on ``published_at`` (default 20 March of the
    plan year): figures are as of a date."""
    published_at = published_at or _utc(year, 3, 20)
    locked_at = _utc(year, 3, 1)
    n = len(titles)
    slots = min(max(1, elected), n)
    mode = "equal" if slots == n else "competitive"
    present = _roll(session)
    # A county plenary's session votes the county congress's own plan (县本级).
    body = session.term.township or session.term.county
    staff = staff_of(body)

    clist = locked_list(body, year=year, slots=slots, titles=titles, mode=mode)
    plan = clist.plan
    from voting import services

    vote = services.vote_create(
        actor=staff, session=session, candidate_list=clist, title=f"{year}年民生实事项目票决"
    )
    _name_officers(vote, body)
    cut = timezone.now()  # the status changes until now came with the locked list
    yes = yes_counts(n, min(elected, n), present=present, limit=slots)
    vote = run_vote(vote, ballots=_ballots(yes, present, slots), status=status)

    candidates = Candidate.objects.filter(candidate_list=clist).order_by("position")
    projects = [c.project for c in candidates.select_related("project")]
    _backdate(vote, clist, projects, year=year, locked_at=locked_at, at=published_at, cut=cut)
    for i in range(suggestions):
        s = suggestion_create(
            actor=staff, **_body_kw(body), title=f"建议{i}", content="内容", channel="letter"
        )
        Suggestion.objects.filter(pk=s.pk).update(created_at=_utc(year - 1, 6, 1, 4))
    for p in projects:
        p.refresh_from_db()
    return plan, vote, projects


def _ballots(yes, present, slots):
    from tests.factories import ballots_with

    return ballots_with(yes, voters=present, limit=slots)


def _backdate(vote, clist, projects, *, year, locked_at, at, cut):
    """Move what the services stamped today to the plan year's dates."""
    from projects.models import Project

    ids = [p.pk for p in projects]
    Project.objects.filter(pk__in=ids).update(created_at=_utc(year - 1, 9, 1))
    changes = ProjectStatusChange.objects.filter(project_id__in=ids)
    changes.filter(at__lte=cut).update(at=locked_at)
    changes.filter(at__gt=cut).update(at=at)
    type(clist).objects.filter(pk=clist.pk).update(locked_at=locked_at)
    opened = at - datetime.timedelta(hours=1)
    Vote.objects.filter(pk=vote.pk).update(
        opened_at=opened,
        closed_at=opened + datetime.timedelta(minutes=20),
        certified_at=opened + datetime.timedelta(minutes=50) if vote.certified_at else None,
        published_at=at if vote.status == VoteStatus.PUBLISHED else None,
    )
    vote.refresh_from_db()


def supervision_records(project, *, budget=120, invested=60, percent=50, overdue=1, closed=1):
    """An elected project's implementation plan (budget, deadline 31 December 2026, 立项
    planned for 1 February and reached on 25 January, 开工 planned for 1 April and not yet
    reached), one progress report of 20 June and hand-over items: ``overdue`` handed over to
    镇交通办 with a deadline of 10 January, ``closed`` handed to 镇水务站 (deadline 1 May),
    answered and closed in April — all through supervision's services."""
    from supervision import services
    from supervision.models import LedgerEvent, LedgerItem

    body = project.body
    staff, government = staff_of(body), government_of(body)
    implementation_plan(
        project,
        budget=budget,
        deadline=datetime.date(2026, 12, 31),
        milestones={
            "approval": (datetime.date(2026, 2, 1), datetime.date(2026, 1, 25)),
            "start": (datetime.date(2026, 4, 1), None),
        },
    )
    services.progress_report_submit(
        actor=government,
        project=project,
        period="2026Q2",
        reported_on=datetime.date(2026, 6, 20),
        invested=invested,
        percent_complete=percent,
        status="on_track",
        expected_completion=datetime.date(2026, 12, 20),
    )
    # The services refuse a deadline already past: each item is handed over with today's,
    # then given the deadline it had in the calendar below.
    today = timezone.localdate()
    for _ in range(overdue):
        item = services.item_create(
            actor=staff, project=project, title="路面破损", department="镇交通办", deadline=today
        )
        LedgerItem.objects.filter(pk=item.pk).update(deadline=datetime.date(2026, 1, 10))
    for _ in range(closed):
        item = services.item_create(
            actor=staff, project=project, title="排水不畅", department="镇水务站", deadline=today
        )
        services.item_answer(actor=government, item=item, answer="已疏通排水管")
        services.item_close(actor=staff, item=item, note="复查合格")
        LedgerItem.objects.filter(pk=item.pk).update(
            deadline=datetime.date(2026, 5, 1), closed_at=_utc(2026, 4, 20)
        )
        LedgerEvent.objects.filter(item=item, to_status__in=["answered", "closed"]).update(
            at=_utc(2026, 4, 20)
        )
    # Recorded (and handed over) in January.
    recent = LedgerItem.objects.filter(project=project, created_at__date__gte=today)
    LedgerEvent.objects.filter(item__in=recent, at__date__gte=today).update(at=_utc(2026, 1, 5))
    recent.update(created_at=_utc(2026, 1, 5))


def published_evaluation(plan, session, projects, *, satisfied=25, basic=2, unsatisfied=1):
    """A published satisfaction evaluation of the plan's elected projects at ``session``
    (``projects``: those projects, as the caller knows them): every project rated the same,
    ``satisfied`` 满意, ``basic`` 基本满意 and ``unsatisfied`` 不满意 — one ballot per present
    deputy (28 by default)."""
    from voting import services

    present = _roll(session)
    township = session.term.township
    evaluation = services.evaluation_create(actor=staff_of(township), session=session, plan=plan)
    if projects:
        rated = set(evaluation.candidates.values_list("project_id", flat=True))
        assert rated == {p.pk for p in projects}, "the evaluation rates the plan's elected projects"
    n = evaluation.candidates.count()
    marks = ["S"] * satisfied + ["B"] * basic + ["U"] * unsatisfied
    if len(marks) > present:
        raise ValueError(f"{len(marks)} ballots but only {present} present")
    _name_officers(evaluation, township)
    return run_vote(evaluation, ballots=[m * n for m in marks], status=VoteStatus.PUBLISHED)
