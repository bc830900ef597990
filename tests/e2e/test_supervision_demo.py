"""The supervision demo at phone width, page by page, as each role sees it (screenshots in
test-artifacts/screenshots/)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from congress.demo import DEMO_PASSWORD
from congress.models import Township
from supervision.models import LedgerItem, SupervisionGroup
from tests.e2e.conftest import PHONE, login, settle, shot


@pytest.mark.parametrize("viewport", [PHONE])
def test_demo_pages_at_phone_width(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    township = Township.objects.get(name="青石镇")
    group = SupervisionGroup.objects.filter(members__deputy__user__username="deputy1").first()
    project = group.project
    overdue = LedgerItem.objects.filter(escalated_at__isnull=False).first()

    settle(page)
    login(page, "deputy1", DEMO_PASSWORD)
    settle(page)
    page.goto("/")
    expect(page.get_by_test_id("home-supervision")).to_be_visible()
    settle(page)
    page.goto("/supervision/my/")
    expect(page.get_by_test_id("my-items").locator("a")).not_to_have_count(0)
    shot(page, "deputy-my")
    settle(page)
    page.goto(overdue.get_absolute_url())
    expect(page.locator("[data-flag=overdue]")).to_be_visible()
    shot(page, "deputy-overdue-item")

    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "staff_qingshi", DEMO_PASSWORD)
    settle(page)
    page.goto(f"/townships/{township.pk}/supervision/")
    expect(page.locator("[data-flag=over-budget]")).to_have_count(1)
    shot(page, "staff-overview")
    settle(page)
    page.goto(f"/townships/{township.pk}/supervision/ledger/?status=")
    shot(page, "staff-ledger")
    settle(page)
    page.goto(f"/supervision/projects/{project.pk}/")
    shot(page, "staff-project")
    settle(page)
    page.goto(group.get_absolute_url())
    shot(page, "staff-group")
    settle(page)
    page.goto(f"/plans/{group.plan_id}/supervision-groups/")
    expect(page.get_by_test_id("conflicts")).to_have_count(1)
    shot(page, "staff-plan-groups")
    settle(page)
    page.goto("/notifications/")
    shot(page, "staff-notifications")

    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "reviewer_qingshan", DEMO_PASSWORD)
    settle(page)
    page.goto(f"/supervision/projects/{project.pk}/")
    expect(page.locator("a[href$='/inspections/new/']")).to_have_count(0)
    shot(page, "reviewer-project")

    settle(page)
    page.context.clear_cookies()
    settle(page)
    page.goto(f"/progress/{project.pk}/")
    shot(page, "public")
