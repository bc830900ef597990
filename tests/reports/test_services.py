"""Asking for, producing and failing reports: the row is the source of truth, the file is
written atomically, the task is idempotent and retried."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from congress.models import AuditEvent
from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import MAX_RETRIES, generate_report
from voting.pdf import pdf_text

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL between writing the temporary file and renaming it."""


def _request(world, **kw):
    kw.setdefault("township", world.township)
    kw.setdefault("quarter", 2)
    return services.report_request(actor=world.users["staff"], year=2026, **kw)


def _files(report) -> list[str]:
    folder = Path(default_storage.path(services.final_name(report))).parent
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_request_creates_a_queued_row_and_queues_after_commit(
    report_world, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(services, "report_enqueue", lambda *, report_id: sent.append(report_id))
    with django_capture_on_commit_callbacks(execute=True):
        report, created = _request(report_world)
    assert created and report.status == ReportStatus.QUEUED and report.progress == 0
    assert report.requested_by == report_world.users["staff"]
    assert sent == [report.pk]
    assert AuditEvent.objects.filter(action="report.request", object_id=str(report.pk)).exists()
    # Asking again while it is in flight returns the same row.
    again, created_again = _request(report_world)
    assert again.pk == report.pk and not created_again


def test_request_refusals(report_world):
    with pytest.raises(PermissionDenied):
        services.report_request(
            actor=report_world.users["staff_other"],
            township=report_world.township,
            year=2026,
            quarter=1,
        )
    with pytest.raises(PermissionDenied):
        services.report_request(
            actor=report_world.users["reviewer_other"],
            county=report_world.county,
            year=2026,
            quarter=1,
        )
    with pytest.raises(ValidationError):
        services.report_request(
            actor=report_world.users["staff"], township=report_world.township, year=2026, quarter=5
        )


def test_broker_down_keeps_the_row_queued_and_the_page_says_so(
    report_world, monkeypatch, django_capture_on_commit_callbacks
):
    """With Redis unreachable the request neither fails (no 500) nor loses the report."""
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")

    monkeypatch.setattr(generate_report, "apply_async", down)
    client = report_world.client("staff")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reports/townships/{report_world.township.pk}/", {"year": 2026, "quarter": 2}
        )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "排队" in page or "queued" in page


def test_generate_writes_one_complete_file_and_is_idempotent(report_world):
    report, _ = _request(report_world)
    assert services.report_generate(report_id=report.pk) == ReportStatus.DONE
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.attempts == 1 and report.finished_at is not None
    assert _files(report) == [f"report-{report.pk}.pdf"]
    text = pdf_text(report.file.read())
    assert "青石镇" in text and "东河村道路路灯安装" in text
    mtime = Path(report.file.path).stat().st_mtime_ns
    # A second delivery of the same task does nothing.
    assert services.report_generate(report_id=report.pk) == ReportStatus.DONE
    report.refresh_from_db()
    assert report.attempts == 1
    assert Path(report.file.path).stat().st_mtime_ns == mtime


def test_killed_between_write_and_rename_leaves_no_report_and_the_retry_makes_one(
    report_world, monkeypatch
):
    report, _ = _request(report_world)
    left_behind = []

    def killed(tmp):
        # A real SIGKILL leaves the temporary file behind; keep a copy to prove the retry
        # cleans it up.
        stale = tmp.with_name(f"report-{report.pk}.deadbeef.part")
        stale.write_bytes(tmp.read_bytes()[:100])
        left_behind.append(stale)
        raise WorkerKilled

    monkeypatch.setattr(services, "_before_rename", killed)
    with pytest.raises(WorkerKilled):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING and not report.file
    assert not Path(default_storage.path(services.final_name(report))).exists()
    assert _files(report) == [left_behind[0].name]  # only the partial, never a "report"

    monkeypatch.setattr(services, "_before_rename", None)
    # The broker redelivers the message (acks_late + reject_on_worker_lost): the retry.
    generate_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.attempts == 2
    assert _files(report) == [f"report-{report.pk}.pdf"]
    assert "青石镇" in pdf_text(report.file.read())


def test_failure_after_the_last_retry_shows_the_reason(report_world, monkeypatch):
    from reports import pdf

    def broken(**kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(pdf, "render_township_report", broken)
    report, _ = _request(report_world)
    # Run eagerly, a retry runs again at once: every attempt fails, then the last one
    # records the failure.
    result = generate_report.apply(args=[report.pk])
    assert result.get() == "failed"
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.attempts == MAX_RETRIES + 1
    assert "字体缺失" in report.error
    assert _files(report) == []
    # Staff see the reason and may try again.
    client = report_world.client("staff")
    page = client.get(f"/reports/{report.pk}/")
    assert "字体缺失" in page.content.decode()
    monkeypatch.undo()
    client.post(f"/reports/{report.pk}/retry/")
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED and report.error == ""


def test_beat_schedules_every_body_once_per_quarter(report_world, monkeypatch):
    monkeypatch.setattr(services, "report_enqueue", lambda *, report_id: True)
    n_townships = 3  # 青石镇, 柳河乡, 白水镇
    n_counties = 2
    assert services.reports_schedule_quarter(year=2026, quarter=3) == n_townships + n_counties
    assert services.reports_schedule_quarter(year=2026, quarter=3) == 0
    assert Report.objects.filter(year=2026, quarter=3, requested_by=None).count() == 5


def test_beat_entry_runs_on_the_first_day_of_each_quarter(settings):
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "reports.tasks.schedule_quarter_reports"
    )
    schedule = entry["schedule"]
    assert schedule.month_of_year == {1, 4, 7, 10}
    assert schedule.day_of_month == {1}


def test_beat_task_queues_the_quarter_just_ended_and_resends_stalled(report_world, monkeypatch):
    import datetime

    from django.utils import timezone

    from reports.tasks import schedule_quarter_reports

    sent = []
    monkeypatch.setattr(services, "report_enqueue", lambda *, report_id: sent.append(report_id))
    stalled, _ = _request(report_world, quarter=1)
    Report.objects.filter(pk=stalled.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    lost, _ = _request(report_world, quarter=4)
    Report.objects.filter(pk=lost.pk).update(
        status=ReportStatus.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=3)
    )
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: datetime.date(2026, 10, 1))
    assert schedule_quarter_reports() == 5
    assert Report.objects.filter(year=2026, quarter=3).count() == 5
    assert stalled.pk in sent  # the report the broker never got is sent again
    assert lost.pk in sent  # and the one whose message a Redis restart lost


def test_enqueue_with_the_broker_unreachable_gives_up_fast():
    """A real unreachable Redis (a closed port), in a separate process with its own settings:
    enqueue answers False within a couple of seconds instead of hanging the request."""
    import os
    import subprocess
    import sys

    code = (
        "import django, time; django.setup()\n"
        "from reports.services import report_enqueue\n"
        "t = time.perf_counter(); ok = report_enqueue(report_id=1)\n"
        "print(ok, time.perf_counter() - t)\n"
    )
    env = {
        **os.environ,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "DJANGO_SETTINGS_MODULE": "livelihood.settings.test",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    ok, seconds = out.stdout.strip().splitlines()[-1].split()
    assert ok == "False", out.stderr[-2000:]
    assert float(seconds) < 3
