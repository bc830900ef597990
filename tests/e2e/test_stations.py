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
from supervision.models import Notification
from tests.e2e.conftest import DESKTOP, PHONE, jpeg_file, login, settle, shot


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_booking_to_reception_to_points(page, world, tmp_path):
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
    # The daily reminder, three days ahead (the township's notice), in the deputy's list.
    services.station_rules_set(actor=staff, township=world.township, min_duty_days=4)
    from stations.models import StationRules

    StationRules.objects.filter(township=world.township).update(remind_days_before=3)
    assert services.reminders_send() == 2
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
    settle(page)
    page.goto("/notifications/")
    expect(page.get_by_test_id("notifications")).to_contain_text(station.name)
    assert Notification.objects.filter(user=world.users["deputy"]).count() == 1
    shot(page, "deputy-reminder")

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

    # Staff credit a manual item with a photo as evidence; the deputy sees it in the record.
    services.duty_item_set(
        actor=staff, township=world.township, code="flood_watch", points=5, label="防汛值守"
    )
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "staff_a")
    settle(page)
    page.goto(f"/townships/{world.township.pk}/stations/")
    expect(page.get_by_test_id("poster").first).to_be_visible()
    shot(page, "township-stations")
    settle(page)
    page.goto(f"/townships/{world.township.pk}/duty-records/credit/")
    page.locator("#id_deputy").select_option(str(world.deputy.pk))
    page.locator("#id_item").select_option(label="防汛值守")
    page.locator("#id_date").fill(today.isoformat())
    page.locator("#id_evidence").fill("7月汛期在东河村值守三天")
    page.locator("#id_evidence_file").set_input_files(str(jpeg_file(tmp_path / "flood.jpg")))
    shot(page, "credit-form")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("credit-save").click()
    expect(page.get_by_test_id("records")).to_contain_text(world.deputy.name)
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "deputy_a")
    settle(page)
    page.goto(f"/deputies/{world.deputy.pk}/duty-record/")
    expect(page.get_by_test_id("record-total")).to_have_text(str(after + 5))
    expect(page.get_by_test_id("credit-evidence")).to_be_visible()
    shot(page, "duty-record-credit")
    evidence = page.request.get(page.get_by_test_id("credit-evidence").get_attribute("href"))
    assert evidence.status == 200 and evidence.headers["content-type"] == "image/jpeg"

    # The county reviewer's panel: the reception day held, the matter and the appointment.
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "rev_a")
    settle(page)
    page.goto(f"/counties/{world.county.pk}/stations/")
    panel = page.get_by_test_id("station-activity")
    expect(panel).to_contain_text(world.township.name)
    shot(page, "county-panel")
