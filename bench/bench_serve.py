"""A hall's phones opening the ballot page at once, against the server ``make run`` starts.

    .venv/bin/python bench/run.py --only serve
    .venv/bin/python -m bench.bench_serve --bursts 50,200 --rounds 3
    .venv/bin/python -m bench.bench_serve --server runserver     # what make run was before
    .venv/bin/python -m bench.bench_serve --assets               # the page and its CSS/JS

The server is started as scripts/run.py starts it: ``livelihood.devservers.gunicorn_command``
(deploy/gunicorn.conf.py: 2 × cores + 1 gthread workers × 4 threads, backlog 2048) with
``livelihood.settings.serve`` (DEBUG off, WhiteNoise, static files collected and compressed
into ``var/bench-serve-static``), or with ``--server runserver`` Django's development server
with ``livelihood.settings.local`` (DEBUG on), as ``make run`` did before. Database
``bench_serve`` in the embedded PostgreSQL ``var/pg-bench``, migrated and filled with the
demo data (``load_demo``, as ``make run``), kept between runs; Redis on 127.0.0.1:6392.

Each burst: N clients wait on one event, then each opens its own connection and sends
``GET /ballot/`` (``Connection: close``); latency is from the release to the last byte, so it
includes waiting in the listen queue. A request counts as answered when it gets HTTP 200 with
the code form; it counts "within 10 s" against the figure that mattered in the hall. With
``--assets`` each client then fetches the page's stylesheets and scripts one after another,
as a phone's first visit does, and the time to the last of them is reported too.

The common ``--workers``, ``--worker-class`` and ``--threads`` override the gunicorn
configuration only when given; ``--requests`` and ``--concurrency`` are accepted and unused
(``--bursts`` sets the sizes). No timing is asserted: the exit status is non-zero only if
the server did not start or a request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import math
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from bench import harness

TITLE = "serve: phones opening the ballot page at once (the server make run starts)"
PG_NAME, DB_NAME = "pg-bench", "bench_serve"
REDIS_NAME, REDIS_PORT = "redis-bench", 6392
SETTINGS = {"gunicorn": "livelihood.settings.serve", "runserver": "livelihood.settings.local"}
STATIC_ROOT = harness.ROOT / "var" / "bench-serve-static"
WITHIN_S = 10.0
REQUEST_TIMEOUT = 60.0
MAX_BURST = 1000
ASSET_RE = re.compile(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"')


def _parser() -> argparse.ArgumentParser:
    parser = harness.common_parser()
    parser.prog = "bench_serve"
    parser.description = TITLE
    # Only when given: by default the gunicorn configuration decides, as under make run.
    parser.set_defaults(workers=None, worker_class=None, threads=None, warmup=50)
    parser.add_argument(
        "--bursts", default="50,200", help="clients released at once, per burst [50,200]"
    )
    parser.add_argument("--rounds", type=int, default=3, help="bursts of each size [3]")
    parser.add_argument(
        "--server", choices=["gunicorn", "runserver"], default="gunicorn", help="[gunicorn]"
    )
    parser.add_argument("--assets", action="store_true", help="also fetch the page's CSS and JS")
    parser.add_argument(
        "--path",
        choices=["/ballot/", "/vote/"],
        default="/ballot/",
        help="/ballot/: the HTML form page; /vote/: the hall's static shell [/ballot/]",
    )
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[int]:
    try:
        bursts = [int(n) for n in args.bursts.split(",") if n.strip()]
    except ValueError:
        parser.error("--bursts: comma-separated numbers")
    if not bursts or not all(1 <= n <= MAX_BURST for n in bursts):
        parser.error(f"--bursts: each between 1 and {MAX_BURST}")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be between 1 and 20")
    if not 0 <= args.warmup <= 10_000:
        parser.error("--warmup must be between 0 and 10000")
    for name in ("workers", "threads"):
        value = getattr(args, name)
        if value is not None and not 1 <= value <= 64:
            parser.error(f"--{name} must be between 1 and 64")
    return bursts


# ---------------------------------------------------------------------------------------------
# The server, as make run / make dev start it


def _environment(args: argparse.Namespace) -> dict[str, str]:
    from livelihood.devservers import postgres_settings, redis_url

    socket_dir = postgres_settings(PG_NAME, database=DB_NAME)["HOST"]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "GUNICORN_"))
        and key not in ("CACHE_URL", "LIVELIHOOD_HOST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS[args.server],
        DJANGO_SECRET_KEY="bench-only-" + secrets.token_urlsafe(48),
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        DATABASE_URL=f"postgres://postgres@/{DB_NAME}?host={quote(socket_dir, safe='/')}",
        REDIS_URL=redis_url(REDIS_NAME, REDIS_PORT),
        PYTHONPATH=os.pathsep.join(filter(None, [str(harness.ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(_overrides(args))
    return env


def _prepare(env: dict[str, str], server: str) -> None:
    """What make run does before serving: migrate, demo data, static files."""
    from livelihood.devservers import collect_static

    def manage(*cmd: str) -> None:
        done = subprocess.run(
            [sys.executable, "manage.py", *cmd],
            cwd=harness.ROOT,
            env=env,
            capture_output=True,  # load_demo logs every PDF page it makes
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(cmd)} failed:\n{done.stderr[-3000:]}")

    manage("migrate", "--no-input", "-v", "0")
    manage("load_demo")
    if server == "gunicorn":
        collect_static(env, STATIC_ROOT)


def _start(env: dict[str, str], server: str, port: int, log) -> subprocess.Popen:
    from livelihood.devservers import gunicorn_command

    if server == "gunicorn":
        command = gunicorn_command(f"127.0.0.1:{port}")
    else:  # make run before: runserver, DEBUG on (no autoreload, as it was started)
        command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return subprocess.Popen(
        command,
        cwd=harness.ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_ready(process: subprocess.Popen, base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/healthz/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"no answer in 90 s: {log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's session (gunicorn's master and workers), then SIGKILL."""
    import signal

    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# ---------------------------------------------------------------------------------------------
