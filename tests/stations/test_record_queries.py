"""The duty records and the county's station activity read a constant number of queries:
the township's appraisal page costs the same for 5 deputies as for 50, the county panel the
same for 2 townships as for 12."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import LiaisonStation, Project
from stations import selectors, services
from tests.factories import DeputyFactory, TownshipFactory

pytestmark = pytest.mark.django_db


def _station(world, name="东河村联络站", township=None):
    township = township or world.township
    station = LiaisonStation.objects.create(township=township, name=name)
    staff = world.users["staff"] if township == world.township else None
    if staff is not None:
        services.station_profile_set(
            actor=staff,
            station=station,
            level="village",
            online=False,
            deputies=[world.deputy, world.member_deputy],
        )
    return station


def _micro(world, station, project, title):
    return services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=timezone.localdate(),
        deputies=[world.deputy, world.member_deputy],
        residents=2,
        matters=[
            services.Matter(
                title=title,
                content=title,
                route="micro",
                project=project,
                department="镇交通办",
                deadline=timezone.localdate() + datetime.timedelta(days=10),
            )
        ],
    )


def _records_queries(client, township) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("stations:township_records", args=[township.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_appraisal_page_costs_the_same_for_5_and_50_deputies(
    world, django_assert_max_num_queries
):
    station = _station(world)
    project = Project.objects.create(
        township=world.township, title="东河村道路拓宽", content="拓宽", status="implementing"
    )
    _micro(world, station, project, "护栏缺失")
    client = world.client("staff")
    few = _records_queries(client, world.township)  # the world's 5 deputies
    DeputyFactory.create_batch(45, township=world.township)
    _micro(world, station, project, "路灯不亮")
    with django_assert_max_num_queries(few):
        response = client.get(reverse("stations:township_records", args=[world.township.pk]))
    assert len(response.context["records"]) == 50


def test_handovers_count_once_per_item_whatever_the_deputies(world):
    station = _station(world)
    project = Project.objects.create(
        township=world.township, title="东河村道路拓宽", content="拓宽", status="implementing"
    )
    _micro(world, station, project, "护栏缺失")
    _micro(world, station, project, "路灯不亮")
    today = timezone.localdate()
    counts = selectors.duty_counts(
        [world.deputy.pk, world.member_deputy.pk, world.deputy_other.pk],
        year=today.year,
        as_of=today,
    )
    # The matters' receiving deputy is the first present: the world's deputy.
    assert counts[world.deputy.pk]["handover_raised"] == 2
    assert counts[world.deputy.pk]["handover_closed"] == 0
    assert counts[world.member_deputy.pk]["handover_raised"] == 0
    assert counts[world.deputy_other.pk]["station_duty"] == 0


def test_activity_by_township_held_against_planned(world):
    staff = world.users["staff"]
    station = _station(world)
    today = timezone.localdate()
    past = [today - datetime.timedelta(days=d) for d in (20, 10)]
    days = services.calendar_plan(
        actor=staff,
        station=station,
        dates=past,
        start=datetime.time(9),
        end=datetime.time(11),
        per_day=1,
    )
    for year in {d.year for d in past}:
        services.calendar_publish(actor=staff, station=station, year=year)
    services.reception_record(
        actor=staff,
        station=station,
        date=days[0].date,
        duty_day=days[0],
        deputies=[world.deputy],
        residents=4,
        matters=[services.Matter(title="村口路灯", content="坏了")],
    )
    services.reception_record(
        actor=staff,
        station=station,
        date=today,
        kind="head_visit",
        visitor="县水利局 局长",
        deputies=[],
        residents=1,
    )
    rows = {
        r.township.pk: r
        for r in selectors.activity_by_township(
            world.county, today - datetime.timedelta(days=30), today
        )
    }
    mine = rows[world.township.pk]
    assert (mine.duty_days_planned, mine.duty_days_held) == (2, 1)
    assert mine.held_percent == 50
    assert (mine.receptions, mine.head_visits, mine.residents) == (1, 1, 5)
    assert (mine.matters, mine.micro, mine.bookings) == (1, 0, 0)
    other = rows[world.township_other.pk]
    assert (other.stations, other.duty_days_planned, other.held_percent) == (0, 0, None)
    assert world.township_far.pk not in rows
    # A period before any of it: nothing.
    earlier = selectors.activity_by_township(
        world.county, today - datetime.timedelta(days=400), today - datetime.timedelta(days=365)
    )
    assert all(r.receptions == 0 and r.duty_days_planned == 0 for r in earlier)


def test_activity_by_township_costs_the_same_for_more_townships(
    world, django_assert_max_num_queries
):
    today = timezone.localdate()
    period = (today - datetime.timedelta(days=30), today)
    with CaptureQueriesContext(connection) as ctx:
        selectors.activity_by_township(world.county, *period)
    few = len(ctx.captured_queries)
    for n in range(10):
        township = TownshipFactory(county=world.county, name=f"新镇{n}")
        LiaisonStation.objects.create(township=township, name=f"新镇{n}联络站")
    with django_assert_max_num_queries(few):
        rows = selectors.activity_by_township(world.county, *period)
    assert len(rows) == 12


def test_the_county_page_shows_the_panel(world):
    _station(world)
    response = world.client("reviewer").get(
        reverse("stations:county_activity", args=[world.county.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="station-activity"' in body and world.township.name in body


def test_the_county_dashboard_shows_each_townships_station_year(world, client):
    """The county reviewer sees the liaison stations' year per township on the dashboard,
    beside the projects: reception days held against planned."""
    staff = world.users["staff"]
    station = _station(world)
    today = timezone.localdate()
    day = today - datetime.timedelta(days=3) if today.month > 1 or today.day > 3 else today
    services.calendar_plan(
        actor=staff,
        station=station,
        dates=[day],
        start=datetime.time(9),
        end=datetime.time(11),
        per_day=1,
    )
    services.calendar_publish(actor=staff, station=station, year=day.year)
    client.force_login(world.users["reviewer"])
    page = client.get(f"/dashboard/counties/{world.county.pk}/{day.year}/")
    assert page.status_code == 200
    panel = page.content.decode()
    assert 'data-testid="station-activity"' in panel
    rows = {r.township.pk: r for r in page.context["station_activity"]}
    assert rows[world.township.pk].duty_days_planned == 1
    assert world.township_far.pk not in rows  # another county's township is not listed
