"""Stations services through the real actions: calendar, 代表有约, receptions whose matters
become suggestions or 微建议, the duty record counted from other stages' records, refusals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from congress.models import Attendance
from projects.models import LiaisonStation, Project, Suggestion
from stations import selectors, services
from stations.models import BookingStatus, DutyReminder
from stations.pdf import duty_record_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(world):
    station = LiaisonStation.objects.create(township=world.township, name="东河村联络站")
    services.station_profile_set(
        actor=world.users["staff"],
        station=station,
        level="village",
        online=False,
        opening_hours="周一至周五 9:00–17:00",
        address="东河村委会一楼",
        deputies=[world.deputy, world.member_deputy],
    )
    return station


def _future(days=20):
    return timezone.localdate() + datetime.timedelta(days=days)


def _plan(world, station, dates):
    return services.calendar_plan(
        actor=world.users["staff"],
        station=station,
        dates=dates,
        start=datetime.time(9),
        end=datetime.time(11),
        per_day=1,
    )


def test_a_year_is_planned_in_turns_and_published(world, station):
    days = _plan(world, station, [_future(10), _future(40), _future(70)])
    assert [[d.pk for d in day.deputies.all()] for day in days] == [
        [world.deputy.pk],
        [world.member_deputy.pk],
        [world.deputy.pk],
    ]
    assert not selectors.upcoming_duty(station, today=timezone.localdate()).exists()
    n = services.calendar_publish(
        actor=world.users["staff"], station=station, year=days[0].date.year
    )
    assert n >= 1
    assert selectors.upcoming_duty(station, today=timezone.localdate()).exists()
    # Planning the same dates again keeps what is there.
    assert _plan(world, station, [_future(10)]) == []


def test_planning_refused_to_others_and_without_deputies(world, station):
    with pytest.raises(PermissionDenied):
        _plan_as(world, station, "reviewer")
    bare = LiaisonStation.objects.create(township=world.township, name="无代表站")
    with pytest.raises(ValidationError, match="Assign deputies|先"):
        _plan(world, bare, [_future()])


def _plan_as(world, station, role):
    return services.calendar_plan(
        actor=world.users[role],
        station=station,
        dates=[_future()],
        start=datetime.time(9),
        end=datetime.time(11),
    )


def test_a_swap_is_recorded_and_checked(world, station):
    day = _plan(world, station, [_future()])[0]
    on_duty = day.deputies.get()
    other = world.member_deputy if on_duty == world.deputy else world.deputy
    with pytest.raises(ValidationError):
        services.duty_swap(
            actor=world.users["staff"], duty_day=day, from_deputy=other, to_deputy=on_duty
        )
    with pytest.raises(ValidationError):  # not assigned to the station
        services.duty_swap(
            actor=world.users["staff"],
            duty_day=day,
            from_deputy=on_duty,
            to_deputy=world.township.deputies.exclude(
                pk__in=[world.deputy.pk, world.member_deputy.pk]
            ).first(),
        )
    services.duty_swap(
        actor=world.users["staff"],
        duty_day=day,
        from_deputy=on_duty,
        to_deputy=other,
        reason="出差",
    )
    assert list(day.deputies.all()) == [other]
    assert day.swaps.get().reason == "出差"


def test_booking_needs_a_published_day_and_cancels_with_its_code(world, station):
    day = _plan(world, station, [_future()])[0]
    with pytest.raises(ValidationError):
        services.booking_create(duty_day=day, topic="路灯")
    services.calendar_publish(actor=world.users["staff"], station=station, year=day.date.year)
    booking = services.booking_create(duty_day=day, topic="村口路灯不亮", phone="13900000000")
    assert len(booking.code) == 8
    assert services.booking_by_code(booking.code.lower()).pk == booking.pk
    with pytest.raises(ValidationError):
        services.booking_cancel(code="AAAA-AAAA")
    services.booking_cancel(code=f"{booking.code[:4]}-{booking.code[4:]}")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    with pytest.raises(ValidationError):  # once only
        services.booking_cancel(code=booking.code)


def test_a_reception_matter_becomes_a_suggestion_and_points(world, station):
    day = _plan(world, station, [_future()])[0]
    services.calendar_publish(actor=world.users["staff"], station=station, year=day.date.year)
    booking = services.booking_create(duty_day=day, topic="村口路灯不亮")
    deputy = day.deputies.get()
    today = timezone.localdate()
    before = selectors.duty_record(deputy, year=today.year, as_of=today).total
    reception = services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=today,
        deputies=[deputy],
        residents=4,
        duty_day=day,
        bookings=[booking],
        matters=[services.Matter(title="村口安装路灯", content="晚上出行不安全")],
    )
    suggestion = Suggestion.objects.get(title="村口安装路灯")
    assert suggestion.channel == "station"
    assert suggestion.station == station
    assert suggestion.deputy == deputy
    assert reception.matters.get().suggestion == suggestion
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RECEIVED
    record = selectors.duty_record(deputy, year=today.year, as_of=today)
    counts = {line.code: line.count for line in record.lines}
    assert counts["station_duty"] == 1
    assert counts["appointment"] == 1
    assert counts["suggestion"] == 1
    assert record.total == before + 2 + 1 + 1
    # As of yesterday none of it counted yet.
    yesterday = selectors.duty_record(
        deputy, year=today.year, as_of=today - datetime.timedelta(days=1)
    )
    assert {line.code: line.count for line in yesterday.lines}["station_duty"] == 0


def test_a_micro_suggestion_is_handed_over_through_the_ledger(world, station):
    project = Project.objects.create(
        township=world.township, title="东河村道路拓宽", content="拓宽", status="implementing"
    )
    # A 微建议 needs no elected project: it is the township's hand-over, tracked in the ledger.
    alone = services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=timezone.localdate(),
        deputies=[world.deputy],
        matters=[
            services.Matter(
                title="路灯不亮",
                content="东河村口路灯",
                route="micro",
                department="镇城建办",
                deadline=_future(10),
            )
        ],
    )
    loose = alone.matters.get().ledger_item
    assert loose.project is None and loose.township == world.township
    assert loose.status == "handed_over" and loose.department == "镇城建办"
    reception = services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=timezone.localdate(),
        deputies=[world.deputy],
        kind="head_visit",
        visitor="县交通运输局 局长",
        matters=[
            services.Matter(
                title="护栏缺失",
                content="东河桥护栏缺失",
                route="micro",
                project=project,
                department="镇交通办",
                deadline=_future(15),
            )
        ],
    )
    item = reception.matters.get().ledger_item
    assert item.department == "镇交通办"
    assert item.status == "handed_over"
    assert item.source == "resident"


def test_a_head_visit_names_the_visitor_and_only_staff_record(world, station):
    with pytest.raises(ValidationError):
        services.reception_record(
            actor=world.users["staff"],
            station=station,
            date=timezone.localdate(),
            deputies=[],
            kind="head_visit",
        )
    with pytest.raises(PermissionDenied):
        services.reception_record(
            actor=world.users["deputy"],
            station=station,
            date=timezone.localdate(),
            deputies=[world.deputy],
        )


def test_points_come_from_session_attendance_and_manual_credits(world):
    Attendance.objects.update_or_create(
        session=world.session, deputy=world.deputy, defaults={"status": "present"}
    )
    year = world.session.date.year
    as_of = datetime.date(year, 12, 31)
    item = services.duty_item_set(
        actor=world.users["staff"],
        township=world.township,
        code="research",
        label="参加专题调研",
        points=4,
    )
    services.duty_item_set(
        actor=world.users["staff"], township=world.township, code="session_attendance", points=5
    )
    with pytest.raises(ValidationError):
        services.manual_credit_record(
            actor=world.users["staff"],
            deputy=world.deputy,
            item=item,
            date=datetime.date(year, 5, 1),
            evidence=" ",
        )
    services.manual_credit_record(
        actor=world.users["staff"],
        deputy=world.deputy,
        item=item,
        date=datetime.date(year, 5, 1),
        evidence="调研报告一份",
    )
    record = selectors.duty_record(world.deputy, year=year, as_of=as_of)
    assert {line.code: line.points for line in record.lines}["session_attendance"] == 5
    assert record.manual_points == 4
    assert record.total == 9
    assert record.status == "missed"  # no station duty in the whole year
    text = _pdf_text(duty_record_pdf(record))
    assert "履职档案" in text and world.deputy.name in text


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_reminders_once_per_deputy_and_day(world, station):
    day = _plan(world, station, [timezone.localdate() + datetime.timedelta(days=1)])[0]
    services.calendar_publish(actor=world.users["staff"], station=station, year=day.date.year)
    assert services.reminders_send() == 1
    assert services.reminders_send() == 0
    assert DutyReminder.objects.filter(duty_day=day).count() == 1


def test_county_activity_counts_receptions_per_township(world, station):
    services.reception_record(
        actor=world.users["staff"],
        station=station,
        date=timezone.localdate(),
        deputies=[world.deputy],
        residents=6,
    )
    rows = {
        r.township.pk: r
        for r in selectors.county_activity(
            world.county, year=timezone.localdate().year, as_of=timezone.localdate()
        )
    }
    assert rows[world.township.pk].receptions == 1
    assert rows[world.township.pk].residents == 6
    assert rows[world.township_other.pk].receptions == 0
