"""supervision.services.groups: what it writes, what it audits, what it refuses."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from congress.models import AuditEvent
from projects.models import ProjectStatus, ProjectStatusChange
from supervision import services
from supervision.models import GroupMember

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
