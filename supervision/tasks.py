from celery import shared_task


@shared_task(
    name="supervision.tasks.send_reminders",
    ignore_result=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def send_reminders() -> int:
    """Beat runs this daily: in-app reminders for what is due or overdue (inspections,
    progress reports, hand-overs) and escalation of overdue hand-overs. Idempotent per item
    and day, so a retry or a second run sends nothing twice."""
    from .services import reminders_send

    return reminders_send()
