"""A county congress's supervision through /api/v1/ (issue 17): the county's staff record a
concentrated supervision (集中督查) or a hearing (听取审议) with its findings, name a project's
督办 leader and committee, and record the deputies' inspection (视察) a committee organised —
through the pages' forms and services, so each shows on the pages afterwards. The county's
readers read; the township's roles never reach the county's records; a bad body is a 400 with
field errors in the caller's language."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import tests.permission_table  # noqa: F401 - loads tests.permissions.* in order
from congress.models import Prefecture, Role
from projects import services as project_services
from projects.models import Project
from supervision import services
from supervision.models import (
    Hearing,
    Inspection,
    ItemSource,
    LedgerItem,
    ProjectOversight,
    SupervisionRound,
)
from tests.factories import DeputyFactory, user_with_county_role
from tests.permissions.countyapi import EXTRA

pytestmark = pytest.mark.django_db

JSON = "application/json"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _post(client, url, data, **extra):
    return client.post(url, data=json.dumps(data, default=str), content_type=JSON, **extra)


@pytest.fixture
def client(client):
    """Pages in English: the assertions read the English text (the Chinese catalogue is
    filled separately)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def county_staff(world):
    return user_with_county_role(Role.STAFF, county=world.county, username="staff_qs")


@pytest.fixture
def county_users(world, county_staff):
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    for county in (world.county, world.county_other):
        county.prefecture = prefecture
        county.save(update_fields=["prefecture"])
    return {
        "county_staff": county_staff,
        "county_teller": user_with_county_role(
            Role.TELLER, county=world.county, username="teller_county_a"
        ),
        "county_staff_other": user_with_county_role(
            Role.STAFF, county=world.county_other, username="staff_county_b"
        ),
        "prefecture_reviewer": user_with_county_role(
            Role.REVIEWER, prefecture=prefecture, username="rev_qingzhou"
        ),
    }


def _elected(actor, county, title):
    project = project_services.project_create(
        actor=actor,
        county=county,
        title=title,
        content="管网",
        estimated_investment=3000,
        implementing_body="县住建局",
        deadline=datetime.date(2027, 12, 31),
    )
    for status in ("shortlisting", "candidate", "elected"):
        project_services.project_set_status(
            actor=actor, project=project, status=status, note="test"
        )
    return project


@pytest.fixture
def project(world, county_staff):
    """An elected project of county A's congress, with no 督办 assignment yet."""
    return _elected(county_staff, world.county, "县城污水管网改造")


@pytest.fixture
def unit(world, county_staff):
    return services.county_unit_save(
        actor=county_staff, county=world.county, name="城建环资委", position=1
    )


@pytest.fixture
def deputies(world):
    """Three county deputies of county A in office."""
    return DeputyFactory.create_batch(3, township=world.township, is_county_deputy=True)


def _round_body(county, project, **kw):
    body = {
        "county": county.pk,
        "date": _ago(3).isoformat(),
        "projects": [project.pk],
        "notes": "管网施工进度正常",
        "findings": [],
    }
    body.update(kw)
    return body


# ---------------------------------------------------------------------------------------------
# Each action, as county staff, and what the pages show afterwards


