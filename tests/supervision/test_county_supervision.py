"""A county congress's supervision of its own elected projects (issue 17): 督办领导 and the
responsible committee, concentrated supervision (集中督查) on a schedule with reminders,
hearings (听取审议) with their opinions and follow-up items in the county's ledger."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from congress.audit import AuditAction
from congress.models import AuditEvent, Role
from projects import services as project_services
from supervision import schedule, services
from supervision.models import (
    CountySupervisionSettings,
    ItemSource,
    LedgerItem,
    Notification,
    SupervisionUnit,
)
from tests.factories import user_with_county_role

# ---------------------------------------------------------------------------------------------
# The schedule of concentrated supervisions: pure


def test_rounds_every_two_months_from_march_by_default():
    assert schedule.round_dates(2026) == [
        datetime.date(2026, 3, 15),
        datetime.date(2026, 5, 15),
        datetime.date(2026, 7, 15),
        datetime.date(2026, 9, 15),
        datetime.date(2026, 11, 15),
    ]


def test_rounds_every_three_months_on_the_last_day_of_short_months():
    dates = schedule.round_dates(2026, every_months=3, first_month=2, day=31)
    assert dates == [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 5, 31),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 11, 30),
    ]
    assert schedule.round_dates(2028, every_months=12, first_month=2, day=30) == [
        datetime.date(2028, 2, 29)
    ]


def test_monthly_rounds_and_the_bounds():
    assert len(schedule.round_dates(2026, every_months=1, first_month=1)) == 12
    assert schedule.round_dates(2026, every_months=12, first_month=12) == [
        datetime.date(2026, 12, 15)
    ]
    for bad in ({"every_months": 0}, {"first_month": 13}, {"day": 0}):
        with pytest.raises(ValueError):
            schedule.round_dates(2026, **bad)


def test_next_round_and_reminder_window():
    dates = schedule.round_dates(2026)
    assert schedule.next_round(dates, datetime.date(2026, 5, 15)) == datetime.date(2026, 5, 15)
    assert schedule.next_round(dates, datetime.date(2026, 5, 16)) == datetime.date(2026, 7, 15)
    assert schedule.next_round(dates, datetime.date(2026, 12, 1)) is None
    # Seven days ahead is inside the window, eight is not; the day itself still is.
    assert schedule.rounds_to_remind(dates, datetime.date(2026, 7, 8), days_before=7) == [
        datetime.date(2026, 7, 15)
    ]
    assert schedule.rounds_to_remind(dates, datetime.date(2026, 7, 7), days_before=7) == []
    assert schedule.rounds_to_remind(dates, datetime.date(2026, 7, 15), days_before=7) == [
        datetime.date(2026, 7, 15)
    ]
    assert schedule.rounds_to_remind(dates, datetime.date(2026, 7, 16), days_before=7) == []


def test_round_windows_held_and_past():
    d = datetime.date
    dates = [d(2026, 3, 15), d(2026, 5, 15), d(2026, 7, 15)]
    # Recorded a week early for May (counts for May only, not also late for March), and on
    # 1 August for July.
    held = [d(2026, 5, 8), d(2026, 8, 1)]
    rows = schedule.round_rows(dates, held, d(2026, 6, 1), year=2026)
    assert [(r["date"], r["until"], r["held"], r["past"]) for r in rows] == [
        (d(2026, 3, 15), d(2026, 5, 8), False, True),
        (d(2026, 5, 15), d(2026, 7, 8), True, True),
        (d(2026, 7, 15), d(2027, 1, 1), True, False),
    ]
    # One round counts once: the windows do not overlap.
    many = schedule.round_dates(2026)
    for h in (d(2026, 3, 1) + datetime.timedelta(days=n) for n in range(300)):
        assert sum(r["held"] for r in schedule.round_rows(many, [h], h, year=2026)) <= 1
    # Eight days early is too early: it counts for the round before.
    rows = schedule.round_rows(dates, [d(2026, 5, 7)], d(2026, 6, 1), year=2026)
    assert [r["held"] for r in rows] == [True, False, False]


# ---------------------------------------------------------------------------------------------
# Services and pages


@pytest.fixture
def county_staff(world):
    return user_with_county_role(Role.STAFF, county=world.county, username="staff_qs")


@pytest.fixture
def county_projects(world, county_staff):
    """Three projects of county A's congress, elected through the projects services (the
    county vote is built elsewhere: the status steps it would take are taken here)."""
    out = []
    for title in ("县城污水管网改造", "县人民医院发热门诊", "城乡公交一体化"):
        project = project_services.project_create(
            actor=county_staff,
            county=world.county,
            title=title,
            content=title,
            estimated_investment=3000,
            implementing_body="县住建局",
            deadline=datetime.date(2027, 12, 31),
        )
        for status in ("shortlisting", "candidate", "elected"):
            project_services.project_set_status(
                actor=county_staff, project=project, status=status, note="test"
            )
        out.append(project)
    return out


@pytest.fixture
def leader(world):
    """A standing-committee vice-chair with a login in the county's congress."""
    return user_with_county_role(
        Role.STAFF, county=world.county, username="vice_chair", email="vc@example.org"
    )


