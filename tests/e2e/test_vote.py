"""A whole vote in Chromium: deputies vote on phones in separate browsers while staff watch
the console, the vote switches to paper, two tellers key in the paper ballots with one
mismatch, the chief scrutineer decides it, and the certified result matches an independent
count. Plus an accessibility check of the ballot with axe-core."""

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from congress.models import Role
from tests.e2e.conftest import PHONE, login, shot
from tests.e2e.conftest import open_page as _context_page
from tests.factories import user_with_role
from tests.voting.conftest import check_in, make_candidate_list
from voting import domain, services
from voting.models import OfficerRole, Vote

from ..voting.ceremony import open_with_ceremony, print_key_slips, slips_of

DEPUTY_BALLOTS = [  # (marks per candidate as clicked: Y, N, A or None for no mark)
    ("Y", "Y", "N", "A"),
    ("Y", "N", "Y", None),
    ("Y", "Y", "Y", "N"),
    ("N", "Y", "A", "Y"),
]
LABELS = {"Y": "赞成", "N": "反对", "A": "弃权"}


def _setup(world):
    staff = world.users["staff"]
    check_in(world, 9, total=10)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_e2e")
    teller_b = user_with_role(Role.TELLER, township=world.township, username="teller_e2e")
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静", user=chief
    )
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.TELLER, name="周涛", user=world.users["teller"]
    )
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.TELLER, name="郑伟", user=teller_b
    )
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=2)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    print_key_slips(staff, vote)  # 密钥分片: the chief scrutineer holds the one key share
    return vote, codes


def _vote_on_phone(browser, live_server, browser_errors, code, marks):
    context, page = _context_page(browser, live_server, browser_errors, viewport=PHONE)
    try:
        page.goto(f"/ballot/#{domain.format_code(code)}")
        expect(page.locator("#ballot-form")).to_be_visible()
        assert "#" not in page.url  # the code left the address bar
        fieldsets = page.locator("fieldset.ballot-candidate")
        for i, mark in enumerate(marks):
            if mark is not None:
                fieldsets.nth(i).locator("label", has_text=LABELS[mark]).click()
        page.locator("#review-button").click()
        expect(page.locator("h1")).to_have_text("核对表决票")
        page.get_by_role("button", name=re.compile("确认投票")).click()
        expect(page.locator(".alert-success")).to_contain_text("您的表决票已收到")
        tracker = page.locator(".tracker").inner_text().strip()
        return tracker, page.screenshot(full_page=True)
    finally:
        context.close()


