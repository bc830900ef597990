from celery import shared_task


@shared_task(bind=True, max_retries=3, default_retry_delay=60)
def send_duty_reminders(self):
    """Daily: remind the deputies on duty at a station (calls one service)."""
    from stations.services import reminders_send

    return reminders_send()
