"""The sealed ballot's whole ceremony in Chromium (issue 15): staff print the key share slips
(密钥分片), deputies cast on phones and find their trackers on the public box page, the count
page refuses k − 1 slips and opens the box with k typed slips (开箱计票), the count follows and
the chief scrutineer certifies; the certificate carries both digests."""

import re

from playwright.sync_api import expect

from congress.models import Role
from tests.e2e.conftest import login, shot
from tests.e2e.test_vote import DEPUTY_BALLOTS, _vote_on_phone
from tests.factories import user_with_role
from tests.voting.conftest import check_in, make_candidate_list
from voting import pdf, services
from voting.models import OfficerRole, Vote

SLIP = re.compile(r"((?:[0-9A-HJKMNP-TV-Y]{5}\s+){11}[0-9A-HJKMNP-TV-Y]{5})")


def test_sealed_vote_ceremony_in_the_browser(page, browser, live_server, browser_errors, world):
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_seal")
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静", user=chief
    )
    for name in ("冯芳", "陈刚"):
        services.vote_officer_add(actor=staff, vote=vote, role=OfficerRole.SCRUTINEER, name=name)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "staff_a")
    page.goto(f"/votes/{vote.pk}/")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("密钥分片")).click()
    text = pdf.pdf_text(open(download.value.path(), "rb").read())  # noqa: SIM115
    slips = [re.sub(r"\s+", "", m) for m in SLIP.findall(text)]
    assert len(slips) == 3 and "密钥持有人" in text
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=2)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    page.goto(f"/votes/{vote.pk}/")
    expect(page.get_by_test_id("sealed-stage")).to_contain_text("2")
    page.get_by_role("button", name=re.compile("开始投票")).click()
    expect(page.locator("#live")).to_contain_text("投票中")

    trackers = []
    for code, marks in zip(codes, DEPUTY_BALLOTS, strict=False):
        tracker, _png = _vote_on_phone(browser, live_server, browser_errors, code, marks)
        trackers.append(tracker)
    page.goto(f"/box/{vote.pk}/")
    box = page.get_by_test_id("trackers")
    for tracker in trackers:
        expect(box).to_contain_text(tracker)
    shot(page, "sealed-box")

    page.goto(f"/votes/{vote.pk}/")
    page.get_by_role("button", name=re.compile("结束投票|Close")).first.click()
    expect(page.get_by_role("link", name=re.compile("开箱计票"))).to_be_visible()

    # The chief scrutineer's count page: one slip is not enough, two open the box.
    chief_page = browser.new_context(base_url=live_server.url).new_page()
    chief_page.on("dialog", lambda dialog: dialog.accept())
    login(chief_page, "chief_seal")
    chief_page.goto(f"/votes/{vote.pk}/open-box/")
    chief_page.locator("#slip-1").fill(slips[0])
    chief_page.get_by_role("button", name=re.compile("开箱计票")).click()
    expect(chief_page.locator("#slip-error")).to_contain_text("1")
    shot(chief_page, "open-box-refused")
    chief_page.locator("#slip-1").fill(slips[2])
    chief_page.locator("#slip-3").fill(" ".join(slips[1][i : i + 5] for i in range(0, 60, 5)))
    chief_page.get_by_role("button", name=re.compile("开箱计票")).click()
    expect(chief_page).to_have_url(re.compile(rf"/votes/{vote.pk}/results/$"))
    chief_page.get_by_role("button", name=re.compile("确认计票结果")).click()
    expect(chief_page.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    shot(chief_page, "sealed-certified")

    vote = Vote.objects.get(pk=vote.pk)
    assert vote.status == "certified" and vote.result.returned == len(DEPUTY_BALLOTS)
    expected_yes = [sum(1 for b in DEPUTY_BALLOTS if b[i] == "Y") for i in range(4)]
    assert [c.yes for c in vote.result.candidates.order_by("candidate__position")] == expected_yes
    certificate = re.sub(r"\s+", "", pdf.pdf_text(pdf.render_certificate(vote=vote)))
    assert vote.sealed_digest[:8] in certificate and vote.box_digest[:8] in certificate


def test_the_guided_path_shows_where_the_sealed_steps_are_done(page, browser, live_server, world):
    """At 1280 and 390 px: before opening the staff's turn is 密钥分片, linked to the console;
    once the vote is closed the key holders' turn is 开箱计票, linked to the count page."""
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_path")
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静", user=chief
    )
    services.vote_officer_add(actor=staff, vote=vote, role=OfficerRole.SCRUTINEER, name="冯芳")
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "staff_a")
    chief_page = browser.new_context(base_url=live_server.url).new_page()
    login(chief_page, "chief_path")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/votes/{vote.pk}/")
        step = page.locator('.officer-path [data-step="key_slips"]')
        expect(step).to_have_attribute("data-state", "current")
        expect(step).to_contain_text(re.compile("密钥分片|Key share slips"))
        turn = page.get_by_test_id("officer-turn")
        expect(turn).to_contain_text("轮到您了")
        expect(turn.get_by_role("link")).to_have_attribute("href", f"/votes/{vote.pk}/")
        shot(page, f"path-key-slips-{width}")
    # Opening is refused until the slips are printed; then the step is done.
    services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/votes/{vote.pk}/")
    page.get_by_role("button", name=re.compile("开始投票")).click()
    expect(page.locator(".alert").filter(has_text="密钥分片").first).to_be_visible()
    vote.refresh_from_db()
    assert vote.status == "draft"
    with page.expect_download():
        page.get_by_role("button", name=re.compile("密钥分片")).click()
    page.goto(f"/votes/{vote.pk}/")
    expect(page.locator('.officer-path [data-step="key_slips"]')).to_have_attribute(
        "data-state", "done"
    )
    page.get_by_role("button", name=re.compile("开始投票")).click()
    expect(page.locator("#live")).to_contain_text("投票中")
    services.vote_close(actor=staff, vote=vote)
    for width, height in ((1280, 900), (390, 844)):
        chief_page.set_viewport_size({"width": width, "height": height})
        chief_page.goto(f"/votes/{vote.pk}/paper-check/")
        step = chief_page.locator('.officer-path [data-step="open_box"]')
        expect(step).to_have_attribute("data-state", "current")
        expect(step).to_contain_text(re.compile("开箱计票|Open the box"))
        turn = chief_page.get_by_test_id("officer-turn")
        expect(turn).to_contain_text("2")  # 2 of the 2 key holders
        link = turn.get_by_role("link")
        expect(link).to_have_attribute("href", f"/votes/{vote.pk}/open-box/")
        shot(chief_page, f"path-open-box-{width}")
    link.click()
    expect(chief_page.locator("#slip-1")).to_be_visible()
