"""What people saw wrong on screen (issue 19): dates lost on save, raw timestamps, code names,
wrong words, wrong ranks. Browser checks of the same live in tests/e2e/test_forms_dates.py."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from .voting.ceremony import open_box_and_count, open_with_ceremony

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 12, 31)
INVESTMENT = Decimal("1234567.89")
BUDGET = Decimal("23456.70")
MILESTONE_PLANNED = datetime.date(2026, 3, 5)
MILESTONE_DONE = datetime.date(2025, 11, 9)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INPUT_KINDS = ("date", "datetime-local", "time", "number")


def dated_objects(world):
    """A reserve project and an elected one with an implementation plan, each with dates and
    amounts stored, so every edit form that has a date or number input has values to show."""
    from django.utils import timezone

    from projects.models import AnnualPlan, Candidate, CandidateList, Project
    from supervision.models import ImplementationPlan, Milestone

    reserve = Project.objects.create(
        township=world.township,
        title="东河村路灯",
        content="安装路灯",
        estimated_investment=INVESTMENT,
        deadline=DEADLINE,
    )
    reserve.villages.add(world.village)
    plan = AnnualPlan.objects.create(township=world.township, year=2026, slots=1)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now())
    elected = Project.objects.create(
        township=world.township,
        title="东河村道路拓宽",
        content="拓宽",
        estimated_investment=Decimal("100"),
        deadline=DEADLINE,
        status="elected",
    )
    Candidate.objects.create(candidate_list=clist, project=elected, position=1)
    from supervision import services

    implementation = services.implementation_plan_ensure(actor=None, project=elected)
    ImplementationPlan.objects.filter(pk=implementation.pk).update(
        deadline=DEADLINE, budget=BUDGET, responsible_department="镇交通办"
    )
    Milestone.objects.filter(plan=implementation, kind="approval").update(
        planned_date=MILESTONE_PLANNED, done_on=MILESTONE_DONE
    )
    return reserve, elected


# ---------------------------------------------------------------------------------------------
# 1. Dates and numbers in form inputs


def _input_values(html: str) -> dict[str, tuple[str, str]]:
    """name -> (type, value) of every <input> with a type of date/number kind."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag)
        name = re.search(r'name="([^"]+)"', tag)
        if not kind or not name or kind.group(1) not in INPUT_KINDS:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        found[name.group(1)] = (kind.group(1), value.group(1) if value else "")
    return found


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_edit_forms_render_dates_as_iso_and_numbers_plain(world, language):
    """A browser's <input type=date> reads only 2026-12-31; in Chinese the form rendered
    2026/12/31, the browser showed nothing and saving wiped the deadline. Numbers never carry
    a thousand separator or a decimal comma."""
    from congress.forms import RuleSetForm, SessionForm
    from congress.models import RuleSet
    from projects.forms import ProjectForm
    from supervision.forms import ImplementationPlanForm

    reserve, elected = dated_objects(world)
    implementation = elected.implementation_plan
    with translation.override(language):
        project_inputs = _input_values(str(ProjectForm(instance=reserve, township=world.township)))
        plan_inputs = _input_values(
            str(
                ImplementationPlanForm(
                    instance=implementation, milestones=list(implementation.milestones.all())
                )
            )
        )
        session_inputs = _input_values(
            str(SessionForm(instance=world.session, township=world.township))
        )
        rules = RuleSet.objects.get_or_create(township=world.township)[0]
        rules_inputs = _input_values(str(RuleSetForm(instance=rules)))

    assert project_inputs["deadline"] == ("date", "2026-12-31")
    assert project_inputs["estimated_investment"] == ("number", "1234567.89")
    assert plan_inputs["deadline"] == ("date", "2026-12-31")
    assert plan_inputs["budget"] == ("number", "23456.70")
    assert plan_inputs["planned_approval"] == ("date", "2026-03-05")
    assert plan_inputs["done_approval"] == ("date", "2025-11-09")
    assert session_inputs["date"] == ("date", world.session.date.isoformat())
    assert rules_inputs["quorum_numerator"] == ("number", str(rules.quorum_numerator))
    for kind, value in [*project_inputs.values(), *plan_inputs.values(), *session_inputs.values()]:
        if kind == "date" and value:
            assert ISO.match(value), value
    for kind, value in [*project_inputs.values(), *plan_inputs.values(), *rules_inputs.values()]:
        if kind == "number" and value:
            assert re.fullmatch(r"-?\d+(\.\d+)?", value), value


