"""The vote at scale: a burst of deputies casting over HTTP, and the tally of 1,000,000 ballots.

    .venv/bin/python bench/run.py --only vote
    .venv/bin/python bench/run.py --only vote --worker-class gthread --threads 4
    .venv/bin/python -m bench.bench_vote --deputies 400 --ballots 1000000 \
        [--skip-cast] [--skip-tally] [--spread S] [--conn-max-age 60] [--keep-db]

(bench/run.py knows only the common flags; the vote's own need ``-m bench.bench_vote``.)

1. **Casting burst.** The real site (``livelihood.settings.production`` via
   ``bench/vote_settings.py``, ``livelihood.wsgi:application``) under gunicorn on 127.0.0.1,
   against a fresh database ``bench_vote`` in the embedded PostgreSQL ``var/pg-bench`` and
   the embedded Redis on port 6392. ``--deputies`` deputies checked in, a locked list of 13
   candidates for 10 slots, a vote opened through ``voting.services`` with one code per
   deputy. ``bench/vote_client.py`` (a separate process, standard library only) releases every
   deputy at once: ``GET /ballot/`` for the CSRF cookie and form token, then ``POST
   /ballot/cast/`` with its code and a random valid ballot; then ``--retries`` of them post
   again and must be told "already cast" (409). Run at concurrency = all deputies, then 100
   (each on its own fresh vote), unless ``--concurrency`` is given; with ``--spread S`` the
   deputies arrive at random within S seconds instead. The CPU time gunicorn and PostgreSQL
   spend during the burst is read from /proc (per deputy: the load-independent cost).
   Checks: every ballot accepted exactly once (ballots stored = codes used = HTTP 200s =
   deputies; the stored marks are exactly the accepted ballots' marks; every retry 409),
   then ``vote_close`` and ``vote_count`` agree with what the client sent. Target: p99 of
   the POST under 300 ms.
2. **Tally.** A closed vote with ``--ballots`` ballots inserted by one ``INSERT … SELECT``
   (``VACUUM ANALYZE`` after), then ``voting.selectors.tally_from_database`` (in this
   process, the real code path) against a bare SQL count grouped by candidate and mark over
   the same rows, side by side: one warm-up each, then three alternating rounds, best of
   three; the same again with no parallel workers. Target: the tally takes at most twice
   the bare count; both must give the same yes/no counts.

The database ``bench_vote`` is dropped and created again at the start of every run (so every
run has fresh votes), and dropped at the end unless ``--keep-db``. ``DATABASE_URL`` from the
environment is never used: this benchmark drops its database. Exit status: non-zero on an
error or a failed correctness check; the two performance targets are reported (PASS/FAIL)
but do not change it. ``--requests`` is accepted (bench/run.py forwards it) and unused:
``--deputies`` sets the size of the burst; ``--warmup`` is the number of warm-up GET+POST
pairs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from bench import harness

TITLE_CAST = "vote: deputies casting at once over HTTP (GET /ballot/ + POST /ballot/cast/)"
TITLE_TALLY = "vote: tally of stored ballots vs a bare grouped count"
SETTINGS = "bench.vote_settings"
PG_NAME = "pg-bench"
DB_NAME = "bench_vote"
REDIS_NAME, REDIS_PORT = "redis-bench", 6392
CANDIDATES, SLOTS = 13, 10
SECOND_LEVEL = 100  # the second burst's concurrency
P99_TARGET_MS = 300.0
RATIO_TARGET = 2.0
TITLES = [
    "东河村道路路灯安装",
    "西岭村饮水工程改造",
    "镇区污水管网建设",
    "南塘村文化礼堂",
    "北山村便民桥修缮",
    "中心小学食堂改造",
    "镇卫生院设备更新",
    "老年活动中心建设",
    "农贸市场雨棚改造",
    "河道清淤与护岸",
    "村级公交候车亭",
    "垃圾分类收集点",
    "农田灌溉渠修复",
]
BASELINE_SQL = (
    "SELECT g, substr(choices, g, 1) AS mark, count(*) "
    "FROM voting_ballot, generate_series(1, {n}) g "
    "WHERE vote_id = %s AND status IN ('valid', 'blank') GROUP BY g, mark"
)


# ---------------------------------------------------------------------------------------------
# Flags


def build_parser() -> argparse.ArgumentParser:
    parser = harness.common_parser()
    parser.prog = "bench_vote"
    parser.description = "Casting burst over HTTP and tally of 1,000,000 ballots."
    parser.set_defaults(concurrency=None, warmup=100)
    for action in parser._actions:
        if action.dest == "concurrency":
            action.help = f"one burst at this concurrency [all deputies, then {SECOND_LEVEL}]"
        elif action.dest == "warmup":
            action.help = "warm-up GET+POST pairs before each burst [100]"
        elif action.dest == "requests":
            action.help = "unused here (see --deputies)"
    group = parser.add_argument_group("vote")
    group.add_argument("--deputies", type=int, default=400, help="deputies in the burst [400]")
    group.add_argument("--ballots", type=int, default=1_000_000, help="ballots to tally [1000000]")
    group.add_argument("--retries", type=int, default=50, help="deputies who post twice [50]")
    group.add_argument(
        "--spread",
        type=float,
        default=0.0,
        help="deputies arrive at random within this many seconds [0: all at the same instant]",
    )
    group.add_argument("--skip-cast", action="store_true", help="no casting burst")
    group.add_argument("--skip-tally", action="store_true", help="no tally")
    group.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="add ?conn_max_age=N to DATABASE_URL [0: a connection per request, as production]",
    )
    group.add_argument("--keep-db", action="store_true", help="keep the bench_vote database")
    return parser


def levels_of(args: argparse.Namespace) -> list[int]:
    if args.concurrency:
        return [args.concurrency]
    return sorted({min(args.deputies, 512), min(SECOND_LEVEL, args.deputies)}, reverse=True)


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    harness.check_args(parser, argparse.Namespace(**{**vars(args), "concurrency": 1}))
    if args.concurrency is not None and not 1 <= args.concurrency <= 512:
        parser.error("--concurrency must be between 1 and 512")
    if not 1 <= args.deputies <= 2000:
        parser.error("--deputies must be between 1 and 2000")
    if not 1 <= args.ballots <= 5_000_000:
        parser.error("--ballots must be between 1 and 5000000")
    if not 0 <= args.retries <= args.deputies:
        parser.error("--retries must be between 0 and --deputies")
    if not 0 <= args.spread < args.timeout:
        parser.error("--spread must be between 0 and --timeout")
    if not 0 <= args.conn_max_age <= 3600:
        parser.error("--conn-max-age must be between 0 and 3600")


# ---------------------------------------------------------------------------------------------
# Database, Django, the world


def _admin_connection(socket_dir: str):
    import psycopg

    return psycopg.connect(host=socket_dir, dbname="postgres", user="postgres", autocommit=True)


def _prepare(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """Fresh bench_vote database, Django set up on it, migrated, static files collected.
    Returns the environment for gunicorn's processes and the socket directory."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    from livelihood.devservers import postgres_settings, redis_url

    socket_dir = postgres_settings(PG_NAME, database="postgres")["HOST"]
    with _admin_connection(socket_dir) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    url = f"postgres://postgres@/{DB_NAME}?host={quote(socket_dir, safe='/')}"
    if args.conn_max_age:
        url += f"&conn_max_age={args.conn_max_age}"
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url(REDIS_NAME, REDIS_PORT),
    }
    os.environ.update(env)
    os.environ.pop("CACHE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    gunicorn_env = dict(os.environ)
    gunicorn_env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(harness.ROOT), os.environ.get("PYTHONPATH", "")])
    )
    return gunicorn_env, socket_dir


