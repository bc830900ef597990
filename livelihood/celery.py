import os
import uuid

from celery import Celery
from celery.beat import PersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "livelihood.settings.local")

app = Celery("livelihood")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class LockedScheduler(PersistentScheduler):
    """Celery beat that schedules only while it holds a lock in Redis (the broker's server).

    Several machines may run ``celery beat -S livelihood.celery:LockedScheduler``: one holds the
    lock (``SET NX PX``, renewed every tick) and sends due tasks; the others wait and take over
    within ``LOCK_TTL`` seconds if it dies. The tasks beat sends are idempotent as well
    (a body's quarter report is made once whoever asks), so a takeover that re-sends an entry
    the old holder had just sent creates nothing twice."""

    LOCK_KEY = "livelihood:beat-lock"
    # How long a dead holder keeps the lock: the bound on a takeover (the rehearsal shortens it).
    LOCK_TTL = float(os.environ.get("LIVELIHOOD_BEAT_LOCK_TTL", "30"))
    # Renew only if still ours; PEXPIRE in the same script so no other holder is extended.
    _RENEW = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
    )
    _RELEASE = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('del', KEYS[1]) else return 0 end"
    )

    def __init__(self, *args, **kwargs):
        import redis

        self._token = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._redis = redis.Redis.from_url(
            app.conf.broker_url, socket_connect_timeout=1, socket_timeout=2
        )
        self._holding = False
        super().__init__(*args, **kwargs)

    def _hold_lock(self) -> bool:
        ttl = int(self.LOCK_TTL * 1000)
        try:
            if self._redis.set(self.LOCK_KEY, self._token, nx=True, px=ttl):
                held = True
            else:
                held = bool(self._redis.eval(self._RENEW, 1, self.LOCK_KEY, self._token, ttl))
        except Exception:  # noqa: BLE001 - Redis down: nobody schedules, nothing runs twice
            held = False
        if held != self._holding:
            self._holding = held
            state = "holds" if held else "does not hold"
            print(f"beat {self._token} {state} the scheduler lock", flush=True)
        return held

    def tick(self, *args, **kwargs):
        if not self._hold_lock():
            return min(self.max_interval, self.LOCK_TTL / 3)
        return min(super().tick(*args, **kwargs), self.LOCK_TTL / 3)

    def close(self):
        try:
            self._redis.eval(self._RELEASE, 1, self.LOCK_KEY, self._token)
        except Exception:  # noqa: BLE001
            pass
        super().close()
