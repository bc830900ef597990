#!/usr/bin/env python
"""`make run`: start the embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are
set), migrate, load the demo data, then serve the site with a Celery worker and beat.
Ctrl-C stops every process this script started."""

from __future__ import annotations

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


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "livelihood.settings.local")
    started_pg = started_redis = False
    if not env.get("DATABASE_URL"):
        print("==> Embedded PostgreSQL (var/pg)")
        devservers.postgres_settings("pg")
        started_pg = True
    if not env.get("REDIS_URL"):
        print(f"==> Embedded Redis on 127.0.0.1:{REDIS_PORT}")
        env["REDIS_URL"] = devservers.redis_url("redis", REDIS_PORT)
        started_redis = True

    def manage(*args: str) -> None:
        subprocess.run([PY, "manage.py", *args], env=env, check=True)

    print("==> Migrating")
    manage("migrate", "--no-input", "-v", "0")
    print("==> Loading demo data")
    demo = subprocess.run(
        [PY, "manage.py", "load_demo"], env=env, check=True, capture_output=True, text=True
    ).stdout
    print(demo, end="")

    procs: list[subprocess.Popen] = []

    def start(*cmd: str) -> None:
        procs.append(subprocess.Popen(cmd, env=env, start_new_session=True))

    start(PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload")
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
    print(f"\n    Livelihood is running: http://{HOST}:{PORT}/\n    Ctrl-C stops it.\n", flush=True)

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
                    print(f"A process exited ({proc.args[1:3]}, code {proc.returncode}); stopping.")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("\n==> Stopping")
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if started_redis:
            devservers.redis_stop(REDIS_PORT)
        if started_pg:
            devservers.postgres_stop("pg")
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
