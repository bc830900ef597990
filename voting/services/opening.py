"""Opening the sealed box (开箱) at the count, the paper re-vote when the key cannot be
rebuilt, and rewriting the ballot storage so nothing in casting order stays on disk."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.audit import AuditAction

from .. import domain, sealing
from ..kinds import kind_of
from ..machine import VOTE_MACHINE
from ..models import (
    Ballot,
    BallotChannel,
    SealedBallot,
    Vote,
    VoteStatus,
)
from ..permissions import user_can_manage_vote, user_can_scrutinize
from ._base import _audit, _lock, _require

logger = logging.getLogger(__name__)

# The tables whose files hold ballots, codes and sealed blobs: rewritten whole after a count.
BALLOT_TABLES = ("voting_ballot", "voting_ballotcode", "voting_sealedballot")


@dataclass(frozen=True)
class OpenedBox:
    opened: int
    failed: list[str]  # trackers of the sealed ballots that did not open (counted invalid)


def share_refusal(exc: sealing.ShareError) -> str:
    """Why the presented slips were refused, for the count page."""
    slip = exc.params.get("slip")
    if exc.code == "too_few":
        need, have = exc.params["need"], exc.params["have"]
        return ngettext(
            "%(have)s key share slip presented: %(need)s more is needed to open the box.",
            "%(have)s key share slips presented: %(need)s more are needed to open the box.",
            need,
        ) % {"have": have, "need": need}
    messages = {
        "typo": _("Slip %(slip)s: the typed form has a typo (its check symbol does not match)."),
        "other_vote": _("Slip %(slip)s belongs to another vote."),
        "corrupt": _("Slip %(slip)s is corrupted or was voided by a later printing."),
        "duplicate": _("Slip %(slip)s was presented twice."),
        "wrong_key": _("The slips do not rebuild this vote's key."),
    }
    return messages[exc.code] % {"slip": slip}


def vote_open_box(*, actor, vote: Vote, typed_shares: list[str]) -> OpenedBox:
    """开箱: with k share slips, rebuild the vote's private key in memory, open every sealed
    ballot, validate it and write the opened box in content order in one transaction; the key
    is dropped on return. A blob that does not open is an invalid ballot, listed by tracker.
    Refused with fewer than k slips, a slip of another vote, or a corrupted slip."""
    with transaction.atomic():
        vote = _lock(vote)
        _require(user_can_manage_vote(actor, vote) or user_can_scrutinize(actor, vote))
        VOTE_MACHINE.require(vote, "open_box")
        if not vote.is_sealed:
            raise ValidationError(_("This vote's ballots are not sealed."))
        if vote.box_opened_at:
            raise ValidationError(_("The sealed box is already open."))
        try:
            key = sealing.rebuild_key(
                typed_shares,
                vote_id=vote.pk,
                public_key=bytes.fromhex(vote.public_key),
                fingerprints=vote.share_fingerprints,
                threshold=vote.key_threshold,
            )
        except sealing.ShareError as exc:
            raise ValidationError(share_refusal(exc)) from exc
        open_one = sealing.opener(key)
        del key
        candidates = vote.candidates.count()
        kind = kind_of(vote)
        rows: list[tuple[str, str]] = []
        failed: list[str] = []
        for blob, tracker in SealedBallot.objects.filter(vote=vote).values_list("blob", "tracker"):
            choices = open_one(blob, vote_id=vote.pk)
            ok = choices is not None
            if ok:
                try:
                    kind.validate(choices, candidates=candidates)
                except domain.VoteRuleError:
                    ok = False
            if ok and kind.over_limit(choices):  # casting refuses these: a forged blob
                ok = False
            if ok:
                rows.append((choices, kind.status(choices)))
            else:
                failed.append(tracker)
                rows.append((kind.invalid_marks(candidates), domain.INVALID))
        del open_one
        if failed:
            SealedBallot.objects.filter(vote=vote, tracker__in=failed).update(failed=True)
        rows.sort()
        Ballot.objects.bulk_create(
            [
                Ballot(vote=vote, choices=c, status=s, channel=BallotChannel.ELECTRONIC)
                for c, s in rows
            ],
            batch_size=5000,
        )
        vote.box_opened_at = timezone.now()
        vote.save(update_fields=["box_opened_at"])
        _audit(
            vote,
            actor,
            AuditAction.VOTE_OPEN_BOX,
            opened=len(rows) - len(failed),
            failed=len(failed),
        )
    return OpenedBox(opened=len(rows) - len(failed), failed=failed)


def failed_trackers(vote: Vote) -> list[str]:
    return list(
        SealedBallot.objects.filter(vote=vote, failed=True)
        .order_by("tracker")
        .values_list("tracker", flat=True)
    )


def _older_transactions(cursor, since) -> int:
    """Transactions (in any database of the cluster) that began before ``since`` and still
    hold a transaction id or a snapshot: while one runs, VACUUM must keep the row versions it
    might see, dead or not."""
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND xact_start < %s AND (backend_xid IS NOT NULL OR backend_xmin IS NOT NULL)",
        [since],
    )
    return cursor.fetchone()[0]


LOCK_WAIT_MS = 200  # how long one VACUUM FULL queues for its table's lock
LOCK_BUDGET_SECONDS = 20  # how long a table is tried, a second apart, before it stays pending


def _vacuum_full(cursor, table: str) -> bool:
    """Rewrite one table; False when its lock was not granted within the lock timeout."""
    try:
        cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "55P03":  # lock_not_available
            return False
        raise
    return True


def storage_rewrite(vote: Vote | None = None, *, wait: float = 5.0) -> bool:
    """Rewrite the files of the ballot, code and sealed-ballot tables (VACUUM FULL), so that no
    dead version of a ballot or code row — with its transaction id, in casting order — stays
    on disk. VACUUM cannot run in a transaction: this is called after the count commits, on the
    connection's autocommit state. A transaction older than the deletions (a long report, a
    backup) would make VACUUM keep them, so the rewrite waits up to ``wait`` seconds for such
    transactions to end. Returns False (and logs) when it could not be done;
    ``manage.py voting_rewrite_storage`` runs it again and the console says it is pending."""
    if connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            since = cursor.fetchone()[0]
            deadline = time.monotonic() + wait
            while _older_transactions(cursor, since):
                if time.monotonic() > deadline:
                    logger.warning("ballot storage rewrite postponed: older transactions run")
                    return False
                time.sleep(0.2)
            # A short lock wait, retried: a VACUUM queued behind a reader (a backup, a slow
            # report that began after the wait above) would hold every cast of another open
            # vote queued behind it; giving up after LOCK_WAIT and trying again a second later
            # caps that stall (bench/README.md, "rewrite").
            cursor.execute(f"SET lock_timeout = '{LOCK_WAIT_MS}ms'")
            give_up = time.monotonic() + LOCK_BUDGET_SECONDS
            try:
                for table in BALLOT_TABLES:
                    while not _vacuum_full(cursor, table):
                        if time.monotonic() + 1 > give_up:
                            raise TimeoutError(f"{table}: locked for {LOCK_BUDGET_SECONDS} s")
                        time.sleep(1)
            finally:
                cursor.execute("SET lock_timeout = 0")
    except Exception:  # a lock timeout or a lost connection: the console says it is pending
        logger.warning("ballot storage rewrite postponed", exc_info=True)
        return False
    stamp = timezone.now()
    filters = {"pk": vote.pk} if vote else {}
    Vote.objects.filter(**filters, storage_rewritten_at__isnull=True).exclude(
        status__in=(VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED)
    ).update(storage_rewritten_at=stamp)
    return True


def rewrite_storage_after_commit(vote: Vote) -> None:
    transaction.on_commit(lambda: storage_rewrite(vote))


@transaction.atomic
def vote_paper_revote(*, actor, vote: Vote, reason: str) -> Vote:
    """The documented fallback when fewer than k key holders can present their slips (slips
    lost): the presidium orders a paper re-vote. The sealed box stays sealed (it can never be
    opened); this vote is void, and a new vote of the same candidates and rules is set up,
    switched to paper ballots, with the same officers. Returns the new vote."""
    from .setup import vote_switch_to_paper

    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "revote_on_paper")
    if not vote.is_sealed or vote.box_opened_at:
        raise ValidationError(_("Only a sealed box that cannot be opened calls for a re-vote."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Record the presidium's decision (who decided and why)."))
    vote.void_reason = str(_("Key shares lost: the presidium ordered a paper re-vote."))[:200]
    VOTE_MACHINE.apply(vote, "revote_on_paper", save=False, actor=actor, reason=reason[:200])
    vote.save(update_fields=["status", "void_reason"])
    new = kind_of(vote).set_up_again(actor=actor)
    for officer in vote.officers.all():
        officer.pk = None
        officer.vote = new
        officer.save()
    new = vote_switch_to_paper(actor=actor, vote=new)
    transaction.on_commit(lambda: storage_rewrite(vote))
    return new
