"""How the site is served (issues 12 and 16): no public media path in any mode, error pages
that give nothing away with DEBUG off, and ``make run``'s gunicorn + WhiteNoise really
answering (started as scripts/run.py starts it, against the test database)."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver, path
from django.views.static import serve as static_serve

from livelihood import devservers

from .test_deploy_check import _database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _report_with_file(world):
    """A done township report whose PDF is in MEDIA_ROOT, as the worker leaves it."""
    from django.utils import timezone

    from reports.models import Report

    report = Report.objects.create(
        kind="township",
        township=world.township,
        county=world.county,
        year=2026,
        quarter=1,
        status="done",
        progress=100,
        file=f"reports/serving-{world.township.pk}.pdf",
        finished_at=timezone.now(),
    )
    file = Path(default_storage.path(report.file.name))
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"%PDF-1.4 serving test")
    return report


def _patterns(resolver: URLResolver, prefix: str = ""):
    """Every (route, callback) of a URLconf, includes followed."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def _media_routes(urlconf) -> list[str]:
    media = settings.MEDIA_URL.strip("/")
    return [
        route
        for route, callback in _patterns(get_resolver(urlconf))
        if route.lstrip("^").startswith(media) or callback is static_serve
    ]


def test_no_url_serves_the_media_directory_with_or_without_debug():
    """The URLconf has no route to MEDIA_ROOT, whatever DEBUG was when it was loaded."""
    import livelihood.urls

    assert _media_routes("livelihood.urls") == []
    try:
        with override_settings(DEBUG=True):
            reloaded = importlib.reload(livelihood.urls)
            clear_url_caches()
            assert _media_routes(reloaded) == []
    finally:
        importlib.reload(livelihood.urls)
        clear_url_caches()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("role", ["anonymous", "staff", "superuser"])
def test_generated_report_is_not_reachable_under_media(world, role, debug, settings):
    """A report PDF exists in MEDIA_ROOT, yet /media/<its name> answers 404 to everyone."""
    settings.DEBUG = debug
    report = _report_with_file(world)
    assert default_storage.exists(report.file.name)
    response = world.client(role).get(settings.MEDIA_URL + report.file.name)
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_generated_report_downloads_through_its_view_for_staff_only(world):
    """The checked view hands the file to the township's staff and to nobody else."""
    report = _report_with_file(world)
    url = f"/reports/{report.pk}/download/"

    response = world.client("staff").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    anonymous = world.client("anonymous").get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for role in ("staff_other", "deputy", "reviewer_other"):
        refused = world.client(role).get(url)
        assert refused.status_code == 404, role
        assert not getattr(refused, "streaming", False), role


def test_admin_links_the_report_file_through_the_checked_view(world):
    report = _report_with_file(world)
    response = world.client("superuser").get(f"/admin/reports/report/{report.pk}/change/")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="/reports/{report.pk}/download/"' in text
    assert settings.MEDIA_URL not in text


@override_settings(DEBUG=False)
def test_404_page_with_debug_off_shows_no_url_list_or_traceback(client):
    response = client.get("/no-such-page/", HTTP_COOKIE="django_language=en")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Not found" in text
    for leak in ("URLconf", "tried these URL patterns", "DEBUG = True", "Traceback"):
        assert leak not in text, leak


def _boom(request):
    raise RuntimeError("secret detail of a failure")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_500_page_with_debug_off_shows_no_traceback(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "Server error" in text
    for leak in ("secret detail", "RuntimeError", "Traceback", "_boom"):
        assert leak not in text, leak


# ---------------------------------------------------------------------------------------------
# make run's server, for real: gunicorn (deploy/gunicorn.conf.py) + livelihood.settings.serve


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_make_run_server_answers_with_whitenoise_and_debug_off(db, tmp_path):
    """gunicorn as scripts/run.py starts it, with the serve settings, against the test
    database: health check, a hashed static file with far-future caching, no media, a 404
    page without the URL list, and a foreign Host refused."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_"))
        and key != "LIVELIHOOD_HOST"
    }
    port = _free_port()
    env.update(
        DJANGO_SETTINGS_MODULE="livelihood.settings.serve",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=_database_url(settings.DATABASES["default"]),
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        GUNICORN_WORKERS="2",  # the machine is shared; the command is make run's
        PYTHONDONTWRITEBYTECODE="1",
    )
    static_root = tmp_path / "static"
    assert devservers.collect_static(env, static_root) is True
    assert devservers.collect_static(env, static_root) is False  # a second run skips it
    env["DJANGO_STATIC_ROOT"] = str(static_root)

    media_file = Path(settings.MEDIA_ROOT) / "reports" / "serving-test.pdf"
    media_file.parent.mkdir(parents=True, exist_ok=True)
    media_file.write_bytes(b"%PDF-1.4 serving test")

    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        devservers.gunicorn_command(f"127.0.0.1:{port}"),
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                status, _headers, body = _get(base + "/healthz/")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.3)
        assert status == 200 and json.loads(body) == {"status": "ok"}

        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        hashed = manifest["css/app.css"]
        assert hashed != "css/app.css"
        status, headers, body = _get(base + "/static/" + hashed, {"Accept-Encoding": "gzip"})
        assert status == 200
        assert "max-age=315360000" in headers["Cache-Control"]
        assert "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") == "gzip"
        assert "text/css" in headers["Content-Type"]

        status, _headers, body = _get(base + "/media/reports/serving-test.pdf")
        assert status == 404 and b"%PDF" not in body

        status, headers, body = _get(base + "/no-such-page/", {"Cookie": "django_language=en"})
        assert status == 404
        assert b"Not found" in body and b"URLconf" not in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]  # django-csp at work

        status, _headers, _body = _get(base + "/healthz/", {"Host": "evil.example"})
        assert status == 400
    finally:
        _stop(process)
        log.close()
        media_file.unlink(missing_ok=True)
    assert process.returncode is not None
