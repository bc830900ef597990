"""A satisfaction evaluation in Chromium: deputies rate the projects on phones, a paper
ballot is double-entered, the chief scrutineer certifies, and the grades and rates shown
match an independent count."""

import re
from pathlib import Path

from playwright.sync_api import expect

from congress.models import Role
from tests.e2e.conftest import PHONE, login, shot
from tests.e2e.conftest import open_page as _context_page
from tests.factories import user_with_role
from tests.voting.ceremony import slips_from_pdf
from tests.voting.test_evaluation import _evaluation
from voting import domain, services
from voting.models import OfficerRole, Vote

GRADES = {"S": "满意", "B": "基本满意", "U": "不满意"}
PHONE_BALLOTS = ["SB", "SU", "SB", "BU"]


def test_whole_evaluation(page, browser, live_server, browser_errors, world):
    evaluation = _evaluation(world)
    staff = world.users["staff"]
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_ev")
    teller_b = user_with_role(Role.TELLER, township=world.township, username="teller_ev")
    for role, name, user in (
        (OfficerRole.CHIEF_SCRUTINEER, "吴静", chief),
        (OfficerRole.TELLER, "周涛", world.users["teller"]),
        (OfficerRole.TELLER, "郑伟", teller_b),
    ):
        services.vote_officer_add(actor=staff, vote=evaluation, role=role, name=name, user=user)
    codes = services.vote_generate_codes(actor=staff, vote=evaluation, spares=0)
    services.vote_record_issued(actor=staff, vote=evaluation, slips_issued=4, paper_issued=0)

    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "staff_a")
    page.goto(f"/votes/{evaluation.pk}/")
    # 密钥分片: the evaluation's ballots are sealed like a vote's; the chief scrutineer holds
    # the one key share.
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("密钥分片")).click()
    slips = slips_from_pdf(Path(download.value.path()).read_bytes())
    assert len(slips) == 1
    page.goto(f"/votes/{evaluation.pk}/")
    page.get_by_role("button", name=re.compile("开始投票")).click()
    expect(page.locator("#live")).to_contain_text("投票中")

    for code, marks in zip(codes, PHONE_BALLOTS, strict=False):
        context, phone = _context_page(browser, live_server, browser_errors, viewport=PHONE)
        phone.goto(f"/ballot/#{domain.format_code(code)}")
        expect(phone.locator("#ballot-form")).to_be_visible()
        fieldsets = phone.locator("fieldset.ballot-candidate")
        for i, mark in enumerate(marks):
            fieldsets.nth(i).locator("label", has_text=re.compile(f"^{GRADES[mark]}$")).click()
        shot(phone, f"ballot-{marks}")
        phone.locator("#review-button").click()
        phone.get_by_role("button", name=re.compile("确认投票")).click()
        expect(phone.locator(".alert-success")).to_contain_text("您的表决票已收到")
        context.close()
    expect(page.locator("#received")).to_have_text("4", timeout=8000)

    page.get_by_role("button", name=re.compile("改用纸质表决票")).click()
    page.locator("input[name=paper_issued]").fill("1")
    page.get_by_role("button", name="记录").click()
    page.get_by_role("button", name=re.compile("结束投票")).click()

    for username, slot in (("teller_a", "A"), ("teller_ev", "B")):
        context, teller = _context_page(
            browser, live_server, browser_errors, viewport={"width": 1280, "height": 800}
        )
        login(teller, username)
        teller.goto(f"/votes/{evaluation.pk}/paper/{slot}/")
        teller.locator("input[name=keys]").fill("12")  # 满意, 基本满意
        teller.keyboard.press("Enter")
        expect(teller.locator("tbody tr")).to_have_count(1)
        context.close()

    context, scrutineer = _context_page(
        browser, live_server, browser_errors, viewport={"width": 1280, "height": 800}
    )
    login(scrutineer, "chief_ev")
    scrutineer.goto(f"/votes/{evaluation.pk}/paper-check/")
    scrutineer.get_by_role("button", name="将纸质表决票计入").click()
    # 开箱计票: the guided path sends the chief scrutineer to the count page with the slip.
    scrutineer.get_by_test_id("officer-turn").get_by_role("link").click()
    scrutineer.locator("#slip-1").fill(slips[0])
    scrutineer.get_by_role("button", name=re.compile("开箱计票")).click()
    expect(scrutineer).to_have_url(re.compile(rf"/votes/{evaluation.pk}/results/$"))
    scrutineer.get_by_role("button", name=re.compile("确认计票结果")).click()
    expect(scrutineer.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
    shot(scrutineer, "evaluation-results")
    context.close()

    ballots = PHONE_BALLOTS + ["SB"]
    expected = []
    for p in range(2):
        s = sum(b[p] == "S" for b in ballots)
        b = sum(b[p] == "B" for b in ballots)
        expected.append((s, b, domain.percent_2dp(s, len(ballots))))
    page.goto(f"/votes/{evaluation.pk}/results/")
    rows = page.locator("table tbody tr")
    for p, (s, b, rate) in enumerate(expected):
        cells = rows.nth(p).locator("td")
        assert int(cells.nth(1).inner_text()) == s
        assert int(cells.nth(2).inner_text()) == b
        assert cells.nth(5).inner_text() == rate
    result = Vote.objects.get(pk=evaluation.pk).result
    grades = list(result.evaluations.values_list("grade", flat=True))
    assert grades == ["satisfied", "basic"]  # 4 of 5 满意; then 0 满意 + 3 基本满意 of 5