def test_county_staff_record_a_concentrated_supervision_and_its_findings(
    world, county_staff, project, client
):
    client.force_login(county_staff)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    response = _post(
        client,
        reverse("api:county-round-list"),
        _round_body(
            world.county,
            project,
            findings=[
                {"project": project.pk, "title": "部分路段围挡不规范"},
                {
                    "project": project.pk,
                    "title": "管材进场检验记录不全",
                    "department": "县住建局",
                    "deadline": deadline.isoformat(),
                },
            ],
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    rnd = SupervisionRound.objects.get(pk=body["id"])
    assert rnd.county == world.county and list(rnd.projects.all()) == [project]
    items = list(LedgerItem.objects.filter(pk__in=body["items"]).order_by("pk"))
    assert [(i.title, i.status, i.source, i.county_id) for i in items] == [
        ("部分路段围挡不规范", "recorded", ItemSource.ROUND, world.county.pk),
        ("管材进场检验记录不全", "handed_over", ItemSource.ROUND, world.county.pk),
    ]
    assert items[1].department == "县住建局" and items[1].deadline == deadline
    page = client.get(reverse("supervision:round_detail", args=[rnd.pk])).content.decode()
    assert "管网施工进度正常" in page and "部分路段围挡不规范" in page
    listed = client.get(reverse("api:county-round-list")).json()["results"]
    assert [(r["id"], r["projects"], r["items"]) for r in listed] == [
        (rnd.pk, [project.pk], body["items"])
    ]
    detail = client.get(reverse("api:county-round-detail", args=[rnd.pk])).json()
    assert detail["notes"] == "管网施工进度正常" and detail["county"] == world.county.pk


def test_county_staff_record_a_hearing_and_its_follow_ups(world, county_staff, project, client):
    client.force_login(county_staff)
    day = _ago(10)
    response = _post(
        client,
        reverse("api:hearing-list"),
        {
            "county": world.county.pk,
            "date": day.isoformat(),
            "body": "standing",
            "projects": [project.pk],
            "opinions": "加强资金监管，按期完工",
            "follow_ups": [
                {
                    "project": project.pk,
                    "title": "补报资金使用明细",
                    "department": "县财政局",
                    "deadline": (day + datetime.timedelta(days=40)).isoformat(),
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    hearing = Hearing.objects.get(pk=body["id"])
    assert hearing.body == "standing" and hearing.opinions == "加强资金监管，按期完工"
    item = LedgerItem.objects.get(pk__in=body["items"])
    assert (item.hearing, item.source, item.status) == (hearing, ItemSource.HEARING, "handed_over")
    listing = client.get(reverse("supervision:hearing_list", args=[world.county.pk]))
    assert hearing.get_absolute_url() in listing.content.decode()
    page = client.get(hearing.get_absolute_url()).content.decode()
    assert "加强资金监管" in page and "补报资金使用明细" in page
    api = client.get(reverse("api:hearing-detail", args=[hearing.pk])).json()
    assert (api["body"], api["items"]) == ("standing", body["items"])


def test_county_staff_name_the_supervising_leader_and_committee(
    world, county_staff, project, unit, client
):
    client.force_login(county_staff)
    url = reverse("api:supervised-project-oversight", args=[project.pk])
    response = _post(client, url, {"leader_name": "王副主任", "unit": unit.pk})
    assert response.status_code == 200, response.content
    assert response.json()["leader_name"] == "王副主任"
    assert response.json()["unit"] == unit.pk
    page = client.get(reverse("supervision:project_detail", args=[project.pk])).content.decode()
    assert "王副主任" in page and "城建环资委" in page
    # A second assignment replaces the first; a form body works as well as JSON.
    response = client.post(url, {"leader_name": "李主任", "leader_user": county_staff.pk})
    assert response.status_code == 200, response.content
    oversight = ProjectOversight.objects.get(project=project)
    assert (oversight.leader_name, oversight.leader_user, oversight.unit) == (
        "李主任",
        county_staff,
        None,
    )


def test_a_county_inspection_without_a_unit_is_organised_by_the_projects_committee(
    world, county_staff, project, unit, deputies, client
):
    client.force_login(county_staff)
    url = reverse("api:supervised-project-inspections", args=[project.pk])
    data = {
        "date": _ago(1).isoformat(),
        "attendees": [d.pk for d in deputies[:2]],
        "notes": "察看管网施工现场",
        "problems": "管材进场检验记录不全\n部分路段围挡不规范",
    }
    # No committee follows the project yet, and none is named: the field says so.
    response = _post(client, url, data)
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Inspection.objects.filter(project=project).exists()

    services.oversight_set(actor=county_staff, project=project, leader_name="王副主任", unit=unit)
    response = _post(client, url, data)
    assert response.status_code == 201, response.content
    inspection = Inspection.objects.get(pk=response.json()["id"])
    assert inspection.unit == unit and inspection.group is None
    assert set(inspection.attendees.all()) == set(deputies[:2])
    assert LedgerItem.objects.filter(pk__in=response.json()["items"]).count() == 2
    page = client.get(reverse("supervision:county_inspections", args=[project.pk]))
    assert "城建环资委" in page.content.decode()


def test_a_county_inspection_names_its_unit_as_a_multipart_form(
    world, county_staff, project, unit, deputies, client
):
    client.force_login(county_staff)
    response = client.post(
        reverse("api:supervised-project-inspections", args=[project.pk]),
        {
            "date": _ago(1).isoformat(),
            "unit": unit.pk,
            "attendees": [deputies[0].pk],
            "notes": "现场",
        },
    )
    assert response.status_code == 201, response.content
    assert Inspection.objects.get(pk=response.json()["id"]).unit == unit


# ---------------------------------------------------------------------------------------------
# Refusals


def test_township_roles_never_reach_the_countys_records(world, county_staff, project, unit):
    rnd = services.round_record(
        actor=county_staff, county=world.county, date=_ago(5), projects=[project]
    )
    for role in ("staff", "deputy", "government"):
        client = world.client(role)
        assert client.get(reverse("api:county-round-list")).json()["results"] == []
        assert client.get(reverse("api:county-round-detail", args=[rnd.pk])).status_code == 404
        assert client.get(reverse("api:hearing-list")).json()["results"] == []
    staff = world.client("staff")
    response = _post(staff, reverse("api:county-round-list"), _round_body(world.county, project))
    assert response.status_code == 404
    response = _post(
        staff,
        reverse("api:supervised-project-oversight", args=[project.pk]),
        {"leader_name": "王副主任"},
    )
    assert response.status_code == 404
    assert SupervisionRound.objects.count() == 1
    assert not ProjectOversight.objects.exists()


def test_a_township_project_has_no_supervising_leader(world):
    township_project = Project.objects.create(
        township=world.township, title="东河村道路拓宽", content="拓宽", status="elected"
    )
    response = _post(
        world.client("staff"),
        reverse("api:supervised-project-oversight", args=[township_project.pk]),
        {"leader_name": "王副主任"},
    )
    assert response.status_code == 404


def test_readers_are_refused_every_write_before_the_body_is_read(
    world, county_users, project, unit
):
    from django.test import Client

    clients = {"reviewer": world.client("reviewer")}
    for role in ("county_teller", "prefecture_reviewer"):
        clients[role] = Client()
        clients[role].force_login(county_users[role])
    for role, client in clients.items():
        for url in (
            reverse("api:county-round-list"),
            reverse("api:hearing-list"),
            reverse("api:supervised-project-oversight", args=[project.pk]),
            reverse("api:supervised-project-inspections", args=[project.pk]),
        ):
            response = _post(client, url, {"nonsense": True})
            assert response.status_code == 403, (role, url, response.status_code)
        # They read.
        assert client.get(reverse("api:county-round-list")).status_code == 200
    assert not SupervisionRound.objects.exists() and not Hearing.objects.exists()
    assert not ProjectOversight.objects.exists()


def test_another_countys_staff_cannot_record_for_this_county(world, county_users, project):
    from django.test import Client

    client = Client()
    client.force_login(county_users["county_staff_other"])
    response = _post(client, reverse("api:county-round-list"), _round_body(world.county, project))
    assert response.status_code == 404
    assert not SupervisionRound.objects.exists()


# ---------------------------------------------------------------------------------------------
# Bad bodies: 400 with the fields' errors, in the caller's language


def test_a_bad_body_is_a_400_with_field_errors_in_chinese(world, county_staff, project, client):
    client.force_login(county_staff)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    url = reverse("api:county-round-list")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}

    # Types first: a date that is not one, a list that is not one.
    response = _post(client, url, _round_body(world.county, project, date=[1], projects="x"), **zh)
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"date", "projects"}
    assert all(CJK.search(m) for m in errors["date"] + errors["projects"]), errors

    # Then the page's form: a project that is not one of the county's elected projects, a
    # finding on no project.
    other = Project.objects.create(county=world.county_other, title="外县项目", status="elected")
    response = _post(
        client,
        url,
        _round_body(
            world.county,
            project,
            projects=[other.pk],
            findings=[{"project": other.pk, "title": "问题"}],
        ),
        **zh,
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"projects", "findings"}
    assert CJK.search(errors["projects"][0]) and "project" in errors["findings"][0]

    # Then the service's rules, in the site's catalogue.
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = _post(client, url, _round_body(world.county, project, date=future), **zh)
    assert response.status_code == 400
    assert response.json() == {"date": ["集中督查的日期不能晚于今天。"]}

    second = _elected(county_staff, world.county, "县城供水管网改造")
    response = _post(
        client,
        url,
        _round_body(world.county, project, findings=[{"project": second.pk, "title": "问题"}]),
        **zh,
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["每个事项都必须涉及已勾选的项目。"]}

    # A body that is not an object at all.
    response = client.post(url, data="[1, 2]", content_type=JSON, **zh)
    assert response.status_code == 400
    assert not SupervisionRound.objects.exists() and not LedgerItem.objects.exists()


def test_a_hearing_needs_its_meeting_and_opinions(world, county_staff, project, client):
    client.force_login(county_staff)
    response = _post(
        client,
        reverse("api:hearing-list"),
        {
            "county": world.county.pk,
            "date": _ago(1).isoformat(),
            "body": "tea party",
            "projects": [project.pk],
            "opinions": "",
        },
    )
    assert response.status_code == 400
    assert set(response.json()) == {"body", "opinions"}
    assert not Hearing.objects.exists()


def test_a_county_inspection_with_malformed_json_is_a_400(
    world, county_staff, project, unit, client
):
    client.force_login(county_staff)
    url = reverse("api:supervised-project-inspections", args=[project.pk])
    for body in (
        {"date": [1], "attendees": {"a": 1}, "notes": "x"},
        {"date": _ago(1).isoformat(), "attendees": [10**20], "notes": "x", "unit": "x"},
        ["not", "an", "object"],
    ):
        response = _post(client, url, body)
        assert response.status_code == 400, (body, response.content)
    assert not Inspection.objects.exists()


# ---------------------------------------------------------------------------------------------
# The lists' queries do not grow with the records


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_query_count_is_flat(world, county_staff, project, client):
    client.force_login(county_staff)
    second = _elected(county_staff, world.county, "县城供水管网改造")

    def record(n):
        findings = [services.Finding(project=project, title=f"问题{n}")]
        services.round_record(
            actor=county_staff,
            county=world.county,
            date=_ago(n),
            projects=[project, second],
            findings=findings,
        )
        services.hearing_record(
            actor=county_staff,
            county=world.county,
            date=_ago(n),
            body="directors",
            projects=[project, second],
            opinions="意见",
            follow_ups=findings,
        )

    record(1)
    one = (
        _queries(client, reverse("api:county-round-list")),
        _queries(client, reverse("api:hearing-list")),
    )
    for n in range(2, 6):
        record(n)
    five = (
        _queries(client, reverse("api:county-round-list")),
        _queries(client, reverse("api:hearing-list")),
    )
    assert one == five
    assert len(client.get(reverse("api:hearing-list")).json()["results"]) == 5


# ---------------------------------------------------------------------------------------------
# The permission rows (tests/permissions/countyapi.py) for the county roles


@pytest.mark.parametrize(
    ("row", "role", "expected"),
    [(row, role, code) for row, outcome in EXTRA for role, code in outcome.items()],
    ids=[f"{row.method}:{row.name}:{role}" for row, outcome in EXTRA for role in outcome],
)
def test_county_roles(world, county_users, row, role, expected):
    from django.test import Client

    client = Client()
    client.force_login(county_users[role])
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    if row.method == "post":
        response = _post(client, url, row.data(world))
    else:
        response = client.get(url)
    assert response.status_code == expected, (row.name, role, response.content[:300])


def test_a_township_projects_json_bodies_meet_the_documented_types_first(world):
    """The same check guards the township's inspection and progress report sent as JSON: a
    list where a date is expected is a 400 (it was a server error in the progress report)."""
    from tests.permissions.supervision import _objects

    project = _objects(world)["project"]
    staff = world.client("staff")
    response = _post(
        staff,
        reverse("api:supervised-project-progress-reports", args=[project.pk]),
        {"period": ["x"], "reported_on": [1], "invested": {"a": 1}, "percent_complete": [2]},
    )
    assert response.status_code == 400
    assert {"period", "reported_on", "invested", "percent_complete", "status"} <= set(
        response.json()
    )
    response = _post(
        staff,
        reverse("api:supervised-project-inspections", args=[project.pk]),
        {"date": [1], "attendees": "x", "notes": ["y"]},
    )
    assert response.status_code == 400
    assert set(response.json()) == {"date", "attendees", "notes"}
