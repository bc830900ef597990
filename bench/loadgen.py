"""HTTP load generator for the benchmarks: standard library only, run as its own process.

    python bench/loadgen.py --url http://127.0.0.1:8123/insert/ --requests 2000 --concurrency 32

``concurrency`` asyncio tasks share a fixed budget of requests. Every request opens a new
TCP connection and sends ``Connection: close`` (gunicorn's sync workers do not keep
connections alive, so this measures the same thing for every worker class). Latency is
from connect to the last byte of the response. The result is one JSON object on stdout.

Safety limits: the target must be a loopback address, the request count and concurrency are
capped, and the whole run stops at ``--timeout`` seconds (requests not finished by then are
counted as errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_REQUESTS = 100_000
MAX_CONCURRENCY = 512
REQUEST_TIMEOUT = 30.0


async def one_request(host: str, port: int, raw: bytes) -> tuple[float, int, bytes]:
    """Send one request on a new connection; return (latency ms, status, body)."""
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
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
    head, _, body = response.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/"):
        raise ValueError("malformed response")
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return elapsed_ms, int(status_line[1]), body


def dechunk(data: bytes) -> bytes:
    """Decode a complete ``Transfer-Encoding: chunked`` body."""
    out = bytearray()
    while True:
        size_line, sep, rest = data.partition(b"\r\n")
        if not sep:
            raise ValueError("truncated chunked body")
        size = int(size_line.split(b";", 1)[0], 16)
        if size == 0:
            return bytes(out)
        if len(rest) < size + 2:
            raise ValueError("truncated chunked body")
        out += rest[:size]
        data = rest[size + 2 :]


async def run(url: str, method: str, requests: int, concurrency: int, timeout: float) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    path = parts.path or "/"
    raw = (
        f"{method} {path} HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        "User-Agent: livelihood-bench\r\n"
        "Accept: application/json\r\n"
        "Content-Length: 0\r\n"
        "Connection: close\r\n\r\n"
    ).encode("ascii")

    latencies: list[float] = []
    ids: list[int] = []
    errors: Counter[str] = Counter()
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            try:
                elapsed_ms, status, body = await asyncio.wait_for(
                    one_request(host, port, raw), REQUEST_TIMEOUT
                )
            except TimeoutError:
                errors["request timeout"] += 1
                continue
            except (OSError, ValueError) as exc:
                errors[type(exc).__name__] += 1
                continue
            if status != 200:
                errors[f"HTTP {status}"] += 1
                continue
            try:
                ids.append(int(json.loads(body)["id"]))
            except (ValueError, KeyError, TypeError):
                errors["bad body"] += 1
                continue
            latencies.append(elapsed_ms)

    started = time.perf_counter()
    tasks = [asyncio.create_task(worker()) for _ in range(min(concurrency, requests))]
    done, pending = await asyncio.wait(tasks, timeout=timeout)
    timed_out = bool(pending)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:  # a bug in the client itself
            raise task.exception()
    wall = time.perf_counter() - started

    unfinished = requests - len(latencies) - sum(errors.values())
    if unfinished:
        errors["not finished before --timeout"] += unfinished
    return {
        "url": url,
        "method": method,
        "requests": requests,
        "concurrency": concurrency,
        "ok": len(latencies),
        "errors": dict(errors),
        "timed_out": timed_out,
        "wall_seconds": wall,
        "latencies_ms": latencies,
        "ids": ids,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--method", default="POST", choices=["GET", "POST"])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=120.0, help="whole run, seconds")
    args = parser.parse_args(argv)

    parts = urlsplit(args.url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        parser.error("the target must be http:// on a loopback address")
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if not 0 < args.timeout <= 3600:
        parser.error("--timeout must be between 0 and 3600 seconds")

    result = asyncio.run(run(args.url, args.method, args.requests, args.concurrency, args.timeout))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
