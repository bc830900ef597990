"""The hall display (投屏) on a projector-sized screen: during the vote it shows the roll and
the quorum, the state and the number of ballots received, updating itself as deputies cast;
after publication it shows the result. It never shows a ballot's content and has no
controls."""

from playwright.sync_api import expect

import tests.permission_table  # noqa: F401 - loads tests.permissions.* in order
from tests.e2e.conftest import login, shot
from tests.permissions.voting import _votes
from tests.voting.conftest import check_in, make_candidate_list
from voting import services

from ..voting.ceremony import open_with_ceremony

PROJECTOR = {"width": 1920, "height": 1080}


def _open_vote(world):
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=2)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, vote)
    return vote, codes


def test_the_display_counts_ballots_as_they_arrive(page, world):
    vote, codes = _open_vote(world)
    page.set_viewport_size(PROJECTOR)
    login(page, "staff_a")
    page.goto(f"/votes/{vote.pk}/")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="投屏").click()
    display = popup.value
    display.set_viewport_size(PROJECTOR)
    expect(display.locator(".display-state")).to_have_text("投票中")
    stats = display.locator(".display-roll .display-value")
    expect(stats.nth(0)).to_have_text("10")  # 应到
    expect(stats.nth(1)).to_have_text("9")  # 实到
    expect(display.locator(".display-verdict")).to_contain_text("已过法定人数")
    expect(display.locator("#display-received")).to_have_text("0")
    assert display.locator("button, input, select, textarea, form").count() == 0

    services.ballot_cast(vote_id=vote.pk, typed_code=codes[0], choices="YYNN")
    services.ballot_cast(vote_id=vote.pk, typed_code=codes[1], choices="NYYA")
    # The page polls every 3 s: the number changes without a reload, and nothing else does.
    expect(display.locator("#display-received")).to_have_text("2", timeout=10_000)
    text = display.locator("#display").inner_text()
    assert "YYNN" not in text and "赞成" not in text
    shot(display, "during")


def test_after_publication_the_display_shows_the_result(page, world):
    published = _votes(world).published_vote
    page.set_viewport_size(PROJECTOR)
    login(page, "staff_a")
    page.goto(f"/votes/{published.pk}/display/")
    expect(page.locator(".display-state")).to_have_text("已公布")
    rows = page.locator(".display-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("甲项目")
    expect(rows.nth(0)).to_contain_text("票决通过")
    expect(rows.nth(1)).to_contain_text("未通过")
    # Published: nothing left to wait for, so the page stops polling.
    assert page.locator("#display[hx-get]").count() == 0
    shot(page, "published")