def _drop_database(socket_dir: str) -> None:
    from django.db import connections

    connections.close_all()
    with _admin_connection(socket_dir) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def _database_description() -> str:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit')"
        )
        version, fsync, sync_commit = cursor.fetchone()
    connection.close()
    age = settings.DATABASES["default"].get("CONN_MAX_AGE", 0)
    return (
        f"PostgreSQL {version.split()[1]} (embedded, Unix socket), fsync={fsync}, "
        f"synchronous_commit={sync_commit}, CONN_MAX_AGE={age}"
    )


class World:
    def __init__(self, root, township, session) -> None:
        self.root = root
        self.township = township
        self.session = session
        self.next_year = 2027


def _world(deputies: int) -> World:
    """A township with ``deputies`` deputies in office, all checked in at session 1."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from congress import services as congress_services
    from congress.models import (
        Attendance,
        AttendanceStatus,
        County,
        Deputy,
        Session,
        Term,
        Township,
        Village,
    )

    root = get_user_model().objects.create(username="bench_root", is_superuser=True, is_staff=True)
    county = County.objects.create(code="BENCH", name="基准县")
    township = Township.objects.create(county=county, code="BENCH01", name="基准镇")
    villages = Village.objects.bulk_create(
        Village(township=township, name=f"基准{i + 1}村") for i in range(15)
    )
    Deputy.objects.bulk_create(
        Deputy(
            township=township,
            name=f"代表{i + 1:04d}",
            gender="MF"[i % 2],
            phone=f"139{i:08d}",
            home_village=villages[i % len(villages)],
        )
        for i in range(deputies)
    )
    term = Term.objects.create(
        level="township", county=county, township=township, number=19, start_year=2024,
        end_year=2028,
    )  # fmt: skip
    session = Session.objects.create(term=term, number=1, date=timezone.localdate())
    congress_services.session_open_roll(actor=root, session=session)
    Attendance.objects.filter(session=session).update(status=AttendanceStatus.PRESENT)
    return World(root, township, session)


def key_ceremony(actor, vote) -> list[str]:
    """Three key holders (k = 2) and their share slips (密钥分片): no vote opens without them.
    Returns the typed slips."""
    from voting import services
    from voting.models import OfficerRole

    for role, name in (
        (OfficerRole.CHIEF_SCRUTINEER, "总监票人"),
        (OfficerRole.SCRUTINEER, "监票人甲"),
        (OfficerRole.SCRUTINEER, "监票人乙"),
    ):
        services.vote_officer_add(actor=actor, vote=vote, role=role, name=name, user=None)
    return [s.typed for s in services.vote_key_ceremony(actor=actor, vote=vote).slips]


def _open_vote(world: World, *, close: bool = False, before_open=None):
    """A locked list of 13 candidates for 10 slots, a vote set up from it through the
    services, one code per deputy on the roll (no spares), slips issued, the key ceremony
    (``before_open``, by default :func:`key_ceremony`), opened (and closed
    when ``close``: the codes are then burnt). Returns (vote, plaintext codes)."""
    import datetime

    from django.utils import timezone

    from projects.models import AnnualPlan, Candidate, CandidateList, Project
    from voting import services

    year = world.next_year
    world.next_year += 1
    plan = AnnualPlan.objects.create(township=world.township, year=year, slots=SLOTS)
    clist = CandidateList.objects.create(plan=plan, locked_at=timezone.now(), locked_by=world.root)
    projects = Project.objects.bulk_create(
        Project(
            township=world.township,
            title=title,
            content=f"{title}的主要内容",
            location="基准镇",
            estimated_investment=100 + i,
            deadline=datetime.date(year, 12, 31),
            status="candidate",
        )
        for i, title in enumerate(TITLES[:CANDIDATES])
    )
    Candidate.objects.bulk_create(
        Candidate(candidate_list=clist, project=project, position=i)
        for i, project in enumerate(projects, start=1)
    )
    actor = world.root
    vote = services.vote_create(actor=actor, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=actor, vote=vote, spares=0)
    services.vote_record_issued(actor=actor, vote=vote, slips_issued=len(codes), paper_issued=0)
    (before_open or key_ceremony)(actor, vote)  # the ceremony is mandatory (issue 15)
    vote.refresh_from_db()
    vote = services.vote_open(actor=actor, vote=vote)
    if close:
        vote = services.vote_close(actor=actor, vote=vote)
    return vote, codes


# ---------------------------------------------------------------------------------------------
# Helpers for the figures


def percentile(values: list[float], p: float) -> float:
    """Nearest rank, as bench/harness.py."""
    if not values:
        return float("nan")
    return harness.LoadResult(0, 0, 0, {}, False, 0.0, list(values), []).percentile(p)


def latency_summary(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, 50):.0f} / p90 {percentile(values, 90):.0f} / "
        f"p99 {percentile(values, 99):.0f} / max {max(values):.0f} ms"
    )


def errors_text(errors: dict[str, int]) -> str:
    total = sum(errors.values())
    if not errors:
        return "0"
    return f"{total} (" + ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) + ")"


def code_version() -> str:
    """The commit measured (read-only git), and whether the working tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=harness.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=harness.ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return head + (" with uncommitted changes" if dirty else "")


