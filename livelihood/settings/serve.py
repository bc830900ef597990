"""Settings for ``make run``: production's, served over plain HTTP by gunicorn with no proxy.

``make run`` is what a township runs in the hall: gunicorn (deploy/gunicorn.conf.py) answers
the phones directly, so this is production (DEBUG off, persistent database connections,
hashed static files) minus what needs HTTPS or nginx in front. ``make dev`` uses
``livelihood.settings.local`` instead (DEBUG, runserver with autoreload).

Values production requires from the environment get defaults here, so scripts/run.py and a
hand-started ``gunicorn`` behave the same:

- ``DJANGO_SECRET_KEY``: else a random key kept in ``var/secret-key`` (0600), so sessions
  survive a restart and no key is shared between installations;
- ``DJANGO_ALLOWED_HOSTS``: else 127.0.0.1, localhost, [::1] and ``LIVELIHOOD_HOST`` (the
  address ``make run`` listens on) when it names one host;
- ``DJANGO_SECURE_SSL_REDIRECT``: off (there is no HTTPS to redirect to).
"""

import os

from whitenoise.compress import Compressor

from livelihood.devservers import local_secret_key

_host = os.environ.get("LIVELIHOOD_HOST", "").strip()
_hosts = ["127.0.0.1", "localhost", "[::1]"]
if _host and _host not in ("0.0.0.0", "::", "[::]") and _host not in _hosts:
    _hosts.append(f"[{_host}]" if ":" in _host and not _host.startswith("[") else _host)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", ",".join(_hosts))
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
if not os.environ.get("DJANGO_SECRET_KEY"):
    os.environ["DJANGO_SECRET_KEY"] = local_secret_key()

from .production import *  # noqa: E402, F403
from .production import BASE_DIR, env  # noqa: E402

# Plain HTTP: cookies marked Secure would never come back, and HSTS would lock browsers out.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# No proxy in front: a request's X-Forwarded-Proto or X-Real-IP was written by the client.
SECURE_PROXY_SSL_HEADER = None
TRUSTED_PROXIES = env.list("LIVELIHOOD_TRUSTED_PROXIES", default=[])

# WhiteNoise serves the collected files (scripts/run.py runs collectstatic first), compressed,
# with far-future cache headers for the hashed names.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "static")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Mail goes to the console unless a server is configured, as in development.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Collecting compresses every file with Brotli and gzip: 35 s on two cores with both names of
# each file and the source maps (5 MB of redoc/swagger maps alone). Templates ask for hashed
# names only, and a browser fetches a map only with its developer tools open.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# No nginx in front to follow X-Accel-Redirect: checked views stream files themselves.
LIVELIHOOD_ACCEL_REDIRECT = env("LIVELIHOOD_ACCEL_REDIRECT", default="")
