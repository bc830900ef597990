"""Casting — no actor, no audit row, no log line: the code is the credential. A vote with a
key ceremony stores each ballot sealed to its public key. Closing burns the codes, rewrites
the box in content order and the sealed box in tracker order, and fixes the sealed box's
digest."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from congress.audit import AuditAction

from .. import domain, sealing
from ..kinds import kind_of
from ..models import (
    Ballot,
    BallotCode,
    SealedBallot,
    Vote,
    VoteStatus,
)
from ..permissions import user_can_manage_vote
from ._base import _audit, _lock, _require, _status_of, _transition, _validate_choices


class BallotRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # typo, unknown, not_open, already_cast, malformed


@dataclass(frozen=True)
class CastReceipt:
    tracker: str


def code_check(*, vote_id: int, typed: str) -> Vote:
    """Find the open vote a typed code belongs to, or refuse. Does not use the code."""
    code = domain.normalize_code(typed or "")
    if code is None:
        raise BallotRefused("typo")
    vote = Vote.objects.filter(pk=vote_id).first()
    if vote is None:
        raise BallotRefused("unknown")
    row = (
        BallotCode.objects.filter(vote=vote, code_hash=domain.code_hash(code, salt=vote.code_salt))
        .values_list("used", flat=True)
        .first()
    )
    if row is None:
        raise BallotRefused("unknown" if vote.status == VoteStatus.OPEN else "not_open")
    if vote.status != VoteStatus.OPEN or vote.paper_mode:
        raise BallotRefused("not_open")
    if row:
        raise BallotRefused("already_cast")
    return vote


def code_find_vote(*, typed: str) -> Vote:
    """Which open vote a typed code belongs to (codes are salted per vote), in one query over
    the open votes' hashes. Refuses a typo, an unknown code or one already used."""
    code = domain.normalize_code(typed or "")
    if code is None:
        raise BallotRefused("typo")
    salts = dict(
        Vote.objects.filter(status=VoteStatus.OPEN, paper_mode=False).values_list("code_salt", "id")
    )
    if not salts:
        raise BallotRefused("unknown")
    found = (
        BallotCode.objects.filter(
            code_hash__in=[domain.code_hash(code, salt=salt) for salt in salts]
        )
        .values_list("vote_id", "used")
        .first()
    )
    if found is None:
        raise BallotRefused("unknown")
    if found[1]:
        raise BallotRefused("already_cast")
    return Vote.objects.get(pk=found[0])


@dataclass(frozen=True)
class _CastParams:
    """What casting needs of an open vote, read once per process: fixed from the moment the
    vote opens (rules, candidates, salt and key are set in draft). The cast statement checks
    the salt and the key again, so a stale entry can only make it read the vote again."""

    vote: Vote  # unsaved copy holding the rule fields (for _validate_choices / _status_of)
    candidates: int
    public_key: bytes | None  # the vote's public key, or None (no key ceremony)


_PARAMS: dict[int, _CastParams] = {}
_PARAMS_MAX = 256

_PARAMS_SQL = (
    "SELECT v.id, v.kind, v.status, v.paper_mode, v.mode, v.slots, v.blank_ballot_policy, "
    "v.code_salt, v.trackers_enabled, v.evaluation_rules, v.public_key, "
    "(SELECT count(*) FROM voting_votecandidate c WHERE c.vote_id = v.id) "
    "FROM voting_vote v WHERE v.id = %s"
)


def _cast_params(vote_id: int) -> _CastParams:
    """The vote's casting parameters, from this process's memory once the vote is open."""
    params = _PARAMS.get(vote_id)
    if params is not None:
        return params
    with connection.cursor() as cursor:
        cursor.execute(_PARAMS_SQL, [vote_id])
        row = cursor.fetchone()
    if row is None:
        raise BallotRefused("unknown")
    (pk, kind, status, paper_mode, mode, slots, blank, salt, trackers, rules, public_key, n) = row
    if status != VoteStatus.OPEN or paper_mode:
        raise BallotRefused("not_open")
    if isinstance(rules, str):  # a raw cursor may hand jsonb back as text
        rules = json.loads(rules)
    vote = Vote(
        id=pk,
        kind=kind,
        status=status,
        mode=mode,
        slots=slots,
        blank_ballot_policy=blank,
        code_salt=salt,
        trackers_enabled=trackers,
        evaluation_rules=rules or {},
        public_key=public_key,
    )
    params = _CastParams(
        vote=vote,
        candidates=n,
        public_key=bytes.fromhex(public_key) if public_key else None,
    )
    if len(_PARAMS) >= _PARAMS_MAX:
        _PARAMS.clear()
    _PARAMS[vote_id] = params
    return params