def test_chinese_input_formats_put_iso_first_and_still_read_slashes(world):
    """Any date widget left on the locale's default (the admin's) renders ISO too, and a date
    typed with slashes is still understood."""
    from django import forms
    from django.utils import formats

    with translation.override("zh-hans"):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%Y-%m-%d"
        assert forms.DateInput().format_value(DEADLINE) == "2026-12-31"
        assert forms.DateField().clean("2026/12/31") == DEADLINE
        assert forms.DateField().clean("2026年12月31日") == DEADLINE
        # display formats are untouched
        assert formats.date_format(DEADLINE) == "2026年12月31日"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_saving_the_project_form_unchanged_keeps_deadline_and_investment(world, language):
    """The reported loss: edit a project, change only the investment, save: the deadline
    must stay."""
    reserve, _elected = dated_objects(world)
    client = world.client("staff")
    client.cookies["django_language"] = language
    page = client.get(reverse("projects:project_edit", args=[reserve.pk]))
    assert page.status_code == 200
    inputs = _input_values(page.content.decode())
    assert inputs["deadline"] == ("date", "2026-12-31")
    data = {
        "title": reserve.title,
        "content": reserve.content,
        "villages": [world.village.pk],
        "estimated_investment": "1500000",
        "deadline": inputs["deadline"][1],
    }
    response = client.post(reverse("projects:project_edit", args=[reserve.pk]), data)
    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.deadline == DEADLINE
    assert reserve.estimated_investment == Decimal("1500000")


def _visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, no attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------------------------------------
# 2. The worker heartbeat on the staff home page


def test_staff_home_shows_the_worker_heartbeat_as_a_local_time_not_a_raw_timestamp(world):
    """It said "Background worker last answered at 2026-11-29T19:29:41.286285+00:00."."""
    from django.core.cache import cache
    from django.utils import timezone

    answered = timezone.now() - datetime.timedelta(minutes=2, seconds=5)
    stamp = answered.isoformat()
    client = world.client("staff")
    client.cookies["django_language"] = "en"
    # Test runs side by side share this Redis and flush it before each test, which can drop
    # the key between setting it and the request: try again then.
    for _attempt in range(5):
        cache.set("worker-heartbeat", stamp, timeout=60)
        page = client.get("/")
        assert page.status_code == 200
        text = _visible_text(page.content.decode())
        if "has not answered yet" not in text:
            break
    local = timezone.localtime(answered).strftime("%H:%M")
    assert f"Background worker last answered 2 minutes ago, at {local}." in text
    assert stamp not in text and "+00:00" not in text
    # the exact moment stays machine-readable
    assert f'datetime="{stamp}"' in page.content.decode()


# ---------------------------------------------------------------------------------------------
# 4. The operation log


def test_audit_log_shows_action_labels_and_readable_changes(world):
    """It showed code names (ledger.close) and Python dicts ({'status': ...})."""
    import tests.permission_table  # noqa: F401 - loads the rows first (they import each other)
    from supervision import services
    from tests.permissions.supervision import _objects

    objects = _objects(world)
    services.item_close(actor=world.users["staff"], item=objects["answered"], note="复查已修好")
    client = world.client("staff")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("congress:audit_log", args=[world.township.pk]))
    assert page.status_code == 200
    text = _visible_text(page.content.decode())
    assert "Problem closed (销号)" in text
    assert "Problem handed over (交办)" in text
    assert "status: Answered → Closed (销号)" in text
    assert "note: 复查已修好" in text
    assert "Implementation plan created" in text
    for code in ("ledger.close", "ledger.hand_over", "implementation_plan.create", "{'", "': "):
        assert code not in text, code


