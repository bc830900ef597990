"""Run the benchmarks (``make bench``): every ``bench/bench_*.py`` module's ``main(argv)``.

    .venv/bin/python bench/run.py                      # all, the floor first
    .venv/bin/python bench/run.py --only floor         # one (repeatable)
    .venv/bin/python bench/run.py --requests 5000 --concurrency 64
    .venv/bin/python bench/run.py --list

Each benchmark runs in its own process (own Django settings, own gunicorn) and its own
session; the load flags are forwarded to it. A benchmark that runs longer than
``--max-seconds`` is stopped with SIGTERM (it then stops its gunicorn), and killed with its
whole process group if it does not exit. Ctrl-C does the same. The exit status is non-zero
if any benchmark failed.

A new benchmark is a ``bench/bench_<name>.py`` with ``main(argv: list[str]) -> int`` that
parses its flags with ``bench.harness.common_parser()``.
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
if str(ROOT) not in sys.path:  # run as a script: bench/ is on sys.path, the project root not
    sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

FIRST = "floor"  # the floor runs first; the others follow in name order
CHILD = "import sys; from bench.bench_{name} import main; sys.exit(main(sys.argv[1:]))"


class Terminated(Exception):
    """SIGTERM received (e.g. ``make`` was killed)."""


def _on_sigterm(_signum: int, _frame: object) -> None:
    raise Terminated


def discover() -> list[str]:
    names = sorted(p.stem.removeprefix("bench_") for p in (ROOT / "bench").glob("bench_*.py"))
    return sorted(names, key=lambda name: (name != FIRST, name))


def _stop(process: subprocess.Popen, first_signal: int) -> None:
    """Ask the benchmark to stop (it stops its gunicorn), then kill its process group."""
    if process.poll() is not None:
        return
    try:
        process.send_signal(first_signal)
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pass
    finally:
        try:  # anything left in the benchmark's session: gunicorn workers, the load client
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()


def run_one(name: str, argv: list[str], max_seconds: float) -> int:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.pop("DJANGO_SETTINGS_MODULE", None)  # each benchmark chooses its own
    print(f"\n##### bench: {name}", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(name=name), *argv],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # Ctrl-C reaches us only; we stop the benchmark cleanly
    )
    try:
        code = process.wait(timeout=max_seconds)
    except subprocess.TimeoutExpired:
        print(f"[bench] {name}: over --max-seconds {max_seconds:.0f}, stopping", file=sys.stderr)
        _stop(process, signal.SIGTERM)
        return 124
    except (KeyboardInterrupt, Terminated):
        print(f"\n[bench] {name}: interrupted, stopping", file=sys.stderr)
        _stop(process, signal.SIGINT)
        raise
    # The benchmark exited on its own; nothing of its session may outlive it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    print(f"[bench] {name}: exit {code} after {time.monotonic() - started:.1f}s", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = discover()
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--only", action="append", choices=names, metavar="NAME")
    own.add_argument("--list", action="store_true")
    own.add_argument("--max-seconds", type=float, default=600.0)
    # The full parser, for --help and to reject unknown flags before anything starts.
    full = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n")[0],
        parents=[own, harness.common_parser(add_help=False)],
    )
    for action in full._actions:
        if action.dest == "only":
            action.help = f"run only this benchmark (repeatable): {', '.join(names)}"
        elif action.dest == "list":
            action.help = "list the benchmarks and exit"
        elif action.dest == "max_seconds":
            action.help = "limit per benchmark, seconds [600]"
    harness.check_args(full, full.parse_args(argv))
    args, forwarded = own.parse_known_args(argv)

    if args.list:
        print("\n".join(names))
        return 0
    signal.signal(signal.SIGTERM, _on_sigterm)
    selected = [name for name in names if not args.only or name in args.only]
    failed = [name for name in selected if run_one(name, forwarded, args.max_seconds) != 0]
    if failed:
        print(f"\n[bench] failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Terminated:
        sys.exit(143)
