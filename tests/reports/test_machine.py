"""The report's state machine: every action from every state is allowed or refused as the table
in reports/domain.py says; a report has no history table, so each action's audit event is its
history; a refusal changes nothing and says why."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from congress.models import AuditEvent
from livelihood.transitions import TransitionRefused
from reports import domain, services
from reports.models import Report, ReportStatus
from reports.services import AUDITED, REPORT_MACHINE
from tests.factories import ReportFactory

STATES = sorted(REPORT_MACHINE.states())
ACTIONS = list(REPORT_MACHINE.table)


def test_the_table_reads_as_a_reports_life():
    assert domain.REPORT.edges() == [
        ("queued", "start", "running"),
        ("running", "start", "running"),
        ("running", "finish", "done"),
        ("queued", "fail", "failed"),
        ("running", "fail", "failed"),
        ("failed", "retry", "queued"),
        ("queued", "retry", "queued"),
    ]
    assert set(STATES) == set(ReportStatus.values)
    assert set(AUDITED) == set(ACTIONS)
    assert REPORT_MACHINE.actions_from("done") == []


def _fresh(report):
    return Report.objects.select_related("township", "county").get(pk=report.pk)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_from_every_state(world, state, action):
    report = _fresh(ReportFactory(township=world.township, status=state))
    audits = AuditEvent.objects.count()
    if REPORT_MACHINE.allows(state, action):
        report.file.name = services.final_name(report)  # what the worker sets before "finish"
        REPORT_MACHINE.apply(report, action, details={"attempts": 1})
        target = domain.REPORT.table[action].target
        assert Report.objects.get(pk=report.pk).status == target
        event = AuditEvent.objects.latest("id")
        assert event.action == AUDITED[action]
        assert event.object_id == str(report.pk)
        assert (event.before, event.after) == ({"status": state}, {"status": target, "attempts": 1})
        assert event.township == world.township
    else:
        with pytest.raises(TransitionRefused) as refused:
            REPORT_MACHINE.apply(report, action)
        assert isinstance(refused.value, ValidationError)
        assert (refused.value.current, refused.value.action) == (state, action)
        assert Report.objects.get(pk=report.pk).status == state
        assert AuditEvent.objects.count() == audits


def test_the_audit_events_are_the_reports_history(world):
    report = ReportFactory(township=world.township, status="done")
    history = list(
        AuditEvent.objects.filter(object_type="reports.Report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert history == ["report.request", "report.start", "report.done"]


def test_retrying_a_done_report_is_refused_with_todays_message(world):
    report = ReportFactory(township=world.township, status="done")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.report_retry(actor=world.users["staff"], report=report)
    assert refused.value.messages == ["This report is not waiting or failed."]
    assert Report.objects.get(pk=report.pk).status == "done"


def test_a_failed_report_is_retried_from_the_page(world):
    report = ReportFactory(township=world.township, status="failed")
    response = world.client("staff").post(reverse("reports:report_retry", args=[report.pk]))
    assert response.status_code == 302
    assert Report.objects.get(pk=report.pk).status == "queued"
    assert AuditEvent.objects.latest("id").action == "report.retry"


def test_a_second_failure_keeps_the_first_reason(world):
    report = ReportFactory(township=world.township, status="running")
    services.report_fail(report_id=report.pk, reason="RuntimeError: 字体缺失")
    services.report_fail(report_id=report.pk, reason="RuntimeError: again")
    report = Report.objects.get(pk=report.pk)
    assert (report.status, report.error) == ("failed", "RuntimeError: 字体缺失")
    assert AuditEvent.objects.filter(action="report.failed", object_id=str(report.pk)).count() == 1
