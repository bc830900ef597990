"""Candidate lists, votes and evaluations built through the services, as the presidium and the
officers take them: a plan, its projects put forward and advanced by every shortlisting round,
the list locked; the vote set up from it, officers named, the key ceremony, code slips, the
box opened, the ballots cast with codes, closed, the sealed box opened with k share slips,
counted, certified by the chief scrutineer and published (which hands the outcome on to the
projects and supervision through the cycle layer)."""

from __future__ import annotations

import datetime

import factory

from ._core import (
    SessionFactory,
    _ServiceFactory,
    roll_call,
    scrutineer_of,
    staff_of,
)

TITLES = ["东河村道路路灯安装", "西岭村饮水工程改造", "镇区污水管网建设", "南塘村文化礼堂"]

# The vote machine's states in the order a vote passes through them.
VOTE_PATH = ["draft", "open", "closed", "counted", "certified", "published"]


def ballots_with(yes: list[int], *, voters: int, limit: int, other: str = "N") -> list[str]:
    """``voters`` ballots on which candidate j gets exactly ``yes[j]`` 赞成 and no ballot
    carries more than ``limit`` (the approval limit): each candidate's approvals are laid on the
    ballots in turn, wrapping round, so every ballot carries the same number give or take one.
    The other marks are ``other``."""
    if any(y < 0 or y > voters for y in yes) or -(-sum(yes) // voters) > limit:
        raise ValueError(f"{yes} approvals cannot fit {voters} ballots of at most {limit}")
    marks = [[other] * len(yes) for _ in range(voters)]
    k = 0
    for j, y in enumerate(yes):
        for _ in range(y):
            marks[k % voters][j] = "Y"
            k += 1
    return ["".join(m) for m in marks]


def _set_mode(township, mode: str | None) -> str | None:
    """Save the township's vote mode (差额/等额/逐项) when it differs; returns the mode to put
    back afterwards (None when nothing changed). Locking and setting up both read it."""
    from congress import services as congress_services
    from congress.selectors import ruleset_for

    rules = ruleset_for(**_body_kw(township))
    if mode is None or rules.vote_mode == mode:
        return None
    before = rules.vote_mode
    congress_services.ruleset_update(actor=staff_of(township), ruleset=rules, vote_mode=mode)
    return before


def _body_kw(body) -> dict:
    from congress.models import County

    return {"county": body} if isinstance(body, County) else {"township": body}


def locked_list(
    body,
    *,
    year: int = 2027,
    slots: int = 3,
    titles=TITLES,
    mode: str | None = None,
    investments=None,
    deadline: datetime.date | None = None,
):
    """A plan of ``year`` of ``body`` (a township, or a county's own congress) whose reserve
    projects (one per title, in order) were put forward, advanced by every shortlisting round
    and locked as the candidate list (in the body's vote mode, or ``mode``, which stays
    saved)."""
    from projects import domain as projects_domain
    from projects import services as projects

    staff = staff_of(body)
    _set_mode(body, mode)
    created = [
        projects.project_create(
            actor=staff,
            **_body_kw(body),
            title=title,
            content=f"{title}的主要内容",
            location=f"{body.name}{title[:3]}",
            estimated_investment=(investments[i] if investments else 101 + i),
            implementing_body="镇政府",
            deadline=deadline or datetime.date(year, 12, 31),
        )
        for i, title in enumerate(titles)
    ]
    plan = projects.plan_create(actor=staff, **_body_kw(body), year=year, slots=slots)
    projects.plan_add_projects(actor=staff, plan=plan, projects=created)
    for shortlist_round in plan.rounds.order_by("position"):
        for project in created:
            projects.round_record_decision(
                actor=staff,
                round=shortlist_round,
                project=project,
                decision=projects_domain.ADVANCE,
                reason="符合条件",
            )
    return projects.candidate_list_lock(actor=staff, candidate_list=plan.candidate_list)


def _name_officers(vote, township) -> None:
    """The chief scrutineer (with the township scrutineer's account: they certify), a
    scrutineer (the two key holders) and a teller."""
    from voting import services
    from voting.models import OfficerRole

    staff = staff_of(township)
    names = [
        (OfficerRole.CHIEF_SCRUTINEER, "吴静", scrutineer_of(township)),
        (OfficerRole.SCRUTINEER, "杨帆", None),
        (OfficerRole.TELLER, "周涛", None),
    ]
    for role, name, user in names:
        services.vote_officer_add(actor=staff, vote=vote, role=role, name=name, user=user)


def run_vote(vote, *, ballots=(), status: str = "published", spares: int = 3):
    """Take a set-up vote (or evaluation) along its path to ``status`` through the services:
    key ceremony, codes, slips issued to everyone present, open, ``ballots`` cast (one code
    each), close, the sealed box opened with k slips, count, certify, publish. The vote keeps
    its unused codes in ``vote.unused_codes`` and the printed share slips in
    ``tests.voting.ceremony`` (``slips_of(vote)``)."""
    from congress.selectors import session_headcount
    from tests.voting.ceremony import print_key_slips, slips_of
    from voting import services

    term = vote.session.term
    township = term.township or term.county  # a county plenary's body is the county
    staff, chief = staff_of(township), scrutineer_of(township)
    goal = VOTE_PATH.index(status)
    ballots = list(ballots)
    if goal >= VOTE_PATH.index("open"):
        present = session_headcount(vote.session).present
        if len(ballots) > present:
            raise ValueError(f"{len(ballots)} ballots but only {present} deputies present")
        print_key_slips(staff, vote)
        codes = services.vote_generate_codes(actor=staff, vote=vote, spares=spares)
        services.vote_record_issued(actor=staff, vote=vote, slips_issued=present, paper_issued=0)
        services.vote_open(actor=staff, vote=vote)
        for code, choices in zip(codes, ballots, strict=False):
            services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=choices)
        vote.unused_codes = codes[len(ballots) :]
    if goal >= VOTE_PATH.index("closed"):
        services.vote_close(actor=staff, vote=vote)
    if goal >= VOTE_PATH.index("counted"):
        vote.refresh_from_db()
        if ballots:
            services.vote_open_box(
                actor=staff, vote=vote, typed_shares=slips_of(vote)[: vote.key_threshold]
            )
        services.vote_count(actor=staff, vote=vote)
    if goal >= VOTE_PATH.index("certified"):
        services.vote_certify(actor=chief, vote=vote)
    if goal >= VOTE_PATH.index("published"):
        services.vote_publish(actor=staff, vote=vote)
    unused = getattr(vote, "unused_codes", [])
    vote.refresh_from_db()
    vote.unused_codes = unused
    return vote


