"""Stages 1–2 in Chromium at phone width: a resident scans a deputy's QR code, submits a
suggestion and later reads the reply by receipt code; staff merge two similar suggestions."""

import re

import pytest
from playwright.sync_api import expect

from projects import services
from projects.models import IntakeLink, Suggestion
from tests.e2e.conftest import PHONE, login, shot


@pytest.mark.parametrize("viewport", [PHONE])
def test_resident_suggests_staff_merge_resident_reads_the_reply(page, world):
    staff = world.users["staff"]
    services.intake_links_ensure(actor=staff, township=world.township)
    link = IntakeLink.objects.get(deputy=world.deputy)
    earlier = services.suggestion_create(
        actor=staff,
        township=world.township,
        channel="village_meeting",
        title="修建村道路灯",
        content="村口到小学的道路晚上太黑",
    )

    # The resident scans the deputy's QR code: the short link opens the form on the phone.
    page.goto(f"/s/{link.token}/")
    expect(page.locator("main")).to_contain_text(world.deputy.name)
    page.locator("#id_title").fill("村里道路安装路灯")
    page.locator("#id_content").fill("东河村主路没有路灯，老人晚上出门不安全。")
    page.locator("#id_village").select_option(label=world.village.name)
    page.locator("#id_proposer_phone").fill("13900001111")
    shot(page, "form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}", code)
    shot(page, "receipt")
    mine = Suggestion.objects.get(title="村里道路安装路灯")
    assert mine.deputy == world.deputy and mine.channel == "deputy_qr"

    # A staff member opens it in the triage list, sees the similar one and merges both.
    login(page, "staff_a")
    page.goto(f"/townships/{world.township.pk}/suggestions/")
    page.locator("main a[data-testid=open-suggestion]", has_text="村里道路安装路灯").click()
    panel = page.get_by_test_id("suggestion-panel")
    expect(panel.locator(".similar-list")).to_contain_text(earlier.title)
    panel.locator(f"#sim-{earlier.pk}").check()
    panel.locator("#merge-reply").fill("已并入村道路灯亮化项目，列入项目储备库。")
    shot(page, "triage")
    with page.expect_navigation():
        panel.get_by_test_id("merge-similar").click()
    expect(page).to_have_url(re.compile(r"/projects/\d+/$"))
    mine.refresh_from_db()
    earlier.refresh_from_db()
    assert mine.project_id == earlier.project_id is not None
    project_title = mine.project.title
    shot(page, "project")

    # Later the resident (no account) looks the suggestion up with the receipt code.
    page.context.clear_cookies()
    page.goto("/track/")
    page.locator("#id_code").fill(code.lower().replace("-", " "))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("reply")).to_contain_text("已并入村道路灯亮化项目")
    expect(page.locator("main")).to_contain_text(project_title)
    expect(page.locator("main")).not_to_contain_text("13900001111")
    shot(page, "lookup")


def test_plan_page_draws_the_funnel_and_refuses_an_illegal_lock(page, world):
    from tests.projects import factories as f

    plan, projects = f.plan_with_projects(world, n=3, slots=3)
    f.advance_all(world, plan, projects)
    login(page, "staff_a")
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator(".js-funnel svg")).to_have_count(1)
    expect(page.locator(".funnel-table tr[data-stage=candidates] td")).to_have_text("3")
    shot(page, "plan")
    page.goto(f"/plans/{plan.pk}/candidates/")
    expect(page.get_by_test_id("lock-refusal")).to_contain_text("3")
    with page.expect_navigation():
        page.get_by_test_id("lock").click()
    expect(page.locator(".alert-danger")).to_contain_text("3")
    plan.candidate_list.refresh_from_db()
    assert not plan.candidate_list.is_locked
