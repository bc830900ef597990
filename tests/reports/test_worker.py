"""Reports with a real Celery worker on the real Redis broker, started as a subprocess
(``celery -A livelihood worker``) on a queue of its own, so other test runs sharing Redis never
take its messages.

- A round trip: the page asks for a report, the worker produces it, the row says done.
- A worker killed (SIGKILL) mid-report: no report file exists; the next worker gets the
  unacknowledged message again (acks_late + reject_on_worker_lost, short visibility timeout in
  tests/reports/worker_settings.py), produces exactly one complete file, and the row is done.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from reports import services
from reports.models import Report, ReportStatus
from voting.pdf import pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent.parent


def _wait(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def _row(pk) -> Report:
    return Report.objects.get(pk=pk)


@pytest.fixture
def worker_env(settings, tmp_path):
    queue = f"reports-test-{uuid.uuid4().hex[:8]}"
    settings.REPORTS_TASK_QUEUE = queue
    settings.MEDIA_ROOT = tmp_path / "media"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.reports.worker_settings",
        REPORTS_WORKER_DB=connection.settings_dict["NAME"],
        REPORTS_WORKER_MEDIA=str(settings.MEDIA_ROOT),
        PYTHONPATH=str(ROOT),
    )
    workers: list[subprocess.Popen] = []

    def start(delay: float = 0.0, name: str = "w") -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "livelihood",
                "worker",
                "-Q",
                queue,
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}-{queue}@%h",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env={**env, "REPORTS_WORKER_DELAY": str(delay)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append(process)
        return process

    yield start, tmp_path
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _logs(tmp_path) -> str:
    return "\n".join(
        f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in tmp_path.glob("*.log")
    )


def test_requested_report_is_produced_by_a_real_worker(report_world, worker_env):
    start, tmp_path = worker_env
    start(name="roundtrip")
    client = report_world.client("staff")
    response = client.post(
        f"/reports/townships/{report_world.township.pk}/", {"year": 2026, "quarter": 2}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    done = _wait(lambda: _row(report.pk).status == ReportStatus.DONE, timeout=90)
    assert done, _logs(tmp_path)
    report = _row(report.pk)
    assert report.progress == 100 and report.attempts == 1
    assert "东河村道路路灯安装" in pdf_text(Path(report.file.path).read_bytes())
    assert client.get(f"/reports/{report.pk}/download/").status_code == 200


def test_worker_killed_mid_report_leaves_no_file_and_the_retry_makes_exactly_one(
    report_world, worker_env
):
    start, tmp_path = worker_env
    report, _created = services.report_request(
        actor=report_world.users["staff"], township=report_world.township, year=2026, quarter=2
    )
    services.report_enqueue(report_id=report.pk)  # no on_commit in a transactional test run
    first = start(delay=30, name="first")
    running = _wait(
        lambda: _row(report.pk).status == ReportStatus.RUNNING and _row(report.pk).progress >= 20,
        timeout=60,
    )
    assert running, _logs(tmp_path)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    row = _row(report.pk)
    assert row.status == ReportStatus.RUNNING and not row.file
    final = Path(tmp_path / "media" / services.final_name(row))
    assert not final.exists()

    start(delay=0, name="second")
    done = _wait(lambda: _row(report.pk).status == ReportStatus.DONE, timeout=120)
    assert done, _logs(tmp_path)
    row = _row(report.pk)
    assert row.attempts == 2
    assert sorted(p.name for p in final.parent.iterdir()) == [final.name]
    assert "青石镇" in pdf_text(final.read_bytes())
