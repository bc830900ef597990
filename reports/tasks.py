"""Celery tasks: take ids, call one service. Results land in the Report row."""

from celery import shared_task

MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="reports.tasks.generate_report",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def generate_report(self, report_id: int) -> str:
    from .services import ReportBusy, report_fail, report_generate

    try:
        return report_generate(report_id=report_id)
    except ReportBusy:
        return "busy"  # another delivery is producing it right now
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            report_fail(report_id=report_id, reason=f"{type(exc).__name__}: {exc}")
            return "failed"
        raise self.retry(exc=exc, countdown=min(60, 5 * 2**self.request.retries)) from exc


@shared_task(name="reports.tasks.schedule_quarter_reports", ignore_result=True)
def schedule_quarter_reports() -> int:
    """Beat, first day of each quarter: reports of the quarter just ended, every body."""
    from django.utils import timezone

    from .domain import previous_quarter
    from .services import reports_requeue_stalled, reports_schedule_quarter

    year, quarter = previous_quarter(timezone.localdate())
    created = reports_schedule_quarter(year=year, quarter=quarter)
    reports_requeue_stalled()
    return created