class VoteFactory(_ServiceFactory):
    """A project vote set up (voting.services.vote_create) from a locked candidate list at a
    session, its officers named, taken to ``status`` by run_vote with ``ballots`` (marks
    strings: Y 赞成, N 反对, A 弃权, - no mark). Without a roll on the session, every deputy
    in office is present: as many as the ballots (at least three, made when missing).

    ``VoteFactory(status="published", ballots=["YYN", "YNY", "YYN"], titles=[…], slots=2)``"""

    class Meta:
        model = "voting.Vote"

    session = factory.SubFactory(SessionFactory)
    titles = TITLES
    slots = 3
    year = 2027
    candidate_list = None
    title = ""
    status = "draft"
    ballots = ()

    @classmethod
    def _make(cls, *, session, titles, slots, year, candidate_list, title, status, ballots):
        from voting import services

        township = session.term.township or session.term.county
        if candidate_list is None:
            candidate_list = locked_list(township, year=year, slots=slots, titles=titles)
        if not session.attendance.exists():
            everyone = max(3, len(ballots))
            roll_call(session, in_office=everyone, present=everyone)
        vote = services.vote_create(
            actor=staff_of(township), session=session, candidate_list=candidate_list, title=title
        )
        _name_officers(vote, township)
        return run_vote(vote, ballots=ballots, status=status)


class EvaluationFactory(_ServiceFactory):
    """A satisfaction evaluation (voting.services.evaluation_create) of ``plan``'s elected
    projects at ``session``, taken to ``status`` with ``ballots`` (one mark per project: S 满意,
    B 基本满意, U 不满意, A 弃权). Without ``plan``, a published project vote elects them first
    (VoteFactory); without a roll on ``session``, everyone is present as for VoteFactory."""

    class Meta:
        model = "voting.Vote"

    plan = None
    session = None
    title = ""
    status = "draft"
    ballots = ()

    @classmethod
    def _make(cls, *, plan, session, title, status, ballots):
        from voting import services

        if plan is None:
            voters = max(3, len(ballots))
            vote = VoteFactory(
                status="published", ballots=["YYYN"] * voters, session=session or SessionFactory()
            )
            plan = vote.candidate_list.plan
            session = session or vote.session
        if session is None:
            session = SessionFactory(term=plan.township.terms.order_by("-start_year").first())
        if not session.attendance.exists():
            everyone = max(3, len(ballots))
            roll_call(session, in_office=everyone, present=everyone)
        township = session.term.township or session.term.county
        evaluation = services.evaluation_create(
            actor=staff_of(township), session=session, plan=plan, title=title
        )
        _name_officers(evaluation, township)
        return run_vote(evaluation, ballots=ballots, status=status)


__all__ = [
    "TITLES",
    "VOTE_PATH",
    "EvaluationFactory",
    "VoteFactory",
    "ballots_with",
    "locked_list",
    "run_vote",
]