def test_audit_changes_use_the_model_field_names_and_choice_labels(world):
    """A snapshot of model fields reads with the fields' own names; unknown keys and actions
    still show, as they are, rather than disappearing."""
    from congress.audit_labels import action_label, changes
    from congress.models import AuditEvent

    event = AuditEvent(
        action="project.update",
        object_type="projects.Project",
        before={"deadline": "2026-12-31", "status": "reserve"},
        after={"deadline": None, "status": "elected", "mystery": [1, 2]},
    )
    with translation.override("en"):
        lines = [(c.label, c.before, c.after) for c in changes(event)]
        assert action_label("project.update") == "Project edited"
        assert action_label("something.new") == "something.new"
    assert lines[0] == ("deadline", "2026-12-31", "—")
    assert lines[1][0] == "status" and lines[1][2] != "elected"
    assert lines[2] == ("mystery", None, "1、2")


# ---------------------------------------------------------------------------------------------
# 3. The triage panel's reply


def _panel(html: str) -> str:
    start = html.index('data-testid="suggestion-panel"')
    return html[start : html.index("</main>", start)]


def test_triage_panel_has_one_reply_field_and_the_merge_button_uses_it(world):
    """The panel showed two 「给建议人的答复」 fields: one for merging with similar suggestions,
    one for the decision. Now one form holds the similar ones, the decision and one reply."""
    from projects import services
    from projects.models import Suggestion

    staff = world.users["staff"]
    one = services.suggestion_create(
        actor=staff,
        township=world.township,
        channel="village_meeting",
        title="修建村道路灯",
        content="村口到小学的道路晚上太黑",
    )
    two = services.suggestion_create(
        actor=staff,
        township=world.township,
        channel="village_meeting",
        title="村道安装路灯",
        content="村道晚上太黑，需要路灯",
    )
    client = world.client("staff")
    url = reverse("projects:suggestion_list", args=[world.township.pk])
    page = client.get(url, {"open": two.pk})
    panel = _panel(page.content.decode())
    assert f'id="sim-{one.pk}"' in panel, "the similar suggestion is offered"
    assert len(re.findall(r'name="reply"', panel)) == 1
    assert panel.count('data-testid="merge-similar"') == 1

    response = client.post(
        reverse("projects:suggestion_decide", args=[world.township.pk]),
        {
            "ids": [two.pk, one.pk],
            "action": "reject",  # the select's value; the merge button wins
            "merge_similar": "1",
            "reply": "已并入村道路灯项目。",
            "next": url,
        },
    )
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == two.status == "merged"
    assert one.project_id == two.project_id is not None
    assert two.reply == one.reply == "已并入村道路灯项目。"
    assert not Suggestion.objects.filter(status="rejected").exists()


# ---------------------------------------------------------------------------------------------
# 5. The evaluation's papers are 测评票 on every document


def test_evaluation_certificate_and_notice_call_the_papers_测评票(world):
    """The notice said 发出测评票 while the certificate of the same evaluation said 发出表决票."""
    from tests.voting.test_evaluation import _evaluation, _run
    from voting import pdf, services

    evaluation = _evaluation(world)
    _run(world, evaluation, ["SB"] * 6 + ["BU"] * 2)
    staff = world.users["staff"]
    services.vote_close(actor=staff, vote=evaluation)
    open_box_and_count(staff, evaluation)
    evaluation.refresh_from_db()
    certificate = re.sub(r"\s+", "", pdf.pdf_text(pdf.render_certificate(vote=evaluation)))
    notice = re.sub(r"\s+", "", pdf.pdf_text(pdf.render_notice(vote=evaluation)))
    assert "发出测评票" in certificate and "收回测评票" in certificate
    assert "发出测评票" in notice
    assert "表决票" not in certificate
    assert "表决票" not in notice


