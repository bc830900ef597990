"""``manage.py check --deploy`` passes with production settings and the documented variables."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import environ
import psycopg
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


def _database_url(db: dict) -> str:
    """A postgres:// URL for the test database (a Unix socket directory goes in ?host=)."""
    user = quote(db.get("USER") or "", safe="")
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    name = quote(db["NAME"], safe="")
    host = db.get("HOST") or ""
    port = str(db.get("PORT") or "")
    if host.startswith("/"):
        query = {"host": host}
        if port:
            query["port"] = port
        return f"postgres://{auth}/{name}?{urlencode(query)}"
    netloc = host + (f":{port}" if port else "")
    return f"postgres://{auth}{netloc}/{name}"


def _effective(config: dict) -> dict:
    options = config.get("OPTIONS", {})
    return {
        "NAME": config["NAME"],
        "USER": config.get("USER") or "",
        "HOST": config.get("HOST") or options.get("host", ""),
        "PORT": str(config.get("PORT") or options.get("port", "")),
    }


def test_database_url_round_trips_through_django_environ():
    db = settings.DATABASES["default"]
    url = _database_url(db)
    parsed = environ.Env.db_url_config(url)
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert _effective(parsed) == _effective(db), url
    # And the server answers at that address.
    effective = _effective(parsed)
    with psycopg.connect(
        dbname=effective["NAME"],
        user=effective["USER"],
        password=parsed.get("PASSWORD") or None,
        host=effective["HOST"] or None,
        port=effective["PORT"] or None,
        connect_timeout=5,
    ) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_check_deploy_passes_with_production_settings():
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="livelihood.settings.production",
        DJANGO_SECRET_KEY=secret,
        DJANGO_ALLOWED_HOSTS="livelihood.example.org",
        DATABASE_URL=_database_url(settings.DATABASES["default"]),
        REDIS_URL=settings.REDIS_URL,
        PYTHONDONTWRITEBYTECODE="1",
    )
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "System check identified no issues" in output, output