# The phones


async def _fetch(port: int, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                "User-Agent: livelihood-bench-phone\r\nAccept: text/html,*/*\r\n"
                "Accept-Encoding: gzip, br\r\nAccept-Language: zh-CN\r\n"
                "Connection: close\r\n\r\n"
            ).encode("ascii")
        )
        await writer.drain()
        response = await reader.read()
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
    head, _, body = response.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/"):
        raise ValueError("malformed response")
    if b"transfer-encoding: chunked" in head.lower():
        from bench.loadgen import dechunk

        body = dechunk(body)
    if b"content-encoding: gzip" in head.lower():  # the ballot shell, compressed once
        body = gzip.decompress(body)
    return int(status_line[1]), body


async def _burst(port: int, clients: int, assets: bool, page: str = "/ballot/") -> dict:
    release = asyncio.Event()
    page_ms: list[float] = []
    full_ms: list[float] = []
    errors: Counter[str] = Counter()

    async def phone() -> None:
        await release.wait()
        started = time.perf_counter()
        try:
            status, body = await asyncio.wait_for(_fetch(port, page), REQUEST_TIMEOUT)
        except TimeoutError:
            errors["timeout"] += 1
            return
        except (OSError, ValueError) as exc:
            errors[type(exc).__name__] += 1
            return
        if status != 200 or b'id="code-form"' not in body:
            errors[f"HTTP {status}"] += 1
            return
        page_ms.append((time.perf_counter() - started) * 1000)
        if not assets:
            return
        for path in dict.fromkeys(m.decode() for m in ASSET_RE.findall(body)):
            try:
                status, _body = await asyncio.wait_for(_fetch(port, path), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, ValueError) as exc:
                errors[f"asset {type(exc).__name__}"] += 1
                return
            if status != 200:
                errors[f"asset HTTP {status}"] += 1
                return
        full_ms.append((time.perf_counter() - started) * 1000)

    tasks = [asyncio.create_task(phone()) for _ in range(clients)]
    await asyncio.sleep(0.2)  # every task is waiting on the event
    started = time.perf_counter()
    release.set()
    await asyncio.gather(*tasks)
    return {
        "clients": clients,
        "page_ms": page_ms,
        "full_ms": full_ms,
        "errors": dict(errors),
        "wall_s": time.perf_counter() - started,
    }


