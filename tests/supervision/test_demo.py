"""The supervision demo: the model town's elected projects with groups, plans, reports (one
over budget), inspections and hand-overs in every state; idempotent."""

import pytest
from django.core.management import call_command

from supervision.models import (
    Inspection,
    ItemStatus,
    LedgerItem,
    ProgressReport,
    SupervisionGroup,
)

pytestmark = pytest.mark.django_db


def test_supervision_demo():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    groups = SupervisionGroup.objects.filter(project__township__name="青石镇", plan__year=2026)
    assert groups.count() == 3 and all(g.is_confirmed for g in groups)
    for g in groups:
        assert 3 <= g.members.count() <= 5 and g.members.filter(is_leader=True).count() == 1
    assert groups.filter(members__deputy__user__username="deputy1").exists()
    assert ProgressReport.objects.filter(over_budget=True).count() == 1
    assert Inspection.objects.count() >= 4
    statuses = set(LedgerItem.objects.values_list("status", flat=True))
    assert statuses == set(ItemStatus.values)
    assert LedgerItem.objects.filter(escalated_at__isnull=False).exists()
    assert LedgerItem.objects.filter(source="resident").exists()
    lights = groups.get(project__title__contains="路灯")
    assert not lights.members.filter(deputy__employer__contains="建设工程公司").exists()
    before = (LedgerItem.objects.count(), Inspection.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (LedgerItem.objects.count(), Inspection.objects.count()) == before
