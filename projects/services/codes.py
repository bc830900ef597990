"""Codes: receipt codes for suggestions and the tokens of QR intake links."""

from __future__ import annotations

import secrets

from .. import domain
from ..models import IntakeLink, Suggestion


def new_receipt_code() -> str:
    """A fresh receipt code (50 random bits + check character), unused so far."""
    for _attempt in range(10):
        code = domain.receipt_code_from_int(secrets.randbits(domain.RECEIPT_BITS))
        if not Suggestion.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("could not find a free receipt code")  # 2**50 codes: never happens


def _new_intake_token() -> str:
    for _attempt in range(10):
        token = domain.intake_token_from_int(secrets.randbits(35))
        if not IntakeLink.objects.filter(token=token).exists():
            return token
    raise RuntimeError("could not find a free intake token")
