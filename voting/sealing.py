"""Sealed ballots: the vote's key pair, its k-of-n split among the scrutineers, share slips,
sealing and opening. Pure functions on plain values (no ORM, no settings, no clock).

No cipher is written here: sealing is libsodium's sealed box (X25519 + XSalsa20-Poly1305,
through PyNaCl) and the private key is split with pycryptodome's Shamir secret sharing over
GF(2^128), the 32-byte X25519 key as two 16-byte halves split with the same (k, n), so that
one share slip carries both halves' shares for its index.

A share slip's typed form is 59 symbols of the ballot codes' alphabet (31 symbols, no Z),
holding [vote id (3 bytes) | index (1 byte) | share of the first half (16) | of the second
half (16)], and a check symbol that catches any single mistyped symbol and any swap of
neighbours; it is printed in groups of five. The server stores the public key and a
fingerprint of each share (to refuse a corrupted share or one of another vote), never the
private key nor a share.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from .domain import ALPHABET, CODE_ALPHABET

SHARE_SYMBOLS = 59
SHARE_LENGTH = SHARE_SYMBOLS + 1
_SHARE_BYTES = 36
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})
# What a sealed ballot holds: "<vote id>:<marks>", so a blob of another vote never opens as
# this vote's ballot even if the same key were ever reused.
_SEP = ":"


class ShareError(Exception):
    """Why a presented share slip is refused: typo, other_vote, corrupt, duplicate, too_few,
    wrong_key."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Share:
    vote_id: int
    index: int  # 1..n
    data: bytes  # 32 bytes: the shares of both halves of the private key for this index


@dataclass(frozen=True)
class KeyCeremony:
    public_key: bytes
    shares: list[Share]
    threshold: int
    holders: int


def default_threshold(holders: int) -> int:
    """A majority of the key holders."""
    return holders // 2 + 1


def key_ceremony(*, vote_id: int, threshold: int, holders: int) -> KeyCeremony:
    """Make the vote's key pair and split its private key k-of-n. The private key exists only
    inside this call; the caller prints the shares and keeps only the public key and the
    fingerprints."""
    if not 1 <= threshold <= holders <= 255:
        raise ValueError("need 1 <= k <= n <= 255")
    private = PrivateKey.generate()
    secret = bytes(private)
    halves = [
        Shamir.split(threshold, holders, secret[:16]),
        Shamir.split(threshold, holders, secret[16:]),
    ]
    shares = [
        Share(vote_id=vote_id, index=idx, data=first + halves[1][i][1])
        for i, (idx, first) in enumerate(halves[0])
    ]
    public = bytes(private.public_key)
    del secret, private
    return KeyCeremony(
        public_key=public,
        shares=shares,
        threshold=threshold,
        holders=holders,
    )


def _rebuild(shares: Sequence[Share]) -> PrivateKey:
    first = Shamir.combine([(s.index, s.data[:16]) for s in shares])
    second = Shamir.combine([(s.index, s.data[16:]) for s in shares])
    return PrivateKey(first + second)


def share_fingerprint(share: Share) -> str:
    return hashlib.sha256(
        b"livelihood-share:" + share.vote_id.to_bytes(8, "big") + bytes([share.index]) + share.data
    ).hexdigest()


def key_fingerprint(public_key: bytes) -> str:
    """A short form of the public key printed on the slips and the certificate."""
    return format_symbols(_symbols_of(hashlib.sha256(public_key).digest()[:8], 12))


# --- the typed form ------------------------------------------------------------------------


def _weighted_check(symbols: str) -> str:
    # Weights 1..30 cycling (never 0 mod 31): any single mistyped symbol and any swap of two
    # neighbours changes the sum mod 31.
    total = sum(((i % 30) + 1) * CODE_ALPHABET.index(ch) for i, ch in enumerate(symbols))
    return CODE_ALPHABET[total % 31]


def _symbols_of(data: bytes, count: int, alphabet: str = ALPHABET) -> str:
    value = int.from_bytes(data, "big")
    base = len(alphabet)
    out = []
    for _ in range(count):
        value, digit = divmod(value, base)
        out.append(alphabet[digit])
    return "".join(reversed(out))


