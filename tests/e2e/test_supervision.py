"""Stage 4 in Chromium at phone width: a deputy records an inspection with a photo and a
problem, hands it over (交办); the government liaison answers; the deputy re-inspects and
closes it (销号)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from supervision.models import ItemStatus, LedgerItem
from tests.e2e.conftest import PHONE, jpeg_file, login, settle, shot
from tests.supervision.conftest import confirmed, plan  # noqa: F401 - fixtures


@pytest.mark.parametrize("viewport", [PHONE])
def test_deputy_inspects_hands_over_and_closes(page, world, confirmed, tmp_path):  # noqa: F811
    project = confirmed[0].project
    settle(page)
    login(page, "deputy_a")
    settle(page)
    page.goto("/supervision/my/")
    card = page.get_by_test_id("my-group").filter(has_text=project.title)
    shot(page, "my-groups")
    settle(page)
    with page.expect_navigation():
        card.get_by_test_id("record-inspection").click()
    page.locator(f"input[name=attendees][value='{world.deputy.pk}']").check()
    page.locator("#id_notes").fill("察看路基施工，排水沟砌筑中。")
    page.locator("#id_problems").fill("施工区域夜间警示标志缺失")
    page.locator("#id_photos").set_input_files(str(jpeg_file(tmp_path / "site.jpg")))
    shot(page, "inspection-form")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/supervision/items/\d+/$"))
    item = LedgerItem.objects.get(project=project)
    assert item.inspection.photos.count() == 1

    # 交办 to a department with a deadline
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    form = page.locator("form[data-action=hand_over]")
    form.locator("#id_department").fill("镇交通办")
    form.locator("#id_deadline").fill(deadline)
    settle(page)
    with page.expect_navigation():
        form.get_by_test_id("do-hand_over").click()
    expect(page.get_by_test_id("department")).to_have_text("镇交通办")
    shot(page, "handed-over")

    # the government liaison answers
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "gov_a")
    settle(page)
    page.goto(item.get_absolute_url())
    page.locator("form[data-action=answer] #id_answer").fill("已在施工区域增设警示灯和围挡。")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("do-answer").click()
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED

    # the deputy re-inspects and closes it (销号)
    settle(page)
    page.context.clear_cookies()
    settle(page)
    login(page, "deputy_a")
    settle(page)
    page.goto("/supervision/my/")
    page.get_by_test_id("my-items").get_by_text(item.title).click()
    page.locator("form[data-action=close] #id_note").fill("复查：警示灯已安装。")
    shot(page, "re-inspection")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("do-close").click()
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(4)
    shot(page, "closed")


@pytest.mark.parametrize("viewport", [PHONE])
def test_staff_propose_confirm_and_follow(page, world, plan):  # noqa: F811
    from supervision import services

    settle(page)
    login(page, "staff_a")
    settle(page)
    page.goto(f"/plans/{plan.pk}/supervision-groups/")
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("propose").click()
    expect(page.locator(".card")).to_have_count(3)
    expect(page.get_by_test_id("why").first).to_be_visible()
    shot(page, "proposal")
    page.locator(".card-header a").first.click()
    settle(page)
    with page.expect_navigation():
        page.get_by_test_id("confirm").click()
    expect(page.locator(".alert-success")).to_be_visible()
    shot(page, "group")
    group = plan.supervision_groups.filter(status="confirmed").get()
    services.progress_report_submit(
        actor=world.users["government"],
        project=group.project,
        period="2027-Q1",
        invested=130,
        percent_complete=40,
        status="delayed",
        expected_completion=datetime.date(2028, 2, 1),
    )
    settle(page)
    page.goto(f"/townships/{world.township.pk}/supervision/")
    expect(page.locator("[data-flag=over-budget]")).to_have_count(1)
    shot(page, "overview")
    settle(page)
    page.goto(f"/supervision/projects/{group.project.pk}/")
    shot(page, "project")
    settle(page)
    page.goto(f"/progress/{group.project.pk}/")
    shot(page, "public")