# The cast in one round trip: lock the open vote (key share, as the foreign key check would:
# casts never wait for each other, closing's FOR UPDATE waits for casts in flight and a cast
# after closing finds the vote closed), burn the code with a conditional UPDATE and insert the
# ballot only if the code was burnt, in one statement = one transaction. A concurrent or
# retried submission with the same code waits for the first's row lock, then finds the code
# used: nothing is inserted. The last columns tell a refusal apart (the statement's snapshot
# still sees the code row as it was before this statement).
_CAST_SQL = """
WITH v AS (
    SELECT id FROM voting_vote
    WHERE id = %(vote)s AND status = 'open' AND NOT paper_mode
      AND code_salt = %(salt)s AND public_key = %(key)s
    FOR KEY SHARE
), c AS (
    UPDATE voting_ballotcode SET used = true
    WHERE vote_id = (SELECT id FROM v) AND code_hash = %(hash)s AND NOT used
    RETURNING vote_id
), b AS (
    {insert}
    RETURNING 1
)
SELECT (SELECT count(*) FROM b),
       (SELECT count(*) FROM v),
       (SELECT used FROM voting_ballotcode WHERE vote_id = %(vote)s AND code_hash = %(hash)s)
"""
_INSERT_SEALED = (
    "INSERT INTO voting_sealedballot (id, vote_id, blob, tracker, failed) "
    "SELECT %(id)s, vote_id, %(blob)s, %(tracker)s, false FROM c"
)
_INSERT_PLAIN = (
    "INSERT INTO voting_ballot (id, vote_id, choices, status, channel, tracker) "
    "SELECT %(id)s, vote_id, %(choices)s, %(status)s, 'electronic', %(tracker)s FROM c"
)
_CAST_SEALED = _CAST_SQL.format(insert=_INSERT_SEALED)
_CAST_PLAIN = _CAST_SQL.format(insert=_INSERT_PLAIN)


def ballot_cast(*, vote_id: int, typed_code: str, choices: str) -> CastReceipt:
    """Cast one ballot with a code: the marks are checked in memory (B1/B2, the approval
    limit) and, for a vote that had its key ceremony, sealed to its public key; then one
    statement checks the vote is open, burns the code and stores the ballot (see _CAST_SQL).
    Exactly once: a concurrent or retried submission is told "already cast". The ballot row
    carries no link to the code or to anyone; for a sealed vote the database, its WAL and
    every log hold only the sealed blob, and the tracker is a digest of the blob.

    Refusals (BallotRefused.reason): typo, unknown, not_open, already_cast, malformed,
    too_many. A refused ballot leaves the code usable."""
    code = domain.normalize_code(typed_code or "")
    if code is None:
        raise BallotRefused("typo")
    for attempt in (1, 2):
        params = _cast_params(vote_id)
        vote = params.vote
        try:
            _validate_choices(vote, choices, params.candidates)
        except domain.VoteRuleError:
            raise BallotRefused("malformed") from None
        if kind_of(vote).over_limit(choices):
            # The page enforces the limit; a forged or stale form is refused, not spoiled.
            raise BallotRefused("too_many")
        args = {
            "vote": vote.pk,
            "salt": vote.code_salt,
            "key": vote.public_key,
            "hash": domain.code_hash(code, salt=vote.code_salt),
            "id": uuid.uuid4(),
        }
        if params.public_key is not None:
            blob = sealing.seal(params.public_key, vote_id=vote.pk, choices=choices)
            args["blob"] = blob
            args["tracker"] = tracker = sealing.tracker_of(blob)
            sql = _CAST_SEALED
        else:
            args["choices"] = choices
            args["status"] = _status_of(vote, choices)
            args["tracker"] = tracker = (
                domain.new_tracker(vote_id=vote.pk, choices=choices)
                if vote.trackers_enabled
                else ""
            )
            sql = _CAST_PLAIN
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            stored, vote_ok, code_used = cursor.fetchone()
        if stored == 1:
            return CastReceipt(tracker=tracker)
        if vote_ok:
            raise BallotRefused("unknown" if code_used is None else "already_cast")
        # The vote is no longer open, or its salt or key differ from what this process read:
        # read it again (once), which refuses a vote that is not open.
        _PARAMS.pop(vote_id, None)
        if attempt == 2:
            raise BallotRefused("not_open")
    raise AssertionError("unreachable")