def test_units_are_seeded_only_when_staff_ask(world, county_staff, client):
    client.force_login(county_staff)
    url = reverse("supervision:county_units", args=[world.county.pk])
    assert client.get(url).status_code == 200
    assert not SupervisionUnit.objects.filter(county=world.county).exists()  # a GET never writes
    assert client.post(url, {"action": "defaults"}).status_code == 302
    names = list(SupervisionUnit.objects.filter(county=world.county).values_list("name", flat=True))
    assert len(names) == 6 and any("财经委" in n for n in names)
    # Again: nothing more.
    client.post(url, {"action": "defaults"})
    assert SupervisionUnit.objects.filter(county=world.county).count() == 6


def test_staff_name_the_leader_and_committee_shown_to_reviewers(
    world, county_staff, county_projects, leader, client
):
    units = services.county_units_ensure(actor=county_staff, county=world.county)
    project = county_projects[0]
    client.force_login(county_staff)
    response = client.post(
        reverse("supervision:oversight_edit", args=[project.pk]),
        {"leader_name": "刘副主任", "leader_user": leader.pk, "unit": units[3].pk},
    )
    assert response.status_code == 302
    assert project.oversight.leader_name == "刘副主任"
    assert AuditEvent.objects.filter(
        object_type="supervision.ProjectOversight", county=world.county
    ).exists()
    # The county's reviewer reads it on the project's page and on the county overview.
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("supervision:project_detail", args=[project.pk])).content.decode()
    assert "刘副主任" in page and units[3].name in page
    overview = client.get(reverse("supervision:county_overview", args=[world.county.pk]))
    assert "刘副主任" in overview.content.decode()
    # ... and cannot change it.
    assert client.get(reverse("supervision:oversight_edit", args=[project.pk])).status_code == 403


def test_oversight_refusals(world, county_staff, county_projects):
    other_unit = SupervisionUnit.objects.create(county=world.county_other, name="财经委")
    project = county_projects[0]
    with pytest.raises(ValidationError) as exc:
        services.oversight_set(
            actor=county_staff, project=project, leader_name="刘", unit=other_unit
        )
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.oversight_set(actor=county_staff, project=project, leader_name="  ")
    # A township's staff cannot name one.
    with pytest.raises(PermissionDenied):
        services.oversight_set(actor=world.users["staff"], project=project, leader_name="刘")
    # A login of another body is refused as the leader's login.
    with pytest.raises(ValidationError) as exc:
        services.oversight_set(
            actor=county_staff,
            project=project,
            leader_name="刘",
            leader_user=world.users["staff"],
        )
    assert "leader_user" in exc.value.message_dict


