import datetime

import pytest
from django.utils import timezone

from projects.models import AnnualPlan, Candidate, CandidateList, Project
from supervision import services
from tests.factories import DeputyFactory, VillageFactory

TITLES = [
    ("东河村道路拓宽", "道路交通", "镇交通办"),
    ("西岭村饮水工程", "供水", "镇水利站"),
    ("镇区路灯安装", "道路照明", "镇建设办"),
]


@pytest.fixture
def plan(world):
    """A 2027 plan of the world's township with three elected projects and 10 more deputies
    (15 in office: three groups of 3–5 give everyone a task)."""
    township = world.township
    west = VillageFactory(township=township, name="西岭村")
    world.village.adjacent.add(west)
    professions = [
        ("建筑施工员", ["建筑工程", "道路"]),
        ("水利站技术员", ["水利", "供水"]),
        ("电工", ["电力", "照明"]),
        ("会计", ["财务"]),
        ("农民", ["农业"]),
    ]
    for i in range(10):
        prof, tags = professions[i % 5]
        DeputyFactory(
            township=township,
            profession=prof,
            expertise=tags,
            home_village=[world.village, west][i % 2],
            is_party_committee=i % 4 == 0,
        )
    plan = AnnualPlan.objects.create(township=township, year=2027, slots=3)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    for i, (title, category, body) in enumerate(TITLES, start=1):
        project = Project.objects.create(
            township=township,
            title=title,
            content=title,
            category=category,
            implementing_body=body,
            estimated_investment=100,
            deadline=datetime.date(2027, 12, 31),
            status="elected",
        )
        project.villages.set([world.village if i != 2 else west])
        Candidate.objects.create(candidate_list=clist, project=project, position=i)
    return plan


@pytest.fixture
def confirmed(world, plan):
    """The proposal confirmed; the world's deputy (with an account) is put in the first group."""
    staff = world.users["staff"]
    groups = services.groups_propose(actor=staff, plan=plan)
    first = groups[0]
    if not first.members.filter(deputy=world.deputy).exists():
        for g in groups:
            if g.members.filter(deputy=world.deputy).exists():
                services.group_member_remove(actor=staff, group=g, deputy=world.deputy)
        if first.members.count() >= 5:
            other = first.members.filter(is_leader=False).first().deputy
            services.group_member_remove(actor=staff, group=first, deputy=other)
        services.group_member_add(actor=staff, group=first, deputy=world.deputy)
    for g in groups:
        services.group_confirm(actor=staff, group=g)
    return groups
