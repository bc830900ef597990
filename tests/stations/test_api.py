"""The stations JSON API: the same permissions as the pages (the permission rows, checked
here under a URLconf that mounts stations.api until livelihood/api.py registers it), and what
a resident and a deputy get from it."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import LiaisonStation
from stations import services
from stations.models import Booking
from tests.permission_table import ROLES
from tests.permissions.stations import API_ROWS
from tests.test_permissions import test_permission as check_row

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", API_ROWS, ids=[f"{r.method}:{r.name}" for r in API_ROWS])
def test_api_permission(world, row, role):
    check_row(world, row, role)


@pytest.fixture
def day(world):
    staff = world.users["staff"]
    station = LiaisonStation.objects.create(township=world.township, name="东河村联络站")
    services.station_profile_set(
        actor=staff,
        station=station,
        level="village",
        online=False,
        opening_hours="每月第一个周一",
        deputies=[world.deputy, world.member_deputy],
    )
    date = timezone.localdate() + datetime.timedelta(days=5)
    (planned,) = services.calendar_plan(
        actor=staff,
        station=station,
        dates=[date],
        start=datetime.time(9),
        end=datetime.time(11),
        per_day=1,
    )
    services.calendar_publish(actor=staff, station=station, year=date.year)
    return planned


def _post(client, name, data):
    return client.post(reverse(name), data=json.dumps(data), content_type="application/json")


def test_a_resident_books_looks_up_and_cancels_by_code(world, day):
    client = Client(REMOTE_ADDR="10.9.8.7")
    calendar = client.get(reverse("api:station-calendar-list"), {"station": day.station_id})
    assert calendar.status_code == 200
    (row,) = calendar.json()["results"]
    assert row["id"] == day.pk and row["bookable"] is True
    assert row["deputies"] == [world.deputy.name]

    booked = _post(
        client, "api:station-booking-list", {"duty_day": day.pk, "topic": "村口路灯坏了"}
    )
    assert booked.status_code == 201, booked.content
    code = booked.json()["code"]
    assert booked.json()["status"] == "booked" and "name" not in booked.json()
    assert Booking.objects.get(duty_day=day).topic == "村口路灯坏了"

    looked = _post(client, "api:station-booking-lookup", {"code": code.lower()})
    assert looked.status_code == 200 and looked.json()["can_cancel"] is True
    cancelled = _post(client, "api:station-booking-cancel", {"code": code})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["can_cancel"] is False
    again = _post(client, "api:station-booking-cancel", {"code": code})
    assert again.status_code == 400


def test_booking_is_rate_limited_like_the_page(world, day, settings):
    # A private in-memory cache: other test runs clear the shared Redis at any moment.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "st"}
    }
    client = Client(REMOTE_ADDR="10.9.8.6")
    answers = [
        _post(client, "api:station-booking-list", {"duty_day": day.pk, "topic": f"事项{i}"})
        for i in range(6)
    ]
    assert [a.status_code for a in answers] == [201] * 5 + [429]
    assert Booking.objects.filter(duty_day=day).count() == 5
    # The page shares the budget: this address cannot book there either.
    page = client.post(reverse("stations:booking_create", args=[day.pk]), {"topic": "再约一次"})
    assert page.status_code == 200 and Booking.objects.filter(duty_day=day).count() == 5
    # Another address is not affected.
    other = _post(
        Client(REMOTE_ADDR="10.9.8.4"),
        "api:station-booking-list",
        {"duty_day": day.pk, "topic": "x"},
    )
    assert other.status_code == 201


def test_an_unpublished_or_past_day_is_refused(world, day):
    client = Client(REMOTE_ADDR="10.9.8.5")
    day.published = False
    day.save()
    answer = _post(client, "api:station-booking-list", {"duty_day": day.pk, "topic": "x"})
    assert answer.status_code == 400 and "duty_day" in answer.json()
    assert client.get(reverse("api:station-calendar-list")).json()["results"] == []


def test_stations_list_public_with_profile(world, day):
    answer = Client().get(reverse("api:station-list"), {"township": world.township.pk})
    (station,) = answer.json()["results"]
    assert station["level"] == "village" and station["opening_hours"] == "每月第一个周一"
    assert set(station["deputies"]) == {world.deputy.name, world.member_deputy.name}
    assert Client().get(reverse("api:station-list"), {"township": "x"}).status_code == 400


def test_a_deputy_reads_their_own_record_and_not_another(world, day):
    client = world.client("deputy")
    mine = client.get(reverse("api:duty-record-me"))
    assert mine.status_code == 200
    body = mine.json()
    assert body["deputy"] == world.deputy.pk
    assert [line["code"] for line in body["lines"]][0] == "station_duty"
    assert body["total"] == sum(line["points"] for line in body["lines"]) + body["manual_points"]
    other = client.get(reverse("api:duty-record-detail", args=[world.member_deputy.pk]))
    assert other.status_code == 404
    staff = world.client("staff").get(
        reverse("api:duty-record-detail", args=[world.deputy.pk]), {"year": "1999"}
    )
    assert staff.status_code == 400
