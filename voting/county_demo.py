"""The county plenary in the demo (issue 17), built through the real services (idempotent):

- 青山县第十七届人民代表大会第四次会议 (January 2026): the county's 13 candidates for 10 slots,
  slips and paper ballots issued and returned per delegation (代表团), electronic ballots
  sealed and opened at the count with k share slips, one paper ballot per delegation entered
  by two teller pairs (four delegations each) and merged; counted, certified, published.
- 第五次会议 (December 2026): the satisfaction evaluation of the 10 elected projects,
  published.

Called from ``voting.demo.load_demo`` after the township votes (see voting/README.md).
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model

from congress import services as congress_services
from congress.demo import DEMO_PASSWORD
from congress.models import (
    AttendanceStatus,
    County,
    Delegation,
    Role,
    RoleAssignment,
    Session,
    SessionStatus,
    Term,
)
from congress.selectors import session_headcount_by_delegation
from projects.models import AnnualPlan, CandidateList

from . import domain, services
from .models import OfficerRole, Vote, VoteKind
from .services.delegations import (
    paper_batch_assign,
    paper_batch_finish,
    vote_record_delegation_counts,
)

COUNTY_CODE = "330999"
# The county's tellers (two pairs) and its chief scrutineer, with demo logins.
COUNTY_OFFICERS = (
    ("scrutineer_qingshan", "总监票人 方敏", Role.SCRUTINEER, OfficerRole.CHIEF_SCRUTINEER),
    ("teller_qingshan1", "计票人 黄河", Role.TELLER, OfficerRole.TELLER),
    ("teller_qingshan2", "计票人 林海", Role.TELLER, OfficerRole.TELLER),
    ("teller_qingshan3", "计票人 石磊", Role.TELLER, OfficerRole.TELLER),
    ("teller_qingshan4", "计票人 白云", Role.TELLER, OfficerRole.TELLER),
)


def _account(county, username, full_name, role):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": full_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    RoleAssignment.objects.get_or_create(user=user, role=role, county=county, township=None)
    return user


def _officers(actor, vote, county) -> dict[str, object]:
    users = {}
    for username, full_name, role, officer_role in COUNTY_OFFICERS:
        user = _account(county, username, full_name, role)
        services.vote_officer_add(
            actor=actor, vote=vote, role=officer_role, name=full_name.split()[-1], user=user
        )
        users[username] = user
    services.vote_officer_add(actor=actor, vote=vote, role=OfficerRole.SCRUTINEER, name="刘洋")
    return users


def _ballots(rng, weights, n, slots) -> list[str]:
    out = []
    for _ in range(n):
        marks = [
            domain.YES if rng.random() < w else (domain.NO if rng.random() < 0.5 else "A")
            for w in weights
        ]
        while marks.count(domain.YES) > slots:
            i = min((i for i, m in enumerate(marks) if m == domain.YES), key=lambda i: weights[i])
            marks[i] = "A"
        out.append("".join(marks))
    return out


PAPER_DIGIT = {"Y": "1", "N": "2", "A": "3", "S": "1", "B": "2", "U": "3"}


def _run(actor, vote, users, make_ballots) -> None:
    """Per delegation: present − 1 code slips and one paper ballot handed out, the paper
    ballot returned; electronic ballots cast with the codes; the paper ballots entered by
    two teller pairs, four delegations each; the box opened with k slips; counted, certified,
    published."""
    roll = session_headcount_by_delegation(vote.session)
    present = {line.delegation_id: line.headcount.present for line in roll.lines}
    delegations = list(Delegation.objects.filter(term=vote.session.term).order_by("order"))
    half = len(delegations) // 2
    for number, (first, second, chosen) in enumerate(
        (
            ("teller_qingshan1", "teller_qingshan2", delegations[:half]),
            ("teller_qingshan3", "teller_qingshan4", delegations[half:]),
        ),
        start=1,
    ):
        paper_batch_assign(
            actor=actor,
            vote=vote,
            number=number,
            first_teller=users[first],
            second_teller=users[second],
            delegation_ids=[d.pk for d in chosen],
        )
    slips = [s.typed for s in services.vote_key_ceremony(actor=actor, vote=vote).slips]
    codes = services.vote_generate_codes(actor=actor, vote=vote, spares=5)
    counts = {
        d.pk: (max(present.get(d.pk, 0) - 1, 0), 1 if present.get(d.pk) else 0, 0)
        for d in delegations
    }
    vote_record_delegation_counts(actor=actor, vote=vote, counts=counts)
    services.vote_open(actor=actor, vote=vote)
    electronic = sum(c[0] for c in counts.values())
    paper = sum(c[1] for c in counts.values())
    ballots = make_ballots(electronic + paper)
    for code, marks in zip(codes, ballots[:electronic], strict=False):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=marks)
    services.vote_close(actor=actor, vote=vote)
    vote.refresh_from_db()
    # Each delegation's box gave back its paper ballot.
    vote_record_delegation_counts(
        actor=actor, vote=vote, counts={pk: (s, p, p) for pk, (s, p, _r) in counts.items()}
    )
    paper_ballots = iter(ballots[electronic:])
    for batch in vote.paper_batches.order_by("number"):
        returned = sum(counts[d.pk][1] for d in batch.delegations.all())
        for sequence in range(1, returned + 1):
            keys = "".join(PAPER_DIGIT[m] for m in next(paper_ballots))
            for slot, teller in (("A", batch.first_teller), ("B", batch.second_teller)):
                services.paper_entry_save(
                    actor=teller, vote=vote, slot=slot, sequence=sequence, keys=keys, batch=batch
                )
        paper_batch_finish(actor=batch.first_teller, vote=vote, batch=batch)
    services.paper_finalize(actor=users["scrutineer_qingshan"], vote=vote)
    vote.refresh_from_db()
    services.vote_open_box(actor=actor, vote=vote, typed_shares=slips[: vote.key_threshold])
    services.vote_count(actor=actor, vote=vote)
    services.vote_certify(actor=users["scrutineer_qingshan"], vote=vote)
    services.vote_publish(actor=actor, vote=vote)
    from .demo import _backdate

    _backdate(vote)


def _fifth_session(term, county) -> Session:
    session, created = Session.objects.get_or_create(
        term=term,
        number=5,
        defaults={
            "date": datetime.date(2026, 12, 29),
            "place": "青山县人民会堂",
            "status": SessionStatus.PLANNED,
        },
    )
    if not session.attendance.exists():
        actor = get_user_model().objects.get(username="admin")
        congress_services.session_open_roll(actor=actor, session=session)
        rng = random.Random("county-roll-5")
        ids = list(session.attendance.order_by("deputy_id").values_list("id", flat=True))
        leave = set(rng.sample(ids, 9))
        absent = set(rng.sample(sorted(set(ids) - leave), 4))
        session.attendance.exclude(id__in=leave | absent).update(status=AttendanceStatus.PRESENT)
        session.attendance.filter(id__in=leave).update(status=AttendanceStatus.LEAVE)
    return session


def load_county_demo() -> list[str]:
    notes: list[str] = []
    county = County.objects.filter(code=COUNTY_CODE).first()
    term = county and Term.objects.filter(county=county, level="county", number=17).first()
    session = term and Session.objects.filter(term=term, number=4).first()
    plan = county and AnnualPlan.objects.filter(county=county, year=2026).first()
    clist = plan and CandidateList.objects.filter(plan=plan, locked_at__isnull=False).first()
    if not (session and clist):
        return notes
    actor = get_user_model().objects.get(username="admin")
    if not Vote.objects.filter(session=session, kind=VoteKind.PROJECTS).exists():
        vote = services.vote_create(
            actor=actor,
            session=session,
            candidate_list=clist,
            title="青山县2026年民生实事项目票决",
        )
        users = _officers(actor, vote, county)
        n = vote.candidates.count()
        # Ten clear favourites and three behind (13选10 差额票决).
        weights = [0.93, 0.9, 0.88, 0.86, 0.84, 0.82, 0.8, 0.78, 0.76, 0.74, 0.3, 0.25, 0.2][:n]
        rng = random.Random("qingshan-2026")
        _run(actor, vote, users, lambda k: _ballots(rng, weights, k, vote.slots))
        notes.append(f"published county vote {vote.pk}: {vote.title} (two teller pairs)")
    if session.status != SessionStatus.CLOSED:  # January's sitting is over
        congress_services.session_close(actor=actor, session=session)
    fifth = _fifth_session(term, county)
    if not Vote.objects.filter(session=fifth, kind=VoteKind.EVALUATION).exists():
        evaluation = services.evaluation_create(
            actor=actor, session=fifth, plan=plan, title="青山县2026年民生实事项目满意度测评"
        )
        users = _officers(actor, evaluation, county)
        projects = evaluation.candidates.count()
        rng = random.Random("qingshan-evaluation")

        def marks(k):
            out = []
            for i in range(k):
                row = []
                for p in range(projects):
                    if p == projects - 1:  # one project mostly 基本满意 → rectification
                        row.append("S" if i < k * 0.4 else ("B" if i < k * 0.9 else "U"))
                    else:
                        row.append("S" if rng.random() < 0.86 else "B")
                out.append("".join(row))
            return out

        _run(actor, evaluation, users, marks)
        notes.append(f"published county evaluation {evaluation.pk}: {evaluation.title}")
    return notes
