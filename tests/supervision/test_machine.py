"""The hand-over ledger's state machine: every action from every state is allowed or refused as
the table in supervision/domain.py says; an allowed action writes the ledger step and the audit
event; a refusal changes nothing, reads clearly on the page's language and is a 400 in the API."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from congress.models import AuditEvent
from livelihood.transitions import TransitionRefused
from supervision import domain, services
from supervision.models import ItemStatus, LedgerEvent, LedgerItem
from supervision.services import LEDGER_MACHINE
from tests.factories import LedgerItemFactory, ProjectFactory, staff_of

STATES = sorted(LEDGER_MACHINE.states())
ACTIONS = list(LEDGER_MACHINE.table)


def test_the_table_reads_as_the_hand_over_cycle():
    assert domain.LEDGER.edges() == [
        ("recorded", "hand_over", "handed_over"),
        ("handed_over", "answer", "answered"),
        ("reopened", "answer", "answered"),
        ("answered", "close", "closed"),
        ("answered", "reopen", "reopened"),
    ]
    assert set(STATES) == {"recorded", "handed_over", "answered", "reopened", "closed"}
    assert LEDGER_MACHINE.actions_from("closed") == []


@pytest.fixture
def elected(world):
    return ProjectFactory(township=world.township, status="elected")


def _locked(item):
    return LedgerItem.objects.select_related("township").get(pk=item.pk)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(world, elected, state, action):
    item = _locked(LedgerItemFactory(project=elected, status=state))
    staff = staff_of(world.township)
    steps = LedgerEvent.objects.filter(item=item).count()
    audits = AuditEvent.objects.count()
    if LEDGER_MACHINE.allows(state, action):
        # What the service sets before the step (a hand-over names a department and deadline).
        item.department = "镇建设办"
        item.deadline = timezone.localdate() + datetime.timedelta(days=3)
        LEDGER_MACHINE.apply(item, action, actor=staff, note="按表操作")
        target = domain.LEDGER.table[action].target
        assert LedgerItem.objects.get(pk=item.pk).status == target
        step = LedgerEvent.objects.filter(item=item).latest("id")
        assert (step.action, step.from_status, step.to_status, step.by, step.note) == (
            action,
            state,
            target,
            staff,
            "按表操作",
        )
        event = AuditEvent.objects.latest("id")
        assert event.action == f"ledger.{action}"
        assert (event.before, event.after["status"]) == ({"status": state}, target)
    else:
        with pytest.raises(TransitionRefused) as refused:
            LEDGER_MACHINE.apply(item, action, actor=staff)
        assert isinstance(refused.value, ValidationError)
        assert (refused.value.current, refused.value.action) == (state, action)
        assert LedgerItem.objects.get(pk=item.pk).status == state
        assert LedgerEvent.objects.filter(item=item).count() == steps
        assert AuditEvent.objects.count() == audits


def test_the_services_walk_the_table_and_write_every_step(world, elected):
    item = LedgerItemFactory(project=elected, status="reopened")
    steps = list(
        LedgerEvent.objects.filter(item=item).values_list("action", "from_status", "to_status")
    )
    assert steps == [
        ("record", "", "recorded"),
        ("hand_over", "recorded", "handed_over"),
        ("answer", "handed_over", "answered"),
        ("reopen", "answered", "reopened"),
    ]
    audited = list(
        AuditEvent.objects.filter(object_id=str(item.pk), action__startswith="ledger.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert audited == ["ledger.record", "ledger.hand_over", "ledger.answer", "ledger.reopen"]


def test_a_refused_service_action_reads_clearly(world, elected):
    item = LedgerItemFactory(project=elected, status="recorded")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.item_close(actor=staff_of(world.township), item=item, note="")
    assert refused.value.messages == ["A hand-over that is “Recorded” cannot be changed this way."]
    assert LedgerItem.objects.get(pk=item.pk).closed_at is None


def test_the_api_answers_a_refusal_with_400_and_its_message(world, elected):
    item = LedgerItemFactory(project=elected, status="closed")
    client = world.client("staff")
    response = client.post(
        reverse("api:ledger-item-reopen", kwargs={"pk": item.pk}),
        data=json.dumps({"reason": "复查发现问题"}),
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    said = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            said.append(
                {
                    "detail": [
                        gettext("A hand-over that is “%(status)s” cannot be changed this way.")
                        % {"status": ItemStatus.CLOSED.label}
                    ]
                }
            )
    assert response.json() in said
    assert LedgerItem.objects.get(pk=item.pk).status == "closed"


def test_escalation_keeps_the_status_and_is_a_step(world, elected):
    item = LedgerItemFactory(project=elected, status="handed_over")
    LedgerItem.objects.filter(pk=item.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.item_escalate(actor=staff_of(world.township), item=item, note="逾期")
    step = LedgerEvent.objects.filter(item=item).latest("id")
    assert (step.action, step.from_status, step.to_status) == (
        "escalate",
        "handed_over",
        "handed_over",
    )
    assert AuditEvent.objects.latest("id").action == "ledger.escalate"
