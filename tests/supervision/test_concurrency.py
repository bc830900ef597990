"""Ledger steps under real concurrency: the item row is locked, so two people closing and
reopening the same answered item at once leave exactly one step recorded."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from supervision import services
from supervision.models import LedgerEvent, LedgerItem

pytestmark = pytest.mark.django_db(transaction=True)


def test_close_and_reopen_at_once_apply_one(world, plan, confirmed):
    import datetime

    from django.utils import timezone

    project = confirmed[0].project
    item = services.item_create(
        actor=world.users["staff"],
        project=project,
        title="路面积水",
        department="镇交通办",
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.item_answer(actor=world.users["government"], item=item, answer="已疏通")
    barrier = threading.Barrier(8)
    actor = world.users["staff"]

    def step(i):
        barrier.wait(timeout=30)
        try:
            if i % 2:
                services.item_close(actor=actor, item=item, note="复查合格")
            else:
                services.item_reopen(actor=actor, item=item, reason="仍积水")
            return "ok"
        except ValidationError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(step, range(8)))
    assert outcomes.count("ok") == 1
    item = LedgerItem.objects.get(pk=item.pk)
    assert item.status in ("closed", "reopened")
    assert LedgerEvent.objects.filter(item=item, action__in=["close", "reopen"]).count() == 1
