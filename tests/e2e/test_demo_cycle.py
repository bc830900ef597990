"""The whole yearly cycle walked in Chromium on the demo data, role by role, with the demo's
own logins (``manage.py load_demo``). 柳河乡's 2027 plan is half-way through shortlisting in
the demo; this journey takes it the rest of the way:

1. a resident scans a 柳河乡 deputy's QR code at phone width, suggests, keeps the receipt;
2. staff_liuhe triages it into a reserve project, creates the officers' accounts, decides the
   last shortlisting rounds and locks the candidate list;
3. at the session staff take the roll, set up the vote, print the code slips (the codes are
   read back from the PDF, as a deputy reads a slip), record what was handed out and open;
   deputies vote on phones in separate browsers, two tellers key in the paper ballots, the
   chief scrutineer reconciles and certifies, staff publish; the result equals an
   independent count of what was clicked and keyed;
4. staff propose and confirm the supervision groups; the group leader gets an account,
   inspects at phone width with a photo and hands a problem over; the government liaison
   answers; the leader closes it (销号);
5. a year on, the deputies rate the projects in a satisfaction evaluation;
6. the county reviewer finds 柳河乡's year on the county dashboard; staff ask for a
   quarterly report, a real Celery worker produces it, and it is downloaded.

Each step saves screenshots (test-artifacts/screenshots/test_whole_cycle_on_the_demo_data-*);
the suite fails on any console error, failed request or CSP violation in any browser.
"""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from congress.demo import DEMO_PASSWORD
from congress.models import AuditEvent, Session, Term, Township
from congress.selectors import deputies_in_office_for_term
from projects.models import AnnualPlan, IntakeLink, Suggestion
from supervision.models import LedgerItem, SupervisionGroup
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    SCREENSHOT_DIR,
    jpeg_file,
    login,
    open_page,
    settle,
    shot,
)
from tests.voting.ceremony import remember_slips, slips_from_pdf, slips_of
from voting.models import Vote
from voting.pdf import pdf_text

NEW_PASSWORD = "liuhe-2026-pass"
LABELS = {"Y": "赞成", "N": "反对", "A": "弃权"}
CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\b")


class Journey:
    """Browser contexts for the people in the journey, all watched for errors."""

    def __init__(self, browser, live_server, browser_errors, tmp_path):
        self.browser = browser
        self.live_server = live_server
        self.errors = browser_errors
        self.tmp_path = tmp_path
        self.contexts = []

    def person(self, *, viewport=DESKTOP, username=None, password=DEMO_PASSWORD):
        context, page = open_page(
            self.browser, self.live_server, self.errors, viewport=viewport, accept_downloads=True
        )
        context.set_default_navigation_timeout(15_000)
        page.on("requestfailed", self.errors.on_requestfailed)
        self.contexts.append(context)
        if username:
            login(page, username, password)
        return page

    def leave(self, page):
        settle(page)
        page.context.close()
        self.contexts.remove(page.context)

    def close(self):
        for context in self.contexts:
            context.close()


def go(page, path):
    settle(page)
    page.goto(path)


def submit(page, button):
    settle(page)
    with page.expect_navigation():
        button.click()


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())
    return Township.objects.get(name="柳河乡")


# -- 1. the resident -------------------------------------------------------------------------
def resident_suggests(j: Journey, township):
    link = (
        IntakeLink.objects.filter(township=township, deputy__isnull=False)
        .select_related("deputy")
        .order_by("pk")
        .first()
    )
    page = j.person(viewport=PHONE)
    page.goto(link.get_absolute_url())
    expect(page.locator("main")).to_contain_text(link.deputy.name)
    page.locator("#id_title").fill("河湾村村道安装路灯")
    page.locator("#id_content").fill("河湾村到柳河村的村道晚上没有路灯，老人孩子出行不安全。")
    page.locator("#id_village").select_option(label="河湾村")
    page.locator("#id_proposer_phone").fill("13912345678")
    shot(page, "1-resident-form")
    submit(page, page.locator("main form button[type=submit]"))
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    shot(page, "1-resident-receipt")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the receipt scrolls sideways at phone width ({width}px)"
    return page, code