async def _warm_up(port: int, requests: int, concurrency: int, page: str = "/ballot/") -> None:
    """Every worker loads Django, the templates and its database connection."""
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            try:
                await asyncio.wait_for(_fetch(port, page), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, ValueError):
                pass

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, requests)))))


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def _row(result: dict, key: str) -> str:
    values = result[key]
    within = sum(1 for ms in values if ms <= WITHIN_S * 1000)
    return (
        f"{len(values)}/{result['clients']} answered, {within} within {WITHIN_S:.0f} s; "
        f"p50 {_percentile(values, 50):.0f} ms, p95 {_percentile(values, 95):.0f} ms, "
        f"max {max(values, default=math.nan):.0f} ms"
    )


def _describe(args: argparse.Namespace) -> str:
    if args.server == "runserver":
        return "Django runserver (livelihood.settings.local, DEBUG on)"
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_bench_gunicorn_conf", harness.ROOT / "deploy" / "gunicorn.conf.py"
    )
    conf = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, _overrides(args)):  # read as the server read it
        spec.loader.exec_module(conf)
    kind = f"{conf.workers} {conf.worker_class} workers"
    if conf.worker_class == "gthread":
        kind += f" x {conf.threads} threads"
    return (
        f"gunicorn {harness.Gunicorn.version()} (deploy/gunicorn.conf.py), {kind}, "
        f"backlog {conf.backlog}; livelihood.settings.serve (DEBUG off, WhiteNoise)"
    )


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    out = {}
    if args.workers is not None:
        out["GUNICORN_WORKERS"] = str(args.workers)
    if args.worker_class is not None:
        out["GUNICORN_WORKER_CLASS"] = args.worker_class
    if args.threads is not None:
        out["GUNICORN_THREADS"] = str(args.threads)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    bursts = _check(parser, args)
    harness.install_sigterm_handler()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livelihood.settings.serve")

    with harness.step(f"database {DB_NAME} (var/{PG_NAME}): migrate, demo data, static files"):
        env = _environment(args)
        _prepare(env, args.server)

    port = harness.free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-serve-{port}.log"
    results: dict[int, list[dict]] = {}
    failed = False
    with log_path.open("wb") as log:
        process = _start(env, args.server, port, log)
        try:
            with harness.step(f"start {args.server} on 127.0.0.1:{port}"):
                _wait_ready(process, f"http://127.0.0.1:{port}", log_path)
            with harness.step(f"warm-up: {args.warmup} GET {args.path}"):
                asyncio.run(_warm_up(port, args.warmup, 10, args.path))
            for clients in bursts:
                for round_ in range(1, args.rounds + 1):
                    with harness.step(f"burst {round_}/{args.rounds}: {clients} phones at once"):
                        result = asyncio.run(_burst(port, clients, args.assets, args.path))
                    results.setdefault(clients, []).append(result)
                    print(f"    page: {_row(result, 'page_ms')}", flush=True)
                    if result["errors"]:
                        failed = True
                        print(f"    errors: {result['errors']}", flush=True)
                    time.sleep(1)
        finally:
            _stop(process)
    log_path.unlink(missing_ok=True)

    rows = [
        ("machine", f"{harness.cores()} cores (client, server and PostgreSQL share them)"),
        ("server", _describe(args)),
        ("page", f"GET {args.path}"),
    ]
    for clients, runs in results.items():
        for i, result in enumerate(runs, 1):
            rows.append((f"{clients} at once, run {i}", _row(result, "page_ms")))
            if args.assets:
                rows.append((f"  + CSS/JS, run {i}", _row(result, "full_ms")))
            if result["errors"]:
                errors = ", ".join(f"{k}: {v}" for k, v in sorted(result["errors"].items()))
                rows.append(("  errors", errors))
    harness.print_block(TITLE, rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
