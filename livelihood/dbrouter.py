"""Reads from a streaming replica where they can be a little stale; everything else on the primary.

Only used when ``DATABASES`` has a ``replica`` entry (livelihood.settings.cluster, the
multi-host layout in deploy/); without one every query goes to ``default`` as before.

Which reads go to the replica is decided by the surface, not by the model: dashboards, public
pages and reports run inside :func:`reads_from_replica` (the :func:`replica_reads` view
decorator, or the context manager in the report task). Everything else — ballots, counting,
every write and any read outside those surfaces — stays on the primary. Inside a replica scope:

- after the first write in the scope (this request, this task) every read goes to the primary,
  so a view reads what it has just written;
- a request marked by :class:`StickyPrimaryMiddleware` (the client wrote something in the last
  few seconds) reads from the primary, so the writer sees their change on the next page;
- when the replica is down or lags more than ``LIVELIHOOD_REPLICA_MAX_LAG`` seconds (default 5)
  reads go to the primary. The lag is measured as the WAL the replica has not replayed yet
  (``pg_current_wal_lsn()`` on the primary against ``pg_last_wal_replay_lsn()`` on the replica)
  and, when some is missing, the age of the last replayed transaction
  (``pg_last_xact_replay_timestamp()``). The answer is cached per process for
  ``LIVELIHOOD_REPLICA_CHECK_SECONDS`` (default 2), so a request pays for it at most once in a
  while; a replica that does not answer within its ``connect_timeout`` is marked down for that
  long.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

REPLICA = "replica"
STICKY_COOKIE = "livelihood_primary"


@dataclass
class _Scope:
    wrote: bool = False
    primary_only: bool = False  # sticky: the client wrote a moment ago
    used_replica: bool = False


_scope: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "livelihood_replica_scope", default=None
)


@dataclass(frozen=True)
class ReplicaState:
    up: bool
    lag_seconds: float | None = None
    lag_bytes: int | None = None
    reason: str = ""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def max_lag_seconds() -> float:
    return float(getattr(settings, "LIVELIHOOD_REPLICA_MAX_LAG", 5.0))


def check_seconds() -> float:
    return float(getattr(settings, "LIVELIHOOD_REPLICA_CHECK_SECONDS", 2.0))


def measure_replica() -> ReplicaState:
    """Ask the primary and the replica how far apart they are (uncached)."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
    except OperationalError as exc:  # the primary's own trouble is not the replica's
        return ReplicaState(up=False, reason=f"primary: {exc}".strip())
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(),"
                " pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint,"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8",
                [primary_lsn],
            )
            in_recovery, behind, age = cursor.fetchone()
    except OperationalError as exc:
        connections[REPLICA].close()
        return ReplicaState(up=False, reason=str(exc).strip().splitlines()[0] if str(exc) else "")
    if not in_recovery:
        return ReplicaState(up=False, reason="not a standby (promoted?)")
    behind = int(behind or 0)
    lag = 0.0 if behind <= 0 else float(age if age is not None else float("inf"))
    return ReplicaState(up=True, lag_seconds=lag, lag_bytes=max(0, behind))


_cache_lock = threading.Lock()
_cached: tuple[float, ReplicaState] | None = None


def replica_state(*, fresh: bool = False) -> ReplicaState:
    """The replica's state, measured at most every ``check_seconds()`` per process."""
    global _cached
    now = time.monotonic()
    with _cache_lock:
        if not fresh and _cached is not None and now - _cached[0] < check_seconds():
            return _cached[1]
    state = measure_replica()
    with _cache_lock:
        _cached = (time.monotonic(), state)
    return state


def mark_replica_down(reason: str) -> None:
    global _cached
    with _cache_lock:
        _cached = (time.monotonic(), ReplicaState(up=False, reason=reason))


def replica_usable(state: ReplicaState) -> bool:
    return state.up and state.lag_seconds is not None and state.lag_seconds <= max_lag_seconds()


@contextlib.contextmanager
def reads_from_replica(*, primary_only: bool = False):
    """Reads inside go to the replica when it is configured, up and close enough."""
    scope = _Scope(primary_only=primary_only)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def replica_reads(view):
    """View decorator: the view's reads may come from the replica (dashboards, public pages,
    report lists). Safe methods only; a GET that hits a replica failing mid-request is
    answered again from the primary."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not replica_configured() or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        scope = None
        try:
            with reads_from_replica(primary_only=_sticky(request)) as scope:
                return view(request, *args, **kwargs)
        except OperationalError as exc:
            if scope is None or not scope.used_replica or scope.wrote:
                raise
            mark_replica_down(f"failed mid-request: {exc}")
            connections[REPLICA].close()
            return view(request, *args, **kwargs)

    return wrapped


def _sticky(request) -> bool:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class StickyPrimaryMiddleware:
    """After a request that may have written (any unsafe method), the client's reads stay on
    the primary for a moment longer than the largest lag the router accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS"):
            until = time.time() + max_lag_seconds() + check_seconds() + 1
            response.set_cookie(
                STICKY_COOKIE,
                f"{until:.0f}",
                max_age=int(max_lag_seconds() + check_seconds() + 2),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS entry. Without a ``replica`` database it answers ``default`` always."""

    def db_for_read(self, model, **hints):
        if not self.read_from_replica():
            return DEFAULT_DB_ALIAS
        _scope.get().used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA

    @staticmethod
    def read_from_replica() -> bool:
        scope = _scope.get()
        if scope is None or scope.wrote or scope.primary_only or not replica_configured():
            return False
        return replica_usable(replica_state())