# -- 2. staff: triage, accounts, shortlisting --------------------------------------------------
def live_pool(township) -> list[str]:
    """Titles of the 2027 projects still in the running after the demo's decided rounds."""
    plan = AnnualPlan.objects.get(township=township, year=2027)
    last = plan.rounds.filter(decisions__isnull=False).order_by("-position").first()
    return list(
        last.decisions.filter(decision="advance")
        .order_by("project__pk")
        .values_list("project__title", flat=True)
    )


def staff_triage(page, township, code, target_title) -> None:
    mine = Suggestion.objects.get(receipt_code=code.replace("-", ""))
    go(page, f"/townships/{township.pk}/suggestions/?status=pending")
    page.locator("main a[data-testid=open-suggestion]", has_text=mine.title).click()
    panel = page.get_by_test_id("suggestion-panel")
    expect(panel).to_contain_text("河湾村到柳河村")
    form = panel.locator(".decide-form")
    form.locator("select[name=action]").select_option("merge_into")
    form.locator("select[name=project]").select_option(label=target_title)
    form.locator("input[name=reply]").fill("您的建议已并入项目，将提交代表大会票决。")
    shot(page, "2-staff-triage")
    submit(page, form.locator("button[type=submit]"))
    mine.refresh_from_db()
    assert mine.status == "merged" and mine.project.title == target_title


def staff_creates_accounts(page, township) -> None:
    for username, full_name, role in (
        ("teller_liuhe", "计票人 孙立", "teller"),
        ("teller_liuhe2", "计票人 马红", "teller"),
        ("scrutineer_liuhe", "总监票人 郭静", "scrutineer"),
        ("gov_liuhe", "柳河乡政府 联络员 何军", "government"),
    ):
        go(page, f"/townships/{township.pk}/accounts/")
        form = page.locator("main form[method=post]")
        form.locator("#id_role").select_option(role)
        form.locator("#id_username").fill(username)
        form.locator("#id_full_name").fill(full_name)
        form.locator("#id_password").fill(NEW_PASSWORD)
        submit(page, form.locator("button[type=submit]"))
        expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("gov_liuhe")
    shot(page, "2-staff-accounts")


def staff_shortlists(page, township, keep_title) -> AnnualPlan:
    """Decide every undecided round in the UI: the project the resident's suggestion joined
    and two others advance, the rest are held."""
    plan = AnnualPlan.objects.get(township=township, year=2027)
    go(page, f"/plans/{plan.pk}/")
    expect(page.locator(".js-funnel svg")).to_have_count(1)
    shot(page, "2-staff-plan-before")
    for index in range(plan.rounds.count()):
        go(page, f"/plans/{plan.pk}/rounds/{index}/")
        items = page.locator(".round-pool .list-group-item[data-project]")
        if items.first.locator(".badge").count():
            continue  # decided in the demo
        titles = [t.strip() for t in items.locator("a.fw-semibold").all_inner_texts()]
        assert keep_title in titles and len(titles) >= 3, titles
        advance = {keep_title, *[t for t in titles if t != keep_title][:2]}
        for title in titles:
            item = page.locator(".round-pool .list-group-item[data-project]").filter(
                has=page.locator("a.fw-semibold", has_text=title)
            )
            keep = title in advance
            item.locator("select[name=decision]").select_option("advance" if keep else "hold")
            item.locator("input[name=reason]").fill(
                "群众需求迫切，资金可落实" if keep else "资金来源尚未落实，暂缓"
            )
            submit(page, item.locator("button[type=submit]"))
        shot(page, f"2-staff-round-{index}")
    go(page, f"/plans/{plan.pk}/candidates/")
    expect(page.get_by_test_id("n-candidates")).to_have_text("3")
    expect(page.get_by_test_id("lock-refusal")).to_have_count(0)
    submit(page, page.get_by_test_id("lock"))
    plan.candidate_list.refresh_from_db()
    assert plan.candidate_list.is_locked
    shot(page, "2-staff-locked")
    return plan


