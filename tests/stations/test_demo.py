"""The demo has stations with a published calendar and a year of records."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from stations import selectors
from stations.models import DutyDay, Reception, StationProfile

pytestmark = pytest.mark.django_db


def test_demo_stations_have_a_calendar_and_a_year_of_records():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (StationProfile.objects.count(), DutyDay.objects.count(), Reception.objects.count())
    assert counts[0] >= 2
    today = timezone.localdate()
    assert DutyDay.objects.filter(date__gt=today, published=True).count() >= 12
    assert Reception.objects.filter(date__lt=today).count() >= 12
    assert Reception.objects.filter(kind="head_visit").exists()
    profile = StationProfile.objects.select_related("station__township").first()
    records = selectors.township_overview(profile.station.township, year=today.year, as_of=today)
    assert any(r.total > 0 for r in records)
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        StationProfile.objects.count(),
        DutyDay.objects.count(),
        Reception.objects.count(),
    ) == counts
