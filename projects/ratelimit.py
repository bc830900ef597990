"""Per-address rate limits for the public pages, in the cache (Redis) only.

The client address is hashed with the secret key before it becomes a cache key and is never
written to the database. If the cache is down the limit fails open: residents can still
submit (the honeypot and size limits still apply).
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from livelihood.clientip import client_key

logger = logging.getLogger(__name__)


def hit(request, *, scope: str, limit: int, window: int) -> bool:
    """Count one request; True when the address is still within ``limit`` per ``window``
    seconds (or the cache is unavailable)."""
    key = f"rl:{scope}:{client_key(request)}"
    try:
        if cache.add(key, 1, timeout=window):
            return True
        count = cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down or flaky: fail open
        logger.warning("rate limit unavailable (cache down); allowing the request")
        return True
    return count <= limit
