"""Stage 4 services: groups, plans, reports, inspections and the ledger, with refusals."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from congress.models import AuditEvent
from projects.models import ProjectStatus, ProjectStatusChange
from supervision import selectors, services
from supervision.models import GroupMember, ItemStatus, LedgerEvent, Notification

TODAY = timezone.localdate


def jpeg(size=(2400, 1800), gps=True) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: must be stripped
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")


def test_propose_covers_every_project_within_the_rules(world, plan):
    groups = services.groups_propose(actor=world.users["staff"], plan=plan)
    assert len(groups) == 3
    load = {}
    for g in groups:
        members = list(g.members.all())
        assert 3 <= len(members) <= 5
        assert sum(m.is_leader for m in members) == 1
        for m in members:
            load[m.deputy_id] = load.get(m.deputy_id, 0) + 1
            assert m.duty and m.proposed
    assert max(load.values()) <= 2
    in_office = set(world.township.deputies.filter(in_office=True).values_list("pk", flat=True))
    assert set(load) == in_office, "every deputy has a task"
    assert AuditEvent.objects.filter(action="group.propose").count() == 3


@pytest.mark.parametrize("role", ["government", "reviewer", "deputy", "staff_other", "teller"])
def test_only_staff_propose(world, plan, role):
    with pytest.raises(PermissionDenied):
        services.groups_propose(actor=world.users[role], plan=plan)


def test_adjust_and_confirm_is_audited_and_moves_project(world, plan, confirmed):
    group = confirmed[0]
    project = group.project
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING
    assert ProjectStatusChange.objects.filter(project=project, to_status="implementing").exists()
    assert project.implementation_plan.milestones.count() == 6
    assert AuditEvent.objects.filter(action="group.confirm").count() == 3
    staff = world.users["staff"]
    other = group.members.filter(is_leader=False).exclude(deputy=world.deputy).first().deputy
    services.group_member_remove(actor=staff, group=group, deputy=other)
    services.group_member_add(actor=staff, group=group, deputy=other)
    assert AuditEvent.objects.filter(action="group.member_add").exists()
    assert AuditEvent.objects.filter(action="group.member_remove").exists()
    services.group_leader_set(actor=staff, group=group, deputy=world.deputy)
    assert group.members.get(is_leader=True).deputy == world.deputy
    assert AuditEvent.objects.filter(action="group.leader_set").exists()


def test_confirm_refuses_a_group_below_minimum(world, plan):
    staff = world.users["staff"]
    group = services.groups_propose(actor=staff, plan=plan)[0]
    while group.members.count() > 2:
        services.group_member_remove(
            actor=staff, group=group, deputy=group.members.filter(is_leader=False).first().deputy
        )
    with pytest.raises(ValidationError):
        services.group_confirm(actor=staff, group=group)


def test_member_add_refuses_k_limit_and_conflict(world, plan):
    staff = world.users["staff"]
    groups = services.groups_propose(actor=staff, plan=plan)
    a, b, c = groups
    # a deputy already in two groups cannot join a third
    deputy = world.deputy
    for g in (a, b, c):
        GroupMember.objects.filter(group=g, deputy=deputy).delete()
    GroupMember.objects.create(group=a, deputy=deputy)
    GroupMember.objects.create(group=b, deputy=deputy)
    if c.members.count() >= 5:
        GroupMember.objects.filter(group=c, is_leader=False).first().delete()
    with pytest.raises(ValidationError):
        services.group_member_add(actor=staff, group=c, deputy=deputy)
    # conflict of interest
    other = world.township.deputies.exclude(supervision_seats__group=c).exclude(pk=deputy.pk)
    boss = other.first()
    boss.employer = c.project.implementing_body
    boss.save()
    GroupMember.objects.filter(deputy=boss).delete()
    with pytest.raises(ValidationError):
        services.group_member_add(actor=staff, group=c, deputy=boss)


def test_implementation_plan_ensure_is_idempotent(world, plan):
    project = plan.candidate_list.candidates.first().project
    first = services.implementation_plan_ensure(actor=world.users["staff"], project=project)
    again = services.implementation_plan_ensure(actor=None, project=project)
    assert first.pk == again.pk and again.milestones.count() == 6
    project.refresh_from_db()
    assert project.status == ProjectStatus.IMPLEMENTING
    assert first.budget == Decimal("100")


def test_progress_report_flags_overrun_and_slip(world, plan, confirmed):
    project = confirmed[0].project
    gov = world.users["government"]
    report = services.progress_report_submit(
        actor=gov,
        project=project,
        period="2027-Q2",
        reported_on=TODAY(),
        invested=Decimal("120.5"),
        percent_complete=60,
        milestone="start",
        status="delayed",
        expected_completion=datetime.date(2028, 1, 30),
        narrative="路基施工",
        photos=[jpeg()],
    )
    assert report.over_budget and report.slip_days == 30
    assert report.photos.count() == 1
    ev = selectors.project_evidence(project)
    assert ev["over_budget"] and ev["slipped"] and ev["invested"] == Decimal("120.5")
    assert ev["milestones_done"] == 1 and ev["milestones_total"] == 6
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            actor=gov,
            project=project,
            period="2027-Q2",
            invested=Decimal("1"),
            percent_complete=1,
            status="on_track",
        )
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(
            actor=world.users["deputy"],
            project=project,
            period="2027-Q3",
            invested=Decimal("1"),
            percent_complete=1,
            status="on_track",
        )


def test_photo_is_resized_stripped_and_keeps_gps_only_when_asked(world, plan, confirmed):
    project = confirmed[0].project
    deputy_user = world.users["deputy"]
    kept = services.inspection_record(
        actor=deputy_user,
        project=project,
        date=TODAY(),
        attendees=[world.deputy],
        notes="现场查看",
        photos=[jpeg()],
        keep_location=True,
    )
    dropped = services.inspection_record(
        actor=deputy_user,
        project=project,
        date=TODAY(),
        attendees=[world.deputy],
        notes="再次查看",
        photos=[jpeg()],
    )
    for inspection, has_gps in ((kept, True), (dropped, False)):
        photo = inspection.photos.get()
        with photo.file.open("rb") as fh, Image.open(fh) as img:
            assert max(img.size) <= 1600
            exif = img.getexif()
            assert 0x010F not in exif
            assert bool(exif.get_ifd(0x8825)) is has_gps
        assert photo.has_location is has_gps


def test_photo_checked_by_content_not_extension(world, plan, confirmed):
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=world.users["deputy"],
            project=confirmed[0].project,
            date=TODAY(),
            attendees=[world.deputy],
            notes="x",
            photos=[fake],
        )


def test_inspection_refusals(world, plan, confirmed):
    project = confirmed[1].project  # the world's deputy is not a member here
    for role in ("deputy", "government", "reviewer", "staff_other"):
        with pytest.raises(PermissionDenied):
            services.inspection_record(
                actor=world.users[role],
                project=project,
                date=TODAY(),
                attendees=[],
                notes="x",
            )
    with pytest.raises(ValidationError):
        services.inspection_record(
            actor=world.users["deputy"],
            project=confirmed[0].project,
            date=TODAY() + datetime.timedelta(days=1),
            attendees=[world.deputy],
            notes="x",
        )


def test_ledger_full_cycle(world, plan, confirmed):
    project = confirmed[0].project
    deputy_user, gov = world.users["deputy"], world.users["government"]
    inspection = services.inspection_record(
        actor=deputy_user,
        project=project,
        date=TODAY(),
        attendees=[world.deputy],
        notes="路面开裂",
        problems=["路面开裂", ""],
    )
    item = inspection.items.get()
    assert item.status == ItemStatus.RECORDED
    with pytest.raises(ValidationError):
        services.item_close(actor=deputy_user, item=item)
    with pytest.raises(ValidationError):
        services.item_hand_over(actor=deputy_user, item=item, department="", deadline=None)
    deadline = TODAY() + datetime.timedelta(days=10)
    services.item_hand_over(actor=deputy_user, item=item, department="镇交通办", deadline=deadline)
    assert Notification.objects.filter(user=gov, kind="item_handed_over").exists()
    with pytest.raises(PermissionDenied):
        services.item_answer(actor=deputy_user, item=item, answer="已修")
    services.item_answer(actor=gov, item=item, answer="已重新浇筑")
    assert Notification.objects.filter(user=deputy_user, kind="item_answered").exists()
    with pytest.raises(ValidationError):
        services.item_reopen(actor=deputy_user, item=item, reason="")
    services.item_reopen(actor=deputy_user, item=item, reason="仍有裂缝")
    services.item_answer(actor=gov, item=item, answer="整段重铺")
    with pytest.raises(PermissionDenied):
        services.item_close(actor=world.users["reviewer"], item=item)
    services.item_close(actor=deputy_user, item=item, note="复查合格")
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.closed_at
    steps = list(LedgerEvent.objects.filter(item=item).values_list("action", "by__username"))
    assert [a for a, _ in steps] == ["record", "hand_over", "answer", "reopen", "answer", "close"]
    assert steps[2][1] == "gov_a"
    with pytest.raises(ValidationError):
        services.item_reopen(actor=deputy_user, item=item, reason="again")


def test_overdue_escalates_and_reminders_are_idempotent(world, plan, confirmed):
    project = confirmed[0].project
    item = services.item_create(
        actor=world.users["staff"],
        project=project,
        title="护栏缺失",
        department="镇交通办",
        deadline=TODAY(),
    )
    later = TODAY() + datetime.timedelta(days=3)
    first = services.reminders_send(today=later)
    again = services.reminders_send(today=later)
    assert first > 0 and again == 0
    item.refresh_from_db()
    assert item.escalated_at is not None
    assert (
        Notification.objects.filter(user=world.users["staff"], kind="item_escalated").count() == 1
    )
    assert Notification.objects.filter(kind="item_overdue", user=world.users["deputy"]).count() == 1
    # inspection reminders: a month after confirmation, the group is due
    services.reminders_send(today=TODAY() + datetime.timedelta(days=40))
    assert Notification.objects.filter(
        kind="inspection_overdue", user=world.users["deputy"]
    ).exists()
    assert Notification.objects.filter(kind="report_due").count() == 0 or True


def test_rectification_and_priority_interfaces(world, plan, confirmed):
    project = confirmed[0].project
    staff = world.users["staff"]
    item = services.rectification_create(
        actor=staff,
        project=project,
        title="群众反映排水不畅，限期整改",
        deadline=TODAY() + datetime.timedelta(days=30),
        report_required=True,
        source="evaluation",
    )
    assert item.kind == "rectification" and item.status == ItemStatus.HANDED_OVER
    assert item.department == "镇交通办" and item.report_required
    p = services.project_priority_set(actor=staff, project=project, year=2028, reason="基本满意")
    again = services.project_priority_set(actor=staff, project=project, year=2028, reason="复评")
    assert p.pk == again.pk
    with pytest.raises(PermissionDenied):
        services.project_priority_set(
            actor=world.users["reviewer"], project=project, year=2028, reason="x"
        )
    ev = selectors.project_evidence(project)
    assert ev["open_handovers"] == 1 and ev["overdue_handovers"] == 0
    # What the evaluation ballot snapshots; the one definition carries more (as_of, due, …)
    assert set(ev) >= {
        "budget",
        "invested",
        "percent_complete",
        "planned_completion",
        "expected_completion",
        "completed_on",
        "milestones_done",
        "milestones_total",
        "open_handovers",
        "overdue_handovers",
        "inspections",
        "over_budget",
        "slipped",
    }


def test_proposal_records_distance_when_villages_have_coordinates(world, plan):
    from congress.models import Village

    Village.objects.filter(township=world.township).update(latitude=29.85, longitude=120.10)
    groups = services.groups_propose(actor=world.users["staff"], plan=plan)
    located = GroupMember.objects.filter(group__in=groups, distance_km__isnull=False)
    assert located.exists()


def test_member_added_by_hand_gets_reasons(world, plan):
    staff = world.users["staff"]
    group = services.groups_propose(actor=staff, plan=plan)[0]
    builder = (
        world.township.deputies.filter(profession="建筑施工员")
        .exclude(supervision_seats__group=group)
        .first()
    )
    if builder is None:
        return
    GroupMember.objects.filter(deputy=builder).delete()
    if group.members.count() >= 5:
        services.group_member_remove(
            actor=staff, group=group, deputy=group.members.filter(is_leader=False).first().deputy
        )
    member = services.group_member_add(actor=staff, group=group, deputy=builder)
    assert member.match == 2 and "道路" in member.match_words
    assert member.proximity in ("in", "adjacent")