def test_a_concentrated_supervision_hands_its_findings_over(
    world, county_staff, county_projects, client
):
    a, b, c = county_projects
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    client.force_login(county_staff)
    response = client.post(
        reverse("supervision:round_create", args=[world.county.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "projects": [a.pk, b.pk],
            "notes": "两个项目进度滞后",
            "f-TOTAL_FORMS": "2",
            "f-INITIAL_FORMS": "0",
            "f-MIN_NUM_FORMS": "0",
            "f-MAX_NUM_FORMS": "20",
            "f-0-project": a.pk,
            "f-0-title": "管网开挖后未及时回填",
            "f-0-department": "县住建局",
            "f-0-deadline": deadline.isoformat(),
            "f-1-project": b.pk,
            "f-1-title": "发热门诊设备未到位",
        },
    )
    assert response.status_code == 302
    items = LedgerItem.objects.filter(county=world.county).order_by("pk")
    assert [(i.project, i.status, i.source) for i in items] == [
        (a, "handed_over", ItemSource.ROUND),
        (b, "recorded", ItemSource.ROUND),
    ]
    assert all(i.township is None and i.supervision_round_id for i in items)
    # The round's page lists them; the county's ledger too; the county's reviewer reads both.
    client.force_login(world.users["reviewer"])
    page = client.get(response.url).content.decode()
    assert "管网开挖后未及时回填" in page and "发热门诊设备未到位" in page
    ledger = client.get(reverse("supervision:county_ledger", args=[world.county.pk]))
    assert "管网开挖后未及时回填" in ledger.content.decode()
    # The township's staff see none of it.
    client.force_login(world.users["staff"])
    assert client.get(response.url).status_code == 404
    assert client.get(items[0].get_absolute_url()).status_code == 404


def test_a_finding_must_concern_a_project_visited(world, county_staff, county_projects):
    a, b, c = county_projects
    with pytest.raises(ValidationError):
        services.round_record(
            actor=county_staff,
            county=world.county,
            date=timezone.localdate(),
            projects=[a],
            findings=[services.Finding(project=c, title="未视察的项目")],
        )
    with pytest.raises(ValidationError) as exc:
        services.round_record(
            actor=county_staff,
            county=world.county,
            date=timezone.localdate() + datetime.timedelta(days=1),
            projects=[a],
        )
    assert "date" in exc.value.message_dict
    assert not LedgerItem.objects.filter(county=world.county).exists()


def test_a_hearing_records_its_opinions_and_follow_ups(
    world, county_staff, county_projects, client
):
    a, b, c = county_projects
    hearing = services.hearing_record(
        actor=county_staff,
        county=world.county,
        date=timezone.localdate(),
        body="directors",
        projects=[a, b, c],
        opinions="一、加快医院项目进度；二、加强资金监管。",
        follow_ups=[services.Finding(project=b, title="发热门诊年底前投用")],
    )
    assert list(hearing.items.values_list("source", flat=True)) == [ItemSource.HEARING]
    assert AuditEvent.objects.filter(
        object_type="supervision.Hearing", action=AuditAction.SUPERVISION_HEARING_RECORD
    ).exists()
    client.force_login(world.users["reviewer"])
    listing = client.get(reverse("supervision:hearing_list", args=[world.county.pk]))
    assert listing.status_code == 200
    page = client.get(hearing.get_absolute_url()).content.decode()
    assert "加快医院项目进度" in page and "发热门诊年底前投用" in page
    # The project's supervision page links the hearing.
    detail = client.get(reverse("supervision:project_detail", args=[b.pk])).content.decode()
    assert hearing.get_absolute_url() in detail
    # Without opinions or with a project of another body: refused.
    with pytest.raises(ValidationError):
        services.hearing_record(
            actor=county_staff,
            county=world.county,
            date=timezone.localdate(),
            body="standing",
            projects=[a],
            opinions=" ",
        )


def test_reminders_before_each_round_to_leaders_and_committee_contacts(
    world, county_staff, county_projects, leader
):
    contact = user_with_county_role(Role.STAFF, county=world.county, username="cjhz")
    unit = services.county_unit_save(
        actor=county_staff, county=world.county, name="城建环资委", contact=contact
    )
    services.oversight_set(
        actor=county_staff,
        project=county_projects[0],
        leader_name="刘副主任",
        leader_user=leader,
        unit=unit,
    )
    services.county_settings_update(
        actor=county_staff,
        county=world.county,
        every_months=3,
        first_month=1,
        day_of_month=10,
        remind_days_before=5,
    )
    # Rounds on 10 Jan, Apr, Jul, Oct: 5 April is within the notice of 10 April.
    assert services.county_round_reminders_send(today=datetime.date(2026, 4, 4)) == 0
    assert services.county_round_reminders_send(today=datetime.date(2026, 4, 5)) == 2
    # The daily task again, the next days: still one each.
    services.reminders_send(today=datetime.date(2026, 4, 6))
    services.reminders_send(today=datetime.date(2026, 4, 10))
    notes = Notification.objects.filter(kind="round_due")
    assert sorted(n.user.username for n in notes) == ["cjhz", "vice_chair"]
    assert all("2026-04-10" in n.subject for n in notes)
    # Monthly setting off the old schedule: 6 May is not within 5 days of any round.
    assert services.county_round_reminders_send(today=datetime.date(2026, 5, 6)) == 0


def test_settings_refused_out_of_range_and_to_readers(world, county_staff):
    with pytest.raises(ValidationError):
        services.county_settings_update(
            actor=county_staff,
            county=world.county,
            every_months=0,
            first_month=3,
            day_of_month=15,
            remind_days_before=7,
        )
    assert not CountySupervisionSettings.objects.exists()
    with pytest.raises(PermissionDenied):
        services.county_settings_update(
            actor=world.users["reviewer"],
            county=world.county,
            every_months=2,
            first_month=3,
            day_of_month=15,
            remind_days_before=7,
        )


def test_overview_shows_the_year_schedule_and_what_was_held(
    world, county_staff, county_projects, client
):
    services.round_record(
        actor=county_staff,
        county=world.county,
        date=datetime.date(2026, 3, 14),
        projects=county_projects[:1],
    )
    client.force_login(world.users["reviewer"])
    page = client.get(
        reverse("supervision:county_overview", args=[world.county.pk]), {"year": 2026}
    ).content.decode()
    for day in ("2026-03-15", "2026-05-15", "2026-11-15"):
        assert day in page
    assert 'data-testid="rounds"' in page and county_projects[0].title in page


def test_the_demo_waits_for_elected_county_projects(world, county_staff):
    from supervision.demo import county_supervision_demo

    notes = county_supervision_demo(world.county, actor=county_staff)
    assert "no elected county project" in notes[0]
    assert SupervisionUnit.objects.filter(county=world.county).count() == 6
    assert not LedgerItem.objects.exists()


def test_the_demo_supervises_the_elected_county_projects_once(world, county_staff, county_projects):
    from supervision.demo import county_supervision_demo
    from supervision.models import Hearing, ProjectOversight, SupervisionRound

    today = datetime.date(2025, 11, 30)
    county_supervision_demo(world.county, actor=county_staff, today=today)
    assert ProjectOversight.objects.filter(project__county=world.county).count() == 3
    assert list(SupervisionRound.objects.values_list("date", flat=True).order_by("date")) == [
        datetime.date(2025, 9, 15),
        datetime.date(2025, 11, 15),
    ]
    assert Hearing.objects.filter(county=world.county).count() == 2
    assert LedgerItem.objects.filter(county=world.county).count() == 4
    assert county_supervision_demo(world.county, actor=county_staff, today=today) == []
    assert Hearing.objects.count() == 2