def test_a_void_evaluation_gives_its_reason_in_测评票():
    from types import SimpleNamespace

    from voting import pdf

    evaluation = SimpleNamespace(kind="evaluation", void_reason="")
    vote = SimpleNamespace(kind="projects", void_reason="")
    result = SimpleNamespace(void_reason="more_returned")
    assert pdf._void_reason(evaluation, result) == "收回测评票多于发出测评票"
    assert pdf._void_reason(vote, result) == "收回表决票多于发出表决票"


# ---------------------------------------------------------------------------------------------
# 6. The ballot pages' words


def _open_vote(world):
    from tests.voting.conftest import check_in, make_candidate_list
    from voting import services

    check_in(world, 10, total=10)
    staff = world.users["staff"]
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=10, paper_issued=0)
    open_with_ceremony(staff, vote)
    return vote, codes


def _marks(vote) -> str:
    """One 赞成 and 反对 for the rest: within every approval limit."""
    return "Y" + "N" * (vote.candidates.count() - 1)


def _english():
    from django.test import Client

    client = Client()
    client.cookies["django_language"] = "en"
    return client


def test_after_casting_the_page_does_not_speak_of_handing_back_a_tablet(world):
    """Deputies vote on their own phones too: 「您可以交还平板电脑」 was wrong for them."""
    vote, codes = _open_vote(world)
    client = _english()
    done = client.post(
        reverse("voting:ballot_cast"),
        {"vote": vote.pk, "code": codes[0], "choices": _marks(vote)},
    )
    assert done.status_code == 200
    text = _visible_text(done.content.decode())
    assert "Your ballot has been received." in text
    assert "your vote is complete" in text
    assert "tablet" not in text


def test_a_used_code_tells_the_deputy_to_tell_a_scrutineer(world):
    """At the cast step and at the code step, a code already used gets the advice."""
    from django.test import Client

    vote, codes = _open_vote(world)
    choices = _marks(vote)
    client = _english()
    client.post(
        reverse("voting:ballot_cast"), {"vote": vote.pk, "code": codes[0], "choices": choices}
    )
    again = client.post(
        reverse("voting:ballot_cast"), {"vote": vote.pk, "code": codes[0], "choices": choices}
    )
    assert again.status_code == 409
    text = _visible_text(again.content.decode())
    assert "Already cast" in text
    assert "If you did not cast it yourself, tell a scrutineer at once." in text
    # The code step, in Chinese (voting.views.REFUSALS is translated once, at import, in the
    # site's language, so this step only matches its refusal in Chinese).
    with translation.override("zh-hans"):
        already = translation.gettext("A ballot has already been cast with this code.")
        advice = translation.gettext("If you did not cast it yourself, tell a scrutineer at once.")
    step_one = Client().post(reverse("voting:ballot"), {"code": codes[0]})
    text = _visible_text(step_one.content.decode())
    assert already in text and advice in text
    # another refusal gets no such advice
    unknown = Client().post(reverse("voting:ballot"), {"code": "ABCDE-FGH12-3456"})
    assert advice not in _visible_text(unknown.content.decode())


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("ABCDE-FGH12", "you typed 10. Check that none is missing."),
        ("ABCDE FGH12 3456", "you typed 14. Check that none is missing."),
        ("ABCDE-FGH12-34567-8", "you typed 16. Check for extra ones."),
    ],
)
def test_a_code_of_the_wrong_length_gets_a_length_hint_not_a_checksum_message(world, typed, hint):
    client = _english()
    page = client.post(reverse("voting:ballot"), {"code": typed})
    assert page.status_code == 400
    text = _visible_text(page.content.decode())
    assert f"A ballot code has 15 letters and digits; {hint}" in text
    assert "check symbol" not in text


def test_a_full_length_code_with_a_typo_still_gets_the_check_symbol_message(world):
    from django.test import Client

    from voting import domain

    code = domain.new_code()
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    page = Client().post(reverse("voting:ballot"), {"code": domain.format_code(wrong)})
    with translation.override("zh-hans"):
        typo = translation.gettext(
            "This code is not right: check it letter by letter (the last symbol is a check symbol)."
        )
    assert typo in _visible_text(page.content.decode())


