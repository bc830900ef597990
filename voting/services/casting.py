"""Casting — no actor, no audit row, no log line: the code is the credential. A vote with a
key ceremony stores each ballot sealed to its public key. Closing burns the codes, rewrites
the box in content order and the sealed box in tracker order, and fixes the sealed box's
digest."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from congress.audit import AuditAction

from .. import domain, sealing
from ..models import (
    Ballot,
    BallotChannel,
    BallotCode,
    SealedBallot,
    Vote,
    VoteCandidate,
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


def ballot_cast(*, vote_id: int, typed_code: str, choices: str) -> CastReceipt:
    """Cast one ballot with a code. Exactly once: the code row is locked and marked used in the
    same transaction that stores the ballot; a concurrent or retried submission finds it used
    and is told "already cast". The ballot row carries no link to the code or to anyone.

    A vote that had its key ceremony stores the ballot sealed: the marks are validated in
    memory and sealed to the vote's public key before anything is written, so the database,
    its WAL and every log hold only the sealed blob; the tracker is a digest of the blob."""
    code = domain.normalize_code(typed_code or "")
    if code is None:
        raise BallotRefused("typo")
    with transaction.atomic():
        # A share lock on the vote: casts do not wait for each other, closing (which locks
        # the row for update) waits for casts in flight, and a cast after closing sees the
        # vote closed. Django has no FOR SHARE, hence raw SQL.
        found = list(
            Vote.objects.raw(
                "SELECT id, kind, status, paper_mode, mode, slots, blank_ballot_policy, "
                "code_salt, trackers_enabled, evaluation_rules, public_key FROM voting_vote "
                "WHERE id = %s FOR SHARE",
                [vote_id],
            )
        )
        if not found:
            raise BallotRefused("unknown")
        vote = found[0]
        if vote.status != VoteStatus.OPEN or vote.paper_mode:
            raise BallotRefused("not_open")
        # In memory first: the marks are checked (and sealed) before any row is written.
        candidates = VoteCandidate.objects.filter(vote=vote).count()
        refusal = None
        try:
            _validate_choices(vote, choices, candidates)
        except domain.VoteRuleError:
            refusal = "malformed"
        if refusal is None and vote.kind != "evaluation":
            limit = domain.approval_limit(mode=vote.mode, slots=vote.slots, candidates=candidates)
            if choices.count(domain.YES) > limit:
                # The page enforces the limit; a forged or stale form is refused, not spoiled.
                refusal = "too_many"
        blob = None
        if refusal is None and vote.is_sealed:
            blob = sealing.seal(bytes.fromhex(vote.public_key), vote_id=vote.pk, choices=choices)
        hashed = domain.code_hash(code, salt=vote.code_salt)
        updated = BallotCode.objects.filter(vote=vote, code_hash=hashed, used=False).update(
            used=True
        )
        if updated != 1:
            exists = BallotCode.objects.filter(vote=vote, code_hash=hashed).exists()
            raise BallotRefused("already_cast" if exists else "unknown")
        if refusal is not None:
            raise BallotRefused(refusal)  # rolls the code back: nothing was cast
        if blob is not None:
            tracker = sealing.tracker_of(blob)
            SealedBallot.objects.create(vote=vote, blob=blob, tracker=tracker)
            return CastReceipt(tracker=tracker)
        status = _status_of(vote, choices)
        tracker = (
            domain.new_tracker(vote_id=vote.pk, choices=choices) if vote.trackers_enabled else ""
        )
        Ballot.objects.create(
            vote=vote,
            choices=choices,
            status=status,
            channel=BallotChannel.ELECTRONIC,
            tracker=tracker,
        )
    return CastReceipt(tracker=tracker)


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