# -- 3. the session ---------------------------------------------------------------------------
PRESENT = 18  # of the 25 in office: over two thirds, a quorum
PAPER = 6  # deputies who prefer paper
# Ballots by candidate title order (the project with the resident's suggestion first):
# Y 赞成, N 反对, A 弃权, - no mark. The last phone voter first approves three for two
# slots; the page refuses to go on until one is changed (to 反对). A paper ballot can
# approve three: it is counted as invalid.
# Passing needs more than half of all deputies in office (13 of 25) saying 赞成.
PHONE_MARKS = ["YYN", "YYN", "YY-", "YYA", "YNY", "YYN", "Y-Y", "YYN", "NYY", "YYY"]
PAPER_KEYS = {"Y": "1", "N": "2", "A": "3", "-": "0"}
PAPER_MARKS = ["YYN", "YYN", "YYA", "YY-", "NYY", "YYY"]


def live_pool_after(plan) -> list[str]:
    return [c.project.title for c in plan.candidate_list.candidates.order_by("position")]


def take_roll(page, session, present: int, leave: int = 0) -> None:
    """Open the roll on the session page and mark deputies present (then on leave)."""
    go(page, session.get_absolute_url())
    submit(page, page.locator("form[action$='/roll/'] button"))
    rows = page.locator("tbody tr[id^=att-]")
    expect(rows).to_have_count(deputies_in_office_for_term(session.term).count())
    marks = ["present"] * present + ["leave"] * leave
    for i, status in enumerate(marks):
        settle(page)
        rows.nth(i).locator(f"button[value={status}]").click()
        expect(rows.nth(i).locator(f"button[value={status}]")).to_have_attribute(
            "aria-pressed", "true"
        )


def name_officers(page, officers) -> None:
    for role, name, username in officers:
        form = page.locator("form[action$='/officers/']")
        form.locator("select[name=role]").select_option(role)
        form.locator("input[name=name]").fill(name)
        form.locator("select[name=user]").select_option(label=username)
        submit(page, form.locator("button[type=submit]"))


def print_slips(page, vote) -> list[str]:
    """Print the code slips (no spares) and read the codes back from the PDF. An impatient
    double click prints once: a second request would make new codes and void the slips."""
    form = page.locator("form[action$='/codes.pdf']")
    form.locator("input[name=spares]").fill("0")
    settle(page)
    with page.expect_download() as download:
        form.locator("button[type=submit]").dblclick()
    expect(form.locator("button[type=submit]")).to_be_disabled()
    expect(form.locator(".js-busy-note")).to_contain_text("请勿重复点击")
    codes = list(dict.fromkeys(CODE.findall(pdf_text(Path(download.value.path()).read_bytes()))))
    made = AuditEvent.objects.filter(action="vote.codes_generated", object_id=str(vote.pk))
    assert made.count() == 1
    return codes


def print_key_slips(page, vote) -> None:
    """密钥分片 on the console, before opening: the staff print the key share slips for the
    officers just named; each holder keeps theirs sealed until the count (read back from the
    PDF here, as a holder reads a slip)."""
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("密钥分片")).click()
    slips = slips_from_pdf(Path(download.value.path()).read_bytes())
    vote.refresh_from_db()
    assert len(slips) == vote.key_holders >= 1
    remember_slips(vote, slips)


def open_the_box(page, vote) -> None:
    """开箱计票 on the count page: k key holders type their slips; the box opens and is
    counted, and the page goes on to the results."""
    vote.refresh_from_db()
    for i, slip in enumerate(slips_of(vote)[: vote.key_threshold], start=1):
        page.locator(f"#slip-{i}").fill(slip)
    submit(page, page.get_by_role("button", name=re.compile("开箱计票")))
    expect(page).to_have_url(re.compile(rf"/votes/{vote.pk}/results/$"))


def record_issued_and_open(page, vote, *, slips: int, paper: int) -> None:
    go(page, vote.get_absolute_url())
    form = page.locator("form[action$='/issued/']")
    form.locator("input[name=slips_issued]").fill(str(slips))
    form.locator("input[name=paper_issued]").fill(str(paper))
    submit(page, form.locator("button[type=submit]"))
    expect(page.locator(".quorum-verdict").first).to_contain_text("已过法定人数")
    submit(page, page.get_by_role("button", name=re.compile("开始投票")))
    expect(page.locator("#live")).to_contain_text("投票中")


