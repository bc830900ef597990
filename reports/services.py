"""Writes for reports: ask for a report, queue it, produce it.

The Report row is the source of truth. Producing a report writes the PDF to a temporary file
in the same directory and renames it into place (os.replace, atomic on one file system)
before the row is marked done, so a worker killed mid-report leaves no half-written report
and the retry produces exactly one complete file.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import County, Township
from congress.services import audit_record
from livelihood.stage_machines import StageMachine

from . import domain
from .models import ACTIVE_STATUSES, Report, ReportKind, ReportStatus
from .permissions import REQUEST_PREDICATES

logger = logging.getLogger(__name__)

REPORT_DIR = "reports"
# Test-only hook: called between writing the temporary file and renaming it into place.
_before_rename = None


# ---------------------------------------------------------------------------------------------
# The report's state machine (its table is ``domain.REPORT``). A report keeps no history
# table: the audit event of each action is its history.

AUDITED = {
    "start": AuditAction.REPORT_START,
    "finish": AuditAction.REPORT_DONE,
    "fail": AuditAction.REPORT_FAILED,
    "retry": AuditAction.REPORT_RETRY,
}


def _refusal(current: str, action: str) -> str:
    if action == "retry":
        return _("This report is not waiting or failed.")
    return _("A report that is “%(status)s” cannot change this way.") % {
        "status": ReportStatus(current).label
    }


def _record(
    report: Report,
    *,
    action: str,
    before: str,
    after: str,
    actor=None,
    details: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=AUDITED[action],
        obj=report,
        township=report.township,
        county=report.county,
        before={"status": before},
        after={"status": after, **(details or {})},
    )


# An action saves the status with the fields the service has just set on the locked row.
REPORT_MACHINE = StageMachine(
    domain.REPORT,
    refusal=_refusal,
    recorder=_record,
    update_fields=("progress", "error", "attempts", "started_at", "finished_at", "file"),
)


# ---------------------------------------------------------------------------------------------
# Asking for a report


def report_request(
    *,
    actor,
    year: int,
    quarter: int,
    township: Township | None = None,
    county: County | None = None,
    kind: str | None = None,
) -> tuple[Report, bool]:
    """Ask for a township report, a county roll-up (``county``) or the county congress's own
    report (``county`` and ``kind=ReportKind.COUNTY_CONGRESS``). Returns (report, created):
    asking again while one of the same body, kind and quarter is queued or running returns
    that one. The task is queued after commit; with the broker down the row stays queued and
    says so."""
    if not domain.valid_year(year) or not domain.valid_quarter(quarter):
        raise ValidationError(_("Choose a year and a quarter."))
    if (township is None) == (county is None):
        raise ValueError("give a township or a county")
    if township is not None:
        kind, county = ReportKind.TOWNSHIP, township.county
    else:
        kind = kind or ReportKind.COUNTY
        if kind == ReportKind.TOWNSHIP:
            raise ValueError("a township report needs its township")
    unsaved = Report(kind=kind, township=township, county=county)
    if actor is not None and not REQUEST_PREDICATES[kind](actor, unsaved):
        raise PermissionDenied
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind,
                township=township,
                county=county,
                year=year,
                quarter=quarter,
                requested_by=actor if actor is not None and actor.is_authenticated else None,
            )
            audit_record(
                actor=actor,
                action=AuditAction.REPORT_REQUEST,
                obj=report,
                township=township,
                county=county,
                after={"kind": kind, "year": year, "quarter": quarter},
            )
            transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    except IntegrityError:
        # One of the same body and quarter is already in flight.
        existing = Report.objects.filter(
            kind=kind,
            township=township,
            county=county,
            year=year,
            quarter=quarter,
            status__in=ACTIVE_STATUSES,
        ).first()
        if existing is None:
            raise
        return existing, False
    return report, True


def report_enqueue(*, report_id: int) -> bool:
    """Send the task to the broker. Never raises: with Redis down the report stays queued
    (the page says so) and can be queued again by beat's sweep or by hand."""
    from .tasks import generate_report

    options = {}
    queue = getattr(settings, "REPORTS_TASK_QUEUE", None)
    if queue:
        options["queue"] = queue
    try:
        # Connect once with a short deadline: kombu's default channel would otherwise retry
        # for several seconds while the user waits for the page.
        with generate_report.app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0.2, interval_max=0.2, timeout=2
            )
            generate_report.apply_async(args=[report_id], connection=conn, retry=False, **options)
    except Exception as exc:  # noqa: BLE001 - kombu raises many kinds when the broker is down
        logger.warning("report %s not queued, broker unavailable: %s", report_id, exc)
        return False
    return True