# ---------------------------------------------------------------------------------------------
# 7. The recommender's reasons


def test_a_deputy_with_known_villages_is_not_called_location_unknown():
    """「住址未知 (白鹭村／云山村)」: the deputy's villages were known; the project named none."""
    from supervision import domain
    from supervision.models import GroupMember

    placed = domain.DeputyIn(id=1, home_village=10, work_village=11)
    unplaced_deputy = domain.DeputyIn(id=2)
    project_without = domain.ProjectIn(id=1, villages=frozenset())
    project_with = domain.ProjectIn(id=2, villages=frozenset({10}))
    assert domain.proximity(placed, project_without, {}) == domain.UNPLACED
    assert domain.proximity(unplaced_deputy, project_with, {}) == domain.UNKNOWN
    assert domain.proximity(unplaced_deputy, project_without, {}) == domain.UNKNOWN
    assert domain.proximity(placed, project_with, {}) == domain.IN_VILLAGE
    assert domain.seat_value(domain.MATCH_NONE, domain.UNPLACED) == domain.seat_value(
        domain.MATCH_NONE, domain.UNKNOWN
    )
    with translation.override("en"):
        said = GroupMember(proximity=domain.UNPLACED).get_proximity_display()
        assert said == "The project names no village, so nearness is not known"
        assert "unknown" not in said.lower()


# ---------------------------------------------------------------------------------------------
# 8. The results are listed by rank


def test_results_are_listed_by_rank_with_ties_sharing_one(world):
    """名次 read 1, 3, 1, 4 down the table (ballot order); now 1, 1, 3, 4."""
    from tests.voting.conftest import TITLES
    from tests.voting.services.helpers import voted as _voted

    ballots = ["YYYN"] * 5 + ["YNYY"] * 3 + ["NYNY", "NNNY"]  # 8, 6, 8, 5 votes for
    vote, _result = _voted(world, ballots)
    page = world.client("staff").get(reverse("voting:results", args=[vote.pk]))
    body = page.content.decode()
    table = body[body.index('data-testid="results-table"') :]
    cells = re.findall(r"<tr>\s*(?:.*?)<td[^>]*>([^<]*)</td>\s*<td[^>]*>([^<]+)<", table, re.S)
    assert [(rank, title.strip()) for rank, title in cells] == [
        ("1", TITLES[0]),
        ("1", TITLES[2]),
        ("3", TITLES[1]),
        ("4", TITLES[3]),
    ]


# ---------------------------------------------------------------------------------------------
# 11. The QR summary sheet


CARDS_PER_PAGE = 12  # three columns, four rows, on every A4 page (the heading included)