# The open votes' code salts, as this process last read them: a code is looked up with them
# in one query, and a code they do not find is looked up again with salts read afresh (a vote
# opened since), so the cache never refuses a valid code.
_OPEN_SALTS: list[str] = []


def _open_salts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_salt FROM voting_vote WHERE status = 'open' AND NOT paper_mode")
        _OPEN_SALTS[:] = [salt for (salt,) in cursor.fetchall()]
    return list(_OPEN_SALTS)


def code_lookup(*, typed: str) -> int:
    """The id of the open vote a typed code belongs to (codes are salted per vote): one query
    with the open votes' salts this process knows (two when they changed). Refuses a typo, an
    unknown code or one already used. Does not use the code."""
    code = domain.normalize_code(typed or "")
    if code is None:
        raise BallotRefused("typo")
    salts = list(_OPEN_SALTS)
    for attempt in (1, 2):
        if attempt == 2 or not salts:
            fresh = _open_salts()
            if attempt == 2 and set(fresh) == set(salts):
                break
            salts = fresh
        if not salts:
            break
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.vote_id, c.used FROM voting_ballotcode c "
                "JOIN voting_vote v ON v.id = c.vote_id "
                "WHERE c.code_hash = ANY(%s) AND v.status = 'open' AND NOT v.paper_mode LIMIT 1",
                [[domain.code_hash(code, salt=salt) for salt in salts]],
            )
            found = cursor.fetchone()
        if found is not None:
            if found[1]:
                raise BallotRefused("already_cast")
            return found[0]
    raise BallotRefused("unknown")


def _rewrite_box(vote: Vote) -> None:
    """Delete and re-insert the vote's ballots sorted by content, in one transaction, so that
    physical order and transaction ids no longer reflect casting order."""
    rows = list(
        Ballot.objects.filter(vote=vote)
        .order_by("choices", "status", "channel", "tracker")
        .values_list("choices", "status", "channel", "tracker")
    )
    Ballot.objects.filter(vote=vote).delete()
    Ballot.objects.bulk_create(
        [Ballot(vote=vote, choices=c, status=s, channel=ch, tracker=t) for c, s, ch, t in rows],
        batch_size=5000,
    )


def _rewrite_sealed_box(vote: Vote) -> str:
    """Re-insert the sealed ballots in tracker order and return the sealed box's digest. The
    blobs are opaque; this only keeps the live rows out of casting order (the dead versions
    are removed when the storage is rewritten after the count)."""
    rows = list(
        SealedBallot.objects.filter(vote=vote).order_by("tracker").values_list("blob", "tracker")
    )
    SealedBallot.objects.filter(vote=vote).delete()
    SealedBallot.objects.bulk_create(
        [SealedBallot(vote=vote, blob=bytes(b), tracker=t) for b, t in rows], batch_size=5000
    )
    return sealing.sealed_box_digest(b for b, _t in rows)


@transaction.atomic
def vote_close(*, actor, vote: Vote) -> Vote:
    """Close the box: burn the codes (delete them, keeping only how many were used) and
    rewrite the ballot box in content order."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.OPEN,))
    vote.codes_used = BallotCode.objects.filter(vote=vote, used=True).count()
    BallotCode.objects.filter(vote=vote).delete()
    _rewrite_box(vote)
    if vote.is_sealed:
        vote.sealed_digest = _rewrite_sealed_box(vote)
    vote.status = VoteStatus.CLOSED
    vote.closed_at = timezone.now()
    vote.save(update_fields=["codes_used", "status", "closed_at", "sealed_digest"])
    _audit(vote, actor, AuditAction.VOTE_CLOSE, electronic_ballots=vote.codes_used)
    return vote
