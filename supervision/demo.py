"""Demo data for stage 4: the model town's (青石镇) elected 2026 projects with confirmed
groups, implementation plans, progress reports (one over budget), inspections, and hand-overs
in every state; and 青山县's congress supervising its own elected projects (督办领导 and
committees, two concentrated supervisions, two hearings) — only once the county's vote has
elected them. Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from congress.models import Township
from projects.models import AnnualPlan, Project, ProjectStatus

from . import selectors, services
from .models import (
    GroupMember,
    LedgerEvent,
    LedgerItem,
    SupervisionGroup,
)

# title keyword → (category, responsible department)
TOPICS = (
    ("路灯", "道路照明", "青石镇建设工程公司"),  # before 道路: 主干道路灯 holds both
    ("道路", "道路交通", "镇交通办"),
    ("饮水", "供水", "镇水利站"),
    ("礼堂", "文化", "镇宣传办"),
)


def _topic(title: str) -> tuple[str, str]:
    for needle, category, body in TOPICS:
        if needle in title:
            return category, body
    return "基础设施", "镇建设办"


def _prepare_projects(township, projects) -> None:
    """Vote demo projects carry only a location text: give them villages, a category and an
    implementing body so the recommender has something to weigh."""
    villages = {v.name: v for v in township.villages.all()}
    for project in projects:
        category, body = _topic(project.title)
        changed = []
        if project.category in ("", "基础设施"):
            project.category = category
            changed.append("category")
        # The street lights are built by the town's construction company, which employs a
        # deputy: the recommender leaves that deputy out (conflict of interest).
        if not project.implementing_body or (
            "路灯" in project.title and project.implementing_body != body
        ):
            project.implementing_body = body
            changed.append("implementing_body")
        if changed:
            project.save(update_fields=[*changed, "updated_at"])
        if not project.villages.exists():
            project.villages.set([v for name, v in villages.items() if name in project.location])


def _d(year, month, day) -> datetime.date:
    """A demo date, never after yesterday (services refuse future inspections and reports)."""
    return min(datetime.date(year, month, day), timezone.localdate() - datetime.timedelta(days=1))


def load_demo() -> list[str]:
    """The model town's supervision, then the county congress's (issue 17)."""
    return _load_township_demo() + load_county_demo()


def _load_township_demo() -> list[str]:
    try:
        township = Township.objects.get(code="330999101")
    except Township.DoesNotExist:
        return []
    plan = AnnualPlan.objects.filter(township=township, year=2026).first()
    if plan is None:
        return []
    if SupervisionGroup.objects.filter(plan=plan, status="confirmed").exists():
        return []
    projects = list(services.plan_projects(plan))
    if not projects:
        return []
    User = get_user_model()
    staff = User.objects.get(username="staff_qingshi")
    gov = User.objects.get(username="gov_qingshi")
    deputy_user = User.objects.get(username="deputy1")
    with transaction.atomic():
        _prepare_projects(township, projects)
        groups = services.groups_propose(actor=staff, plan=plan)
        # deputy1 sits in the road project's group (the demo's phone view shows it).
        first = next((g for g in groups if "道路" in g.project.title), groups[0])
        deputy = deputy_user.deputy
        if not first.members.filter(deputy=deputy).exists():
            for seat in GroupMember.objects.filter(group__in=groups, deputy=deputy):
                if seat.is_leader:
                    heir = seat.group.members.exclude(pk=seat.pk).order_by(
                        "-deputy__is_party_committee", "-match", "id"
                    )[0]
                    services.group_leader_set(actor=staff, group=seat.group, deputy=heir.deputy)
                services.group_member_remove(actor=staff, group=seat.group, deputy=deputy)
            if first.members.count() >= 5:
                last = first.members.filter(is_leader=False).order_by("-id").first()
                services.group_member_remove(actor=staff, group=first, deputy=last.deputy)
            services.group_member_add(actor=staff, group=first, deputy=deputy, duty="residents")
        for g in groups:
            services.group_confirm(actor=staff, group=g, presidium_member="吴静")
        SupervisionGroup.objects.filter(pk__in=[g.pk for g in groups]).update(
            confirmed_at=min(
                datetime.datetime(2026, 3, 1, 1, 0, tzinfo=datetime.UTC), timezone.now()
            )
        )
        over_budget = first.project
        for n, project in enumerate(projects):
            _plan_and_reports(project, gov=gov, over=project == over_budget, n=n)
        _inspections_and_ledger(first, deputy_user=deputy_user, gov=gov, staff=staff)
        for g in groups:
            if g != first:
                _light_inspection(g, staff=staff, gov=gov)
        services.reminders_send()
    return [f"supervision: {len(groups)} groups confirmed for {plan}"]


def _plan_and_reports(project: Project, *, gov, over: bool, n: int) -> None:
    plan = services.implementation_plan_ensure(actor=None, project=project)
    budget = project.estimated_investment or Decimal("100")
    dates = {
        "approval": (_d(2026, 2, 10), _d(2026, 2, 12)),
        "fiscal_review": (_d(2026, 3, 15), _d(2026, 3, 20)),
        "tendering": (_d(2026, 4, 30), _d(2026, 5, 8)),
        "start": (_d(2026, 5, 20), _d(2026, 6, 1)),
        "completion": (datetime.date(2026, 11, 30), None),
        "acceptance": (datetime.date(2026, 12, 20), None),
    }
    services.implementation_plan_update(
        actor=gov,
        plan=plan,
        milestones=dates,
        responsible_department=project.implementing_body,
        targets=project.content,
        deadline=datetime.date(2026, 12, 31),
        budget=budget,
        funding_sources="镇财政、上级补助资金",
    )
    steps = [
        ("2026-Q2", _d(2026, 6, 28), Decimal("0.35"), 30, "start", "on_track", None),
        (
            "2026-Q3",
            _d(2026, 9, 28),
            Decimal("0.7"),
            65,
            "",
            "on_track",
            datetime.date(2026, 12, 31),
        ),
    ]
    if over:
        steps[1] = (
            "2026-Q3",
            _d(2026, 9, 28),
            Decimal("1.04"),
            80,
            "",
            "delayed",
            datetime.date(2027, 1, 31),
        )
    for period, on, share, pct, milestone, status, expected in steps:
        services.progress_report_submit(
            actor=gov,
            project=project,
            period=period,
            reported_on=on,
            invested=(budget * share).quantize(Decimal("0.01")),
            quantities=f"完成计划工程量的{pct}%",
            percent_complete=pct,
            milestone=milestone,
            status=status,
            expected_completion=expected,
            narrative="按计划推进施工。"
            if not over or period == "2026-Q2"
            else "雨季影响与材料涨价，投资超出预算，完工推迟一个月。",
        )


def _inspections_and_ledger(group, *, deputy_user, gov, staff) -> None:
    project = group.project
    members = [m.deputy for m in group.members.select_related("deputy")]
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=14)
    services.inspection_record(
        actor=deputy_user,
        project=project,
        date=_d(2026, 7, 15),
        attendees=members[:4],
        notes="察看路基施工和排水沟砌筑，听取施工单位汇报。",
        problems=["部分路段排水沟未按图纸施工", "施工区域夜间警示标志缺失", "沿线村民反映扬尘大"],
    )
    services.inspection_record(
        actor=deputy_user,
        project=project,
        date=_d(2026, 10, 20),
        attendees=members[:3],
        notes="复查排水沟整改情况，察看路面摊铺进度。",
        problems=["人行道铺装质量不达标"],
    )
    items = {i.title: i for i in LedgerItem.objects.filter(project=project)}
    # closed (销号): handed over → answered → re-inspected → closed
    a = items["部分路段排水沟未按图纸施工"]
    services.item_hand_over(actor=deputy_user, item=a, department="镇交通办", deadline=soon)
    services.item_answer(actor=gov, item=a, answer="已责成施工单位按图返工，8月10日完成。")
    services.item_close(actor=deputy_user, item=a, note="10月20日复查，排水沟已按图纸完成。")
    # reopened: answered, but re-inspection found it not fixed
    b = items["施工区域夜间警示标志缺失"]
    services.item_hand_over(actor=deputy_user, item=b, department="镇交通办", deadline=soon)
    services.item_answer(actor=gov, item=b, answer="已增设警示灯。")
    services.item_reopen(actor=deputy_user, item=b, reason="复查时东段仍无警示灯。", deadline=soon)
    # answered, awaiting re-inspection
    c = items["沿线村民反映扬尘大"]
    services.item_hand_over(actor=deputy_user, item=c, department="镇生态办", deadline=soon)
    services.item_answer(actor=gov, item=c, answer="施工路段每日洒水两次。")
    # overdue, escalated (督办): handed over with a deadline that has passed
    d = items["人行道铺装质量不达标"]
    services.item_hand_over(actor=deputy_user, item=d, department="镇交通办", deadline=soon)
    past = today - datetime.timedelta(days=5)
    LedgerItem.objects.filter(pk=d.pk).update(deadline=past)
    LedgerEvent.objects.filter(item=d, action="hand_over").update(
        note="限5日内返工（演示：已逾期）"
    )
    # recorded, not yet handed over; and one from a residents' suggestion
    services.item_create(
        actor=deputy_user,
        project=project,
        title="公交站台位置需调整",
        detail="群众建议将站台移至村口。",
    )
    suggestion = project.suggestions.first()
    services.item_create(
        actor=staff,
        project=project,
        title="群众反映施工车辆占道",
        suggestion=suggestion,
        source="resident",
        department="镇交通办",
        deadline=soon,
    )


def _light_inspection(group, *, staff, gov) -> None:
    project = group.project
    members = [m.deputy for m in group.members.select_related("deputy")]
    services.inspection_record(
        actor=staff,
        project=project,
        date=_d(2026, 9, 10),
        attendees=members[:3],
        notes="察看施工进度，资金使用情况正常。",
        problems=["施工告示牌信息不全"],
    )
    item = LedgerItem.objects.filter(project=project).first()
    services.item_hand_over(
        actor=staff,
        item=item,
        department=project.implementing_body or "镇建设办",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )


# ---------------------------------------------------------------------------------------------
# 青山县人民代表大会常务委员会 supervising the county's own elected projects (issue 17)

COUNTY_CODE = "330999"
# 常委会领导督办: each elected project is supervised by one standing-committee leader.
COUNTY_LEADERS = (
    "常委会主任 周建华",
    "常委会副主任 李明辉",
    "常委会副主任 陈晓燕",
    "常委会副主任 黄志强",
)


def load_county_demo() -> list[str]:
    """青山县's committees (the usual list), and — when its plan's projects have been elected
    by the county's vote — 督办 leaders, committees, two concentrated supervisions and two
    hearings. The demo never fakes the vote: without elected projects only the committees
    are set up and the note says what is missing."""
    from congress.models import County, RoleAssignment

    county = County.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return []
    assignment = (
        RoleAssignment.objects.filter(county=county, township__isnull=True, role="staff")
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        return []
    return county_supervision_demo(county, actor=assignment.user)


def county_supervision_demo(county, *, actor, today: datetime.date | None = None) -> list[str]:
    from .models import Hearing, ProjectOversight

    today = today or timezone.localdate()
    with transaction.atomic():
        units = [u for u in services.county_units_ensure(actor=actor, county=county) if u.active]
        projects = list(
            Project.objects.filter(county=county, status__in=services.SUPERVISED).order_by("pk")
        )
        if not projects:
            return [
                f"county supervision: {len(units)} committees for {county.name}; no elected "
                "county project yet (the county vote has not elected the plan)"
            ]
        if ProjectOversight.objects.filter(project__county=county).exists():
            # Set up earlier; only what a later version of the demo adds.
            return _county_inspections(county, projects, actor=actor, today=today)
        for n, project in enumerate(projects):
            services.oversight_set(
                actor=actor,
                project=project,
                leader_name=COUNTY_LEADERS[n % len(COUNTY_LEADERS)],
                # each committee or office follows one or two projects
                unit=units[n % len(units)] if units else None,
            )
        year = today.year
        rounds = [d for d in services.county_round_dates(county, year) if d <= today][-2:]
        for n, day in enumerate(rounds):
            visited = projects[n::2] or projects
            first = visited[0]
            services.round_record(
                actor=actor,
                county=county,
                date=day,
                projects=visited,
                notes="察看施工现场，听取实施单位汇报，查阅资金拨付台账。",
                findings=[
                    services.Finding(
                        project=first,
                        title="资金拨付进度滞后于工程进度" if n == 0 else "部分路段施工围挡不规范",
                        department=first.implementing_body or "县财政局",
                        deadline=timezone.localdate() + datetime.timedelta(days=20),
                    )
                ],
            )
        hearings = (
            (
                datetime.date(year, 7, 22),
                "directors",
                "一、加快前期工作，确保年内开工；二、严格资金监管。",
            ),
            (
                datetime.date(year, 10, 21),
                "directors",
                "一、对进度滞后项目挂图作战；二、做好群众宣传。",
            ),
        )
        for day, body, opinions in hearings:
            if day > today or Hearing.objects.filter(county=county, date=day).exists():
                continue
            services.hearing_record(
                actor=actor,
                county=county,
                date=day,
                body=body,
                projects=projects,
                opinions=opinions,
                follow_ups=[services.Finding(project=projects[-1], title="年底前完成主体工程")],
            )
        _county_inspections(county, projects, actor=actor, today=today)
    return [f"county supervision: {len(projects)} projects under 督办 in {county.name}"]


# Two county projects inspected (视察) by county deputies, organised by the committee that
# follows each: (days ago, deputies attending, notes, problems found).
COUNTY_INSPECTIONS = (
    (
        (40, 12, "察看施工现场，查阅工程监理日志，听取实施单位关于工期安排的汇报。", ()),
        (12, 9, "复查上次视察发现的问题整改情况，走访沿线群众。", ("部分材料进场检验记录不全",)),
    ),
    ((25, 14, "听取主管部门汇报，实地察看项目点位，与受益群众座谈。", ()),),
)


def _county_inspections(county, projects, *, actor, today: datetime.date) -> list[str]:
    """Deputies' inspections of the first two county projects, organised by each project's
    committee, with 8–15 county deputies (spread over the delegations) attending. Only when
    none is recorded yet for the county's projects (idempotent)."""
    from .models import Inspection, ProjectOversight

    if Inspection.objects.filter(project__county=county).exists():
        return []
    oversights = {
        o.project_id: o.unit
        for o in ProjectOversight.objects.filter(project__in=projects).select_related("unit")
    }
    deputies = [d for _label, group in selectors.county_deputy_groups(county) for d in group]
    if not deputies:
        return []
    recorded = 0
    for project, visits in zip(projects, COUNTY_INSPECTIONS, strict=False):
        unit = oversights.get(project.pk)
        if unit is None or not unit.active:
            continue
        for days_ago, size, notes, problems in visits:
            # spread over the list (a mix of delegations), from a different start each time
            start = (project.pk + days_ago) % len(deputies)
            stride = max(1, len(deputies) // size)
            attending = (deputies[start:] + deputies[:start])[::stride][:size]
            services.county_inspection_record(
                actor=actor,
                project=project,
                unit=unit,
                date=today - datetime.timedelta(days=days_ago),
                attendees=attending,
                notes=notes,
                problems=problems,
            )
            recorded += 1
    return (
        [f"county supervision: {recorded} deputies' inspections in {county.name}"]
        if recorded
        else []
    )


def summary() -> dict[str, int]:
    return {
        "supervision_groups": SupervisionGroup.objects.count(),
        "ledger_items": LedgerItem.objects.count(),
        "implementing": Project.objects.filter(status=ProjectStatus.IMPLEMENTING).count(),
    }
