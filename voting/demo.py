"""Demo votes, built through the real services (idempotent):

- 青石镇, session 5 (January 2026): 4 candidates for 3 slots, 3 elected, published.
- 桃源镇, session 5: a 13 → 10 vote where the 10th and 11th tie; a run-off between them for the
  last slot; both published.
- 青石镇, session 6 (December 2026): an open vote on the locked 2027 candidate list, ready to try
  with the codes written to var/demo-ballot-codes.txt and its key share slips (密钥分片) to
  var/demo-key-slips.txt.

Every vote with a scrutineer named runs the key ceremony: the demo holds the share slips in
memory, casts sealed ballots and opens the box with k of them before the count.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from congress import services as congress_services
from congress.models import AttendanceStatus, Session, Township
from projects.models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    Project,
    ProjectStatus,
    ProjectStatusChange,
)

from . import domain, sealing, services
from .models import OfficerRole, Vote, VoteStatus

CODES_FILE = Path(settings.BASE_DIR) / "var" / "demo-ballot-codes.txt"
# The demo's open vote is sealed: its share slips' typed forms, for trying 开箱计票.
KEY_SLIPS_FILE = Path(settings.BASE_DIR) / "var" / "demo-key-slips.txt"

QINGSHI_2026 = [
    (
        "青石社区至东河村道路拓宽改造",
        "拓宽道路1.8公里，增设人行道和排水沟",
        "青石社区、东河村",
        420,
    ),
    ("西岭村、北山村安全饮水提升工程", "新建蓄水池2座，更换供水管网6公里", "西岭村、北山村", 260),
    ("镇区主干道路灯安装", "安装太阳能路灯180盏", "青石社区", 95),
    ("南塘村文化礼堂建设", "新建文化礼堂一座，面积600平方米", "南塘村", 180),
]
TAOYUAN_2026 = [
    ("桃源社区停车场建设", "新建停车位120个", "桃源社区", 150),
    ("花溪村河道综合整治", "清淤护岸3公里", "花溪村", 230),
    ("龙潭村至白鹭村公路硬化", "硬化道路2.5公里", "龙潭村、白鹭村", 310),
    ("云山村污水处理设施", "新建日处理50吨污水站", "云山村", 200),
    ("茶园村农产品冷链仓库", "建设冷库800立方米", "茶园村", 160),
    ("黄泥村危桥改造", "重建石桥一座", "黄泥村", 85),
    ("镇卫生院门诊楼改造", "改造门诊楼1200平方米", "桃源社区", 260),
    ("桃源小学塑胶操场", "铺设塑胶跑道和球场", "桃源社区", 120),
    ("居家养老服务中心", "新建养老服务中心一处", "花溪村", 140),
    ("农村公厕改造", "改造公厕15座", "全镇", 90),
    ("白鹭村文化广场", "新建广场3000平方米", "白鹭村", 110),
    ("全镇垃圾分类设施", "配置分类收集点60处", "全镇", 70),
    ("龙潭村山塘加固", "加固山塘3座", "龙潭村", 95),
]


def _plan(township, year, slots, items):
    plan, _created = AnnualPlan.objects.get_or_create(
        township=township, year=year, defaults={"slots": slots}
    )
    clist, _created = CandidateList.objects.get_or_create(plan=plan)
    if not clist.candidates.exists():
        for position, (title, content, location, investment) in enumerate(items, start=1):
            project, _created = Project.objects.get_or_create(
                township=township,
                title=title,
                defaults={
                    "content": content,
                    "location": location,
                    "estimated_investment": investment,
                    "deadline": datetime.date(year, 12, 31),
                    "category": "基础设施",
                    "status": ProjectStatus.CANDIDATE,
                },
            )
            Candidate.objects.create(candidate_list=clist, project=project, position=position)
    if clist.locked_at is None:
        clist.locked_at = timezone.now()
        clist.save(update_fields=["locked_at"])
    return clist


def _officers(actor, vote, names):
    for role, name in zip(
        (
            OfficerRole.CHIEF_SCRUTINEER,
            OfficerRole.SCRUTINEER,
            OfficerRole.TELLER,
            OfficerRole.TELLER,
        ),
        names,
        strict=False,
    ):
        services.vote_officer_add(actor=actor, vote=vote, role=role, name=name)


def _ceremony(actor, vote) -> list[str]:
    """The key ceremony (密钥分发), required before any vote opens: the demo holds the share
    slips' typed forms in memory (a real ceremony prints them and the server never sees them
    again). Every demo vote names its chief scrutineer and a scrutineer first (_officers)."""
    return [slip.typed for slip in services.vote_key_ceremony(actor=actor, vote=vote).slips]


def _run_vote(actor, vote, ballots: list[str], *, publish=True):
    present = sum(
        1 for s in vote.session.attendance.values_list("status", flat=True) if s == "present"
    )
    slips = _ceremony(actor, vote)
    codes = services.vote_generate_codes(actor=actor, vote=vote, spares=3)
    services.vote_record_issued(actor=actor, vote=vote, slips_issued=present, paper_issued=0)
    services.vote_open(actor=actor, vote=vote)
    for code, choices in zip(codes, ballots[:present], strict=False):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=choices)
    services.vote_close(actor=actor, vote=vote)
    vote.refresh_from_db()  # 开箱: k key holders present their slips
    services.vote_open_box(actor=actor, vote=vote, typed_shares=slips[: vote.key_threshold])
    services.vote_count(actor=actor, vote=vote)
    services.vote_certify(actor=actor, vote=vote)
    if publish:
        services.vote_publish(actor=actor, vote=vote)
    _backdate(vote)


def _backdate(vote):
    """Demo votes of past sessions carry that session's date, not today's."""
    vote.refresh_from_db()
    if vote.session.date >= timezone.localdate():
        return  # a session still to come keeps today's timestamps
    day = timezone.make_aware(datetime.datetime.combine(vote.session.date, datetime.time(10, 30)))
    Vote.objects.filter(pk=vote.pk).update(
        opened_at=day,
        closed_at=day + datetime.timedelta(minutes=20),
        certified_at=day + datetime.timedelta(minutes=50),
        published_at=(
            day + datetime.timedelta(minutes=60) if vote.status == VoteStatus.PUBLISHED else None
        ),
    )
    # The list was locked at the joint meeting before the session, and the projects' status
    # changed when the result was published: a receipt's lineage reads in that order.
    CandidateList.objects.filter(pk=vote.candidate_list_id).update(
        locked_at=day - datetime.timedelta(days=20)
    )
    if vote.status == VoteStatus.PUBLISHED:
        ProjectStatusChange.objects.filter(project__vote_candidacies__vote=vote, at__gt=day).update(
            at=day + datetime.timedelta(minutes=60)
        )


def _ballots(rng, weights, n, slots):
    """Believable ballots: each candidate approved with its own probability, at most
    ``slots`` approvals (deputies rarely spoil electronic ballots)."""
    out = []
    for _ in range(n):
        marks = [
            domain.YES
            if rng.random() < w
            else (domain.NO if rng.random() < 0.4 else domain.ABSTAIN)
            for w in weights
        ]
        while marks.count(domain.YES) > slots:
            i = max((i for i, m in enumerate(marks) if m == domain.YES), key=lambda i: -weights[i])
            marks[i] = domain.ABSTAIN
        out.append("".join(marks))
    return out


def _link_suggestions(township, clist) -> None:
    """Residents' suggestions that these projects grew from, so that a demo receipt code shows
    the whole lineage: reserve → candidate → vote → implementation → rating."""
    from django.db.models import F

    from projects.models import Suggestion

    for candidate in clist.candidates.select_related("project"):
        if candidate.project.suggestions.exists():
            continue
        ids = list(
            Suggestion.objects.filter(township=township, status="received")
            .order_by("id")
            .values_list("id", flat=True)[:2]
        )
        Suggestion.objects.filter(pk__in=ids).update(
            status="merged",
            project=candidate.project,
            reply="您的建议已纳入项目储备库，并列入年度候选项目。",
            # These were sent in the previous year's collection (July–October 2025), merged
            # before the joint meeting locked the list (December 2025), not this year's.
            created_at=F("created_at") - datetime.timedelta(days=365),
            decided_at=timezone.make_aware(
                datetime.datetime.combine(datetime.date(2025, 11, 20), datetime.time(9, 30))
            ),
        )


def _session(township, number):
    return Session.objects.filter(term__township=township, number=number).first()


def load_demo() -> list[str]:
    actor = get_user_model().objects.get(username="admin")
    notes = []
    qingshi = Township.objects.get(code="330999101")
    taoyuan = Township.objects.get(code="330999103")

    # 青石镇 2026: 4 → 3, published.
    session = _session(qingshi, 5)
    if session and not Vote.objects.filter(session=session).exists():
        clist = _plan(qingshi, 2026, 3, QINGSHI_2026)
        vote = services.vote_create(
            actor=actor, session=session, candidate_list=clist, title="青石镇2026年民生实事项目票决"
        )
        _officers(actor, vote, ["吴静", "杨帆", "周涛", "郑伟"])
        rng = random.Random("qingshi-2026")
        _link_suggestions(qingshi, clist)
        _run_vote(actor, vote, _ballots(rng, [0.95, 0.9, 0.85, 0.3], 60, 3))
        notes.append(f"published vote {vote.pk}: {vote.title}")

    # 桃源镇 2026: 13 → 10 with a tie at the cutoff, then a run-off.
    session = _session(taoyuan, 5)
    if session and not Vote.objects.filter(session=session).exists():
        clist = _plan(taoyuan, 2026, 10, TAOYUAN_2026)
        vote = services.vote_create(
            actor=actor, session=session, candidate_list=clist, title="桃源镇2026年民生实事项目票决"
        )
        _officers(actor, vote, ["孙磊", "马兰", "朱华", "胡斌"])
        present = sum(
            1 for s in session.attendance.values_list("status", flat=True) if s == "present"
        )
        # Five ballots approve 1–9 and 10, five approve 1–9 and 11, the rest approve 10 and
        # 11 and eight of the first nine (the one left out rotating): 10 and 11 end level, both
        # above half of the deputies in office, tied for the 10th slot.
        ballots = []
        for i in range(present):
            marks = ["Y"] * 9 + ["N"] * 4
            if i < 5:
                marks[9] = "Y"
            elif i < 10:
                marks[10] = "Y"
            else:
                marks[9] = marks[10] = "Y"
                marks[i % 9] = "A"
            ballots.append("".join(marks))
        _run_vote(actor, vote, ballots, publish=False)
        services.vote_publish(actor=actor, vote=vote)
        vote.refresh_from_db()
        _backdate(vote)
        if vote.result.needs_runoff:
            runoff = services.vote_create_runoff(actor=actor, vote=vote)
            _officers(actor, runoff, ["孙磊", "马兰", "朱华", "胡斌"])
            rng = random.Random("taoyuan-runoff")
            ballots = ["YN" if rng.random() < 0.62 else "NY" for _ in range(present)]
            _run_vote(actor, runoff, ballots)
            notes.append(f"run-off vote {runoff.pk} after a tie in vote {vote.pk}")

    # 青石镇, session 6: check-in, then the evaluation of the 2026 projects, published.
    session = _session(qingshi, 6)
    if session and not session.attendance.exists():
        congress_services.session_open_roll(actor=actor, session=session)
        rows = list(session.attendance.order_by("deputy__name"))
        for row in rows[: len(rows) - 5]:
            congress_services.attendance_set(
                actor=actor,
                session=session,
                deputy_id=row.deputy_id,
                status=AttendanceStatus.PRESENT,
            )
        for row in rows[len(rows) - 5 : len(rows) - 2]:
            congress_services.attendance_set(
                actor=actor, session=session, deputy_id=row.deputy_id, status=AttendanceStatus.LEAVE
            )
    plan_2026 = AnnualPlan.objects.filter(township=qingshi, year=2026).first()
    if (
        session
        and plan_2026
        and not Vote.objects.filter(session=session, kind="evaluation").exists()
    ):
        evaluation = services.evaluation_create(
            actor=actor, session=session, plan=plan_2026, title="青石镇2026年民生实事项目满意度测评"
        )
        _officers(actor, evaluation, ["吴静", "杨帆", "周涛", "郑伟"])
        present = sum(
            1 for s in session.attendance.values_list("status", flat=True) if s == "present"
        )
        projects = evaluation.candidates.count()
        rng = random.Random("qingshi-evaluation")
        ballots = []
        for i in range(present):
            marks = []
            for p in range(projects):
                if p == projects - 1:  # the last project: mostly 基本满意 → rectification
                    marks.append(
                        "S" if i < present * 0.35 else ("B" if i < present * 0.85 else "U")
                    )
                else:
                    marks.append("S" if rng.random() < 0.88 else "B")
            ballots.append("".join(marks))
        _run_vote(actor, evaluation, ballots)
        notes.append(f"published evaluation {evaluation.pk}: {evaluation.title}")

    # 青石镇, session 6: an open vote on the 2027 list, ready to try.
    clist = CandidateList.objects.filter(
        plan__township=qingshi, plan__year=2027, locked_at__isnull=False
    ).first()
    if session and clist and not Vote.objects.filter(session=session, kind="projects").exists():
        rows = list(session.attendance.all())
        vote = services.vote_create(
            actor=actor, session=session, candidate_list=clist, title="青石镇2027年民生实事项目票决"
        )
        _officers(actor, vote, ["吴静", "杨帆", "周涛", "郑伟"])
        slips = _ceremony(actor, vote)
        KEY_SLIPS_FILE.parent.mkdir(exist_ok=True)
        KEY_SLIPS_FILE.write_text(
            "".join(f"{i} {sealing.format_symbols(t)}\n" for i, t in enumerate(slips, start=1)),
            encoding="utf-8",
        )
        notes.append(f"open vote {vote.pk}: key share slips (密钥分片) in {KEY_SLIPS_FILE}")
        codes = services.vote_generate_codes(actor=actor, vote=vote, spares=5)
        services.vote_record_issued(
            actor=actor, vote=vote, slips_issued=len(rows) - 5, paper_issued=0
        )
        services.vote_open(actor=actor, vote=vote)
        CODES_FILE.parent.mkdir(exist_ok=True)
        CODES_FILE.write_text(
            "\n".join(domain.format_code(c) for c in codes) + "\n", encoding="utf-8"
        )
        notes.append(f"open vote {vote.pk}: codes in {CODES_FILE}")
    from projects.models import Suggestion

    followed = (
        Suggestion.objects.filter(
            project__candidacies__candidate_list__plan__year=2026, township=qingshi
        )
        .values_list("receipt_code", flat=True)
        .first()
    )
    if followed:
        notes.append(f"follow a suggestion's whole lineage at /track/{followed}/")
    open_vote = Vote.objects.filter(session__term__township=qingshi, status=VoteStatus.OPEN).first()
    if open_vote and CODES_FILE.exists():
        sample = CODES_FILE.read_text(encoding="utf-8").split()[:3]
        notes.append("try the ballot at /ballot/ with a code, e.g. " + ", ".join(sample))
    return notes
