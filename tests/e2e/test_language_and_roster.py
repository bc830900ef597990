"""The site as a person sees it in Chromium: language, roster, check-in and scoping."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from congress.models import AttendanceStatus
from tests.e2e.conftest import PHONE, login, shot


def zh(message: str) -> str:
    """The Simplified Chinese label the site shows for ``message`` (from the catalogue)."""
    with translation.override("zh-hans"):
        return gettext(message)


# An English browser on purpose: the site is Chinese until the user switches.
@pytest.mark.parametrize("browser_locale", ["en-US"])
def test_login_page_is_chinese_by_default_and_switches_to_english(page):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    submit = page.locator("main form button[type=submit]")
    expect(submit).to_have_text("登录")
    select = page.locator("#language-select")
    expect(select.locator("option[value=zh-hans]")).to_have_text("简体中文")
    expect(select.locator("option[value=en]")).to_have_text("English")
    expect(select).to_have_value("zh-hans")
    shot(page, "zh")

    # static/js/app.js submits the form on change; the page comes back in English.
    with page.expect_navigation():
        select.select_option("en")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(submit).to_have_text("Log in")
    expect(page.locator("#language-select")).to_have_value("en")
    shot(page, "en")


def test_staff_finds_a_deputy_in_the_roster_on_desktop_and_phone(page, world):
    login(page, "staff_a")
    # Home lists the staff member's township; open it, then its roster.
    page.locator("main").get_by_role("link", name=world.township.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/townships/{world.township.pk}/$"))
    expect(page.locator("h1")).to_have_text(world.township.name)
    page.locator(f"main a[href='/townships/{world.township.pk}/deputies/']").first.click()
    expect(page).to_have_url(re.compile(rf"/townships/{world.township.pk}/deputies/"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(5)  # 王建国, the group member 赵红梅 and three more in office

    search = page.locator("#q")
    search.fill("王建国")
    with page.expect_navigation():
        search.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=%E7%8E%8B%E5%BB%BA%E5%9B%BD"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王建国")
    expect(rows.first).to_contain_text("13800000001")  # staff see the phone
    expect(rows.first.get_by_role("link", name="王建国")).to_have_attribute(
        "href", f"/deputies/{world.deputy.pk}/"
    )
    toggler = page.locator("nav .navbar-toggler")
    expect(toggler).to_be_hidden()
    shot(page, "desktop")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王建国")
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " body: document.body.scrollWidth})"
    )
    assert widths["scroll"] <= widths["inner"], widths
    assert widths["body"] <= widths["inner"], widths
    # The navbar collapses behind the toggler, and Bootstrap's JS opens it.
    expect(toggler).to_be_visible()
    expect(page.locator("#mainnav")).to_be_hidden()
    shot(page, "phone")
    toggler.click()
    expect(page.locator("#mainnav")).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    shot(page, "phone-menu")


def test_staff_checks_a_deputy_in_without_reloading(page, world):
    login(page, "staff_a")
    page.goto(f"/sessions/{world.session.pk}/")
    headcount = page.locator("#headcount")
    expect(headcount).to_be_visible()

    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=zh("Open the roll")).click()
    present_label = zh(AttendanceStatus.PRESENT.label)
    due = headcount.locator(".stat-value").nth(0)
    present = headcount.locator(".stat-value").nth(1)
    expect(due).to_have_text("5")  # the five deputies in office
    expect(present).to_have_text("0")
    shot(page, "roll-open")

    # A full reload would drop this marker; an HTMX swap keeps it.
    page.evaluate("() => { window.__noReload = true; }")
    button = page.get_by_role("button", name=f"{world.deputy.name}: {present_label}")
    with page.expect_response(
        lambda r: f"/attendance/{world.deputy.pk}/" in r.url and r.request.method == "POST"
    ) as answer:
        button.click()
    assert answer.value.status == 200
    expect(present).to_have_text("1")
    expect(due).to_have_text("5")  # the five deputies in office
    row = page.locator(f"#att-{world.deputy.pk}")
    expect(
        row.get_by_role("button", name=f"{world.deputy.name}: {present_label}")
    ).to_have_attribute("aria-pressed", "true")
    expect(row.locator(".badge")).to_have_text(present_label)
    assert page.evaluate("() => window.__noReload === true"), "the page reloaded"
    shot(page, "checked-in")


def test_reviewer_of_another_county_gets_404_for_the_township(page, world, browser_errors):
    url = f"/townships/{world.township.pk}/"
    browser_errors.expect_status(404, url)
    login(page, "rev_b")
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("main h1")).to_have_text(zh("Not found"))
    expect(page.locator("main")).not_to_contain_text(world.township.name)
    shot(page, "404")


def test_site_declares_an_icon(page):
    """Browsers ask every site for an icon; a 404 there is a console error on first visit."""
    page.goto("/accounts/login/")
    declared = page.locator("head link[rel~=icon]")
    if declared.count():
        href = declared.first.get_attribute("href") or ""
        if href.startswith("data:"):
            return
        url = href
    else:
        url = "/favicon.ico"
    response = page.request.get(url)
    assert response.status == 200, f"{url} answered {response.status}"
    assert response.headers.get("content-type", "").startswith("image/"), response.headers


def test_csp_blocks_inline_script_and_the_recorder_sees_it(page, browser_errors):
    """Guards the guard: an inline script breaks the CSP, and that is recorded as an error."""
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const s = document.createElement("script");
            s.textContent = "window.__inlineRan = true;";
            document.head.appendChild(s);
        }"""
    )
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.__inlineRan === undefined"), "inline script ran"
    csp = [e for e in browser_errors.errors if "Content Security Policy" in e]
    assert csp, browser_errors.errors
    # Expected here; any other error still fails the test.
    browser_errors.errors[:] = [e for e in browser_errors.errors if e not in csp]
