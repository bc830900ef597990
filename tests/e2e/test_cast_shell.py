"""The hall's ballot shell (/vote/, issue 16) on a phone in Chromium: the code from the QR
link's fragment opens the ballot, the marks are shown back, the cast answers with the
tracker; a used code and a mistyped code are refused clearly; no cookie is ever set."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, shot
from tests.e2e.conftest import open_page as _context_page
from tests.voting.ceremony import open_with_ceremony
from tests.voting.conftest import check_in, make_candidate_list
from voting import domain, services
from voting.models import SealedBallot


def _open_vote(world):
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=2)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, vote)
    return vote, codes


def test_a_phone_casts_through_the_shell(browser, live_server, browser_errors, world):
    vote, codes = _open_vote(world)
    context, page = _context_page(browser, live_server, browser_errors, viewport=PHONE)
    try:
        page.goto(f"/vote/#{domain.format_code(codes[0])}")
        expect(page.locator("#step-ballot")).to_be_visible()
        expect(page.locator("#ballot-title")).to_have_text(vote.title)
        assert "#" not in page.url  # the code left the address bar
        cards = page.locator("fieldset.ballot-candidate")
        expect(cards).to_have_count(4)
        for i, label in enumerate(["赞成", "赞成", "赞成"]):
            cards.nth(i).locator("label", has_text=label).click()
        expect(page.locator("#approval-line")).to_contain_text("3")
        cards.nth(3).locator("label", has_text="赞成").click()  # a fourth: over the limit
        expect(page.locator("#approval-warning")).to_be_visible()
        expect(page.locator("#review-button")).to_be_disabled()
        cards.nth(3).locator("label", has_text="反对").click()
        shot(page, "ballot")
        page.locator("#review-button").click()
        expect(page.locator("#step-review h1")).to_have_text("核对表决票")
        expect(page.locator("#review-list li")).to_have_count(4)
        shot(page, "review")
        page.get_by_role("button", name=re.compile("确认投票")).click()
        expect(page.locator("#step-done")).to_be_visible()
        expect(page.locator("#step-done .alert-success")).to_contain_text("您的表决票已收到")
        tracker = page.locator("#tracker").inner_text().strip()
        shot(page, "done")
        assert SealedBallot.objects.get(vote=vote).tracker == tracker
        assert context.cookies() == []
    finally:
        context.close()

    # The same code on another phone: refused, with the advice to tell a scrutineer.
    browser_errors.expect_status(409, "/vote/open")
    context, page = _context_page(browser, live_server, browser_errors, viewport=PHONE)
    try:
        page.goto(f"/vote/#{domain.format_code(codes[0])}")
        expect(page.locator("#step-refused")).to_be_visible()
        expect(page.locator("#refused-title")).to_have_text("已经投过票")
        expect(page.locator("#refused-advice")).to_be_visible()
        shot(page, "already-cast")
    finally:
        context.close()


def test_a_mistyped_code_is_refused_and_english_works(browser, live_server, browser_errors, world):
    vote, codes = _open_vote(world)
    browser_errors.expect_status(400, "/vote/open")
    context, page = _context_page(browser, live_server, browser_errors, viewport=PHONE)
    try:
        page.goto("/vote/")
        page.locator("#lang").select_option("en")
        expect(page.locator("#step-code h1")).to_have_text("Enter your ballot code")
        code = domain.normalize_code(codes[1])
        typo = code[:-1] + ("0" if code[-1] != "0" else "1")
        page.locator("#code").fill(typo)
        page.get_by_role("button", name="Open my ballot").click()
        expect(page.locator("#code-alert")).to_contain_text("check symbol")
        page.locator("#code").fill(domain.format_code(codes[1]).lower())
        page.get_by_role("button", name="Open my ballot").click()
        expect(page.locator("#ballot-title")).to_have_text(vote.title)
        page.locator("fieldset.ballot-candidate").nth(0).locator(
            "label", has_text="For (赞成)"
        ).click()
        page.locator("#review-button").click()
        page.get_by_role("button", name=re.compile("Cast my ballot")).click()
        expect(page.locator("#step-done")).to_be_visible()
        expect(page.locator("#step-done")).to_contain_text("Your ballot has been received.")
        shot(page, "english-done")
        assert context.cookies() == []
    finally:
        context.close()
