"""Edit forms keep their dates and numbers when saved unchanged, in Chinese and in English.

In Chinese the date inputs used to carry ``2026/12/31``; Chromium's ``<input type=date>``
rejects that, shows an empty field, and saving the form wiped the stored date (a project's
完成时限 disappeared when only its investment was edited)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, login, shot
from tests.test_display_defects import (
    BUDGET,
    DEADLINE,
    INVESTMENT,
    MILESTONE_DONE,
    MILESTONE_PLANNED,
    dated_objects,
)


def _set_language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )


def _browser_values(page, kind: str) -> dict[str, str]:
    """What the browser holds in each input of ``kind`` (an input it rejected is empty)."""
    return page.eval_on_selector_all(
        f"main form input[type={kind}]",
        "els => Object.fromEntries(els.map(e => [e.name, e.value]))",
    )


def _save(page) -> None:
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page.locator(".invalid-feedback, .alert-danger")).to_have_count(0)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_edit_forms_show_stored_dates_and_save_them_unchanged(page, live_server, world, language):
    from congress.models import RuleSet

    reserve, elected = dated_objects(world)
    rules = RuleSet.objects.get_or_create(township=world.township)[0]
    rules_before = {f: getattr(rules, f) for f in ("quorum_numerator", "quorum_denominator")}
    _set_language(page, live_server, language)
    login(page, "staff_a")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # The reserve project: 完成时限 and investment
    page.goto(f"/projects/{reserve.pk}/edit/")
    dates = _browser_values(page, "date")
    numbers = _browser_values(page, "number")
    assert dates == {"deadline": DEADLINE.isoformat()}
    assert numbers == {"estimated_investment": str(INVESTMENT)}
    shot(page, f"project-{language}")
    _save(page)
    reserve.refresh_from_db()
    assert (reserve.deadline, reserve.estimated_investment) == (DEADLINE, INVESTMENT)

    # The implementation plan: its deadline, budget and milestone dates
    page.goto(f"/supervision/projects/{elected.pk}/plan/")
    dates = _browser_values(page, "date")
    assert dates["deadline"] == DEADLINE.isoformat()
    assert dates["planned_approval"] == MILESTONE_PLANNED.isoformat()
    assert dates["done_approval"] == MILESTONE_DONE.isoformat()
    assert all(value == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) for value in dates.values())
    assert _browser_values(page, "number")["budget"] == str(BUDGET)
    _save(page)
    plan = elected.implementation_plan
    plan.refresh_from_db()
    approval = plan.milestones.get(kind="approval")
    assert (plan.deadline, plan.budget) == (DEADLINE, BUDGET)
    assert (approval.planned_date, approval.done_on) == (MILESTONE_PLANNED, MILESTONE_DONE)

    # The rule set: whole numbers only
    page.goto(f"/townships/{world.township.pk}/rules/")
    numbers = _browser_values(page, "number")
    assert numbers["quorum_numerator"] == str(rules_before["quorum_numerator"])
    assert all(re.fullmatch(r"\d+", value) for value in numbers.values()), numbers
    _save(page)
    rules.refresh_from_db()
    assert {f: getattr(rules, f) for f in rules_before} == rules_before


# ---------------------------------------------------------------------------------------------
# The results table on a phone (390 px)

# Four candidates, ten deputies, three slots: 8, 6, 8 and 5 votes for, in ballot order.
RESULT_BALLOTS = ["YYYN"] * 5 + ["YNYY"] * 3 + ["NYNY", "NNNY"]


@pytest.mark.parametrize("viewport", [PHONE])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_results_on_a_phone_are_ranked_and_readable(page, live_server, world, language):
    """名次 read 1, 3, 1, 4 (ballot order); 结果 was off-screen and headers wrapped one
    character per line at 390 px."""
    from tests.voting.conftest import TITLES
    from tests.voting.services.helpers import voted as _voted

    vote, result = _voted(world, RESULT_BALLOTS)
    assert [cr.yes for cr in result.candidates.all()] == [8, 6, 8, 5]
    _set_language(page, live_server, language)
    login(page, "staff_a")
    page.goto(f"/votes/{vote.pk}/results/")
    region = page.get_by_test_id("results-table")
    rows = region.locator("tbody tr")
    ranks = [rows.nth(i).locator("td").nth(0).inner_text() for i in range(4)]
    titles = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(4)]
    assert ranks == ["1", "1", "3", "4"]
    assert [t.splitlines()[0] for t in titles] == [TITLES[0], TITLES[2], TITLES[1], TITLES[3]]

    # Every row's outcome is on screen without scrolling.
    for i in range(4):
        badge = rows.nth(i).locator(".badge").filter(visible=True)
        expect(badge).to_have_count(1)
        box = badge.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    # Headers stay on one line.
    heights = page.eval_on_selector_all(
        "[data-testid=results-table] thead th",
        "ths => ths.filter(th => th.offsetParent).map(th => th.getBoundingClientRect().height)",
    )
    assert max(heights) < 1.8 * min(heights), heights
    # The table scrolls inside its own region, which a keyboard can reach and scroll.
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    assert region.get_attribute("aria-label")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"]
    assert "{#" not in page.locator("main").inner_text()
    shot(page, f"results-phone-{language}")
    if region.evaluate("el => el.scrollWidth > el.clientWidth"):
        region.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=results-table]').scrollLeft > 0"
        )


# ---------------------------------------------------------------------------------------------
# The API documentation page


def test_api_docs_page_shows_the_operations_under_the_csp(page, world):
    """The page was blank: the Content-Security-Policy blocked Swagger UI's inline script and
    style. Any CSP violation is a console error, which fails this test (tests/e2e/conftest)."""
    login(page, "staff_a")
    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Livelihood API")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/townships/").first
    ).to_be_visible()
    assert page.locator(".opblock").count() > 10
    # Opening an operation renders its parameters and responses, still without a violation.
    page.locator(".opblock-summary-path", has_text="/api/v1/townships/").first.click()
    expect(page.locator(".opblock.is-open .responses-wrapper").first).to_be_visible()
    shot(page, "api-docs")
