import datetime

import pytest
from django.utils import timezone

from congress import services as congress_services
from congress.models import AttendanceStatus, Role
from projects.models import AnnualPlan, Candidate, CandidateList, Project
from voting import services
from voting.models import OfficerRole

from ..factories import DeputyFactory, user_with_role

TITLES = ["东河村道路路灯安装", "西岭村饮水工程改造", "镇区污水管网建设", "南塘村文化礼堂"]


def make_candidate_list(township, *, titles=TITLES, slots=3, year=2027):
    plan = AnnualPlan.objects.create(township=township, year=year, slots=slots)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    for i, title in enumerate(titles, start=1):
        project = Project.objects.create(
            township=township,
            title=title,
            content=f"{title}的主要内容",
            location="青石镇",
            estimated_investment=100 + i,
            deadline=datetime.date(year, 12, 31),
            status="candidate",
        )
        Candidate.objects.create(candidate_list=clist, project=project, position=i)
    return clist


def check_in(world, present: int, *, total: int | None = None):
    """Put the township's deputies on the roll and mark the first ``present`` present."""
    staff = world.users["staff"]
    if total is not None:
        have = world.township.deputies.filter(in_office=True, is_township_deputy=True).count()
        DeputyFactory.create_batch(max(0, total - have), township=world.township)
    congress_services.session_open_roll(actor=staff, session=world.session)
    rows = list(world.session.attendance.order_by("deputy_id"))
    for row in rows[:present]:
        congress_services.attendance_set(
            actor=staff,
            session=world.session,
            deputy_id=row.deputy_id,
            status=AttendanceStatus.PRESENT,
        )
    return len(rows)


@pytest.fixture
def vote_world(world):
    """A vote of 4 candidates for 3 slots at the world's session, 10 deputies in office, 9
    present, officers named; not yet open."""
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_a")
    teller_b = user_with_role(Role.TELLER, township=world.township, username="teller_b")
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静", user=chief
    )
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.TELLER, name="周涛", user=world.users["teller"]
    )
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.TELLER, name="郑伟", user=teller_b
    )
    world.vote = vote
    world.users["chief"] = chief
    world.users["teller_b"] = teller_b
    return world
