"""Reports in Chromium: a county reviewer opens the dashboard, sorts the table, drills down to
a township and then a project; the public page reads well at phone width."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, login, shot
from tests.factories import SessionFactory, TermFactory
from tests.reports.factories import published_plan, supervision_records


def _data(world):
    published_plan(world.township, world.session, year=2026, suggestions=4)
    published_plan(world.township, world.session, year=2025, titles=["旧年项目甲", "旧年项目乙"])
    session = SessionFactory(
        term=TermFactory(township=world.township_other, county=world.county), number=1
    )
    published_plan(
        world.township_other,
        session,
        year=2026,
        titles=["柳河村桥梁修缮", "柳河小学操场改造", "柳河村垃圾分类站", "柳河村道路硬化"],
        elected=4,
    )
    supervision_records(world.township.projects.get(title="东河村道路路灯安装"), percent=60)


def test_reviewer_drills_down_from_county_dashboard_to_a_project(page, world):
    _data(world)
    login(page, "rev_a")
    page.locator("nav a[href='/dashboard/']").first.click()  # the navigation's entry
    expect(page.locator("h1")).to_contain_text("青山县")
    table = page.locator("#county-table")
    expect(table).to_contain_text("青石镇")
    expect(table).to_contain_text("柳河乡")
    # The charts are drawn (ECharts renders SVG) from the JSON data island.
    expect(page.locator(".js-chart svg").first).to_be_visible()
    # Sorting by "elected" (票决通过) descending puts 柳河乡 (4) above 青石镇 (3).
    header = table.locator("thead button.js-sort").nth(3)
    header.click()
    header.click()
    expect(table.locator("tbody tr").first).to_contain_text("柳河乡")
    shot(page, "county")

    table.get_by_role("link", name="青石镇").click()
    expect(page.locator("h1")).to_contain_text("青石镇")
    expect(page.locator("#project-table")).to_contain_text("东河村道路路灯安装")
    shot(page, "township")

    page.locator("#project-table").get_by_role("link", name="东河村道路路灯安装").click()
    expect(page.locator("h1")).to_have_text("东河村道路路灯安装")
    expect(page.locator("#evidence")).to_contain_text("60%")
    shot(page, "project")
    # Back up the breadcrumb to the county.
    page.locator(".breadcrumb").get_by_role("link", name="青山县").click()
    expect(page.locator("#county-table")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE])
def test_public_page_at_phone_width(page, world):
    _data(world)
    page.goto(f"/public/townships/{world.township.pk}/")
    expect(page.locator("h1")).to_contain_text("青石镇")
    expect(page.locator("main")).to_contain_text("东河村道路路灯安装")
    expect(page.locator("main")).to_contain_text("立项")  # milestones
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    shot(page, "public")


@pytest.mark.parametrize("viewport", [PHONE])
def test_county_dashboard_at_phone_width(page, world):
    _data(world)
    login(page, "rev_a")
    page.goto(f"/dashboard/counties/{world.county.pk}/2026/")
    expect(page.locator(".js-chart svg").first).to_be_visible()
    shot(page, "county-phone")


def test_staff_asks_for_a_report_and_watches_it_finish(
    page, world, monkeypatch, settings, tmp_path
):
    """The progress fragment is polled with HTMX: once the report is produced the page shows
    the download button without a reload."""
    from reports import services
    from reports.models import Report

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "report_enqueue", lambda *, report_id: False)  # no broker
    _data(world)
    login(page, "staff_a")
    page.locator(f"nav a[href='/reports/townships/{world.township.pk}/']").first.click()
    page.locator("#id_year").select_option("2026")
    page.locator("#id_quarter").select_option("2")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    status = page.locator("#report-status [data-status]")
    expect(status).to_have_attribute("data-status", "queued")
    shot(page, "queued")
    report = Report.objects.get()
    services.report_generate(report_id=report.pk)  # what the worker does
    expect(page.locator("#report-status [data-status]")).to_have_attribute(
        "data-status", "done", timeout=15_000
    )
    expect(page.locator("#report-status a[href$='/download/']")).to_be_visible()
    shot(page, "done")
    page.goto(f"/reports/townships/{world.township.pk}/")
    expect(page.locator("main table")).to_contain_text("2026")
    shot(page, "list")
