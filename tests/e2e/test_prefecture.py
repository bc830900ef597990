"""The prefecture's (市) roll-up in Chromium (issue 17): the prefecture reviewer lands on it
from the navigation, reads each county with its townships' and its own congress's figures,
the charts draw, and the page reads at phone width without scrolling sideways; the county
dashboard shows the county congress's own row first."""

import pytest
from playwright.sync_api import expect

from congress.models import Prefecture, Role
from tests.e2e.conftest import PHONE, login, shot
from tests.factories import SessionFactory, TermFactory, user_with_county_role
from tests.reports.factories import published_plan, supervision_records
from tests.reports.test_prefecture import county_plan


def _data(world):
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    for county in (world.county, world.county_other):
        county.prefecture = prefecture
        county.save(update_fields=["prefecture"])
    published_plan(world.township, world.session, year=2026, suggestions=4)
    session = SessionFactory(
        term=TermFactory(township=world.township_other, county=world.county), number=1
    )
    published_plan(
        world.township_other,
        session,
        year=2026,
        titles=["柳河村桥梁修缮", "柳河小学操场改造", "柳河村垃圾分类站"],
        elected=2,
    )
    supervision_records(world.township.projects.get(title="东河村道路路灯安装"), percent=60)
    county_plan(world.county, suggestions=6, supervise={"percent": 35})
    far_session = SessionFactory(
        term=TermFactory(township=world.township_far, county=world.county_other), number=1
    )
    published_plan(
        world.township_far, far_session, year=2026, titles=["白水村饮水", "白水桥"], elected=1
    )
    user_with_county_role(Role.REVIEWER, prefecture=prefecture, username="rev_qingzhou")
    return prefecture


def test_prefecture_reviewer_reads_the_roll_up_and_drills_down(page, world):
    prefecture = _data(world)
    login(page, "rev_qingzhou")
    page.locator("nav a[href='/dashboard/']").first.click()
    expect(page).to_have_url(
        f"{page.url.split('/dashboard/')[0]}/dashboard/prefectures/{prefecture.pk}/"
    )
    expect(page.locator("h1")).to_contain_text("青州市")
    table = page.locator("#prefecture-table")
    expect(table.locator("[data-testid=county-row]")).to_have_count(2)
    expect(table.locator("[data-testid=county-row]").first).to_contain_text("青山县")
    expect(table.locator("[data-testid=prefecture-total]")).to_be_visible()
    expect(page.locator(".js-chart svg").first).to_be_visible()
    shot(page, "prefecture-1280")

    table.get_by_role("link", name="青山县").click()
    expect(page.locator("h1")).to_contain_text("青山县")
    expect(page.locator("[data-testid=county-congress-row]")).to_contain_text("青山县")
    expect(page.locator("[data-testid=county-total]")).to_be_visible()
    shot(page, "county-with-county-level")


@pytest.mark.parametrize("viewport", [PHONE])
def test_prefecture_roll_up_at_phone_width(page, world):
    prefecture = _data(world)
    login(page, "rev_qingzhou")
    page.goto(f"/dashboard/prefectures/{prefecture.pk}/2026/")
    expect(page.locator(".js-chart svg").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    shot(page, "prefecture-390")
