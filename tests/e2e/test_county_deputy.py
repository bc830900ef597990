"""A county deputy (县人大代表) on the phone: from the home page to the county congress's
entry form, a suggestion they collected entered with themselves as the receiving deputy."""

import pytest
from playwright.sync_api import expect

from projects.models import Suggestion
from tests.e2e.conftest import PHONE, login, shot
from tests.factories import DeputyFactory, UserFactory


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_county_deputy_enters_a_suggestion_on_the_phone(page, world):
    deputy = DeputyFactory(
        township=world.township_other,
        name="陈县代",
        is_county_deputy=True,
        is_township_deputy=False,
        user=UserFactory(username="county_dep"),
    )
    login(page, "county_dep")
    page.goto("/")
    link = page.get_by_test_id("enter-county-suggestion")
    expect(link).to_be_visible()
    expect(page.get_by_test_id("enter-suggestion")).to_have_count(0)
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] >= 40  # a thumb-sized target
    shot(page, "home")

    with page.expect_navigation():
        link.click()
    expect(page.get_by_test_id("entry-body")).to_contain_text(world.county.name)
    page.locator("#id_channel").select_option("door_to_door")
    page.locator("#id_title").fill("县城至柳河乡公路拓宽")
    page.locator("#id_content").fill("道路狭窄，会车困难，村民反映强烈。")
    # the form fits the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    suggestion = Suggestion.objects.get()
    assert suggestion.county == world.county and suggestion.deputy == deputy
    expect(page.locator(".alert-success")).to_contain_text(suggestion.receipt_display)
    shot(page, "entered")