def staff_runs_the_session(page, township, plan):
    session = Session.objects.get(term__township=township, number=6)
    take_roll(page, session, PRESENT, leave=1)
    expect(page.locator("main")).to_contain_text(str(PRESENT))
    shot(page, "3-staff-roll")

    go(page, f"/sessions/{session.pk}/votes/")
    submit(page, page.locator("main a[href$='/votes/new/']"))
    page.locator("#id_candidate_list").select_option(index=0)
    submit(page, page.locator("main form button[type=submit]"))
    expect(page).to_have_url(re.compile(r"/votes/\d+/$"))
    vote = Vote.objects.get(session=session, kind="projects")
    name_officers(
        page,
        [
            ("chief", "郭静", "scrutineer_liuhe"),
            ("teller", "孙立", "teller_liuhe"),
            ("teller", "马红", "teller_liuhe2"),
        ],
    )
    print_key_slips(page, vote)
    codes = print_slips(page, vote)
    # A slip for every deputy in office (latecomers too); only those handed out are recorded.
    assert len(codes) == deputies_in_office_for_term(vote.session.term).count()
    record_issued_and_open(page, vote, slips=PRESENT - PAPER, paper=PAPER)
    shot(page, "3-staff-console-open")
    return vote, codes


def deputy_votes_on_phone(j: Journey, code: str, marks: str, order: list[str]) -> str:
    page = j.person(viewport=PHONE)
    page.goto(f"/ballot/#{code}")
    expect(page.locator("#ballot-form")).to_be_visible()
    assert "#" not in page.url
    for title, mark in zip(order, marks, strict=True):
        if mark != "-":
            fieldset = page.locator("fieldset.ballot-candidate", has_text=title)
            fieldset.locator("label", has_text=LABELS[mark]).click()
    if marks.count("Y") > 2:
        expect(page.locator("#review-button")).to_be_disabled()
        shot(page, "3-deputy-over-approval")
        last = page.locator("fieldset.ballot-candidate", has_text=order[-1])
        last.locator("label", has_text=LABELS["N"]).click()
    page.locator("#review-button").click()
    expect(page.locator("h1")).to_have_text("核对表决票")
    page.get_by_role("button", name=re.compile("确认投票")).click()
    expect(page.locator(".alert-success")).to_contain_text("您的表决票已收到")
    tracker = page.locator(".tracker").inner_text().strip()
    j.leave(page)
    return tracker


def tellers_and_scrutineer(j: Journey, vote, order: list[str]) -> None:
    for username, slot in (("teller_liuhe", "A"), ("teller_liuhe2", "B")):
        teller = j.person(username=username, password=NEW_PASSWORD)
        go(teller, f"/votes/{vote.pk}/paper/{slot}/")
        for marks in PAPER_MARKS:
            teller.locator("input[name=keys]").fill("".join(PAPER_KEYS[m] for m in marks))
            settle(teller)
            teller.keyboard.press("Enter")
            teller.wait_for_load_state()
        expect(teller.locator("tbody tr")).to_have_count(len(PAPER_MARKS))
        shot(teller, f"3-teller-{slot}")
        j.leave(teller)
    chief = j.person(username="scrutineer_liuhe", password=NEW_PASSWORD)
    go(chief, f"/votes/{vote.pk}/paper-check/")
    expect(chief.locator("tr.row-differs")).to_have_count(0)
    submit(chief, chief.get_by_role("button", name="将纸质表决票计入"))
    expect(chief.locator(".alert-success").first).to_be_visible()
    return chief


# -- 4. supervision ---------------------------------------------------------------------------
def staff_forms_groups(page, plan, target):
    go(page, f"/plans/{plan.pk}/supervision-groups/")
    submit(page, page.get_by_test_id("propose"))
    expect(page.locator(".card")).to_have_count(2)  # one group per elected project
    shot(page, "4-staff-proposal")
    for href in page.locator(".card-header a").evaluate_all("els => els.map(e => e.href)"):
        go(page, href)
        submit(page, page.get_by_test_id("confirm"))
        expect(page.locator(".alert-success")).to_be_visible()
    group = SupervisionGroup.objects.get(plan=plan, project__title=target, status="confirmed")
    leader = group.members.get(is_leader=True).deputy
    # The leader gets an account to inspect from a phone.
    go(page, f"/deputies/{leader.pk}/account/")
    form = page.locator("main form[method=post]")
    form.locator("#id_username").fill("leader_liuhe")
    form.locator("#id_password").fill(NEW_PASSWORD)
    submit(page, form.locator("button[type=submit]"))
    expect(page.locator(".alert-success")).to_be_visible()
    return group


