"""Settings for a real Celery worker started by tests/reports/test_worker.py in a subprocess:
the test settings, pointed at the running test's database, with a slow render (to kill the
worker mid-report) and a short broker visibility timeout (so a killed worker's unacknowledged
message is handed to the next worker within seconds, not an hour)."""

import os

from livelihood.settings.test import *  # noqa: F403
from livelihood.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["REPORTS_WORKER_DB"]
MEDIA_ROOT = os.environ["REPORTS_WORKER_MEDIA"]
REPORTS_RENDER_DELAY = float(os.environ.get("REPORTS_WORKER_DELAY", "0"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "visibility_timeout": 3,
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
