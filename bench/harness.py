"""Shared pieces for the benchmarks: common flags, a gunicorn process, the load client, results.

Imports nothing but the standard library at module level, so ``bench/run.py`` can use it
before any Django settings are chosen.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOADGEN = ROOT / "bench" / "loadgen.py"


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_workers() -> int:
    return 2 * cores() + 1


def common_parser(*, add_help: bool = True) -> argparse.ArgumentParser:
    """Flags every HTTP benchmark accepts (``bench/run.py`` forwards them)."""
    parser = argparse.ArgumentParser(add_help=add_help)
    group = parser.add_argument_group("load and server")
    group.add_argument("--requests", type=int, default=2000, help="measured requests [2000]")
    group.add_argument("--concurrency", type=int, default=32, help="requests in flight [32]")
    group.add_argument("--warmup", type=int, default=200, help="warm-up requests, unmeasured [200]")
    group.add_argument(
        "--timeout", type=float, default=120.0, help="limit for the measured burst, seconds [120]"
    )
    group.add_argument(
        "--workers", type=int, default=default_workers(), help="gunicorn workers [2*cores+1]"
    )
    group.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn [sync]"
    )
    group.add_argument("--threads", type=int, default=4, help="threads per gthread worker [4]")
    return parser


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The bounds bench/loadgen.py enforces, checked before any server starts."""
    if not 1 <= args.requests <= 100_000:
        parser.error("--requests must be between 1 and 100000")
    if not 1 <= args.concurrency <= 512:
        parser.error("--concurrency must be between 1 and 512")
    if not 0 <= args.warmup <= 100_000:
        parser.error("--warmup must be between 0 and 100000")
    if not 0 < args.timeout <= 3600:
        parser.error("--timeout must be between 0 and 3600 seconds")
    if not 1 <= args.workers <= 64 or not 1 <= args.threads <= 64:
        parser.error("--workers and --threads must be between 1 and 64")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install_sigterm_handler() -> None:
    """Turn SIGTERM into SystemExit so ``finally`` blocks (stopping gunicorn) run."""

    def _exit(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)


def _gunicorn_command() -> list[str]:
    script = Path(sys.executable).parent / "gunicorn"
    return [str(script)] if script.exists() else [sys.executable, "-m", "gunicorn"]


class Gunicorn:
    """A gunicorn master on 127.0.0.1 and a free port; always stopped by ``stop()``."""

    def __init__(
        self,
        app: str,
        env: dict[str, str],
        *,
        workers: int,
        worker_class: str = "sync",
        threads: int = 1,
    ) -> None:
        self.app = app
        self.env = env
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads if worker_class == "gthread" else 1
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def describe(self) -> str:
        kind = f"{self.workers} {self.worker_class} workers"
        if self.worker_class == "gthread":
            kind += f" x {self.threads} threads"
        return f"gunicorn {self.version()}, {kind}, {self.base_url}"

    @staticmethod
    def version() -> str:
        try:
            from importlib.metadata import version

            return version("gunicorn")
        except Exception:  # noqa: BLE001 - only for display
            return "?"

    def start(self, ready_path: str, timeout: float = 60.0) -> None:
        command = [
            *_gunicorn_command(),
            self.app,
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--chdir", str(ROOT),
            "--graceful-timeout", "10",
            "--timeout", "30",
            "--worker-tmp-dir", "/dev/shm" if Path("/dev/shm").is_dir() else tempfile.gettempdir(),
            "--no-control-socket",
            "--log-level", "warning",
            "--error-logfile", "-",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}\n{self.log()}")
            try:
                with urllib.request.urlopen(self.base_url + ready_path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s\n{self.log()}")
            time.sleep(0.2)

    def log(self, tail: int = 40) -> str:
        try:
            lines = Path(self._log.name).read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-tail:])

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL to the master and its workers if it hangs."""
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    for pid in [*_children(process.pid), process.pid]:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    process.wait(timeout=5)
        finally:
            self._log.close()
            with contextlib.suppress(OSError):
                os.unlink(self._log.name)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    ok: int
    errors: dict[str, int]
    timed_out: bool
    wall_seconds: float
    latencies_ms: list[float] = field(repr=False)
    ids: list[int] = field(repr=False)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.ok / self.wall_seconds if self.wall_seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the successful requests' latencies, in ms."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]


def run_load(
    url: str, *, requests: int, concurrency: int, timeout: float, method: str = "POST"
) -> LoadResult:
    """Fire the burst from a separate process (bench/loadgen.py) and collect its result."""
    command = [
        sys.executable, str(LOADGEN),
        "--url", url,
        "--method", method,
        "--requests", str(requests),
        "--concurrency", str(concurrency),
        "--timeout", str(timeout),
    ]  # fmt: skip
    completed = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout + 30, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(f"load generator failed ({completed.returncode}):\n{completed.stderr}")
    data = json.loads(completed.stdout)
    return LoadResult(
        requests=data["requests"],
        concurrency=data["concurrency"],
        ok=data["ok"],
        errors=data["errors"],
        timed_out=data["timed_out"],
        wall_seconds=data["wall_seconds"],
        latencies_ms=data["latencies_ms"],
        ids=data["ids"],
    )


def print_block(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n=== {title} ===")
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    print(flush=True)


def latency_rows(result: LoadResult) -> list[tuple[str, str]]:
    errors = str(result.error_count)
    if result.errors:
        errors += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(result.errors.items())) + ")"
    return [
        ("requests", str(result.requests)),
        ("concurrency", str(result.concurrency)),
        ("errors", errors),
        (
            "duration",
            f"{result.wall_seconds:.2f} s" + (" (hit --timeout)" if result.timed_out else ""),
        ),
        ("throughput", f"{result.throughput:.1f} req/s"),
        ("latency p50", f"{result.percentile(50):.1f} ms"),
        ("latency p90", f"{result.percentile(90):.1f} ms"),
        ("latency p99", f"{result.percentile(99):.1f} ms"),
        ("latency max", f"{max(result.latencies_ms, default=math.nan):.1f} ms"),
    ]


@contextlib.contextmanager
def step(name: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"[bench] {name} ...", flush=True)
    yield
    print(f"[bench] {name}: {time.perf_counter() - started:.1f}s", flush=True)
