"""Builders for stages 1–2 that go through the real services."""

from projects import services
from projects.models import IntakeLink


def suggestion(world, title="修建村道路灯", content="村口到小学的道路晚上没有灯", **fields):
    return services.suggestion_create(
        actor=world.users["staff"],
        township=world.township,
        channel=fields.pop("channel", "village_meeting"),
        title=title,
        content=content,
        **fields,
    )


def deputy_link(world) -> IntakeLink:
    services.intake_links_ensure(actor=world.users["staff"], township=world.township)
    return IntakeLink.objects.get(deputy=world.deputy)


def project(world, title="东河村道路亮化工程", **fields):
    fields.setdefault("content", "安装太阳能路灯60盏")
    return services.project_create(
        actor=world.users["staff"], township=world.township, title=title, **fields
    )


def plan_with_projects(world, *, n=4, slots=3, year=2027):
    staff = world.users["staff"]
    plan = services.plan_create(actor=staff, township=world.township, year=year, slots=slots)
    projects = [
        project(world, title=f"项目{i}", estimated_investment=100 + i, location=f"地点{i}")
        for i in range(n)
    ]
    services.plan_add_projects(actor=staff, plan=plan, projects=projects)
    return plan, projects


def advance_all(world, plan, projects):
    staff = world.users["staff"]
    for rnd in plan.rounds.order_by("position"):
        for p in projects:
            services.round_record_decision(
                actor=staff, round=rnd, project=p, decision="advance", reason="同意"
            )
