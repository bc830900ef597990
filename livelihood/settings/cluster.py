"""Settings for several machines (deploy/README-cluster.md, README "Running on several machines").

Production's settings plus what the scale-out needs, every value from the environment (one
env file per host: deploy/hosts/*.env). ``make cluster`` / ``make drill`` (scripts/cluster.py)
use the same module with the rehearsal's loopback addresses and ``LIVELIHOOD_PLAIN_HTTP=true``.

- ``DATABASE_URL``: the primary. Web hosts reach it through pgbouncer in transaction mode
  (``LIVELIHOOD_PGBOUNCER=true``: no server-side cursors, no prepared statements); worker
  hosts connect to it directly, because report production holds a session advisory lock
  (reports/services.py), which transaction pooling would hand to another client.
- ``LIVELIHOOD_REPLICA_URL``: the streaming hot standby. Dashboards, public pages and report
  reads go there (livelihood/dbrouter.py); empty: everything on the primary.
- ``REDIS_URL``: broker (db 0), cache (db 1). Sessions are in the database, so any web node
  answers any client.
- ``LIVELIHOOD_S3_*``: files (report PDFs, exports, photos) in an S3-compatible store through
  django-storages, private objects; served by views that check scope, through nginx's
  internal ``/_store/`` location (livelihood/downloads.py).
"""

import os

if os.environ.get("LIVELIHOOD_PLAIN_HTTP", "").lower() in ("1", "true", "yes"):
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .production import *  # noqa: E402, F403
from .production import DATABASES, MIDDLEWARE, STORAGES, env  # noqa: E402

PLAIN_HTTP = env.bool("LIVELIHOOD_PLAIN_HTTP", default=False)
if PLAIN_HTTP:  # the one-machine rehearsal: nginx on loopback, no TLS
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_HSTS_PRELOAD = False

# --- Database: primary (maybe through pgbouncer) and a replica --------------------------------
if env.bool("LIVELIHOOD_PGBOUNCER", default=False):
    # Transaction pooling: a server connection serves another client between transactions, so
    # nothing may outlive one: no server-side cursors (iterator()), no prepared statements
    # (psycopg prepares a query after 5 runs unless prepare_threshold is None).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

_replica_url = env("LIVELIHOOD_REPLICA_URL", default="")
if _replica_url:
    DATABASES["replica"] = {
        **env.db_url_config(_replica_url),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
        # A replica that is down must cost a request little: the router marks it down for
        # LIVELIHOOD_REPLICA_CHECK_SECONDS after one failed connect.
        "OPTIONS": {"connect_timeout": 1},
        "TEST": {"MIRROR": "default"},
    }
LIVELIHOOD_REPLICA_MAX_LAG = env.float("LIVELIHOOD_REPLICA_MAX_LAG", default=5.0)
LIVELIHOOD_REPLICA_CHECK_SECONDS = env.float("LIVELIHOOD_REPLICA_CHECK_SECONDS", default=2.0)
MIDDLEWARE = [*MIDDLEWARE, "livelihood.dbrouter.StickyPrimaryMiddleware"]

# --- Background work: a reports queue apart from quick tasks; one scheduler -------------------
CELERY_TASK_ROUTES = {"reports.tasks.generate_report": {"queue": "reports"}}
# A report worker killed outright (the machine, not just the child process) leaves its message
# unacknowledged; Redis hands it to another worker after this many seconds. Longer than any
# report takes; a second delivery of a report in production waits on its advisory lock anyway.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "visibility_timeout": env.int("LIVELIHOOD_VISIBILITY_TIMEOUT", default=600),
}
# The rehearsal's "quarter end": the quarterly reports entry fires every N seconds.
_quarter_every = env.float("LIVELIHOOD_QUARTER_EVERY_SECONDS", default=0)
if _quarter_every:
    CELERY_BEAT_SCHEDULE = {
        "quarterly-reports": {
            "task": "reports.tasks.schedule_quarter_reports",
            "schedule": _quarter_every,
        }
    }

# --- Files: S3-compatible object storage ------------------------------------------------------
_bucket = env("LIVELIHOOD_S3_BUCKET", default="")
if _bucket:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": _bucket,
                "endpoint_url": env("LIVELIHOOD_S3_ENDPOINT", default=None),
                "access_key": env("LIVELIHOOD_S3_ACCESS_KEY", default=None),
                "secret_key": env("LIVELIHOOD_S3_SECRET_KEY", default=None),
                "region_name": env("LIVELIHOOD_S3_REGION", default="us-east-1"),
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,  # signed URLs live one minute
                "file_overwrite": True,  # a report's name is fixed: a retry replaces it
            },
        },
    }
    # nginx's internal location that proxies to the store (deploy/nginx-cluster.conf).
    LIVELIHOOD_ACCEL_REDIRECT = env("LIVELIHOOD_ACCEL_REDIRECT", default="/_store/")
