"""The deputies for ``bench/bench_vote.py``: standard library only, run as its own process.

    python -m bench.vote_client --base-url http://127.0.0.1:8123 --job /tmp/job.json \
        --concurrency 400 --retries 50 --timeout 120

The job file (written by the benchmark, mode 0600, deleted afterwards) holds the vote id, the
number of candidates and slots, one plaintext ballot code per deputy and a few well-formed
codes that belong to no vote (for the warm-up). Every deputy does what the ballot page does
over HTTP: ``GET /ballot/`` (which sets the ``csrftoken`` cookie and carries the form token),
then ``POST /ballot/cast/`` with ``csrfmiddlewaretoken``, ``vote``, ``code`` and ``choices``,
sending the cookie back and an ``Origin``/``Referer`` of the server. Every request opens a new
TCP connection with ``Connection: close``, as in ``bench/loadgen.py``.

Phases: warm-up (GET + POST of an unknown code, answered 409; not measured), the burst (all
deputies released at once — or, with ``--spread S``, each at a random instant within S
seconds — at most ``--concurrency`` in flight, each holding its slot for its GET and its
POST), then ``--retries`` deputies whose ballot was accepted submit the same POST
again, all at once, and must be told "already cast" (HTTP 409). One JSON object on stdout (its
last line; with ``--handshake``, ``#ready burst`` and ``#done burst`` lines come first).

Safety limits: loopback targets only, at most 2000 deputies and 512 connections in flight, the
burst stops at ``--timeout`` seconds and each request at 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import time
from collections import Counter
from urllib.parse import urlencode, urlsplit

from bench.loadgen import LOOPBACK, dechunk

MAX_DEPUTIES = 2000
MAX_CONCURRENCY = 512
REQUEST_TIMEOUT = 60.0
FORM_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class Refused(Exception):
    """An answer that is not the one expected; the message is the error's category."""


class Server:
    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or ""
        self.port = parts.port or 80
        self.netloc = parts.netloc
        self.origin = f"http://{parts.netloc}"
        self.shell = False  # GET /vote/ + POST /vote/cast (JSON) instead of the HTML forms
        self.open_step = False  # with the shell: also POST /vote/open, as a phone does

    async def request(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[float, int, dict[str, list[str]], bytes]:
        """One request on a new connection; (latency ms, status, headers, body)."""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.netloc}",
            "User-Agent: livelihood-bench-deputy",
            "Accept: text/html",
            "Accept-Language: zh-CN",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        started = time.perf_counter()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(raw)
            await writer.drain()
            response = await reader.read()  # Connection: close -> read to EOF
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
        elapsed_ms = (time.perf_counter() - started) * 1000
        head, _, payload = response.partition(b"\r\n\r\n")
        head_lines = head.split(b"\r\n")
        status_line = head_lines[0].split()
        if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/"):
            raise Refused("malformed response")
        parsed: dict[str, list[str]] = {}
        for line in head_lines[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            parsed.setdefault(name.strip().lower(), []).append(value.strip())
        if "chunked" in ",".join(parsed.get("transfer-encoding", [])).lower():
            payload = dechunk(payload)
        return elapsed_ms, int(status_line[1]), parsed, payload


def csrf_from(headers: dict[str, list[str]], body: bytes) -> tuple[str, str]:
    """(cookie value, form token) from GET /ballot/'s Set-Cookie and its hidden input."""
    cookie = ""
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        if name.strip() == "csrftoken":
            cookie = rest.split(";", 1)[0]
    match = FORM_TOKEN.search(body)
    if not cookie:
        raise Refused("no csrftoken cookie")
    return cookie, match.group(1).decode() if match else cookie


class Deputy:
    def __init__(self, code: str, choices: str) -> None:
        self.code = code
        self.choices = choices
        self.cookie = ""
        self.token = ""
        self.get_ms: float | None = None
        self.post_ms: float | None = None
        self.total_ms: float | None = None
        self.accepted = False
        self.decoy = False  # a warm-up code of no vote

    def cast_body(self, vote_id: int) -> bytes:
        return urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "vote": str(vote_id),
                "code": self.code,
                "choices": self.choices,
            }
        ).encode()


async def open_ballot(server: Server, deputy: Deputy) -> None:
    if server.shell:
        # The hall's ballot shell (voting/fastpath.py): static, no cookie, nothing to carry.
        elapsed, status, headers, body = await server.request("GET", "/vote/")
        if status != 200 or b'id="shell-strings"' not in body:
            raise Refused(f"GET /vote/ HTTP {status}")
        if headers.get("set-cookie"):
            raise Refused("GET /vote/ set a cookie")
        if server.open_step and not deputy.decoy:
            opened, status, _headers, payload = await server.request(
                "POST",
                "/vote/open",
                body=json.dumps({"code": deputy.code}).encode(),
                headers={"Content-Type": "application/json", "Origin": server.origin},
            )
            if status != 200:
                raise Refused(f"POST /vote/open HTTP {status}")
            elapsed += opened
        deputy.get_ms = elapsed
        return
    elapsed, status, headers, body = await server.request("GET", "/ballot/")
    if status != 200:
        raise Refused(f"GET /ballot/ HTTP {status}")
    deputy.cookie, deputy.token = csrf_from(headers, body)
    deputy.get_ms = elapsed


