"""Counting, certifying, publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.selectors import session_headcount

from .. import domain, hooks
from ..kinds import kind_of
from ..machine import VOTE_MACHINE
from ..models import Ballot, BallotChannel, SealedBallot, Vote, VoteResult
from ..permissions import user_can_certify, user_can_manage_vote, user_can_scrutinize
from ._base import _lock, _require
from .opening import storage_rewrite


def issued_count(vote: Vote, electronic_returned: int) -> int:
    """发出表决票: slips handed out plus paper ballots. After a switch to paper, unused slips
    are withdrawn, so only the slips that were used count."""
    slips = electronic_returned if vote.paper_mode else vote.slips_issued
    return slips + vote.paper_issued


def _store_result(vote: Vote, t, headcount, *, base: int, tied=False, shortfall=0):
    """Reconcile (S1, S2) and store the vote's result row; shared by both kinds of vote."""
    electronic = Ballot.objects.filter(vote=vote, channel=BallotChannel.ELECTRONIC).count()
    issued = issued_count(vote, electronic)
    rec = domain.reconcile(
        issued=issued,
        returned=t.returned,
        present=headcount.present,
        in_office=headcount.due,
        numerator=vote.quorum_numerator,
        denominator=vote.quorum_denominator,
    )
    result, _created = VoteResult.objects.update_or_create(
        vote=vote,
        defaults={
            "due": headcount.due,
            "present": headcount.present,
            "on_leave": headcount.on_leave,
            "in_office": headcount.due,
            "issued": issued,
            "returned": t.returned,
            "electronic": electronic,
            "paper": t.returned - electronic,
            "valid": t.valid,
            "invalid": t.invalid,
            "blank": t.blank,
            "pass_base_count": base,
            "quorum_met": rec.reason != "no_quorum",
            "is_valid": rec.valid,
            "void_reason": rec.reason,
            "needs_runoff": rec.valid and tied,
            "shortfall": shortfall if rec.valid else 0,
        },
    )
    return result, rec


@transaction.atomic
def vote_count(*, actor, vote: Vote) -> VoteResult:
    """Count the box, reconcile (S1, S2) and decide (P1–P4, or E2–E3 for an evaluation).
    Writes the stored result that every page and dashboard reads. Counting again (from
    counted) replaces it."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote) or user_can_scrutinize(actor, vote))
    VOTE_MACHINE.require(vote, "count")
    if vote.paper_issued and not vote.paper_counted:
        raise ValidationError(_("Finish entering and checking the paper ballots first."))
    if vote.is_sealed and not vote.box_opened_at:
        if SealedBallot.objects.filter(vote=vote).exists():
            raise ValidationError(
                _("Open the sealed box first (开箱): %(k)s key holders present their slips.")
                % {"k": vote.key_threshold}
            )
        vote.box_opened_at = timezone.now()  # an empty sealed box: nothing to open
        vote.save(update_fields=["box_opened_at"])
    # After the count commits, the files of the ballot and code tables are rewritten so no
    # dead row version in casting order stays on disk (services/opening.py).
    transaction.on_commit(lambda: storage_rewrite(vote))
    kind = kind_of(vote)
    candidates = list(vote.candidates.order_by("position"))
    t = kind.tally(len(candidates))
    headcount = session_headcount(vote.session)
    base = kind.base(t, headcount)
    outcome = kind.decide(t, base)
    result, rec = _store_result(
        vote, t, headcount, base=base, tied=outcome.tied, shortfall=outcome.shortfall
    )
    kind.result_model.objects.filter(vote_result=result).delete()
    kind.result_model.objects.bulk_create(
        kind.stored_results(result, candidates, t, outcome, valid=rec.valid)
    )
    vote.void_reason = rec.reason
    VOTE_MACHINE.apply(
        vote,
        "count" if rec.valid else "void",
        save=False,
        actor=actor,
        returned=t.returned,
        issued=result.issued,
        valid=rec.valid,
    )
    vote.save(update_fields=["status", "void_reason"])
    return result


def box_digest_of(vote: Vote) -> str:
    return domain.box_digest(
        Ballot.objects.filter(vote=vote).values_list("tracker", "choices", "status", "channel")
    )


@transaction.atomic
def vote_certify(*, actor, vote: Vote) -> Vote:
    """The chief scrutineer certifies the count; the digest of the whole box is fixed."""
    vote = _lock(vote)
    _require(user_can_certify(actor, vote))
    VOTE_MACHINE.require(vote, "certify")
    vote.box_digest = box_digest_of(vote)
    vote.certified_at = timezone.now()
    vote.certified_by = actor
    VOTE_MACHINE.apply(vote, "certify", save=False, actor=actor, digest=vote.box_digest)
    vote.save(update_fields=["box_digest", "status", "certified_at", "certified_by"])
    return vote


@transaction.atomic
def vote_publish(*, actor, vote: Vote) -> Vote:
    """The presidium announces the result (P6): elected projects leave the reserve for
    implementation; the others return to it. A result with a pending run-off publishes the
    elected ones now; the tied candidates wait for the run-off."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "publish")
    # What follows in later stages (outcomes, implementation plans, rectifications,
    # priorities) is the cycle layer's, in this same transaction (voting/hooks.py).
    hooks.vote_published.send(sender=Vote, vote=vote, actor=actor)
    vote.published_at = timezone.now()
    VOTE_MACHINE.apply(vote, "publish", save=False, actor=actor)
    vote.save(update_fields=["status", "published_at"])
    return vote
