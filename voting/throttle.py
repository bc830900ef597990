"""Slowing a flood of guessed ballot codes without ever refusing a hall that types correctly.

Brute force is infeasible (a code carries about 69 bits and a check symbol), but a client
that sends hundreds of codes a minute wastes the hall server's time. What counts is a code
with a valid check symbol that belongs to no open vote (``unknown``): a typo fails the check
symbol without a database lookup, and a deputy who types their own slip correctly never
produces an unknown code. So a hall of 400 phones behind one address, casting correctly, is
never counted; a client past ``LIMIT`` unknown codes in ``WINDOW`` seconds is answered 429
with Retry-After until the window ends (at most a minute), then may try again.

Counted per client address (``livelihood.clientip``, hashed with the secret key), in the
cache only: no code, no address and no count is written to the database or logged. If the
cache is down the throttle fails open — voting never depends on Redis.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from livelihood.clientip import client_key

logger = logging.getLogger(__name__)

LIMIT = 20
WINDOW = 60  # seconds
COUNTED = frozenset({"unknown"})


def _key(request) -> str:
    return f"rl:ballotcode:{client_key(request)}"


def blocked(request) -> bool:
    """True while this client has sent more than LIMIT unknown codes in the window."""
    try:
        count = cache.get(_key(request)) or 0
    except Exception:  # noqa: BLE001 - Redis down: fail open
        return False
    return count > LIMIT


def note_refusal(request, reason: str) -> None:
    """Count a refused code if it is the kind a guesser produces."""
    if reason not in COUNTED:
        return
    key = _key(request)
    try:
        if not cache.add(key, 1, timeout=WINDOW):
            cache.incr(key)
    except Exception:  # noqa: BLE001 - Redis down: fail open
        logger.warning("ballot-code throttle unavailable (cache down)")