def report_retry(*, actor, report: Report) -> Report:
    """Queue a failed report again (or re-send a queued one the broker lost)."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("township", "county")
            .get(pk=report.pk)
        )
        if report.status == ReportStatus.FAILED:
            report.progress = 0
            report.error = ""
        try:
            with transaction.atomic():
                REPORT_MACHINE.apply(report, "retry", actor=actor)
        except IntegrityError:
            raise ValidationError(
                _("Another report of the same quarter is already being produced.")
            ) from None
        transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    return report


def reports_schedule_quarter(*, year: int, quarter: int) -> int:
    """Beat, on the first day of a quarter: a report for every township and county for the
    quarter just ended, and the county congress's own report for every county with a
    published plan of its own that year. Idempotent per body and quarter: a body that
    already has a report of that kind and quarter (in any state) gets no second one. Returns
    how many were created."""
    from projects.models import AnnualPlan
    from voting.models import VoteStatus

    created = 0
    have = Report.objects.filter(year=year, quarter=quarter)
    have_townships = set(
        have.filter(kind=ReportKind.TOWNSHIP).values_list("township_id", flat=True)
    )
    have_counties = set(have.filter(kind=ReportKind.COUNTY).values_list("county_id", flat=True))
    have_congresses = set(
        have.filter(kind=ReportKind.COUNTY_CONGRESS).values_list("county_id", flat=True)
    )
    for township in Township.objects.select_related("county").exclude(pk__in=have_townships):
        _report, new = report_request(actor=None, township=township, year=year, quarter=quarter)
        created += new
    for county in County.objects.exclude(pk__in=have_counties):
        _report, new = report_request(actor=None, county=county, year=year, quarter=quarter)
        created += new
    congresses = County.objects.filter(
        # A plan is published when its project vote is (the vote publishes the plan).
        pk__in=AnnualPlan.objects.filter(
            county__isnull=False,
            year=year,
            candidate_list__votes__status=VoteStatus.PUBLISHED,
        ).values("county_id")
    ).exclude(pk__in=have_congresses)
    for county in congresses:
        _report, new = report_request(
            actor=None,
            county=county,
            kind=ReportKind.COUNTY_CONGRESS,
            year=year,
            quarter=quarter,
        )
        created += new
    return created


def reports_requeue_stalled(*, older_than_minutes: int = 30, running_minutes: int = 120) -> int:
    """Re-send reports the broker lost: queued ones never delivered (Redis was down when they
    were asked for), and running ones whose message vanished with a Redis restart. Safe to
    over-send: a done report is not produced again, and a report still being produced holds
    its advisory lock, so the extra delivery returns at once."""
    now = timezone.now()
    ids = list(
        Report.objects.filter(
            Q(
                status=ReportStatus.QUEUED,
                created_at__lt=now - datetime.timedelta(minutes=older_than_minutes),
            )
            | Q(
                status=ReportStatus.RUNNING,
                started_at__lt=now - datetime.timedelta(minutes=running_minutes),
            )
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        report_enqueue(report_id=pk)
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Producing a report (the task's body)


class ReportBusy(Exception):
    """Another worker holds the report's lock and is producing it now."""


@contextlib.contextmanager
def _report_lock(report_id: int):
    """A PostgreSQL session advisory lock on the report: two deliveries of one task never
    render at once. A killed worker's connection drops and PostgreSQL frees the lock, so the
    redelivered task can take it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [7007, report_id])
        acquired = cursor.fetchone()[0]
    if not acquired:
        raise ReportBusy(report_id)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [7007, report_id])


def _set_progress(report_id: int, progress: int) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        progress=max(0, min(99, progress))
    )


def final_name(report: Report) -> str:
    """The report's file name in storage: fixed per report, so a retry replaces, never adds."""
    return f"{REPORT_DIR}/{report.year}/report-{report.pk}.pdf"


def _write_atomically(name: str, data: bytes) -> None:
    """Write to a temporary file in the same directory, fsync, then rename into place."""
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # object storage: one PUT makes the object whole or not at all
        from django.core.files.base import ContentFile

        default_storage.save(name, ContentFile(data))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{path.stem}.*.part"):
        stale.unlink(missing_ok=True)  # left by a worker killed before its rename
    tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        if _before_rename is not None:
            _before_rename(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def report_generate(*, report_id: int) -> str:
    """Produce the report. Idempotent: a done report is not produced again; a running one
    (its worker died) is produced again from the start. Returns the final status.

    Errors propagate to the task, which retries; after the last retry the task calls
    ``report_fail`` so staff see the reason."""
    with _report_lock(report_id):
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("township", "county")
                .filter(pk=report_id)
                .first()
            )
            if report is None:
                return "missing"
            if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
                return report.status
            report.progress = 1
            report.attempts += 1
            report.started_at = timezone.now()
            report.error = ""
            REPORT_MACHINE.apply(report, "start", details={"attempts": report.attempts})
        from . import pdf

        def progress(value: int) -> None:
            _set_progress(report_id, value)

        data = pdf.render(report=report, progress=progress)
        progress(95)
        name = final_name(report)
        _write_atomically(name, data)
        with transaction.atomic():
            report = (
                Report.objects.select_for_update(of=("self",))
                .select_related("township", "county")
                .get(pk=report_id)
            )
            report.file.name = name
            report.progress = 100
            report.finished_at = timezone.now()
            REPORT_MACHINE.apply(
                report, "finish", details={"file": name, "attempts": report.attempts}
            )
    return ReportStatus.DONE


def report_fail(*, report_id: int, reason: str) -> None:
    """The last attempt failed: keep the reason for staff to read. A report already done or
    failed is left as it is."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("township", "county")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status in (ReportStatus.DONE, ReportStatus.FAILED):
            return
        report.error = reason[:2000]
        report.finished_at = timezone.now()
        REPORT_MACHINE.apply(report, "fail", details={"error": report.error[:200]})
