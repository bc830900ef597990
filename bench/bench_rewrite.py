"""What the storage rewrite after a count (VACUUM FULL) costs the other halls casting.

    .venv/bin/python bench/run.py --only rewrite
    .venv/bin/python -m bench.bench_rewrite [--rows 1000000] [--blocker 6] [--keep-db]

After a vote's count commits, ``voting.services.opening.storage_rewrite`` runs ``VACUUM (FULL,
ANALYZE)`` on ``voting_ballot``, ``voting_ballotcode`` and ``voting_sealedballot``: whole
tables, every vote of the deployment. Each holds an ACCESS EXCLUSIVE lock on its table while it
copies it, so a cast in another vote open at that moment (another township's hall) waits.

Set-up (fresh database ``bench_rewrite`` in the embedded PostgreSQL ``var/pg-bench``, with
bench_vote's helpers): ``--past-votes`` closed votes sharing ``--rows`` opened ballots
(``voting_ballot``) and ``--rows`` sealed ballots (``voting_sealedballot``, 64-byte blobs as a
sealed 13-candidate ballot), as past years leave them — their codes were burnt at close, so
``voting_ballotcode`` holds only the open votes' codes. The vote being closed now: 400 deputies
cast through ``voting.services.ballot_cast`` (sealed), then ``vote_close`` and
``vote_open_box`` with two share slips. ``--other-votes`` other votes open now with 400 unused
codes each (the other hall; several only so that there are codes enough for every scenario).

Casting: an open-loop arrival of one cast every ``--interval`` ms (20) into the other open
votes, run by 16 threads with their own connections through ``voting.services.ballot_cast``,
the real cast path's one statement. A cast's latency is from its scheduled arrival to its
answer, so a cast held behind a lock delays the ones scheduled after it as a hall would see.

Scenarios, one after another (each with the cast loop running from 1 s before to 1 s after):
baseline (no rewrite); ``vote_count`` of the closing vote, whose commit runs the real
``storage_rewrite`` (as deployed); ``storage_rewrite`` again; the three tables in one VACUUM
call (bench-local variant); then, with a transaction that begins just before the first VACUUM
(after the rewrite's wait for older transactions: a backup or a slow report starting then),
reads ``voting_sealedballot`` and holds its ACCESS SHARE lock for ``--blocker`` seconds: the
real ``storage_rewrite`` (a 200 ms lock wait, retried every second within 20 s per table), and
the rewrite as it was before (``lock_timeout = 20s``, no retry), kept here to compare.

Exit status: non-zero on an error or when a scenario's casts were refused.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import secrets
import sys
import threading
import time
from urllib.parse import quote

from bench import bench_vote as bv
from bench import harness

DB_NAME = "bench_rewrite"
DEPUTIES = 400
WORKERS = 16
TITLE = "rewrite: the post-count VACUUM FULL and the other halls' casts"


def build_parser() -> argparse.ArgumentParser:
    parser = harness.common_parser()
    parser.prog = "bench_rewrite"
    parser.description = TITLE
    group = parser.add_argument_group("rewrite")
    group.add_argument(
        "--rows", type=int, default=200_000, help="past ballots and sealed ballots [200000]"
    )
    group.add_argument("--past-votes", type=int, default=25, help="closed votes sharing them [25]")
    group.add_argument(
        "--other-votes", type=int, default=8, help="other votes open, 400 codes each [8]"
    )
    group.add_argument("--interval", type=float, default=20.0, help="ms between casts [20]")
    group.add_argument("--baseline", type=float, default=5.0, help="seconds without rewrite [5]")
    group.add_argument(
        "--blocker", type=float, default=6.0, help="seconds a reader stays idle in transaction [6]"
    )
    group.add_argument("--keep-db", action="store_true", help="keep the bench_rewrite database")
    return parser


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    harness.check_args(parser, args)
    if not 1_000 <= args.rows <= 5_000_000:
        parser.error("--rows must be between 1000 and 5000000")
    if not 1 <= args.past_votes <= 500:
        parser.error("--past-votes must be between 1 and 500")
    if not 1 <= args.other_votes <= 50:
        parser.error("--other-votes must be between 1 and 50")
    if not 5 <= args.interval <= 1000:
        parser.error("--interval must be between 5 and 1000 ms")
    if not 1 <= args.baseline <= 60 or not 0 <= args.blocker <= 19:
        parser.error("--baseline must be 1-60 s and --blocker 0-19 s")


# ---------------------------------------------------------------------------------------------
# Set-up


def _prepare() -> str:
    """Fresh bench_rewrite database, Django set up on it (bench_vote's settings), migrated.
    No gunicorn and no static files: the casts call the service in this process."""
    os.environ["DJANGO_SETTINGS_MODULE"] = bv.SETTINGS
    from livelihood.devservers import postgres_settings, redis_url

    socket_dir = postgres_settings(bv.PG_NAME, database="postgres")["HOST"]
    with bv._admin_connection(socket_dir) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ.update(
        {
            "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(48),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"postgres://postgres@/{DB_NAME}?host={quote(socket_dir, safe='/')}",
            "REDIS_URL": redis_url(bv.REDIS_NAME, bv.REDIS_PORT),
        }
    )
    os.environ.pop("CACHE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return socket_dir


def _drop(socket_dir: str) -> None:
    from django.db import connections

    connections.close_all()
    with bv._admin_connection(socket_dir) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _insert_sealed(vote_id: int, n: int) -> None:
    """``n`` sealed ballots of a past vote: 64 random bytes (a sealed 13-mark ballot is 65),
    a 10-symbol tracker."""
    from django.db import connection

    blob = " || ".join(["decode(md5(random()::text), 'hex')"] * 4)
    sql = f"""
        INSERT INTO voting_sealedballot (id, vote_id, blob, tracker, failed)
        SELECT gen_random_uuid(), %s, {blob}, upper(substr(md5(random()::text), 1, 10)), false
        FROM generate_series(1, %s)
    """  # noqa: S608 - constants only
    with connection.cursor() as cursor:
        cursor.execute(sql, [vote_id, n])


def random_marks(rng: random.Random) -> str:
    """13 marks, at most 10 Y (the approval limit)."""
    return "".join(rng.choice("YNA") for _ in range(10)) + "".join(
        rng.choice("NA") for _ in range(3)
    )


def _setup(args: argparse.Namespace):
    from voting import services

    rng = random.Random(17)
    with harness.step(f"{DEPUTIES} deputies, session, roll, all present"):
        world = bv._world(DEPUTIES)
    with harness.step(f"{args.past_votes} past votes: {args.rows:,} ballots + sealed ballots"):
        per, extra = divmod(args.rows, args.past_votes)
        for i in range(args.past_votes):
            vote, _codes = bv._open_vote(world, close=True)
            bv._insert_ballots(vote.pk, per + (1 if i < extra else 0))
            _insert_sealed(vote.pk, per + (1 if i < extra else 0))
    with harness.step("the vote being closed: 400 sealed casts, close, open the box"):
        slips: list[str] = []

        def ceremony(actor, vote):
            slips.extend(bv.key_ceremony(actor, vote))

        closing, codes = bv._open_vote(world, before_open=ceremony)
        for code in codes:
            services.ballot_cast(vote_id=closing.pk, typed_code=code, choices=random_marks(rng))
        closing = services.vote_close(actor=world.root, vote=closing)
        services.vote_open_box(actor=world.root, vote=closing, typed_shares=slips[:2])
    with harness.step(f"{args.other_votes} other votes open with {DEPUTIES} unused codes each"):
        pool = []
        for _ in range(args.other_votes):
            vote, codes = bv._open_vote(world)
            pool.extend((vote.pk, code) for code in codes)
        rng.shuffle(pool)
    with harness.step("VACUUM ANALYZE (the state a running deployment has)"):
        from django.db import connection

        with connection.cursor() as cursor:
            for table in ("voting_ballot", "voting_ballotcode", "voting_sealedballot"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    return world, closing, pool


# ---------------------------------------------------------------------------------------------
# The other hall


class Caster:
    """Open-loop casts: cast i is due at t0 + i × interval; 16 threads with their own
    connections run them through ``ballot_cast``; latency = answer − due time."""

    def __init__(self, pool: list[tuple[int, str]], interval_ms: float) -> None:
        self.pool = pool
        self.interval = interval_ms / 1000
        self.results: list[tuple[float, float, str]] = []  # (due, done, outcome)
        self._lock = threading.Lock()
        self._jobs: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._rng = random.Random(29)
        self._workers = [threading.Thread(target=self._work, daemon=True) for _ in range(WORKERS)]
        for worker in self._workers:
            worker.start()
        self._dispatcher: threading.Thread | None = None
        self._submitted = 0

    def _work(self) -> None:
        from django.db import connection

        from voting import services

        while True:
            job = self._jobs.get()
            if job is None:
                break
            due, vote_id, code, marks = job
            try:
                services.ballot_cast(vote_id=vote_id, typed_code=code, choices=marks)
                outcome = "ok"
            except services.BallotRefused as exc:
                outcome = f"refused {exc.reason}"
            except Exception as exc:  # noqa: BLE001 - reported, the run goes on
                outcome = type(exc).__name__
            with self._lock:
                self.results.append((due, time.monotonic(), outcome))
        connection.close()

    def start(self) -> None:
        self._stop.clear()
        self._dispatcher = threading.Thread(target=self._dispatch, daemon=True)
        self._dispatcher.start()

    def _dispatch(self) -> None:
        t0 = time.monotonic()
        i = 0
        while not self._stop.is_set():
            due = t0 + i * self.interval
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if not self.pool:
                print("[bench] rewrite: out of codes, casting stopped", flush=True)
                return
            vote_id, code = self.pool.pop()
            with self._lock:
                self._submitted += 1
            self._jobs.put((due, vote_id, code, random_marks(self._rng)))
            i += 1

    def stop(self) -> list[tuple[float, float, str]]:
        """Stop scheduling, wait (at most 60 s) for the casts in flight; return this run's
        results."""
        self._stop.set()
        if self._dispatcher:
            self._dispatcher.join()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.results) >= self._submitted:
                    break
            time.sleep(0.05)
        with self._lock:
            results, self.results = self.results, []
            self._submitted = 0
        return results

    def close(self) -> None:
        for _ in self._workers:
            self._jobs.put(None)
        for worker in self._workers:
            worker.join(timeout=30)


# ---------------------------------------------------------------------------------------------
# Rewrites: the real one and the bench-local variants


class VacuumTimer:
    """Wall time of every VACUUM the main connection runs (Django's execute_wrapper)."""

    def __init__(self, before_first=None) -> None:
        self.spans: list[tuple[str, float, float, str]] = []  # (sql, start, end, error)
        self.before_first = before_first

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith("VACUUM"):
            return execute(sql, params, many, context)
        if self.before_first is not None:
            self.before_first, before_first = None, self.before_first
            before_first()
        start = time.monotonic()
        error = ""
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            error = type(exc).__name__
            raise
        finally:
            self.spans.append((sql, start, time.monotonic(), error))


def rewrite_one_call() -> bool:
    """storage_rewrite with the three tables in one VACUUM statement (PostgreSQL still takes
    them one after another, each in its own transaction)."""
    from django.db import connection

    from voting.services.opening import BALLOT_TABLES, _older_transactions

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        since = cursor.fetchone()[0]
        deadline = time.monotonic() + 5
        while _older_transactions(cursor, since):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        cursor.execute("SET lock_timeout = '20s'")
        try:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {', '.join(BALLOT_TABLES)}")
        finally:
            cursor.execute("SET lock_timeout = 0")
    return True


def rewrite_long_wait() -> bool:
    """storage_rewrite as it was before the short lock wait: ``lock_timeout = 20s`` and one
    VACUUM per table, so a VACUUM queued behind a reader holds every cast behind it."""
    from django.db import connection

    from voting.services.opening import BALLOT_TABLES, _older_transactions

    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        since = cursor.fetchone()[0]
        deadline = time.monotonic() + 5
        while _older_transactions(cursor, since):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        cursor.execute("SET lock_timeout = '20s'")
        try:
            for table in BALLOT_TABLES:
                cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
        finally:
            cursor.execute("SET lock_timeout = 0")
    return True


class IdleReader:
    """A session that reads voting_sealedballot in a transaction and keeps it open (holding
    ACCESS SHARE on the table) for ``seconds``: started just before the rewrite's first VACUUM,
    after its wait for older transactions, as a backup (pg_dump) or a slow report beginning
    during the rewrite would. VACUUM FULL of that table queues behind it, and every cast
    queues behind the VACUUM."""

    def __init__(self, socket_dir: str, vote_id: int, seconds: float) -> None:
        import psycopg

        self.conn = psycopg.connect(host=socket_dir, dbname=DB_NAME, user="postgres")
        self.conn.execute("SELECT count(*) FROM voting_sealedballot WHERE vote_id = %s", [vote_id])
        self.timer = threading.Timer(seconds, self.end)
        self.timer.start()

    def end(self) -> None:
        try:
            self.conn.commit()
            self.conn.close()
        except Exception:  # noqa: BLE001, S110 - closing only
            pass


# ---------------------------------------------------------------------------------------------
# Figures


def summary(latencies_ms: list[float]) -> str:
    if not latencies_ms:
        return "no casts"
    return (
        f"{len(latencies_ms)} casts: median {bv.percentile(latencies_ms, 50):.0f} ms, "
        f"p99 {bv.percentile(latencies_ms, 99):.0f} ms, max {max(latencies_ms):.0f} ms, "
        f"{sum(1 for v in latencies_ms if v > 1000)} over 1 s"
    )


def table_sizes() -> list[tuple[str, str]]:
    from django.db import connection

    rows = []
    with connection.cursor() as cursor:
        for table in ("voting_ballot", "voting_ballotcode", "voting_sealedballot"):
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"
            )
            count, size = cursor.fetchone()
            rows.append((table, f"{count:,} rows, {size} with indexes"))
    return rows


def run_scenario(
    caster: Caster, name: str, action, *, lead: float = 1.0, before_first=None
) -> dict:
    """Casting from ``lead`` s before ``action`` to 1 s after it; the rewrite window is from
    its first VACUUM to its last (``before_first`` runs just before the first)."""
    from django.db import connection

    timer = VacuumTimer(before_first)
    caster.start()
    time.sleep(lead)
    started = time.monotonic()
    with connection.execute_wrapper(timer):
        ok = action()
    ended = time.monotonic()
    time.sleep(1.0)
    results = caster.stop()
    if timer.spans:
        window = (timer.spans[0][1], timer.spans[-1][2])
    else:
        window = (started, ended)
    during = [
        (done - due) * 1000 for due, done, _o in results if due < window[1] and done > window[0]
    ]
    outside = [
        (done - due) * 1000
        for due, done, _o in results
        if not (due < window[1] and done > window[0])
    ]
    failed = [o for _d, _e, o in results if o != "ok"]
    return {
        "name": name,
        "ok": ok,
        "action_s": ended - started,
        "window_s": window[1] - window[0],
        "spans": timer.spans,
        "during": during,
        "outside": outside,
        "failed": failed,
    }


def print_scenario(result: dict) -> None:
    rows = [("rewrite done", "yes" if result["ok"] else "NO (postponed: a lock timeout)")]
    for sql, start, end, error in result["spans"]:
        label = sql.replace("VACUUM (FULL, ANALYZE) ", "VACUUM FULL ")
        rows.append((label, f"{(end - start) * 1000:.0f} ms" + (f" ({error})" if error else "")))
    rows.append(("rewrite window", f"{result['window_s'] * 1000:.0f} ms (first to last VACUUM)"))
    rows.append(("whole call", f"{result['action_s'] * 1000:.0f} ms"))
    if not result["spans"]:
        rows = [("casts", summary(result["during"] + result["outside"]))]
        harness.print_block(f"rewrite: {result['name']}", rows)
        return
    rows.append(("casts during the window", summary(result["during"])))
    rows.append(("casts before/after it", summary(result["outside"])))
    if result["failed"]:
        rows.append(("casts not accepted", str(len(result["failed"]))))
    harness.print_block(f"rewrite: {result['name']}", rows)


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check(parser, args)
    harness.install_sigterm_handler()
    socket_dir = ""
    caster = None
    try:
        with harness.step(f"fresh database {DB_NAME}, migrate"):
            socket_dir = _prepare()
            database = bv._database_description()
        world, closing, pool = _setup(args)
        from voting import services

        caster = Caster(pool, args.interval)
        harness.print_block(
            TITLE,
            [
                ("code", bv.code_version()),
                ("database", database),
                ("cores", str(harness.cores())),
                *table_sizes(),
                ("other hall", f"one cast every {args.interval:.0f} ms, {WORKERS} threads"),
            ],
        )
        results = []
        with harness.step(f"baseline: {args.baseline:.0f} s of casts, no rewrite"):
            results.append(
                run_scenario(caster, "baseline (no rewrite)", lambda: True, lead=args.baseline)
            )
        with harness.step("vote_count, whose commit runs storage_rewrite (as deployed)"):
            results.append(
                run_scenario(
                    caster,
                    "vote_count + storage_rewrite (as deployed)",
                    lambda: services.vote_count(actor=world.root, vote=closing) is not None,
                )
            )
        with harness.step("storage_rewrite again"):
            results.append(
                run_scenario(
                    caster,
                    "storage_rewrite again (as deployed)",
                    lambda: services.storage_rewrite(closing),
                )
            )
        with harness.step("variant: the three tables in one VACUUM call"):
            results.append(run_scenario(caster, "variant: one VACUUM call", rewrite_one_call))
        if args.blocker:
            for name, action in (
                (
                    "as deployed (200 ms lock wait, retried every 1 s)",
                    lambda: services.storage_rewrite(closing),
                ),
                ("before: lock_timeout 20 s, no retry", rewrite_long_wait),
            ):
                label = f"a reader holds voting_sealedballot for {args.blocker:.0f} s, {name}"
                with harness.step(label):
                    results.append(
                        run_scenario(
                            caster,
                            label,
                            action,
                            before_first=lambda: IdleReader(socket_dir, closing.pk, args.blocker),
                        )
                    )
        for result in results:
            print_scenario(result)
        harness.print_block("rewrite: tables after", table_sizes())
        return 1 if any(r["failed"] for r in results) else 0
    except KeyboardInterrupt:
        print("[bench] rewrite: interrupted", file=sys.stderr)
        return 130
    finally:
        if caster is not None:
            caster.close()
        if socket_dir:
            from django.db import connections

            connections.close_all()
            if not args.keep_db:
                with harness.step(f"drop database {DB_NAME}"):
                    _drop(socket_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