def cpu_text(burst: dict) -> str:
    """CPU time per deputy (GET + POST) during the burst: a cost that does not depend on
    what else the machine is doing, unlike the latencies."""
    cpu = burst.get("server_cpu")
    if not cpu or not burst["accepted"]:
        return "n/a"
    per = {k: v * 1000 / burst["accepted"] for k, v in cpu.items()}
    total = sum(per.values())
    client = burst.get("client_cpu_seconds", 0.0) * 1000 / burst["accepted"]
    return (
        f"{total:.1f} ms server (gunicorn {per['gunicorn']:.1f} + PostgreSQL "
        f"{per['postgres']:.1f}), client {client:.1f} ms; all {harness.cores()} cores "
        f"for the server alone would give about {1000 * harness.cores() / total:.0f} casts/s"
    )


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# ---------------------------------------------------------------------------------------------
# 1. Casting burst


def _queries_per_request(world: World) -> str:
    """SQL queries of one GET /ballot/, one accepted POST /ballot/cast/ and one retry, measured
    in this process with Django's test client on a separate probe vote."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    vote, codes = _open_vote(world)
    client = Client(HTTP_HOST="127.0.0.1")
    counts = []
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)  # the retry's 409 is expected, not worth a warning
    data = {"vote": vote.pk, "code": codes[0], "choices": "YNA" * 4 + "Y"}
    for method, path, expect in (
        ("get", "/ballot/", 200),
        ("post", "/ballot/cast/", 200),
        ("post", "/ballot/cast/", 409),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(path, data if method == "post" else None)
        if response.status_code != expect:
            raise RuntimeError(f"probe {method.upper()} {path}: HTTP {response.status_code}")
        counts.append(len(queries))
    request_log.setLevel(level)
    connection.close()
    from voting import services

    services.vote_switch_to_paper(actor=world.root, vote=vote)  # the probe takes no part
    return f"GET /ballot/ {counts[0]}, cast {counts[1]}, retry {counts[2]}"


def _stat_cpu(pid: int) -> tuple[float, float]:
    """(own CPU seconds, reaped children's CPU seconds) of a process, from /proc."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def _tree_cpu(pid: int | None) -> float:
    """CPU seconds used by a server: the process, its live children and the children it has
    reaped (PostgreSQL backends that ended, with CONN_MAX_AGE=0 one per request)."""
    if pid is None:
        return 0.0
    try:
        own, reaped = _stat_cpu(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    total = own + reaped
    for child in children:
        try:
            total += _stat_cpu(int(child))[0]
        except OSError:  # ended meanwhile: counted as reaped next time
            pass
    return total


def _postmaster_pid() -> int | None:
    from livelihood.devservers import VAR_DIR

    try:
        return int((VAR_DIR / PG_NAME / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _forget_throttle() -> None:
    """The warm-up sends codes of no vote, which the guessed-code throttle (voting/throttle.py)
    counts against 127.0.0.1: forget them before the burst (the benchmark's own Redis)."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as exc:  # noqa: BLE001 - the throttle fails open without Redis anyway
        print(f"[bench] could not clear the cache: {exc}", file=sys.stderr)


def _run_client(server: harness.Gunicorn, job: dict, args, concurrency: int) -> dict:
    """The client in its own process; the CPU time gunicorn and PostgreSQL spend during the
    burst alone (not the warm-up, not the retries) is sampled at the client's handshakes."""
    postmaster = _postmaster_pid()

    def sample() -> tuple[float, float]:
        return _tree_cpu(server.process.pid if server.process else None), _tree_cpu(postmaster)

    with (
        tempfile.TemporaryDirectory(prefix="bench-vote-") as tmp,
        open(Path(tmp) / "stderr", "w+", encoding="utf-8") as stderr,
    ):
        path = Path(tmp) / "job.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(job, handle)
        command = [
            sys.executable, "-m", "bench.vote_client",
            "--base-url", server.base_url,
            "--job", str(path),
            "--concurrency", str(concurrency),
            "--retries", str(args.retries),
            "--warmup", str(args.warmup),
            "--timeout", str(args.timeout),
            "--spread", str(args.spread),
            "--path", getattr(args, "path", "form"),
            "--handshake",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            cwd=harness.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        samples: dict[str, tuple[float, float]] = {}
        lines: list[str] = []
        try:
            for line in process.stdout:
                if line.startswith("#"):
                    if line.startswith("#ready"):
                        _forget_throttle()
                    samples[line[1:].strip()] = sample()
                    process.stdin.write("go\n")
                    process.stdin.flush()
                else:
                    lines.append(line)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        stderr.seek(0)
        errors = stderr.read()
    if code != 0 or not lines:
        raise RuntimeError(f"vote client failed ({code}):\n{errors}")
    data = json.loads(lines[-1])
    if "ready burst" in samples and "done burst" in samples:
        before, after = samples["ready burst"], samples["done burst"]
        data["burst"]["server_cpu"] = {
            "gunicorn": after[0] - before[0],
            "postgres": after[1] - before[1],
        }
    return data


def _marks_by_candidate(ballots: list[str]) -> list[tuple[int, int, int]]:
    return [
        (
            sum(b[i] == "Y" for b in ballots),
            sum(b[i] == "N" for b in ballots),
            sum(b[i] == "A" for b in ballots),
        )
        for i in range(CANDIDATES)
    ]


def _verify_and_count(world: World, vote, burst: dict, retries: dict, deputies: int):
    """Exactly once, from the database; then close and count the vote through the services."""
    from voting import services
    from voting.models import Ballot, BallotCode, CandidateResult

    stored = list(Ballot.objects.filter(vote=vote).values_list("choices", "status", "channel"))
    used = BallotCode.objects.filter(vote=vote, used=True).count()
    unused = BallotCode.objects.filter(vote=vote, used=False).count()
    statuses = Counter(status for _c, status, _ch in stored)
    same_marks = sorted(c for c, _s, _ch in stored) == sorted(burst["accepted_choices"])
    once = (
        len(stored) == burst["accepted"] == used == deputies
        and unused == 0
        and same_marks
        and statuses == Counter({"valid": deputies})
        and retries["already_cast"] == retries["count"]
    )
    started = time.perf_counter()
    vote = services.vote_close(actor=world.root, vote=vote)
    closed_s = time.perf_counter() - started
    started = time.perf_counter()
    result = services.vote_count(actor=world.root, vote=vote)
    counted_s = time.perf_counter() - started
    counted = [
        (r.yes, r.no, r.abstain)
        for r in CandidateResult.objects.filter(vote_result=result).order_by("candidate__position")
    ]
    count_ok = (
        result.returned == deputies
        and result.is_valid
        and counted == _marks_by_candidate(burst["accepted_choices"])
    )
    rows = [
        (
            "ballots stored",
            f"{len(stored)} (HTTP 200 accepted: {burst['accepted']}, deputies: {deputies}, "
            f"statuses: {dict(statuses)})",
        ),
        ("codes used", f"{used} used, {unused} unused"),
        ("stored marks", "= the accepted ballots' marks" if same_marks else "MISMATCH"),
        (
            "retries",
            f"{retries['already_cast']}/{retries['count']} answered 409 already cast"
            + (f"; {errors_text(retries['errors'])}" if retries["errors"] else ""),
        ),
        ("exactly once", verdict(once)),
        (
            "close + count",
            f"vote_close {closed_s * 1000:.0f} ms, vote_count {counted_s * 1000:.0f} ms; "
            f"returned {result.returned}, valid vote: {result.is_valid}, per-candidate "
            f"yes/no/abstain {'= the client' if count_ok else 'MISMATCH'}",
        ),
    ]
    return once and count_ok, rows


def _cast(args, env: dict[str, str], world: World, database: str) -> bool:
    from voting import domain

    levels = levels_of(args)
    with harness.step("probe: SQL queries per request"):
        queries = _queries_per_request(world)
    with harness.step(f"{len(levels)} fresh vote(s) of {args.deputies} codes"):
        votes = [(level, *_open_vote(world)) for level in levels]
        decoys = [domain.new_code() for _ in range(20)]
    server = harness.Gunicorn(
        "livelihood.wsgi:application",
        env,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    server.env = {**env, "DJANGO_CSRF_TRUSTED_ORIGINS": server.base_url}
    ok = True
    try:
        with harness.step(f"start {server.describe()}"):
            server.start("/ballot/")
        for level, vote, codes in votes:
            job = {
                "vote": vote.pk,
                "candidates": CANDIDATES,
                "slots": SLOTS,
                "codes": codes,
                "decoys": decoys,
            }
            load_before = os.getloadavg()[0]
            with harness.step(f"burst: {len(codes)} deputies at concurrency {level}"):
                data = _run_client(server, job, args, level)
            load_after = os.getloadavg()[0]
            with harness.step("verify, close and count"):
                correct, check_rows = _verify_and_count(
                    world, vote, data["burst"], data["retries"], len(codes)
                )
            burst, retries = data["burst"], data["retries"]
            if burst["errors"] or data.get("warmup", {}).get("errors"):
                print(f"[bench] gunicorn log (tail):\n{server.log()}", file=sys.stderr)
            warm = data.get("warmup")
            p99 = percentile(burst["post_ms"], 99)
            no_errors = not burst["errors"] and not burst["timed_out"]
            harness.print_block(
                TITLE_CAST,
                [
                    (
                        "machine",
                        f"{harness.cores()} cores (client, server, database share them); "
                        f"load average (1 min) {load_before:.1f} before, {load_after:.1f} after",
                    ),
                    ("server", server.describe()),
                    ("settings", f"{SETTINGS} (= livelihood.settings.production)"),
                    ("code", code_version()),
                    ("database", database),
                    ("client", "asyncio, separate process, new connection per request"),
                    ("SQL queries", queries),
                    (
                        "warm-up",
                        f"{warm['pairs']} GET+POST pairs (unknown code), "
                        f"{warm['seconds']:.1f} s, errors {errors_text(warm['errors'])}"
                        if warm
                        else "none",
                    ),
                    (
                        "deputies",
                        f"{burst['deputies']}, "
                        + (
                            f"arriving at random within {args.spread:g} s"
                            if args.spread
                            else "all released at the same instant"
                        ),
                    ),
                    ("concurrency", str(burst["concurrency"])),
                    ("errors", errors_text(burst["errors"])),
                    (
                        "duration",
                        f"{burst['wall_seconds']:.2f} s"
                        + (" (hit --timeout)" if burst["timed_out"] else ""),
                    ),
                    (
                        "throughput",
                        f"{burst['accepted'] / burst['wall_seconds']:.1f} casts/s "
                        f"({2 * burst['accepted'] / burst['wall_seconds']:.1f} requests/s)",
                    ),
                    ("POST /ballot/cast/", latency_summary(burst["post_ms"])),
                    ("CPU per deputy", cpu_text(burst)),
                    ("GET /ballot/", latency_summary(burst["get_ms"])),
                    ("GET + POST", latency_summary(burst["total_ms"])),
                    ("retry POST (409)", latency_summary(retries["post_ms"])),
                    *check_rows,
                    (
                        "target",
                        f"POST p99 {p99:.0f} ms vs {P99_TARGET_MS:.0f} ms: "
                        f"{verdict(p99 < P99_TARGET_MS and no_errors)}",
                    ),
                ],
            )
            ok = ok and correct and no_errors
    except BaseException:
        if server.process is not None:
            log = server.log()
            if log:
                print(f"[bench] gunicorn log (tail):\n{log}", file=sys.stderr)
        raise
    finally:
        with harness.step("stop gunicorn"):
            server.stop()
    return ok


# ---------------------------------------------------------------------------------------------
# 2. Tally


def _insert_ballots(vote_id: int, n: int) -> None:
    """``n`` ballots in one INSERT … SELECT: random Y/N/A marks, about 1 % blank (no mark),
    2 % invalid, the rest valid (a ballot with more than 10 Y is invalid, as B1 says)."""
    from django.db import connection

    marks = " || ".join(["substr('YNA', 1 + floor(random() * 3)::int, 1)"] * CANDIDATES)
    sql = f"""
        INSERT INTO voting_ballot (id, vote_id, choices, status, channel, tracker)
        SELECT gen_random_uuid(), %s,
               CASE WHEN r < 0.01 THEN repeat('-', {CANDIDATES}) ELSE c END,
               CASE WHEN r < 0.01 THEN 'blank'
                    WHEN r < 0.03 OR length(c) - length(replace(c, 'Y', '')) > {SLOTS}
                        THEN 'invalid'
                    ELSE 'valid' END,
               'electronic', ''
        FROM (SELECT random() AS r, {marks} AS c FROM generate_series(1, %s) OFFSET 0) AS s
    """  # noqa: S608 - constants only; the values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [vote_id, n])
        cursor.execute("VACUUM (ANALYZE) voting_ballot")


def _plan_workers(sql: str, params: list | None) -> int:
    """Parallel workers PostgreSQL plans for a query (EXPLAIN, not run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)

    def walk(node: dict) -> int:
        own = node.get("Workers Planned", 0)
        return max([own, *(walk(child) for child in node.get("Plans", []))])

    return walk(plan[0]["Plan"])


def _tally(args, world: World, database: str) -> bool:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from voting import services
    from voting.models import Ballot, Vote
    from voting.selectors import tally_from_database

    with harness.step("closed vote of 13 candidates"):
        vote, _codes = _open_vote(world, close=True)
    with harness.step(f"insert {args.ballots:,} ballots (INSERT ... SELECT), VACUUM ANALYZE"):
        started = time.perf_counter()
        _insert_ballots(vote.pk, args.ballots)
        insert_s = time.perf_counter() - started
    baseline = BASELINE_SQL.format(n=CANDIDATES)
    floor_sql = (
        "SELECT count(*) FROM voting_ballot WHERE vote_id = %s AND status IN ('valid', 'blank')"
    )

    def run_tally():
        return tally_from_database(vote, CANDIDATES)

    def run_baseline():
        with connection.cursor() as cursor:
            cursor.execute(baseline, [vote.pk])
            return cursor.fetchall()

    def run_floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [vote.pk])
            return cursor.fetchone()[0]

    def timed(fn):
        started = time.perf_counter()
        value = fn()
        return time.perf_counter() - started, value

    load_before = os.getloadavg()[0]
    with harness.step("warm-up: one tally, one baseline, one count(*)"):
        with CaptureQueriesContext(connection) as captured:
            tally = run_tally()
        tally_sql = captured.captured_queries[-1]["sql"]
        rows = run_baseline()
        run_floor()
    times: dict[str, list[float]] = {key: [] for key in ("tally", "baseline", "floor")}
    with harness.step("3 rounds: tally, baseline, count(*)"):
        for _round in range(3):
            times["tally"].append(timed(run_tally)[0])
            times["baseline"].append(timed(run_baseline)[0])
            times["floor"].append(timed(run_floor)[0])
    workers = (_plan_workers(tally_sql, None), _plan_workers(baseline, [vote.pk]))
    # The same, each query on one core: the ratio is not just PostgreSQL's parallel workers.
    serial: dict[str, list[float]] = {"tally": [], "baseline": []}
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    with harness.step("no parallel workers: warm-up, then 3 rounds: tally, baseline"):
        same_serial = run_tally() == tally and sorted(run_baseline()) == sorted(rows)
        for _round in range(3):
            serial["tally"].append(timed(run_tally)[0])
            serial["baseline"].append(timed(run_baseline)[0])
    with connection.cursor() as cursor:
        cursor.execute("RESET max_parallel_workers_per_gather")
    load_after = os.getloadavg()[0]
    with harness.step("vote_count (the whole service, once)"):
        count_s, result = timed(lambda: services.vote_count(actor=world.root, vote=vote))

    yes = [0] * CANDIDATES
    no = [0] * CANDIDATES
    for g, mark, count in rows:
        if mark == "Y":
            yes[g - 1] += count
        elif mark == "N":
            no[g - 1] += count
    same = yes == tally.yes and no == tally.no and same_serial
    total = Ballot.objects.filter(vote=vote).count()
    connection.close()
    ratio = min(times["tally"]) / min(times["baseline"])
    ratio_serial = min(serial["tally"]) / min(serial["baseline"])

    def fmt(values: list[float]) -> str:
        return (
            f"best {min(values) * 1000:.0f} ms (runs: "
            + ", ".join(f"{v * 1000:.0f}" for v in values)
            + f"; median {statistics.median(values) * 1000:.0f})"
        )

    harness.print_block(
        TITLE_TALLY,
        [
            (
                "machine",
                f"{harness.cores()} cores; load average (1 min) {load_before:.1f} before, "
                f"{load_after:.1f} after the timings",
            ),
            ("database", database),
            ("code", code_version()),
            (
                "ballots",
                f"{total:,} in the vote (returned {tally.returned:,}: valid {tally.valid:,} "
                f"incl. blank {tally.blank:,}, invalid {tally.invalid:,}); inserted in "
                f"{insert_s:.1f} s",
            ),
            ("(a) tally_from_database", fmt(times["tally"]) + f", {workers[0]} parallel workers"),
            ("(b) bare grouped count", fmt(times["baseline"]) + f", {workers[1]} parallel workers"),
            ("ratio (a) / (b)", f"{ratio:.2f} (best / best)"),
            ("(a) without parallelism", fmt(serial["tally"])),
            ("(b) without parallelism", fmt(serial["baseline"])),
            ("ratio, no parallelism", f"{ratio_serial:.2f} (max_parallel_workers_per_gather = 0)"),
            ("count(*) of the same rows", fmt(times["floor"])),
            (
                "vote_count service",
                f"{count_s * 1000:.0f} ms once (lock, tally, headcount, electronic count, "
                f"results written); vote {Vote.objects.get(pk=vote.pk).status}"
                + (f" ({result.void_reason})" if result.void_reason else ""),
            ),
            (
                "same yes/no counts",
                "yes ((a) = (b), with and without parallelism)" if same else "MISMATCH",
            ),
            (
                "target",
                f"ratio {ratio:.2f} <= {RATIO_TARGET:.1f}: {verdict(ratio <= RATIO_TARGET)}",
            ),
        ],
    )
    return same and tally.returned == total


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check(parser, args)
    harness.install_sigterm_handler()
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("[bench] vote: interrupted; gunicorn stopped", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    socket_dir = ""
    ok = True
    try:
        with harness.step(f"fresh database {DB_NAME}, migrate, collectstatic"):
            env, socket_dir = _prepare(args)
            database = _database_description()
        with harness.step(f"{args.deputies} deputies, session, roll, all present"):
            world = _world(args.deputies)
        if not args.skip_cast:
            ok = _cast(args, env, world, database) and ok
        if not args.skip_tally:
            ok = _tally(args, world, database) and ok
    finally:
        if socket_dir and not args.keep_db:
            with harness.step(f"drop database {DB_NAME}"):
                _drop_database(socket_dir)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