def encode_share(share: Share) -> str:
    """The typed form: 59 symbols + a check symbol (no separators)."""
    raw = share.vote_id.to_bytes(3, "big") + bytes([share.index]) + share.data
    symbols = _symbols_of(raw, SHARE_SYMBOLS, CODE_ALPHABET)
    return symbols + _weighted_check(symbols)


def format_symbols(text: str) -> str:
    return " ".join(text[i : i + 5] for i in range(0, len(text), 5))


def decode_share(typed: str) -> Share:
    """Read a typed or scanned slip; ShareError("typo") when the check symbol fails."""
    text = "".join(ch for ch in (typed or "").upper() if ch.isalnum()).translate(_TYPO)
    if len(text) != SHARE_LENGTH or any(ch not in CODE_ALPHABET for ch in text):
        raise ShareError("typo")
    symbols, check = text[:-1], text[-1]
    if _weighted_check(symbols) != check:
        raise ShareError("typo")
    value = 0
    for ch in symbols:
        value = value * 31 + CODE_ALPHABET.index(ch)
    if value >= 1 << (8 * _SHARE_BYTES):
        raise ShareError("typo")
    raw = value.to_bytes(_SHARE_BYTES, "big")
    index = raw[3]
    if index == 0:
        raise ShareError("typo")
    return Share(vote_id=int.from_bytes(raw[:3], "big"), index=index, data=raw[4:])


def rebuild_key(
    typed: Iterable[str],
    *,
    vote_id: int,
    public_key: bytes,
    fingerprints: Sequence[str],
    threshold: int,
) -> PrivateKey:
    """Check each presented slip and rebuild the private key in memory. Refuses (ShareError)
    a typo, a slip of another vote, a corrupted slip, the same slip twice, fewer than k slips,
    or slips that do not rebuild this vote's public key."""
    shares: dict[int, Share] = {}
    for position, text in enumerate(typed, start=1):
        if not (text or "").strip():
            continue
        try:
            share = decode_share(text)
        except ShareError as exc:
            raise ShareError("typo", slip=position) from exc
        if share.vote_id != vote_id % (1 << 24):
            raise ShareError("other_vote", slip=position)
        if not 1 <= share.index <= len(fingerprints) or not hmac.compare_digest(
            share_fingerprint(Share(vote_id, share.index, share.data)),
            fingerprints[share.index - 1],
        ):
            raise ShareError("corrupt", slip=position)
        if share.index in shares:
            raise ShareError("duplicate", slip=position)
        shares[share.index] = Share(vote_id, share.index, share.data)
    if len(shares) < threshold:
        raise ShareError("too_few", have=len(shares), need=threshold - len(shares))
    key = _rebuild(list(shares.values())[:threshold])
    if not hmac.compare_digest(bytes(key.public_key), public_key):
        raise ShareError("wrong_key")
    return key


# --- sealing and opening -------------------------------------------------------------------


def seal(public_key: bytes, *, vote_id: int, choices: str) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(f"{vote_id}{_SEP}{choices}".encode())


def opener(key: PrivateKey):
    box = SealedBox(key)

    def open_one(blob: bytes, *, vote_id: int) -> str | None:
        """The marks of one sealed ballot, or None when it does not open (tampered, truncated,
        sealed to another key) or was sealed for another vote."""
        try:
            text = box.decrypt(bytes(blob)).decode()
        except (CryptoError, UnicodeDecodeError, ValueError):
            return None
        prefix, sep, choices = text.partition(_SEP)
        if not sep or prefix != str(vote_id):
            return None
        return choices

    return open_one


def tracker_of(blob: bytes) -> str:
    """The deputy's tracker: a short digest of the sealed blob (10 symbols, 50 bits)."""
    return _symbols_of(hashlib.sha256(bytes(blob)).digest()[:7], 10)


def sealed_box_digest(blobs: Iterable[bytes]) -> str:
    """SHA-256 over the sorted hex of the sealed blobs: the box as it stood at close."""
    h = hashlib.sha256()
    for line in sorted(bytes(b).hex() for b in blobs):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()
