"""The floor: the fastest a write request can be on this stack.

gunicorn -> Django (no middleware) -> one INSERT (autocommit) into PostgreSQL -> small JSON.
Uses only ``bench.settings`` and the ``bench.floor`` app, never the project's settings or apps,
so it measures the server, the framework and the database, and keeps working while the
project is being changed. Every real endpoint's figures should be read against this one.

    .venv/bin/python bench/run.py --only floor [--requests N --concurrency C ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from bench import harness

TITLE = "floor: gunicorn + Django + one INSERT per request (POST /insert/)"


def _setup_django() -> dict:
    """Configure Django with bench.settings; return the env for gunicorn's processes."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django
    from django.conf import settings

    from bench import settings as bench_settings

    django.setup()  # starts (or reuses) the embedded var/pg-bench unless a URL is given
    env = dict(os.environ)
    if not bench_settings.database_url():
        # Resolved once, here; gunicorn's processes reuse it instead of each starting it.
        database = {k: v for k, v in settings.DATABASES["default"].items() if k != "TEST"}
        env["BENCH_DATABASE_JSON"] = json.dumps(database, default=str)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(harness.ROOT), os.environ.get("PYTHONPATH", "")])
    )
    return env


def _count_rows() -> int:
    from django.db import connection

    from bench.floor.models import Ping

    try:
        return Ping.objects.count()
    finally:
        connection.close()


def _database_description() -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            sync_commit = cursor.fetchone()[0]
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
    finally:
        connection.close()
    options = connection.settings_dict.get("OPTIONS") or {}
    where = connection.settings_dict.get("HOST") or options.get("host") or "localhost"
    if os.environ.get("BENCH_DATABASE_URL"):
        source = "BENCH_DATABASE_URL"
    elif os.environ.get("DATABASE_URL"):
        source = "DATABASE_URL"
    else:
        source = "embedded"
    return (
        f"PostgreSQL {version.split()[0]} ({source}, {where}), "
        f"fsync={fsync}, synchronous_commit={sync_commit}, CONN_MAX_AGE=60"
    )


def main(argv: list[str] | None = None) -> int:
    parser = harness.common_parser()
    parser.prog = "bench_floor"
    parser.description = TITLE
    args = parser.parse_args(argv)
    harness.check_args(parser, args)
    harness.install_sigterm_handler()
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("[bench] floor: interrupted; gunicorn stopped", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:

    with harness.step("database + migrate"):
        env = _setup_django()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        database = _database_description()

    server = harness.Gunicorn(
        "bench.wsgi:application",
        env,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    try:
        with harness.step(f"start {server.describe()}"):
            server.start("/insert/")
        url = server.base_url + "/insert/"
        if args.warmup:
            with harness.step(f"warm-up, {args.warmup} requests"):
                warm = harness.run_load(
                    url,
                    requests=args.warmup,
                    concurrency=args.concurrency,
                    timeout=min(args.timeout, 60),
                )
                if warm.error_count:
                    print(f"[bench] warm-up errors: {warm.errors}", file=sys.stderr)
        before = _count_rows()
        cpu_before = _server_cpu(server)
        with harness.step(f"burst, {args.requests} requests at concurrency {args.concurrency}"):
            result = harness.run_load(
                url, requests=args.requests, concurrency=args.concurrency, timeout=args.timeout
            )
        cpu_after = _server_cpu(server)
        after = _count_rows()
        server_description = server.describe()
    except BaseException:
        if server.process is not None:
            log = server.log()
            if log:
                print(f"[bench] gunicorn log (tail):\n{log}", file=sys.stderr)
        raise
    finally:
        with harness.step("stop gunicorn"):
            server.stop()

    inserted = after - before
    rows_ok = inserted == result.ok and len(set(result.ids)) == result.ok
    harness.print_block(
        TITLE,
        [
            ("machine", f"{harness.cores()} cores (client, server and database share them)"),
            ("server", server_description),
            ("database", database),
            ("client", "asyncio, separate process, new connection per request"),
            ("warm-up", f"{args.warmup} requests (not measured)"),
            *harness.latency_rows(result),
            _cpu_row(cpu_before, cpu_after, result.ok),
            (
                "rows inserted",
                f"{inserted} (successful requests: {result.ok}) "
                + ("OK" if rows_ok else "MISMATCH")
                + (", requests cut off by --timeout may still commit" if result.timed_out else ""),
            ),
        ],
    )
    return 0 if rows_ok and not result.error_count and not result.timed_out else 1


def _server_cpu(server: harness.Gunicorn) -> tuple[float, float]:
    """CPU seconds of gunicorn (master and workers) and of PostgreSQL so far (bench_vote's
    /proc sampling; the embedded server's backends included, ended ones too)."""
    from bench.bench_vote import _postmaster_pid, _tree_cpu

    pid = server.process.pid if server.process else None
    return _tree_cpu(pid), _tree_cpu(_postmaster_pid())


def _cpu_row(before: tuple[float, float], after: tuple[float, float], ok: int) -> tuple[str, str]:
    gunicorn, postgres = after[0] - before[0], after[1] - before[1]
    if not ok:
        return ("server CPU", "n/a")
    return (
        "server CPU",
        f"{(gunicorn + postgres) / ok * 1000:.2f} ms per request (gunicorn "
        f"{gunicorn / ok * 1000:.2f} + PostgreSQL {postgres / ok * 1000:.2f})",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
