#!/usr/bin/env python
"""`make run` / `make dev`: start the embedded PostgreSQL and Redis (unless DATABASE_URL /
REDIS_URL are set), migrate, load the demo data, then serve the site with a Celery worker and
beat. Ctrl-C (or SIGTERM) stops every process this script started.

    scripts/run.py          # make run: gunicorn, DEBUG off (livelihood.settings.serve) — the hall
    scripts/run.py --dev    # make dev: runserver, DEBUG on, autoreload (livelihood.settings.local)

LIVELIHOOD_HOST / LIVELIHOOD_PORT choose the address (127.0.0.1:8000).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from livelihood import devservers  # noqa: E402

BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python")
HOST = os.environ.get("LIVELIHOOD_HOST", "127.0.0.1")
PORT = os.environ.get("LIVELIHOOD_PORT", "8000")
REDIS_PORT = 6390
SERVE_SETTINGS = "livelihood.settings.serve"
DEV_SETTINGS = "livelihood.settings.local"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dev",
        action="store_true",
        help="development server: runserver with DEBUG and autoreload (make dev)",
    )
    args = parser.parse_args(argv)

    env = dict(os.environ)
    # The mode decides the settings: a DJANGO_SETTINGS_MODULE left in the shell must not turn
    # the hall's server into a DEBUG one (or point it at the test database).
    env["DJANGO_SETTINGS_MODULE"] = DEV_SETTINGS if args.dev else SERVE_SETTINGS
    # Stopped at the end only if this run started them (another process may be using them).
    started_pg = started_redis = False
    if not env.get("DATABASE_URL"):
        started_pg = not devservers.postgres_running("pg")
        print("==> Embedded PostgreSQL (var/pg)" + ("" if started_pg else ": already running"))
        devservers.postgres_settings("pg")
    if not env.get("REDIS_URL"):
        started_redis = not devservers.redis_running(REDIS_PORT)
        print(
            f"==> Embedded Redis on 127.0.0.1:{REDIS_PORT}"
            + ("" if started_redis else ": already running")
        )
        env["REDIS_URL"] = devservers.redis_url("redis", REDIS_PORT)
    if not args.dev and not env.get("DJANGO_SECRET_KEY"):
        # The same key for gunicorn, the worker and beat (serve.py would read this file too).
        env["DJANGO_SECRET_KEY"] = devservers.local_secret_key()

    def manage(*cmd: str) -> None:
        subprocess.run([PY, "manage.py", *cmd], env=env, check=True)

    print("==> Migrating")
    manage("migrate", "--no-input", "-v", "0")
    print("==> Loading demo data")
    demo = subprocess.run(
        [PY, "manage.py", "load_demo"], env=env, check=True, capture_output=True, text=True
    ).stdout
    print(demo, end="")
    if not args.dev:
        static_root = Path(env.get("DJANGO_STATIC_ROOT") or ROOT / "var" / "static")
        print(f"==> Static files ({static_root})")
        if not devservers.collect_static(env, static_root):
            print("    up to date")

    procs: list[subprocess.Popen] = []

    def start(*cmd: str) -> None:
        procs.append(subprocess.Popen(cmd, env=env, start_new_session=True))

    if args.dev:
        # Autoreload: runserver restarts its child on every code change.
        start(PY, "manage.py", "runserver", f"{HOST}:{PORT}")
    else:
        start(*devservers.gunicorn_command(f"{HOST}:{PORT}"))
    start(
        str(BIN / "celery"),
        "--quiet",
        "-A",
        "livelihood",
        "worker",
        "-l",
        "warning",
        "-c",
        "2",
        "-n",
        "livelihood@%h",
    )
    start(
        str(BIN / "celery"),
        "--quiet",
        "-A",
        "livelihood",
        "beat",
        "-l",
        "warning",
        "-s",
        str(ROOT / "var" / "celerybeat-schedule"),
    )
    time.sleep(2)  # let the processes' start-up lines pass before the summary
    logins = [line for line in demo.splitlines() if line.startswith(("Demo logins", "  "))]
    print("\n" + "\n".join(logins))
    if args.dev:
        mode = "development server (DEBUG, autoreload) — not for a hall; use make run there"
    else:
        mode = "gunicorn, DEBUG off"
    print(
        f"\n    Livelihood is running: http://{HOST}:{PORT}/  ({mode})\n    Ctrl-C stops it.\n",
        flush=True,
    )

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            for proc in procs:
                if proc.poll() is not None:
                    print(f"A process exited ({proc.args[:3]}, code {proc.returncode}); stopping.")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("\n==> Stopping")
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        # gunicorn lets requests in flight finish (graceful_timeout, deploy/gunicorn.conf.py).
        deadline = time.monotonic() + 35
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:  # the whole session: workers, runserver's child
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if started_redis:
            devservers.redis_stop(REDIS_PORT)
        if started_pg:
            devservers.postgres_stop("pg")
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