def government_reports(j: Journey, project):
    gov = j.person(username="gov_liuhe", password=NEW_PASSWORD)
    go(gov, f"/supervision/projects/{project.pk}/reports/new/")
    gov.locator("#id_period").fill("2027-Q1")
    gov.locator("#id_invested").fill("120")
    gov.locator("#id_percent_complete").fill("35")
    gov.locator("#id_status").select_option("on_track")
    gov.locator("#id_narrative").fill("管网沟槽开挖完成，正在铺设主管。")
    submit(gov, gov.locator("main form button[type=submit]"))
    expect(gov.locator(".alert-success")).to_be_visible()
    shot(gov, "4-government-report")
    return gov


def leader_inspects_and_hands_over(j: Journey, project) -> tuple:
    leader = j.person(viewport=PHONE, username="leader_liuhe", password=NEW_PASSWORD)
    go(leader, "/supervision/my/")
    card = leader.get_by_test_id("my-group").filter(has_text=project.title)
    shot(leader, "4-leader-my")
    submit(leader, card.get_by_test_id("record-inspection"))
    leader.locator("input[name=attendees]").first.check()
    leader.locator("#id_notes").fill("察看管网铺设，沟槽回填中。")
    leader.locator("#id_problems").fill("沟槽边未设警示围挡")
    leader.locator("#id_photos").set_input_files(
        str(jpeg_file(j.tmp_path / "site.jpg", (1600, 1200)))
    )
    submit(leader, leader.get_by_test_id("submit"))
    expect(leader).to_have_url(re.compile(r"/supervision/items/\d+/$"))
    item = LedgerItem.objects.get(project=project)
    assert item.inspection.photos.count() == 1
    form = leader.locator("form[data-action=hand_over]")
    form.locator("#id_department").fill("乡水利站")
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    form.locator("#id_deadline").fill(deadline)
    submit(leader, form.get_by_test_id("do-hand_over"))
    expect(leader.get_by_test_id("department")).to_have_text("乡水利站")
    shot(leader, "4-leader-handed-over")
    return leader, item


# -- 5. the satisfaction evaluation ------------------------------------------------------------
GRADES = {"S": "满意", "B": "基本满意", "U": "不满意"}
RATINGS = ["SS", "SB", "SS", "SS", "SB", "BS", "SS", "SU", "SS", "SS", "SB", "SS", "BB"]


def staff_sets_up_the_evaluation(page, township, plan):
    """A year on, at the next session: roll, evaluation, officers, slips, open."""
    go(page, f"/townships/{township.pk}/sessions/new/")
    term = Term.objects.get(township=township, number=20)
    page.locator("#id_term").select_option(str(term.pk))
    page.locator("#id_number").fill("1")
    page.locator("#id_date").fill("2027-12-18")
    page.locator("#id_place").fill("柳河乡人民政府大会议室")
    submit(page, page.locator("main form button[type=submit]"))
    later = Session.objects.get(term__township=township, term__number=20, number=1)
    take_roll(page, later, len(RATINGS) + 4)
    go(page, f"/sessions/{later.pk}/votes/")
    submit(page, page.locator("main a[href$='/evaluations/new/']"))
    page.locator("#id_plan").select_option(index=0)
    submit(page, page.locator("main form button[type=submit]"))
    evaluation = Vote.objects.get(session=later, kind="evaluation")
    name_officers(page, [("chief", "郭静", "scrutineer_liuhe")])
    print_key_slips(page, evaluation)
    codes = print_slips(page, evaluation)
    record_issued_and_open(page, evaluation, slips=len(RATINGS) + 4, paper=0)
    return evaluation, codes


def deputy_rates_on_phone(j: Journey, code: str, grades: str, order: list[str]) -> None:
    page = j.person(viewport=PHONE)
    page.goto(f"/ballot/#{code}")
    expect(page.locator("#ballot-form")).to_be_visible()
    for title, grade in zip(order, grades, strict=True):
        fieldset = page.locator("fieldset.ballot-candidate", has_text=title)
        fieldset.locator("label", has_text=re.compile(f"^{GRADES[grade]}$")).click()
    if grades == RATINGS[0]:
        shot(page, "5-deputy-evaluation-ballot")
    page.locator("#review-button").click()
    page.get_by_role("button", name=re.compile("确认投票")).click()
    expect(page.locator(".alert-success")).to_contain_text("您的表决票已收到")
    j.leave(page)


