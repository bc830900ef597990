"""Stage 4 pages: flat query counts, refusals, form errors in the user's language, no 500."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from supervision import services
from supervision.models import ItemStatus, LedgerItem


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def _add_items(world, project, n):
    for i in range(n):
        services.item_create(
            actor=world.users["staff"],
            project=project,
            title=f"问题{i}",
            department="镇交通办",
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )


def test_lists_have_flat_query_counts(world, plan, confirmed):
    client = world.client("staff")
    project = confirmed[0].project
    urls = [
        reverse("supervision:overview", args=[world.township.pk]),
        reverse("supervision:ledger", args=[world.township.pk]),
        reverse("supervision:plan_groups", args=[plan.pk]),
        reverse("supervision:project_detail", args=[project.pk]),
    ]
    _add_items(world, project, 1)
    services.inspection_record(
        actor=world.users["staff"],
        project=project,
        date=timezone.localdate(),
        attendees=[confirmed[0].members.first().deputy],
        notes="查看",
    )
    before = [_queries(client, u) for u in urls]
    _add_items(world, project, 6)
    for g in confirmed:
        services.inspection_record(
            actor=world.users["staff"],
            project=g.project,
            date=timezone.localdate(),
            attendees=[g.members.first().deputy],
            notes="查看",
        )
    after = [_queries(client, u) for u in urls]
    assert before == after


def test_deputy_phone_view_is_flat(world, plan, confirmed):
    client = world.client("deputy")
    url = reverse("supervision:my")
    _add_items(world, confirmed[0].project, 1)
    before = _queries(client, url)
    _add_items(world, confirmed[0].project, 5)
    assert _queries(client, url) == before
    response = client.get(url)
    assert confirmed[0].project.title in response.content.decode()


def test_list_flags_over_budget(world, plan, confirmed):
    project = confirmed[0].project
    services.progress_report_submit(
        actor=world.users["government"],
        project=project,
        period="2027-Q1",
        invested=150,
        percent_complete=40,
        status="on_track",
    )
    html = (
        world.client("reviewer")
        .get(reverse("supervision:overview", args=[world.township.pk]))
        .content.decode()
    )
    assert 'data-flag="over-budget"' in html


def test_reviewer_reads_but_cannot_act(world, plan, confirmed):
    project = confirmed[0].project
    _add_items(world, project, 1)
    item = LedgerItem.objects.get(project=project)
    client = world.client("reviewer")
    page = client.get(item.get_absolute_url()).content.decode()
    assert "data-action=" not in page
    response = client.post(item.get_absolute_url(), {"action": "answer", "answer": "x"})
    assert response.status_code == 403
    response = client.post(reverse("supervision:plan_groups", args=[plan.pk]))
    assert response.status_code == 403


def test_form_errors_in_chinese(world, plan, confirmed):
    project = confirmed[0].project
    _add_items(world, project, 1)
    item = LedgerItem.objects.get(project=project)
    client = world.client("government")
    response = client.post(item.get_absolute_url(), {"action": "answer", "answer": ""})
    assert response.status_code == 400
    with translation.override("zh-hans"):
        from django.forms import Field

        required = str(Field.default_error_messages["required"])
    assert required in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "nope"},
        {"action": "close"},
        {"action": "hand_over", "department": "x", "deadline": "not-a-date"},
        {"action": "reopen", "reason": ""},
    ],
)
def test_bad_input_never_500(world, plan, confirmed, data):
    project = confirmed[0].project
    _add_items(world, project, 1)
    item = LedgerItem.objects.get(project=project)
    response = world.client("staff").post(item.get_absolute_url(), data)
    assert response.status_code in (302, 400, 404)
    item.refresh_from_db()
    assert item.status == ItemStatus.HANDED_OVER


def test_report_form_refuses_bad_photo(world, plan, confirmed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    project = confirmed[0].project
    response = world.client("government").post(
        reverse("supervision:report_create", args=[project.pk]),
        {
            "period": "2027-Q1",
            "reported_on": timezone.localdate().isoformat(),
            "invested": "10",
            "percent_complete": "10",
            "status": "on_track",
            "photos": SimpleUploadedFile("a.jpg", b"GIF89a....", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert not project.progress_reports.exists()


def test_public_page_has_no_personal_data(world, plan, confirmed):
    project = confirmed[0].project
    response = world.client("anonymous").get(
        reverse("supervision:public_project", args=[project.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200 and project.title in html
    for m in confirmed[0].members.select_related("deputy"):
        assert m.deputy.name not in html
        assert m.deputy.phone not in html
    hidden = plan.candidate_list.candidates.first().project
    hidden.status = "reserve"
    hidden.save()
    other = world.client("anonymous").get(reverse("supervision:public_project", args=[hidden.pk]))
    assert other.status_code == 404


def test_notifications_page_and_mark_read(world, plan, confirmed):
    _add_items(world, confirmed[0].project, 1)
    client = world.client("government")
    response = client.get(reverse("supervision:notifications"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/supervision/items/') == 1
    client.post(reverse("supervision:notifications"))
    assert not world.users["government"].notifications.filter(read_at__isnull=True).exists()


def test_group_adjust_through_page(world, plan):
    staff = world.client("staff")
    group = services.groups_propose(actor=world.users["staff"], plan=plan)[0]
    member = group.members.filter(is_leader=False).first()
    response = staff.post(
        group.get_absolute_url(), {"action": "leader", "deputy": member.deputy_id}
    )
    assert response.status_code == 302
    assert group.members.get(is_leader=True).pk == member.pk
    response = staff.post(group.get_absolute_url(), {"action": "confirm"})
    group.refresh_from_db()
    assert group.is_confirmed
    response = staff.post(group.get_absolute_url(), {"action": "remove", "deputy": "abc"})
    assert response.status_code == 302


def test_proposal_page_flags_conflicts_of_interest(world, plan):
    project = plan.candidate_list.candidates.first().project
    boss = world.township.deputies.exclude(pk=world.deputy.pk).first()
    boss.employer = project.implementing_body
    boss.save()
    services.groups_propose(actor=world.users["staff"], plan=plan)
    assert not project.supervision_group.members.filter(deputy=boss).exists()
    html = world.client("staff").get(reverse("supervision:plan_groups", args=[plan.pk]))
    assert boss.name in html.content.decode().split('data-testid="conflicts"')[1]


def test_a_photo_opened_on_its_own_gets_a_policy_for_the_image_viewer_only(world):
    """The browser's image viewer styles its page inline: the photo response allows inline
    style and nothing else (no script, no other origin); pages keep the strict policy."""
    from django.urls import reverse

    import tests.permission_table  # noqa: F401 - loads the app rows in their order
    from tests.permissions.supervision import _objects

    objects = _objects(world)
    client = world.client("staff")
    response = client.get(reverse("supervision:photo", args=[objects["photo"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy
    page = client.get(reverse("supervision:project_detail", args=[objects["project"].pk]))
    assert "style-src 'self'" in page["Content-Security-Policy"]
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_the_navigation_shows_how_many_notifications_are_unread(world):
    import datetime as dt

    from supervision.models import Notification

    user = world.users["deputy"]
    for i in range(2):
        Notification.objects.create(
            user=user, kind="item_answered", key=f"k{i}", day=dt.date(2027, 3, 1), subject="复查"
        )
    client = world.client("deputy")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-badge">2<span class="visually-hidden"> 条未读</span>' in html
    # On a phone the menu is collapsed: the count is a link of its own beside it.
    assert 'data-testid="unread-phone"' in html
    counts = [q for q in ctx.captured_queries if "supervision_notification" in q["sql"]]
    assert len(counts) == 1  # counted once for both places
    client.post(reverse("supervision:notifications"))  # mark all read
    html = client.get(reverse("home")).content.decode()
    assert "unread-badge" not in html
    # Someone else's notifications are not counted; anonymous pages run no count at all.
    assert "unread-badge" not in world.client("staff").get(reverse("home")).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        world.client("anonymous").get(reverse("home"))
    assert not any("supervision_notification" in q["sql"] for q in ctx.captured_queries)
