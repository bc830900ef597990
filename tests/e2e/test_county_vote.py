"""A county plenary's vote (县级票决, issue 17) in Chromium, as the people in the hall run it.

Set up through the services (the county, four delegations of five county deputies, the roll
opened with three present in each, the vote and its officers), then in the browser:

1. the county's staff take the rest of the roll on the session page and read it back by
   delegation (应到/实到/请假);
2. on the console they assign two teller pairs a batch of two delegations each, print the key
   share slips (密钥分片) and the code slips (each labelled with its delegation; the codes are
   read back from the PDF), record the slips and paper ballots handed to each delegation, and
   open the vote;
3. four deputies cast on 390 px phones through the ballot shell (/vote/#code); the other slips
   handed out are cast through the service (not the point of this journey);
4. staff close the vote and record the paper ballot each delegation's box gave back;
5. each pair's two tellers enter their batch (double entry) on the batch entry pages and a
   teller of the pair finishes it (a teller opening the other pair's batch is refused, 403);
   the console and the check page show each batch's progress;
6. the chief scrutineer merges both batches, types the key share slips on the count page
   (开箱计票), the box opens and is counted, the chief scrutineer certifies, staff publish;
7. the result shows 2 of the 4 county projects passed (11 of 20 in office needed; the third
   has 10), and the certificate PDF lists each delegation's slips and paper issued and
   returned.

Screenshots of the console and the batch entry page at 1280 and 390 px go to
test-artifacts/screenshots/.
"""

import re
import subprocess

from playwright.sync_api import expect

from congress.models import AttendanceStatus, DelegationMember
from tests.e2e.conftest import DESKTOP, PHONE, login, open_page, settle, shot
from tests.voting.ceremony import slips_from_pdf
from tests.voting.test_county_vote import COUNTY_TITLES, county_world, set_up_vote
from voting import services
from voting.models import OfficerRole, Vote, VoteStatus
from voting.pdf import pdf_text

LABELS = {"Y": "赞成", "N": "反对", "A": "弃权"}
PAPER_KEY = {"Y": "1", "N": "2", "A": "3"}
CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")

# Marks per candidate (COUNTY_TITLES order). Ten electronic ballots: four cast on phones, six
# through the service; four paper ballots, one from each delegation, entered by the pairs.
PHONE_BALLOTS = ["YYYN", "YYNA", "YNYY", "YYYN"]
SERVICE_BALLOTS = ["YYYN", "YYYN", "YYYN", "YYYN", "YYYN", "YNNA"]
PAPER_BALLOTS = {1: ["YYYN", "YYNY"], 2: ["YYNN", "YNYN"]}  # by batch
# 赞成 per candidate: 14, 11, 10, 2. Passing needs more than half of the 20 in office (11).
EXPECTED_YES = [14, 11, 10, 2]
EXPECTED_PASSED = COUNTY_TITLES[:2]


def _submit(page, button):
    settle(page)
    with page.expect_navigation():
        button.click()


def _person(browser, live_server, browser_errors, contexts, *, username=None, viewport=DESKTOP):
    context, page = open_page(
        browser, live_server, browser_errors, viewport=viewport, accept_downloads=True
    )
    page.on("requestfailed", browser_errors.on_requestfailed)
    contexts.append(context)
    if username:
        login(page, username)
    return page


def _cell_texts(row) -> list[str]:
    return [t.strip() for t in row.locator("td").all_inner_texts()]


def _cast_on_phone(browser, live_server, browser_errors, code: str, marks: str, shoot=False):
    context, page = open_page(browser, live_server, browser_errors, viewport=PHONE)
    try:
        page.goto(f"/vote/#{code}")
        expect(page.locator("#step-ballot")).to_be_visible()
        assert "#" not in page.url  # the code left the address bar
        for title, mark in zip(COUNTY_TITLES, marks, strict=True):
            card = page.locator("fieldset.ballot-candidate", has_text=title)
            card.locator("label", has_text=LABELS[mark]).click()
        if shoot:
            shot(page, "phone-ballot-390")
        page.locator("#review-button").click()
        expect(page.locator("#step-review h1")).to_have_text("核对表决票")
        page.get_by_role("button", name=re.compile("确认投票")).click()
        expect(page.locator("#step-done .alert-success")).to_contain_text("您的表决票已收到")
        expect(page.locator("#tracker")).to_have_text(re.compile(r"\S"))
        return page.locator("#tracker").inner_text().strip()
    finally:
        context.close()


