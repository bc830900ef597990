"""Every person finds their work, in Chromium: a teller and a scrutineer start from their home
page and follow its tasks to paper entry, the check of mismatches and the certification; a
resident on a 390 px phone goes from the front door to a township's published projects, a
project's progress page, and the receipt lookup."""

# ruff: noqa: F811 - vote_world is a fixture imported from the voting tests

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, login, settle, shot
from tests.reports.factories import published_plan
from tests.voting.conftest import vote_world  # noqa: F401 - fixture
from voting import services

from ..voting.ceremony import open_box_and_count, open_with_ceremony


def _open_with_paper(world, *, paper=2):
    staff, vote = world.users["staff"], world.vote
    services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=paper)
    open_with_ceremony(staff, vote)
    return vote


def test_teller_follows_the_home_task_to_paper_entry(page, vote_world):
    world = vote_world
    vote = _open_with_paper(world)
    login(page, "teller_a")
    page.goto("/")
    task = page.locator('[data-testid="worklist"] a[data-task="paper_entry"]')
    expect(task).to_have_count(1)
    expect(task).to_contain_text(vote.title)
    shot(page, "home-vote-open")

    # While the vote is open the page says so and when entry starts; no "entry is finished".
    task.click()
    expect(page).to_have_url(re.compile(rf"/votes/{vote.pk}/paper/A/$"))
    state = page.get_by_test_id("paper-entry-state")
    expect(state).to_have_attribute("data-stage", "before")
    expect(page.locator("main")).not_to_contain_text("录入已结束")
    expect(page.locator("input[name=keys]")).to_have_count(0)
    shot(page, "entry-before-close")

    # The breadcrumb leads to the session's votes, which the teller may open (no 403).
    page.locator("nav[aria-label=breadcrumb]").get_by_role("link", name=vote.title).click()
    expect(page).to_have_url(re.compile(rf"/sessions/{world.session.pk}/votes/$"))
    expect(page.locator(f'[data-vote="{vote.pk}"] a[data-link="paper-a"]')).to_be_visible()
    settle(page)

    services.vote_close(actor=world.users["staff"], vote=vote)
    page.goto("/")
    task = page.locator('[data-testid="worklist"] a[data-task="paper_entry"]')
    expect(task.locator(".bi-hourglass-split")).to_have_count(0)  # no longer waiting
    task.click()
    for keys in ("1122", "2111"):
        page.locator("input[name=keys]").fill(keys)
        page.keyboard.press("Enter")
        page.wait_for_load_state()
    expect(page.locator("tbody tr")).to_have_count(2)
    shot(page, "entry-done")


def test_scrutineer_follows_home_tasks_to_mismatches_and_certification(page, vote_world):
    world = vote_world
    vote = _open_with_paper(world)
    services.vote_close(actor=world.users["staff"], vote=vote)
    for user, keys in ((world.users["teller"], "2111"), (world.users["teller_b"], "2211")):
        slot = "A" if user == world.users["teller"] else "B"
        services.paper_entry_save(actor=user, vote=vote, slot=slot, sequence=1, keys="1122")
        services.paper_entry_save(actor=user, vote=vote, slot=slot, sequence=2, keys=keys)

    page.on("dialog", lambda dialog: dialog.accept())  # certifying asks first
    login(page, "chief_a")
    page.goto("/")
    check = page.locator('[data-testid="worklist"] a[data-task="paper_check"]')
    expect(check).to_have_count(1)
    shot(page, "home-mismatch")
    check.click()
    expect(page).to_have_url(re.compile(rf"/votes/{vote.pk}/paper-check/$"))
    row = page.locator("tr.row-differs")
    expect(row).to_have_count(1)
    row.locator("input[name=keys]").fill("2111")
    row.locator("input[name=reason]").fill("核对原票，第二项划在赞成栏")
    row.locator("button").click()
    page.get_by_role("button", name="将纸质表决票计入").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    settle(page)

    open_box_and_count(world.users["staff"], vote)
    page.goto("/")
    certify = page.locator('[data-testid="worklist"] a[data-task="vote_certify"]')
    expect(certify).to_have_count(1)
    certify.click()
    expect(page).to_have_url(re.compile(rf"/votes/{vote.pk}/results/$"))
    page.get_by_role("button", name=re.compile("确认计票结果")).click()
    expect(page.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    page.goto("/")
    expect(page.locator('[data-testid="worklist"] a[data-task="vote_certify"]')).to_have_count(0)
    shot(page, "home-after-certify")


def test_resident_front_door_on_a_phone(page, world):
    from projects.models import IntakeLink, LiaisonStation

    _plan, _vote, projects = published_plan(world.township, world.session, year=2026)
    station = LiaisonStation.objects.create(
        township=world.township,
        name="东河村代表联络站",
        village=world.village,
        address="东河村委会",
    )
    IntakeLink.objects.create(token="STE2E", township=world.township, station=station)
    page.set_viewport_size(PHONE)

    page.goto("/")
    townships = page.get_by_test_id("front-townships")
    expect(townships).to_contain_text(world.township.name)
    expect(page.get_by_test_id("front-suggest")).to_contain_text("东河村代表联络站")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the front door is {width}px wide on a 390px phone"
    shot(page, "front-door-phone")

    townships.get_by_role("link", name=re.compile(world.township.name)).click()
    expect(page).to_have_url(re.compile(rf"/public/townships/{world.township.pk}/2026/$"))
    progress = page.locator('a[data-link="progress"]')
    expect(progress).to_have_count(3)
    shot(page, "township-phone")
    progress.first.click()
    expect(page).to_have_url(re.compile(rf"/progress/{projects[0].pk}/$"))
    expect(page.locator("h1")).to_have_text(projects[0].title)
    settle(page)

    page.goto("/")
    page.get_by_test_id("front-receipt").click()
    expect(page).to_have_url(re.compile(r"/track/$"))
    expect(page.locator("main form")).to_be_visible()
    settle(page)