# -- 6. the county reviewer and the quarterly report -------------------------------------------
def reviewer_finds_the_year(j: Journey, township, titles):
    reviewer = j.person(username="reviewer_qingshan")
    reviewer.locator("nav a[href='/dashboard/']").first.click()
    expect(reviewer.locator("h1")).to_contain_text("青山县")
    table = reviewer.locator("#county-table")
    expect(table).to_contain_text(township.name)
    expect(reviewer.locator(".js-chart svg").first).to_be_visible()
    shot(reviewer, "6-reviewer-county")
    settle(reviewer)
    table.get_by_role("link", name=township.name).click()
    expect(reviewer.locator("h1")).to_contain_text(township.name)
    for title in titles:
        expect(reviewer.locator("#project-table")).to_contain_text(title)
    shot(reviewer, "6-reviewer-township")
    # Read-only: the reviewer cannot record anything on a project.
    project = township.projects.get(title=titles[0])
    go(reviewer, f"/supervision/projects/{project.pk}/")
    expect(reviewer.locator("a[href$='/inspections/new/']")).to_have_count(0)
    j.leave(reviewer)


def staff_gets_the_quarterly_report(page, township, tmp_path) -> str:
    from livelihood import celery_app
    from tests.test_worker import _logging_preserved, hard_deadline

    go(page, f"/reports/townships/{township.pk}/")
    page.locator("#id_year").select_option("2027")
    page.locator("#id_quarter").select_option("1")
    submit(page, page.locator("main form button[type=submit]"))
    expect(page.locator("#report-status [data-status]")).to_have_attribute(
        "data-status", re.compile("queued|running")
    )
    shot(page, "6-staff-report-queued")
    with hard_deadline(120, "the report worker"), _logging_preserved():
        with start_worker(
            celery_app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=15
        ):
            expect(page.locator("#report-status [data-status]")).to_have_attribute(
                "data-status", "done", timeout=90_000
            )
    link = page.locator("#report-status a[href$='/download/']")
    expect(link).to_be_visible()
    shot(page, "6-staff-report-done")
    settle(page)
    with page.expect_download() as download:
        link.click()
    # Kept next to the screenshots, with its first page as a picture, to look at.
    saved = SCREENSHOT_DIR / "test_whole_cycle_on_the_demo_data-6-report.pdf"
    download.value.save_as(saved)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(saved), str(saved)[:-4]],
        check=True,
    )
    return pdf_text(saved.read_bytes())