@pytest.mark.parametrize("stations", [7, 30])
def test_qr_sheet_has_three_columns_from_page_one(world, stations, tmp_path):
    """Page 1 held only the heading and each page two columns of cards: 10 pages where 3–4
    would do."""
    import math
    import shutil
    import subprocess

    from projects import selectors, services
    from projects.models import IntakeLink, LiaisonStation
    from tests.factories import DeputyFactory
    from voting.pdf import pdf_text

    in_office = world.township.deputies.filter(in_office=True).count()
    DeputyFactory.create_batch(max(0, stations - in_office - 2), township=world.township)
    LiaisonStation.objects.create(
        township=world.township, name="东河村联络站", village=world.village
    )
    LiaisonStation.objects.create(township=world.township, name="镇人大代表之家")
    services.intake_links_ensure(actor=world.users["staff"], township=world.township)
    n = IntakeLink.objects.filter(township=world.township, is_active=True).count()
    assert n >= stations
    response = world.client("staff").get(reverse("projects:intake_sheet", args=[world.township.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if shutil.which("pdftoppm"):  # for a person to look at: test-artifacts/
        from django.conf import settings

        out = settings.BASE_DIR / "test-artifacts" / "pdf"
        out.mkdir(parents=True, exist_ok=True)
        pdf = tmp_path / "sheet.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(pdf), str(out / f"qr-sheet-{stations}")],
            check=True,
        )
    text = pdf_text(data)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) == math.ceil(n / CARDS_PER_PAGE), (n, len(pages))
    first = selectors.intake_links(world.township).filter(is_active=True).first()
    assert "民生实事项目征集二维码" in pages[0]
    assert first.token in re.sub(r"\s+", "", pages[0]), "page 1 holds cards under the heading"


# ---------------------------------------------------------------------------------------------
# 12. Deputies in 姓氏笔画 order


STROKE_ORDER = ["丁一", "马明", "王二", "王建国", "刘洋", "张三", "李秀英", "赵红梅"]


def test_deputies_are_listed_by_surname_strokes_not_code_points(world):
    """Code point order put 丁 (U+4E01) first but 马 (U+9A6C) last; 姓氏笔画 counts strokes:
    丁 2, 马 3, 王 4, 刘 6, 张 7, 李 7, 赵 9."""
    from congress import services
    from congress.collation import uses_icu
    from congress.models import Deputy

    if not uses_icu():
        pytest.fail("PyICU is not installed (pyproject: pyicu)")
    staff = world.users["staff"]
    Deputy.objects.filter(township=world.township).exclude(
        pk__in=[world.deputy.pk, world.member_deputy.pk]
    ).delete()  # the factory's 代表N names would sort among these
    for name in ["张三", "马明", "丁一", "刘洋", "王二"]:
        services.deputy_create(
            actor=staff,
            township=world.township,
            name=name,
            phone=f"1390000{len(name)}{ord(name[0]) % 1000:03d}",
            gender="M",
            is_township_deputy=True,
        )
    services.deputy_create(
        actor=staff,
        township=world.township,
        name="李秀英",
        phone="13900009999",
        gender="F",
        is_township_deputy=True,
    )
    assert sorted(STROKE_ORDER) != STROKE_ORDER  # code point order differs
    names = list(Deputy.objects.filter(township=world.township).values_list("name", flat=True))
    assert names == STROKE_ORDER
    # The roster page lists them so.
    page = world.client("staff").get(reverse("congress:deputy_list", args=[world.township.pk]))
    text = _visible_text(page.content.decode())
    positions = [text.index(name) for name in STROKE_ORDER]
    assert positions == sorted(positions)
    # A renamed deputy moves to its new place.
    renamed = Deputy.objects.get(township=world.township, name="丁一")
    services.deputy_update(actor=staff, deputy=renamed, name="赵一")
    names = list(Deputy.objects.filter(township=world.township).values_list("name", flat=True))
    assert names == [*STROKE_ORDER[1:-1], "赵一", "赵红梅"]


def test_a_roster_import_stores_the_stroke_order_key(world):
    """Imported deputies take their stroke-order place; a save that names only ``name`` in
    update_fields still refreshes the key."""
    from congress.collation import stroke_sort_key
    from congress.models import Deputy
    from tests.congress.test_roster import upload, xlsx

    rows = [
        ["赵六", "女", "13900000009", "乡镇", "东河村", "", "教师", "", "教育", "否", "是"],
        ["丁七", "男", "13900000010", "乡镇", "", "", "", "", "", "否", ""],
    ]
    assert upload(world.client("staff"), world.township, xlsx(rows)).status_code == 302
    names = list(Deputy.objects.filter(township=world.township).values_list("name", flat=True))
    assert names.index("丁七") < names.index("王建国") < names.index("赵六")
    deputy = Deputy.objects.get(pk=world.deputy.pk)
    assert bytes(deputy.name_sort_key) == stroke_sort_key("王建国")
    Deputy.objects.filter(pk=deputy.pk).update(name_sort_key=b"")
    deputy.name = "马建国"
    deputy.save(update_fields=["name"])
    deputy.refresh_from_db()
    assert bytes(deputy.name_sort_key) == stroke_sort_key("马建国")
