"""Pages of stages 1–2: the public form and receipt, triage, plans, PDFs."""

import re
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.models import AuditEvent
from projects import domain, services
from projects.models import Suggestion, SuggestionStatus

from . import factories as f

pytestmark = pytest.mark.django_db


def _submit(client, link, **data):
    payload = {"title": "村里道路安装路灯", "content": "晚上出行不安全", **data}
    return client.post(reverse("projects:intake", args=[link.token]), payload)


def test_a_resident_submits_and_gets_a_receipt_code(world):
    link = f.deputy_link(world)
    client = Client()
    response = client.get(reverse("projects:intake", args=[link.token]))
    assert response.status_code == 200
    assert world.deputy.name in response.content.decode()
    response = _submit(client, link, proposer_name="张三", proposer_phone="13900000000")
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.receipt_code in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert suggestion.receipt_display in page
    assert "张三" not in page and "13900000000" not in page


def test_the_receipt_page_shows_reply_and_lineage_but_no_personal_data(world):
    link = f.deputy_link(world)
    s = services.suggestion_submit_public(
        link=link,
        title="修建村道路灯",
        content="路灯",
        proposer_name="李四",
        proposer_phone="13911112222",
    )
    project = services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[s.pk],
        reply="已纳入项目储备库，将提交年度计划审议。",
    )
    page = Client().get(reverse("projects:receipt_detail", args=[s.receipt_code])).content.decode()
    assert "已纳入项目储备库，将提交年度计划审议。" in page
    assert project.title in page
    for private in ("李四", "13911112222", world.users["staff"].username):
        assert private not in page


def test_receipt_lookup_forgives_dashes_and_case(world):
    s = f.suggestion(world)
    typed = domain.format_receipt_code(s.receipt_code).lower()
    response = Client().get(reverse("projects:receipt_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/track/{s.receipt_code}/")


def test_a_wrong_receipt_code_is_explained(world):
    response = Client().get(reverse("projects:receipt_lookup"), {"code": "ABCD"})
    assert response.status_code == 200
    assert response.context["form"].errors
    code = domain.receipt_code_from_int(42)
    response = Client().get(reverse("projects:receipt_detail", args=[code]))
    assert response.status_code == 404


def test_the_lookup_page_lists_what_this_device_sent(world):
    """A resident's phone finds its receipts again on the lookup page, newest first with their
    status, in one query however many; another phone's lookup page lists none of them."""
    resident = world.client("resident")
    (first,) = resident.session["receipts"]
    link = world.deputy.intake_links.get()
    assert _submit(resident, link, title="小学门口装减速带").status_code == 302
    second = resident.session["receipts"][0]
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[Suggestion.objects.get(receipt_code=first).pk],
        reason="",
        reply="已由县交通局统一安排",
    )
    url = reverse("projects:receipt_lookup")
    with CaptureQueriesContext(connection) as two:
        response = resident.get(url)
    assert [s.receipt_code for s in response.context["sent_here"]] == [second, first]
    page = response.content.decode()
    assert "本机提交的建议" in page
    for code in (first, second):
        assert reverse("projects:receipt_detail", args=[code]) in page
        assert domain.format_receipt_code(code) in page
    assert str(SuggestionStatus.REJECTED.label) in page
    assert str(SuggestionStatus.RECEIVED.label) in page

    assert _submit(resident, link, title="修补村道").status_code == 302
    with CaptureQueriesContext(connection) as three:
        assert len(resident.get(url).context["sent_here"]) == 3
    assert len(three) == len(two)

    response = Client().get(url)
    assert response.context["sent_here"] == []
    page = response.content.decode()
    assert "本机提交的建议" not in page
    assert domain.format_receipt_code(first) not in page


