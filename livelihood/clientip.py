"""The client's address, for rate limits and login throttling only (it is never stored with
anything a resident or deputy submits, and never logged: voting/README.md).

Behind the shipped nginx (deploy/nginx.conf) every request arrives from 127.0.0.1, so
REMOTE_ADDR alone would put every resident of a township in one rate-limit bucket. nginx
sets ``X-Real-IP`` to the address it saw, overwriting whatever the client sent; the header is
believed only when the request comes from an address in ``TRUSTED_PROXIES``, so a client
talking to the application directly cannot pick its own address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """The address, or None when the request has none (axes stores NULL then)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if remote in getattr(settings, "TRUSTED_PROXIES", ()):
        forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
        if _valid(forwarded):
            return forwarded
    return remote if _valid(remote) else None


def client_key(request) -> str:
    """The client's address hashed with the secret key: a cache key for rate limits that is
    no address at all if the cache is ever read."""
    import hashlib

    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()
    return digest[:32]