async def post_cast(server: Server, deputy: Deputy, vote_id: int) -> tuple[float, int, bytes]:
    if server.shell:
        body = json.dumps({"vote": vote_id, "code": deputy.code, "marks": deputy.choices})
        return await _post_json(server, "/vote/cast", body.encode())
    body = deputy.cast_body(vote_id)
    elapsed, status, _headers, payload = await server.request(
        "POST",
        "/ballot/cast/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={deputy.cookie}",
            "Origin": server.origin,
            "Referer": f"{server.origin}/ballot/",
        },
    )
    return elapsed, status, payload


async def _post_json(server: Server, path: str, body: bytes) -> tuple[float, int, bytes]:
    elapsed, status, _headers, payload = await server.request(
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/json", "Origin": server.origin},
    )
    return elapsed, status, payload


def classify(status: int, body: bytes) -> str:
    """accepted / already_cast / refused (another 409) / HTTP <n>."""
    if body.startswith(b"{"):  # the shell's JSON answers
        if status == 201 and b'"tracker"' in body:
            return "accepted"
        if status == 409 and b'"already_cast"' in body:
            return "already_cast"
        if status == 409:
            return "refused"
        return f"HTTP {status}"
    if status == 200 and b"alert-success" in body:
        return "accepted"
    if status == 409 and b"alert-warning" in body:  # the "already cast" refusal
        return "already_cast"
    if status == 409:
        return "refused"
    return f"HTTP {status}"


async def guarded(coro, errors: Counter[str]) -> bool:
    try:
        await asyncio.wait_for(coro, REQUEST_TIMEOUT)
        return True
    except TimeoutError:
        errors["request timeout"] += 1
    except Refused as exc:
        errors[str(exc)] += 1
    except (OSError, ValueError) as exc:
        errors[type(exc).__name__] += 1
    return False


async def warm_up(server: Server, vote_id: int, decoys: list[str], pairs: int) -> dict:
    """GET /ballot/ + POST an unknown (well-formed) code: loads every worker's templates and
    database connection without using a real code. Expected answer to the POST: 409."""
    errors: Counter[str] = Counter()
    sem = asyncio.Semaphore(10)

    async def one(i: int) -> None:
        deputy = Deputy(decoys[i % len(decoys)], "A" * 13)
        deputy.decoy = True

        async def flow() -> None:
            await open_ballot(server, deputy)
            _ms, status, body = await post_cast(server, deputy, vote_id)
            if classify(status, body) != "refused":
                raise Refused(f"warm-up POST: {classify(status, body)}")

        async with sem:
            await guarded(flow(), errors)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(pairs)))
    return {"pairs": pairs, "errors": dict(errors), "seconds": time.perf_counter() - started}


async def burst(
    server: Server,
    vote_id: int,
    deputies: list[Deputy],
    *,
    concurrency: int,
    timeout: float,
    spread: float,
    rng: random.Random,
) -> dict:
    """Every deputy released at the same instant (``spread`` 0), or each at a random instant
    within ``spread`` seconds (uniform arrivals). A deputy's latency starts when it starts."""
    errors: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    sem = asyncio.Semaphore(concurrency)
    go = asyncio.Event()
    delays = [rng.uniform(0, spread) if spread else 0.0 for _ in deputies]

    async def one(deputy: Deputy, delay: float) -> None:
        await go.wait()
        if delay:
            await asyncio.sleep(delay)
        async with sem:
            started = time.perf_counter()

            async def flow() -> None:
                await open_ballot(server, deputy)
                deputy.post_ms, status, body = await post_cast(server, deputy, vote_id)
                outcome = classify(status, body)
                outcomes[outcome] += 1
                if outcome != "accepted":
                    raise Refused(f"cast: {outcome}")
                deputy.accepted = True

            if await guarded(flow(), errors):
                deputy.total_ms = (time.perf_counter() - started) * 1000

    tasks = [asyncio.create_task(one(d, delay)) for d, delay in zip(deputies, delays, strict=True)]
    await asyncio.sleep(0)  # every task is waiting on the event: release them together
    started = time.perf_counter()
    go.set()
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    wall = time.perf_counter() - started
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:  # a bug in the client itself
            raise task.exception()
    if pending:
        errors["not finished before --timeout"] += len(pending)
    accepted = [d for d in deputies if d.accepted]
    return {
        "deputies": len(deputies),
        "concurrency": concurrency,
        "spread": spread,
        "wall_seconds": wall,
        "timed_out": bool(pending),
        "accepted": len(accepted),
        "outcomes": dict(outcomes),
        "errors": dict(errors),
        "get_ms": [d.get_ms for d in accepted],
        "post_ms": [d.post_ms for d in accepted],
        "total_ms": [d.total_ms for d in accepted],
        "accepted_choices": [d.choices for d in accepted],
    }