def test_a_device_remembers_its_last_twenty_receipts():
    """The session keeps codes only, newest first, at most twenty; a code sent again moves
    to the front instead of appearing twice."""
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    from projects import views

    request = RequestFactory().get("/")
    request.session = SessionStore()
    for n in range(25):
        views._remember_receipt(request, f"CODE{n}")
    views._remember_receipt(request, "CODE10")
    kept = request.session["receipts"]
    assert kept[:2] == ["CODE10", "CODE24"]
    assert len(kept) == 20 == len(set(kept))
    assert "CODE4" not in kept


def test_the_honeypot_refuses_robots(world):
    link = f.deputy_link(world)
    response = _submit(Client(), link, website="http://spam.example")
    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_too_many_submissions_from_one_address_are_refused(world, settings):
    # A private in-memory cache: other test runs clear the shared Redis at any moment.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    settings.PROJECTS_SUBMIT_LIMIT = (2, 600)
    link = f.deputy_link(world)
    client = Client()
    assert _submit(client, link).status_code == 302
    assert _submit(client, link).status_code == 302
    response = _submit(client, link)
    assert response.status_code == 429
    assert Suggestion.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _submit(other, link).status_code == 302


def test_the_form_works_with_the_cache_down(world, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "add", broken)
    link = f.deputy_link(world)
    assert _submit(Client(), link).status_code == 302


def test_an_oversized_submission_is_refused(world):
    link = f.deputy_link(world)
    response = _submit(Client(), link, content="很" * 40_000)
    assert response.status_code == 413


def test_a_too_long_content_is_a_form_error(world):
    link = f.deputy_link(world)
    response = _submit(Client(), link, content="路" * 2001)
    assert response.status_code == 400
    assert "content" in response.context["form"].errors


def test_an_unknown_or_inactive_qr_code_is_404(world):
    assert Client().get(reverse("projects:intake", args=["NOPE123"])).status_code == 404


def test_no_client_address_is_stored(world):
    link = f.deputy_link(world)
    _submit(Client(REMOTE_ADDR="203.0.113.77"), link)
    s = Suggestion.objects.get()
    stored = str([getattr(s, field.attname) for field in Suggestion._meta.concrete_fields])
    stored += str(list(AuditEvent.objects.values()))
    assert "203.0.113.77" not in stored


# --- triage ----------------------------------------------------------------------------------


def _triage_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_triage_list_has_a_flat_number_of_queries(world):
    client = world.client("staff")
    url = reverse("projects:suggestion_list", args=[world.township.pk])
    f.suggestion(world, village=world.village)
    few = _triage_queries(client, url)
    for i in range(30):
        f.suggestion(world, title=f"建议{i}", village=world.village, deputy=world.deputy)
    p = f.project(world)
    services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=list(Suggestion.objects.values_list("pk", flat=True)[:5]),
        project=p,
    )
    assert _triage_queries(client, url) == few
    assert _triage_queries(client, url + "?status=merged&q=建议") == few
    # session, user, scope (2), township, rule set, count, page, villages, deputies, projects
    assert few <= 12


def test_opening_a_suggestion_shows_similar_ones(world):
    a = f.suggestion(world, title="修建村道路灯", content="修建村道路灯")
    f.suggestion(world, title="村里道路安装路灯", content="村里道路安装路灯")
    f.suggestion(world, title="建设老年活动中心", content="建设老年活动中心")
    client = world.client("staff")
    response = client.get(
        reverse("projects:suggestion_list", args=[world.township.pk]), {"open": a.pk}
    )
    titles = [s.title for s, _score in response.context["similar"]]
    assert titles == ["村里道路安装路灯"]


