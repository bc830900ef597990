from celery import shared_task


@shared_task(name="congress.tasks.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> str:
    """Beat runs this every minute; staff home pages show when the worker last answered."""
    from django.core.cache import cache
    from django.utils import timezone

    stamp = timezone.now().isoformat()
    cache.set("worker-heartbeat", stamp, timeout=None)
    return stamp