async def retry(server: Server, vote_id: int, deputies: list[Deputy]) -> dict:
    """The same POST again from deputies whose ballot was accepted: all must be refused."""
    errors: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []

    async def one(deputy: Deputy) -> None:
        async def flow() -> None:
            elapsed, status, body = await post_cast(server, deputy, vote_id)
            outcome = classify(status, body)
            outcomes[f"{outcome} (HTTP {status})"] += 1
            if outcome != "already_cast":
                raise Refused(f"retry: {outcome}")
            latencies.append(elapsed)

        await guarded(flow(), errors)

    started = time.perf_counter()
    await asyncio.gather(*(one(d) for d in deputies))
    return {
        "count": len(deputies),
        "already_cast": len(latencies),
        "outcomes": dict(outcomes),
        "errors": dict(errors),
        "post_ms": latencies,
        "wall_seconds": time.perf_counter() - started,
    }


def random_choices(rng: random.Random, candidates: int, limit: int) -> str:
    """A valid ballot: one of Y/N/A per candidate, at most ``limit`` Y."""
    while True:
        choices = "".join(rng.choice("YNA") for _ in range(candidates))
        if choices.count("Y") <= limit:
            return choices


async def handshake(args: argparse.Namespace, phase: str) -> None:
    """With --handshake: tell the benchmark where we are and wait for its go (it samples the
    server's CPU time between the phases)."""
    if args.handshake:
        print(f"#{phase}", flush=True)
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "go":
            raise SystemExit("no go from the benchmark")


async def run(args: argparse.Namespace, job: dict) -> dict:
    server = Server(args.base_url)
    server.shell = args.path in ("shell", "shell+open")
    server.open_step = args.path == "shell+open"
    rng = random.Random(args.seed)
    deputies = [
        Deputy(code, random_choices(rng, job["candidates"], job["slots"])) for code in job["codes"]
    ]
    result: dict = {}
    if args.warmup:
        result["warmup"] = await warm_up(server, job["vote"], job["decoys"], args.warmup)
        await asyncio.sleep(1.0)  # let the server settle before the burst
    await handshake(args, "ready burst")
    cpu = time.process_time()
    result["burst"] = await burst(
        server,
        job["vote"],
        deputies,
        concurrency=args.concurrency,
        timeout=args.timeout,
        spread=args.spread,
        rng=rng,
    )
    result["burst"]["client_cpu_seconds"] = time.process_time() - cpu
    await handshake(args, "done burst")
    accepted = [d for d in deputies if d.accepted]
    await asyncio.sleep(0.5)
    result["retries"] = await retry(server, job["vote"], accepted[: args.retries])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--job", required=True, help="JSON: vote, candidates, slots, codes, decoys")
    parser.add_argument("--concurrency", type=int, default=400)
    parser.add_argument("--retries", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=100, help="warm-up GET+POST pairs")
    parser.add_argument("--timeout", type=float, default=120.0, help="the burst, seconds")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--path",
        choices=["form", "shell", "shell+open"],
        default="form",
        help="form: GET /ballot/ + POST /ballot/cast/; shell: GET /vote/ + POST /vote/cast; "
        "shell+open: also POST /vote/open between them [form]",
    )
    parser.add_argument(
        "--handshake",
        action="store_true",
        help="print #ready burst / #done burst and wait for a 'go' line on stdin after each",
    )
    parser.add_argument(
        "--spread", type=float, default=0.0, help="arrivals uniform over this many seconds [0]"
    )
    args = parser.parse_args(argv)

    parts = urlsplit(args.base_url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        parser.error("the target must be http:// on a loopback address")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if not 0 <= args.warmup <= 10_000 or not 0 <= args.retries <= MAX_DEPUTIES:
        parser.error("--warmup or --retries out of range")
    if not 0 < args.timeout <= 3600:
        parser.error("--timeout must be between 0 and 3600 seconds")
    if not 0 <= args.spread < args.timeout:
        parser.error("--spread must be between 0 and --timeout")
    with open(args.job, encoding="utf-8") as handle:
        job = json.load(handle)
    if not 1 <= len(job["codes"]) <= MAX_DEPUTIES:
        parser.error(f"between 1 and {MAX_DEPUTIES} codes")

    json.dump(asyncio.run(run(args, job)), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