def test_staff_merge_two_suggestions_from_the_panel(world):
    a = f.suggestion(world, title="修建村道路灯")
    b = f.suggestion(world, title="村里道路安装路灯")
    client = world.client("staff")
    response = client.post(
        reverse("projects:suggestion_decide", args=[world.township.pk]),
        {"action": "merge_new", "ids": [a.pk, b.pk]},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.project_id == b.project_id is not None
    assert response["Location"] == a.project.get_absolute_url()


def test_bulk_reject_without_reason_is_explained(world):
    a = f.suggestion(world)
    client = world.client("staff")
    response = client.post(
        reverse("projects:suggestion_decide", args=[world.township.pk]),
        {"action": "reject", "ids": [a.pk], "reason": "", "reply": ""},
        follow=True,
    )
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.status == SuggestionStatus.RECEIVED
    assert list(response.context["messages"])


def test_decide_with_garbage_ids_does_not_fail(world):
    client = world.client("staff")
    response = client.post(
        reverse("projects:suggestion_decide", args=[world.township.pk]),
        {"action": "merge_new", "ids": ["x", "999999"]},
    )
    assert response.status_code == 302


def test_a_deputy_enters_an_offline_suggestion(world):
    client = world.client("deputy")
    url = reverse("projects:suggestion_create", args=[world.township.pk])
    response = client.post(
        url, {"channel": "door_to_door", "title": "修桥", "content": "石桥年久失修"}
    )
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert s.deputy == world.deputy and s.channel == "door_to_door"


# --- plans, candidate lists, PDFs ---------------------------------------------------------------


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_the_candidate_list_refuses_to_lock_with_a_clear_message(world):
    plan, projects = f.plan_with_projects(world, n=3, slots=3)
    f.advance_all(world, plan, projects)
    client = world.client("staff")
    url = reverse("projects:candidate_list", args=[plan.pk])
    response = client.post(url, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("3" in m for m in messages)
    plan.candidate_list.refresh_from_db()
    assert not plan.candidate_list.is_locked


def test_the_candidate_pdf_has_the_chinese_explanation(world, tmp_path):
    plan, projects = f.plan_with_projects(world, n=4, slots=3)
    f.advance_all(world, plan, projects)
    response = world.client("reviewer").get(reverse("projects:candidate_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert "候选项目" in text and "项目0" in text and "估算投资" in text


def test_the_qr_sheet_pdf_names_deputies_and_links(world, tmp_path):
    link = f.deputy_link(world)
    response = world.client("staff").get(reverse("projects:intake_sheet", args=[world.township.pk]))
    text = _pdf_text(response.content, tmp_path)
    assert world.deputy.name in text
    assert link.token in re.sub(r"\s", "", text)


def test_the_plan_page_shows_the_funnel_numbers(world):
    plan, projects = f.plan_with_projects(world, n=4, slots=3, year=2027)
    client = world.client("staff")
    response = client.get(reverse("projects:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    funnel = dict((key, n) for key, _label, n in response.context["funnel"])
    assert funnel["proposed"] == 0 and funnel["candidates"] == 0
    f.advance_all(world, plan, projects)
    response = client.get(reverse("projects:plan_detail", args=[plan.pk]))
    funnel = dict((key, n) for key, _label, n in response.context["funnel"])
    assert funnel["proposed"] == 4 and funnel["candidates"] == 4


def test_staff_change_the_reply_of_a_merged_suggestion(world):
    a = f.suggestion(world)
    services.suggestions_merge(
        actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
    )
    response = world.client("staff").post(
        reverse("projects:suggestion_decide", args=[world.township.pk]),
        {"action": "reply", "ids": [a.pk], "reply": "项目已提交年度计划。"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.reply == "项目已提交年度计划。" and a.status == SuggestionStatus.MERGED
    assert AuditEvent.objects.filter(action="suggestion.reply", object_id=str(a.pk)).exists()


def test_the_panel_proposes_the_most_similar_reserve_project(world):
    project = f.project(world, title="竹溪村河道综合治理", content="清淤疏浚2公里并修复护岸。")
    s = f.suggestion(world, title="下坪村河道整治", content="下坪村河道整治，影响生产生活。")
    response = world.client("staff").get(
        reverse("projects:suggestion_list", args=[world.township.pk]), {"open": s.pk}
    )
    assert [p for p, _score in response.context["similar_projects"]] == [project]
    assert response.context["preselect_project"] == project.pk