def test_whole_vote_electronic_and_paper(page, browser, live_server, browser_errors, world):
    vote, codes = _setup(world)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "staff_a")
    page.goto(f"/votes/{vote.pk}/")
    expect(page.locator(".quorum-verdict").first).to_contain_text("已过法定人数")
    page.get_by_role("button", name=re.compile("开始投票")).click()
    expect(page.locator("#live")).to_contain_text("投票中")
    shot(page, "console-open")

    trackers = []
    for code, marks in zip(codes, DEPUTY_BALLOTS, strict=False):
        tracker, _png = _vote_on_phone(browser, live_server, browser_errors, code, marks)
        trackers.append(tracker)
    # The console's live panel catches up by itself (HTMX polling), without a reload.
    expect(page.locator("#received")).to_have_text(str(len(DEPUTY_BALLOTS)), timeout=8000)
    shot(page, "console-four-received")

    # Electronic voting fails: switch to paper, hand out 2 paper ballots, close.
    page.get_by_role("button", name=re.compile("改用纸质表决票")).click()
    page.locator("input[name=paper_issued]").fill("2")
    page.get_by_role("button", name="记录").click()
    page.get_by_role("button", name=re.compile("结束投票")).click()
    expect(page.locator("#live")).to_contain_text("已结束投票")

    # Two tellers key in the two paper ballots; the second teller mistypes ballot 2.
    for username, sequences in (("teller_a", ["1122", "2111"]), ("teller_e2e", ["1122", "2211"])):
        context, teller = _context_page(
            browser, live_server, browser_errors, viewport={"width": 1280, "height": 800}
        )
        login(teller, username)
        slot = "A" if username == "teller_a" else "B"
        teller.goto(f"/votes/{vote.pk}/paper/{slot}/")
        for keys in sequences:
            teller.locator("input[name=keys]").fill(keys)
            teller.keyboard.press("Enter")
            teller.wait_for_load_state()
        expect(teller.locator("tbody tr")).to_have_count(2)
        shot(teller, f"paper-{slot}")
        context.close()

    context, chief = _context_page(
        browser, live_server, browser_errors, viewport={"width": 1280, "height": 800}
    )
    login(chief, "chief_e2e")
    chief.goto(f"/votes/{vote.pk}/paper-check/")
    expect(chief.locator("tr.row-differs")).to_have_count(1)
    chief.locator("tr.row-differs input[name=keys]").fill("2111")
    chief.locator("tr.row-differs input[name=reason]").fill("第二项划在赞成栏，经核对原票")
    chief.locator("tr.row-differs button").click()
    chief.get_by_role("button", name="将纸质表决票计入").click()
    expect(chief.locator(".alert-success").first).to_be_visible()
    shot(chief, "paper-check")

    # 开箱计票: the chief scrutineer types the share slip on the count page; the box opens
    # and is counted.
    chief.goto(f"/votes/{vote.pk}/paper-check/")  # the guided path links the count page
    chief.locator('[data-testid="officer-turn"] a').click()
    chief.locator("#slip-1").fill(slips_of(vote)[0])
    chief.get_by_role("button", name=re.compile("开箱计票")).click()
    expect(chief).to_have_url(re.compile(rf"/votes/{vote.pk}/results/$"))
    page.goto(f"/votes/{vote.pk}/results/")
    chief.goto(f"/votes/{vote.pk}/results/")
    chief.get_by_role("button", name=re.compile("确认计票结果")).click()
    expect(chief.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    shot(chief, "results-certified")
    context.close()

    # An independent count of what was clicked and keyed.
    electronic = ["".join(m or "-" for m in marks) for marks in DEPUTY_BALLOTS]
    paper = ["YYNN", "NYYY"]
    ballots = [b for b in electronic + paper if b.count("Y") <= 3]
    expected_yes = [sum(b[i] == "Y" for b in ballots) for i in range(4)]
    page.goto(f"/votes/{vote.pk}/results/")
    # The rows are in rank order: find each candidate's row by its title.
    shown = [
        int(page.locator("table tbody tr", has_text=c.title).locator("td").nth(2).inner_text())
        for c in Vote.objects.get(pk=vote.pk).candidates.order_by("position")
    ]
    assert shown == expected_yes
    vote = Vote.objects.get(pk=vote.pk)
    assert vote.status == "certified" and vote.result.returned == 6
    shot(page, "results")
    assert len(set(trackers)) == 4


def test_ballot_has_no_serious_accessibility_violations(
    browser, live_server, world, browser_errors
):
    """axe-core (vendored) on the code page and the ballot, at phone width."""
    vote, codes = _setup(world)
    open_with_ceremony(world.users["staff"], vote)
    axe = Path(settings.BASE_DIR, "static/vendor/axe-core/axe.min.js").read_text()
    # axe is injected as an inline script, which our CSP forbids: bypass it for this check.
    context, page = _context_page(
        browser, live_server, browser_errors, viewport=PHONE, bypass_csp=True
    )
    try:
        for step in ("code", "ballot"):
            if step == "code":
                page.goto("/ballot/")
            else:
                page.locator("input[name=code]").fill(codes[0])
                page.get_by_role("button", name="打开表决票").click()
                expect(page.locator("#ballot-form")).to_be_visible()
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length}))"
            )
            bad = [v for v in result if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{step}: {bad}"
    finally:
        context.close()


def test_session_console_has_no_serious_accessibility_violations(
    browser, live_server, world, browser_errors
):
    vote, _codes = _setup(world)
    axe = Path(settings.BASE_DIR, "static/vendor/axe-core/axe.min.js").read_text()
    context, page = _context_page(
        browser,
        live_server,
        browser_errors,
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )
    try:
        login(page, "staff_a")
        for path in (f"/votes/{vote.pk}/", f"/sessions/{world.session.pk}/"):
            page.goto(path)
            page.add_script_tag(content=axe)
            result = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,"
                " target: v.nodes.map(n => n.target.join(' '))}))"
            )
            bad = [v for v in result if v["impact"] in ("serious", "critical")]
            assert bad == [], f"{path}: {bad}"
    finally:
        context.close()