def test_county_plenary_in_the_browser(browser, live_server, browser_errors, world):
    cw = county_world(world, per_delegation=5, present_each=3)
    vote = set_up_vote(cw)
    # A second key holder without an account, named by the session as on paper.
    services.vote_officer_add(actor=cw.staff, vote=vote, role=OfficerRole.SCRUTINEER, name="刘洋")
    d1, d2, d3, d4 = cw.delegations
    t1, t2, t3, t4 = cw.tellers
    seats = {
        d.pk: sorted(
            DelegationMember.objects.filter(delegation=d).values_list("deputy_id", flat=True)
        )
        for d in cw.delegations
    }
    contexts = []
    try:
        staff = _person(browser, live_server, browser_errors, contexts, username="county_staff")

        # 1. The rest of the roll on the session page, read back by delegation.
        staff.goto(f"/sessions/{cw.session.pk}/")
        verdict = staff.locator(".quorum-verdict").first
        expect(verdict).to_have_class(re.compile("text-danger"))  # 12 of 20: 14 needed
        for deputy_id, status in (
            (seats[d1.pk][3], AttendanceStatus.PRESENT),
            (seats[d3.pk][3], AttendanceStatus.PRESENT),
            (seats[d2.pk][3], AttendanceStatus.LEAVE),
        ):
            button = staff.locator(f"#att-{deputy_id} button[value={status}]")
            settle(staff)
            button.click()
            expect(staff.locator(f"#att-{deputy_id} button[value={status}]")).to_have_attribute(
                "aria-pressed", "true"
            )
        by_delegation = staff.locator("[aria-labelledby=roll-by-delegation] table")
        # due, present, on leave, absent
        expect(by_delegation.locator("tr", has_text=d1.name).locator("td")).to_have_text(
            ["5", "4", "0", "1"], timeout=8000
        )
        expect(by_delegation.locator("tr", has_text=d2.name).locator("td")).to_have_text(
            ["5", "3", "1", "1"]
        )
        expect(by_delegation.locator("tr", has_text=d3.name).locator("td")).to_have_text(
            ["5", "4", "0", "1"]
        )
        expect(by_delegation.locator("tfoot td")).to_have_text(["20", "14", "1", "5"])
        expect(verdict).to_have_class(re.compile("text-success"))
        shot(staff, "roll-by-delegation")

        # 2. The console: teller pairs, key share slips, code slips, numbers handed out, open.
        staff.goto(f"/votes/{vote.pk}/")
        table = staff.locator("table.delegations-table")
        expect(table.locator("tbody tr", has_text=d1.name).locator("td").nth(0)).to_have_text("5")
        expect(table.locator("thead")).to_contain_text("应到")
        expect(table.locator("thead")).to_contain_text("实到")
        expect(table.locator("thead")).to_contain_text("请假")
        for number, (first, second, chosen) in enumerate(
            ((t1, t2, (d1, d2)), (t3, t4, (d3, d4))), 1
        ):
            form = staff.locator("form[action$='/paper-batches/']")
            staff.locator("details:has(form[action$='/paper-batches/']) > summary").click()
            form.locator("input[name=number]").fill(str(number))
            form.locator("select[name=first_teller]").select_option(str(first.pk))
            form.locator("select[name=second_teller]").select_option(str(second.pk))
            for d in chosen:
                form.locator(f"input[name=delegations][value='{d.pk}']").check()
            _submit(staff, form.locator("button[type=submit]"))
        batches = staff.locator(".batch-row")
        expect(batches).to_have_count(2)
        expect(batches.nth(0)).to_contain_text(d1.name)
        expect(batches.nth(0)).to_contain_text(d2.name)
        expect(batches.nth(1)).to_contain_text(d4.name)

        settle(staff)
        with staff.expect_download() as download:
            staff.locator("form[action$='/key-slips.pdf'] button[type=submit]").click()
        slips = slips_from_pdf(open(download.value.path(), "rb").read())  # noqa: SIM115
        vote.refresh_from_db()
        assert len(slips) == vote.key_holders == 2 and vote.key_threshold >= 1

        form = staff.locator("form[action$='/codes.pdf']")
        form.locator("input[name=spares]").fill("2")
        settle(staff)
        with staff.expect_download() as download:
            form.locator("button[type=submit]").click()
        slip_text = pdf_text(open(download.value.path(), "rb").read())  # noqa: SIM115
        codes = list(dict.fromkeys(CODE.findall(slip_text)))
        assert len(codes) == 22  # 20 on the roll + 2 spares
        for d in cw.delegations:  # each delegation's slips carry its name
            assert slip_text.count(d.name) == 5

        staff.goto(f"/votes/{vote.pk}/")
        table = staff.locator("table.delegations-table")
        issued = {d1.pk: (3, 1), d2.pk: (2, 1), d3.pk: (3, 1), d4.pk: (2, 1)}
        for pk, (slips_n, paper_n) in issued.items():
            table.locator(f"input[name=slips_{pk}]").fill(str(slips_n))
            table.locator(f"input[name=paper_{pk}]").fill(str(paper_n))
        _submit(staff, staff.locator("form[action$='/delegation-counts/'] button[type=submit]"))
        table = staff.locator("table.delegations-table")
        expect(table.locator(f"input[name=slips_{d1.pk}]")).to_have_value("3")
        expect(table.locator(f"input[name=paper_{d4.pk}]")).to_have_value("1")
        # 应到, 实到, 请假 per delegation; the totals are the sums of what was recorded.
        row = table.locator("tbody tr", has_text=d2.name)
        assert _cell_texts(row)[:3] == ["5", "3", "1"]
        expect(table.locator("tfoot td")).to_have_text(["20", "14", "1", "10", "4", "0"])
        shot(staff, "console-1280")
        staff.set_viewport_size(PHONE)
        shot(staff, "console-390")
        scroll = staff.evaluate("document.documentElement.scrollWidth")
        staff.set_viewport_size(DESKTOP)

        _submit(staff, staff.locator("form[action$='/do/open/'] button[type=submit]"))
        expect(staff.locator("#live")).to_contain_text("投票中")

        # 3. Deputies cast: four on phones, the other six slips handed out by the service.
        trackers = [
            _cast_on_phone(browser, live_server, browser_errors, code, marks, shoot=(i == 0))
            for i, (code, marks) in enumerate(zip(codes, PHONE_BALLOTS, strict=False))
        ]
        assert len(set(trackers)) == 4
        for code, marks in zip(codes[4:], SERVICE_BALLOTS, strict=False):
            services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=marks)
        expect(staff.locator("#received")).to_have_text("10", timeout=8000)

        # 4. Close; each delegation's box gave back its paper ballot.
        _submit(staff, staff.locator("form[action$='/do/close/'] button[type=submit]"))
        expect(staff.locator("#live")).to_contain_text("已结束投票")
        table = staff.locator("table.delegations-table")
        for d in cw.delegations:
            table.locator(f"input[name=returned_{d.pk}]").fill("1")
        _submit(staff, staff.locator("form[action$='/delegation-counts/'] button[type=submit]"))
        expect(staff.locator("table.delegations-table tfoot td")).to_have_text(
            ["20", "14", "1", "10", "4", "4"]
        )

        # 5. Two teller pairs, each its own batch, double entry within the pair.
        for number, pair in ((1, (t1, t2)), (2, (t3, t4))):
            for slot, teller in zip("AB", pair, strict=True):
                page = _person(
                    browser, live_server, browser_errors, contexts, username=teller.username
                )
                page.goto(f"/votes/{vote.pk}/paper/batch/{number}/{slot}/")
                expect(page.locator(".batch-label")).to_contain_text(
                    (d1 if number == 1 else d3).name
                )
                for marks in PAPER_BALLOTS[number]:
                    page.locator("input[name=keys]").fill("".join(PAPER_KEY[m] for m in marks))
                    _submit(page, page.locator("main form[method=post] button[type=submit]"))
                expect(page.locator("tbody tr")).to_have_count(2)
                if number == 1 and slot == "A":
                    shot(page, "batch-entry-1280")
                    page.set_viewport_size(PHONE)
                    shot(page, "batch-entry-390")
                    page.set_viewport_size(DESKTOP)
                    # The other pair's batch is not this teller's to enter: refused.
                    other = f"/votes/{vote.pk}/paper/batch/2/A/"
                    browser_errors.expect_status(403, other)
                    assert page.goto(other).status == 403
                if slot == "B":  # the second of the pair compares and finishes the batch
                    link = page.locator(f"a[href$='/paper-check/batch/{number}/']").first
                    _submit(page, link)
                    _submit(
                        page,
                        page.locator(
                            f"form[action$='/paper/batch/{number}/finish/'] button[type=submit]"
                        ),
                    )
                    expect(page.locator(".batch-label .badge")).to_be_visible()
                page.context.close()
                contexts.remove(page.context)
            if number == 1:  # the console shows one batch finished, the other in progress
                staff.goto(f"/votes/{vote.pk}/")
                rows = staff.locator(".batch-row")
                expect(rows.nth(0)).to_contain_text(re.compile(r"2\s*/\s*2"))
                expect(rows.nth(0).locator(".badge")).to_have_class(re.compile("text-bg-success"))
                expect(rows.nth(1)).to_contain_text(re.compile(r"0\s*/\s*0"))
                expect(rows.nth(1).locator(".badge")).to_have_class(re.compile("text-bg-secondary"))

        # 6. The chief scrutineer merges the batches, opens the box with k slips, certifies.
        chief = _person(browser, live_server, browser_errors, contexts, username="county_chief")
        chief.goto(f"/votes/{vote.pk}/paper-check/")
        for row in chief.locator("tr.batch-row").all():
            assert _cell_texts(row)[1:3] == ["2", "2"]
            expect(row.locator(".badge")).to_have_class(re.compile("text-bg-success"))
        shot(chief, "paper-check-batches")
        _submit(chief, chief.locator("form:has(input[name=finalize]) button[type=submit]"))
        expect(chief.locator(".alert-success").first).to_be_visible()
        vote.refresh_from_db()
        assert vote.paper_counted

        chief.goto(f"/votes/{vote.pk}/open-box/")
        for i, slip in enumerate(slips[: vote.key_threshold], start=1):
            chief.locator(f"#slip-{i}").fill(slip)
        _submit(chief, chief.locator("[data-testid=open-box-form] button[type=submit]"))
        expect(chief).to_have_url(re.compile(rf"/votes/{vote.pk}/results/$"))
        _submit(chief, chief.get_by_role("button", name=re.compile("确认计票结果")))
        expect(chief.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
        shot(chief, "results-certified")

        # 7. Staff publish; the result and the certificate.
        staff.goto(f"/votes/{vote.pk}/")
        _submit(staff, staff.locator("form[action$='/do/publish/'] button[type=submit]"))
        vote = Vote.objects.get(pk=vote.pk)
        assert vote.status == VoteStatus.PUBLISHED
        staff.goto(f"/votes/{vote.pk}/results/")
        for title, yes in zip(COUNTY_TITLES, EXPECTED_YES, strict=True):
            row = staff.locator("table tbody tr", has_text=title)
            expect(row.locator("td").nth(2)).to_have_text(str(yes))
            outcome = "通过" if title in EXPECTED_PASSED else "未通过"
            expect(row.locator("td").last).to_have_text(outcome)
        shot(staff, "results-published")
        result = vote.result
        assert (result.issued, result.returned, result.electronic, result.paper) == (14, 14, 10, 4)

        response = staff.request.get(f"/votes/{vote.pk}/certificate.pdf")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        layout = subprocess.run(  # pdftotext -layout keeps a table's row on one line
            ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
            input=response.body(),
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode()
        assert "各代表团表决票发出、收回情况" in layout
        lines = [re.sub(r"\s+", " ", line).strip() for line in layout.splitlines()]
        for d, (slips_n, paper_n) in issued.items():
            name = next(x.name for x in cw.delegations if x.pk == d)
            # 代表团, 发出投票码, 发出纸质票, 发出合计, 收回纸质票
            assert f"{name} {slips_n} {paper_n} {slips_n + paper_n} 1" in lines, layout
        assert "合计 10 4 14 4" in lines, layout
        assert scroll <= PHONE["width"], f"the console scrolls sideways at 390 px: {scroll}"
    finally:
        for context in contexts:
            context.close()
