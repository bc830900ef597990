"""Edit forms keep their dates and numbers when saved unchanged, in Chinese and in English.

In Chinese the date inputs used to carry ``2026/12/31``; Chromium's ``<input type=date>``
rejects that, shows an empty field, and saving the form wiped the stored date (a project's
完成时限 disappeared when only its investment was edited)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot
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
