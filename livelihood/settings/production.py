"""Production settings. Every value that differs per site comes from the environment; see
README.md "Configuration". ``manage.py check --deploy`` passes with the documented variables."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# nginx on the same machine (deploy/nginx.conf) passes the client address in X-Real-IP.
TRUSTED_PROXIES = env.list("LIVELIHOOD_TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Persistent connections: opening one per request doubled the server CPU of a cast
# (bench/README.md, "vote"). Health checks drop a connection PostgreSQL has closed.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# `manage.py collectstatic` must run on every deploy (ManifestStaticFilesStorage).
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="livelihood@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Checked downloads (report PDFs, photos) are streamed by nginx from its `internal` /media/
# location once the view has checked scope (livelihood/downloads.py, deploy/nginx.conf).
# Empty: the view streams the file itself (serve.py sets that: no nginx under `make run`).
LIVELIHOOD_ACCEL_REDIRECT = env("LIVELIHOOD_ACCEL_REDIRECT", default="/media/")
