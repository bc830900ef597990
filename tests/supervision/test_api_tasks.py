"""The JSON API walks the ledger with the same services; the beat task is idempotent."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone

from supervision import services
from supervision.models import ItemStatus, LedgerItem, Notification
from supervision.tasks import send_reminders


def _post(client, name, pk, data):
    return client.post(
        reverse(name, kwargs={"pk": pk}), data=json.dumps(data), content_type="application/json"
    )


def test_api_ledger_cycle(world, plan, confirmed):
    project = confirmed[0].project
    item = services.item_create(actor=world.users["deputy"], project=project, title="井盖松动")
    deputy, gov = world.client("deputy"), world.client("government")
    deadline = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    r = _post(
        deputy,
        "api:ledger-item-hand-over",
        item.pk,
        {"department": "镇建设办", "deadline": deadline},
    )
    assert r.status_code == 200 and r.json()["status"] == ItemStatus.HANDED_OVER
    assert _post(deputy, "api:ledger-item-answer", item.pk, {"answer": "x"}).status_code == 403
    assert _post(gov, "api:ledger-item-answer", item.pk, {"answer": "已更换"}).status_code == 200
    r = _post(gov, "api:ledger-item-close", item.pk, {})
    assert r.status_code == 403
    r = _post(deputy, "api:ledger-item-close", item.pk, {"note": "复查合格"})
    assert r.json()["status"] == ItemStatus.CLOSED
    r = _post(deputy, "api:ledger-item-reopen", item.pk, {"reason": "x"})
    assert r.status_code == 400
    listing = world.client("reviewer").get(reverse("api:ledger-item-list")).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert [row["id"] for row in rows] == [item.pk]
    other = world.client("reviewer_other").get(reverse("api:ledger-item-list")).json()
    assert (other["results"] if isinstance(other, dict) else other) == []


def test_reminder_task_runs_the_service_idempotently(world, plan, confirmed):
    project = confirmed[0].project
    item = services.item_create(
        actor=world.users["staff"],
        project=project,
        title="护栏缺失",
        department="镇交通办",
        deadline=timezone.localdate(),
    )
    LedgerItem.objects.filter(pk=item.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    send_reminders.apply()
    n = Notification.objects.count()
    send_reminders.apply()
    assert Notification.objects.count() == n
    assert Notification.objects.filter(kind="item_escalated", user=world.users["staff"]).exists()