def test_whole_cycle_on_the_demo_data(demo, browser, live_server, browser_errors, tmp_path, page):
    township = demo
    j = Journey(browser, live_server, browser_errors, tmp_path)
    try:
        resident, code = resident_suggests(j, township)

        target = live_pool(township)[0]
        staff = j.person(username="staff_liuhe")
        staff_triage(staff, township, code, target)
        staff_creates_accounts(staff, township)
        plan = staff_shortlists(staff, township, target)

        vote, codes = staff_runs_the_session(staff, township, plan)
        order = [target, *[t for t in live_pool_after(plan) if t != target]]
        trackers = [
            deputy_votes_on_phone(j, code, marks, order)
            for code, marks in zip(codes, PHONE_MARKS, strict=False)
        ]
        assert len(set(trackers)) == len(PHONE_MARKS)
        expect(staff.locator("#received")).to_have_text(str(len(PHONE_MARKS)), timeout=8000)
        submit(staff, staff.get_by_role("button", name=re.compile("结束投票")))
        expect(staff.locator("#live")).to_contain_text("已结束投票")
        chief = tellers_and_scrutineer(j, vote, order)
        # The chief scrutineer's guided path sends them to the count page (开箱计票).
        turn = chief.get_by_test_id("officer-turn")
        expect(turn).to_contain_text("轮到您了")
        submit(chief, turn.get_by_role("link"))
        shot(chief, "3-chief-open-box")
        open_the_box(chief, vote)
        submit(chief, chief.get_by_role("button", name=re.compile("确认计票结果")))
        expect(chief.locator("code")).to_have_text(re.compile("^[0-9a-f]{64}$"))
        shot(chief, "3-chief-certified")
        j.leave(chief)
        # An independent count of what was clicked and keyed (over-approvals are invalid).
        cast = [b if b.count("Y") <= plan.slots else b[:-1] + "N" for b in PHONE_MARKS]
        ballots = [b for b in cast + PAPER_MARKS if b.count("Y") <= plan.slots]
        expected = {t: sum(b[i] == "Y" for b in ballots) for i, t in enumerate(order)}
        go(staff, f"/votes/{vote.pk}/results/")
        for title, yes in expected.items():
            row = staff.locator("table tbody tr", has_text=title)
            expect(row.locator("td").nth(2)).to_have_text(str(yes))
        shot(staff, "3-staff-results")
        go(staff, vote.get_absolute_url())
        submit(staff, staff.get_by_role("button", name=re.compile("公布")))
        vote.refresh_from_db()
        assert vote.status == "published"
        shot(staff, "3-staff-published")
        elected = [t for t in order if expected[t] > 25 // 2]
        assert elected == order[:2]

        # Months later the resident opens the lookup page on the same phone: the receipt is
        # listed there, and its page shows the project and the vote.
        go(resident, "/track/")
        sent = resident.get_by_test_id("sent-here")
        expect(sent).to_contain_text(code)
        submit(resident, sent.get_by_role("link", name=code))
        expect(resident.get_by_test_id("reply")).to_contain_text("并入项目")
        expect(resident.locator("main")).to_contain_text(target)
        expect(resident.locator("main")).not_to_contain_text("13912345678")
        shot(resident, "3-resident-lineage")
        j.leave(resident)

        group = staff_forms_groups(staff, plan, target)
        gov = government_reports(j, group.project)
        leader, item = leader_inspects_and_hands_over(j, group.project)
        go(gov, item.get_absolute_url())
        gov.locator("form[data-action=answer] #id_answer").fill("已在沟槽两侧设置围挡和警示灯。")
        submit(gov, gov.get_by_test_id("do-answer"))
        j.leave(gov)
        go(leader, item.get_absolute_url())
        leader.locator("form[data-action=close] #id_note").fill("复查：围挡和警示灯已设置。")
        submit(leader, leader.get_by_test_id("do-close"))
        item.refresh_from_db()
        assert item.status == "closed"
        expect(leader.get_by_test_id("timeline").locator("li")).to_have_count(4)
        shot(leader, "4-leader-closed")
        j.leave(leader)

        evaluation, codes = staff_sets_up_the_evaluation(staff, township, plan)
        rated = elected
        for code_, grades in zip(codes, RATINGS, strict=False):
            deputy_rates_on_phone(j, code_, grades, rated)
        expect(staff.locator("#received")).to_have_text(str(len(RATINGS)), timeout=8000)
        submit(staff, staff.get_by_role("button", name=re.compile("结束投票")))
        # The chief scrutineer types the slip at the staff's console: 开箱计票 from there.
        submit(staff, staff.get_by_role("link", name=re.compile("开箱计票")).first)
        open_the_box(staff, evaluation)
        chief = j.person(username="scrutineer_liuhe", password=NEW_PASSWORD)
        go(chief, f"/votes/{evaluation.pk}/results/")
        submit(chief, chief.get_by_role("button", name=re.compile("确认计票结果")))
        j.leave(chief)
        go(staff, evaluation.get_absolute_url())
        submit(staff, staff.get_by_role("button", name=re.compile("公布")))
        go(staff, f"/votes/{evaluation.pk}/results/")
        for i, title in enumerate(rated):
            satisfied = sum(r[i] == "S" for r in RATINGS)
            row = staff.locator("table tbody tr", has_text=title)
            expect(row.locator("td").nth(1)).to_have_text(str(satisfied))
        shot(staff, "5-staff-evaluation-results")

        reviewer_finds_the_year(j, township, rated)
        text = staff_gets_the_quarterly_report(staff, township, tmp_path)
        assert township.name in text and target in text
    finally:
        j.close()
