"""A resident books 代表有约 on a station's page at phone width, the deputy sees the booking,
staff record the reception whose matter becomes a suggestion (channel 联络站), and the
deputy's duty points (履职积分) show it."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import LiaisonStation, Suggestion
from stations import selectors, services
from stations.models import Booking
from tests.e2e.conftest import PHONE, login, settle, shot


@pytest.mark.parametrize("viewport", [PHONE])
def test_booking_to_reception_to_points(page, world):
    staff = world.users["staff"]
    station = LiaisonStation.objects.create(
        township=world.township, name="东河村联络站", address="东河村委会一楼"
    )
    services.station_profile_set(
        actor=staff,
        station=station,
        level="village",
        online=False,
        opening_hours="每月第一个周一 9:00–11:30",
        deputies=[world.deputy, world.member_deputy],
    )
    date = timezone.localdate() + datetime.timedelta(days=3)
    (day,) = services.calendar_plan(
        actor=staff,
        station=station,
        dates=[date],
        start=datetime.time(9),
        end=datetime.time(11, 30),
        per_day=2,
    )
    services.calendar_publish(actor=staff, station=station, year=date.year)
    today = timezone.localdate()
    before = selectors.duty_record(world.deputy, year=today.year, as_of=today).total

    # The resident: the station's page, book, receipt code.
    settle(page)
    page.goto(f"/stations/{station.pk}/")
    expect(page.get_by_test_id("station-days")).to_contain_text(world.deputy.name)
    shot(page, "station-page")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("book").first.click()
    page.locator("#id_topic").fill("村口路灯坏了三个月，晚上出行不安全")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("book-submit").click()
    code = page.get_by_test_id("booking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    shot(page, "booked")
    assert Booking.objects.get(duty_day=day).status == "booked"

    # The deputy on duty sees the booking on the phone.
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "deputy_a")
    settle(page)
    page.goto("/my/stations/")
    expect(page.get_by_test_id("my-booking")).to_contain_text("村口路灯")
    shot(page, "deputy-bookings")

    # Staff record the reception; its matter becomes a suggestion.
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "staff_a")
    settle(page)
    page.goto(f"/stations/duty-days/{day.pk}/")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("record-reception").click()
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_residents").fill("3")
    page.locator("#id_matter-0-title").fill("村口安装路灯")
    page.locator("#id_matter-0-content").fill("村口路灯坏了三个月")
    shot(page, "reception-form")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("reception-save").click()
    expect(page).to_have_url(re.compile(r"/receptions/\d+/$"))
    suggestion = Suggestion.objects.get(title="村口安装路灯")
    expect(page.get_by_test_id("matters")).to_contain_text(suggestion.receipt_display)
    assert suggestion.channel == "station" and suggestion.station == station
    assert Booking.objects.get(duty_day=day).status == "received"

    # ... and ends in the deputy's points.
    receiving = suggestion.deputy
    assert receiving in (world.deputy, world.member_deputy)
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "deputy_a")
    settle(page)
    page.goto("/my/stations/")
    after = selectors.duty_record(world.deputy, year=today.year, as_of=today).total
    # station duty (2) + the appointment (1), + the suggestion (1) if it was received by them
    assert after == before + 3 + (1 if receiving == world.deputy else 0)
    expect(page.get_by_test_id("my-points")).to_have_text(str(after))
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("my-record").click()
    expect(page.get_by_test_id("record-total")).to_have_text(str(after))
    shot(page, "duty-record")
