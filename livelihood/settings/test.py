"""Test settings: a real PostgreSQL and a real Redis, brought up by the suite unless
DATABASE_URL / REDIS_URL are given."""

import os

from .base import *  # noqa: F403
from .base import _redis_db, env

# Playwright drives a live server from the test thread (environment.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if not env("DATABASE_URL", default=""):
    from livelihood.devservers import postgres_settings

    DATABASES = {"default": postgres_settings("pg-test", database="postgres")}

if not env("REDIS_URL", default=""):
    from livelihood.devservers import redis_url

    REDIS_URL = redis_url("redis-test", 6391)
    CACHES["default"]["LOCATION"] = _redis_db(REDIS_URL, 1)  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL

# Separate test databases for runs side by side (e.g. a developer and CI on one machine).
DATABASES["default"].setdefault("TEST", {})  # noqa: F405
DATABASES["default"]["TEST"]["NAME"] = env("LIVELIHOOD_TEST_DB", default="test_livelihood")  # noqa: F405

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# The suite runs without collectstatic: WhiteNoise looks files up per request, from the
# finders, as in development (and does not warn that STATIC_ROOT is missing).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_FAILURE_LIMIT = 5
CACHES["default"]["KEY_PREFIX"] = "livelihood-test"  # noqa: F405
