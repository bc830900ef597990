"""A real Celery worker on the real Redis broker answers the heartbeat task, and staff see
that on their home page."""

from __future__ import annotations

import signal
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from congress.models import Role
from tests.factories import TownshipFactory, user_with_role

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEARTBEAT_KEY = "worker-heartbeat"


@contextmanager
def hard_deadline(seconds: int, what: str):
    """Fail instead of hanging: a worker that never becomes ready blocks without a timeout."""

    def _expired(signum, frame):
        raise TimeoutError(f"{what} took longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _logging_preserved():
    """The embedded worker sets up Celery logging (root level, handlers); give them back so
    the rest of the session logs and captures as before."""
    import logging

    from livelihood import celery_app

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    hijack = celery_app.conf.worker_hijack_root_logger
    celery_app.conf.worker_hijack_root_logger = False
    try:
        yield
    finally:
        celery_app.conf.worker_hijack_root_logger = hijack
        root.setLevel(level)
        root.handlers[:] = handlers


def _wait_for(predicate, timeout: float, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def test_worker_answers_heartbeat_through_the_broker_and_home_shows_it(client, settings):
    from congress.tasks import worker_heartbeat
    from livelihood import celery_app

    assert not celery_app.conf.task_always_eager
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL == settings.REDIS_URL
    # A broker that does not answer fails here quickly instead of hanging in the worker.
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2, interval_start=0.2, timeout=2)

    staff = user_with_role(Role.STAFF, township=TownshipFactory(), username="staff_worker")
    response = client.post(
        "/accounts/login/", {"username": staff.username, "password": "pw-12345678"}
    )
    assert response.status_code == 302, "login through the form failed"

    seen = []
    with hard_deadline(90, "the worker test"), _logging_preserved():
        with start_worker(
            celery_app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=15,
        ):
            assert worker_heartbeat.name in celery_app.tasks
            # Other test runs share this Redis and flush it (tests/conftest.py clears the
            # cache before every test), which can drop the message or the key in between;
            # a second try then tells that apart from a worker that does not answer.
            for _attempt in range(3):
                cache.delete(HEARTBEAT_KEY)
                assert worker_heartbeat.delay().id  # through Redis, not eagerly
                stamp = _wait_for(lambda: cache.get(HEARTBEAT_KEY), timeout=10)
                if not stamp:
                    seen.append("no heartbeat within 10 s")
                    continue
                page = client.get("/")
                assert page.status_code == 200
                if stamp in page.content.decode():
                    break
                seen.append(f"home page without {stamp!r}: {page.context['worker_heartbeat']!r}")
            else:
                pytest.fail("the worker heartbeat never reached the home page: " + "; ".join(seen))
        # Leaving the block stopped the worker (start_worker joins its thread or raises).
    assert page.context["worker_heartbeat"] == stamp
