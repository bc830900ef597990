"""Issue 19's smaller defects, each as a user noticed it: pages name people by their names,
English readers get the lifecycle and milestones in English, and the demo year reads in
order."""

import pytest
from django.urls import reverse

from reports.models import Report, ReportKind, ReportStatus

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies["django_language"] = "en"
    return client


# --- 3. the report page names the requester -------------------------------------------------


def _report(world, user, quarter):
    return Report.objects.create(
        kind=ReportKind.TOWNSHIP,
        township=world.township,
        county=world.county,
        year=2026,
        quarter=quarter,
        status=ReportStatus.FAILED,
        requested_by=user,
    )


def test_the_report_pages_name_the_requester_by_name_not_user_name(world):
    """A reviewer reading the list sees 陈敏, not staff_a; an account with no name of its own
    but a deputy behind it shows the deputy's name; a bare account falls back to its user
    name; the automatic quarter-end report says so."""
    staff = world.users["staff"]
    staff.first_name, staff.last_name = "陈敏", ""
    staff.save()
    named = _report(world, staff, 1)
    deputy_account = world.users["deputy"]  # 王建国's account, no first or last name
    deputy_account.first_name = deputy_account.last_name = ""
    deputy_account.save()
    by_deputy = _report(world, deputy_account, 2)
    bare = _report(world, world.users["teller"], 3)
    automatic = _report(world, None, 4)

    client = world.client("reviewer")
    html = client.get(reverse("reports:report_detail", args=[named.pk])).content.decode()
    assert "陈敏" in html and "staff_a" not in html
    html = client.get(reverse("reports:report_detail", args=[by_deputy.pk])).content.decode()
    assert "王建国" in html and "deputy_a" not in html
    html = client.get(reverse("reports:report_detail", args=[bare.pk])).content.decode()
    assert "teller_a" in html
    html = client.get(reverse("reports:report_detail", args=[automatic.pk])).content.decode()
    assert "None" not in html

    listing = client.get(reverse("reports:township_reports", args=[world.township.pk]))
    html = listing.content.decode()
    assert "陈敏" in html and "王建国" in html and "teller_a" in html
    assert "staff_a" not in html and "deputy_a" not in html
    english = _english(world.client("reviewer")).get(
        reverse("reports:township_reports", args=[world.township.pk])
    )
    assert "Automatic (quarter end)" in english.content.decode()
