"""Counting, certifying, publishing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.selectors import session_headcount

from .. import domain, hooks
from ..models import (
    Ballot,
    BallotChannel,
    CandidateResult,
    EvaluationResult,
    SealedBallot,
    Vote,
    VoteResult,
    VoteStatus,
)
from ..permissions import user_can_certify, user_can_manage_vote, user_can_scrutinize
from ..selectors import tally_from_database
from ._base import _audit, _lock, _require, _transition
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
    """Count the box, reconcile (S1, S2) and decide (P1–P4). Writes the stored result that
    every page and dashboard reads."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote) or user_can_scrutinize(actor, vote))
    _transition(vote, (VoteStatus.CLOSED, VoteStatus.COUNTED))
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
    candidates = list(vote.candidates.order_by("position"))
    if vote.kind == "evaluation":
        return _count_evaluation(actor, vote, candidates)
    t = tally_from_database(vote, len(candidates))
    headcount = session_headcount(vote.session)
    base = domain.pass_base_count(
        vote.pass_base, in_office=headcount.due, due=headcount.due, present=headcount.present
    )
    decision = domain.decide(t.yes, slots=vote.slots, base=base, mode=vote.mode)
    result, rec = _store_result(
        vote, t, headcount, base=base, tied=bool(decision.tied), shortfall=decision.shortfall
    )
    CandidateResult.objects.filter(vote_result=result).delete()
    CandidateResult.objects.bulk_create(
        CandidateResult(
            vote_result=result,
            candidate=c,
            yes=t.yes[i],
            no=t.no[i],
            abstain=t.abstain[i],
            passed=i in decision.passed,
            elected=rec.valid and i in decision.elected,
            tied=rec.valid and i in decision.tied,
            rank=decision.ranks[i],
        )
        for i, c in enumerate(candidates)
    )
    vote.status = VoteStatus.COUNTED if rec.valid else VoteStatus.VOID
    vote.void_reason = rec.reason
    vote.save(update_fields=["status", "void_reason"])
    _audit(
        vote,
        actor,
        AuditAction.VOTE_COUNT,
        returned=t.returned,
        issued=result.issued,
        valid=rec.valid,
    )
    return result


def _count_evaluation(actor, vote: Vote, candidates) -> VoteResult:
    """E2–E3: per project counts per grade and its grade; S1–S2 as for any secret ballot."""
    rules = vote.evaluation_rules
    sub_items = list(rules.get("sub_items", []))
    t = domain.tally_evaluation(
        Ballot.objects.filter(vote=vote).values_list("choices", "status"),
        projects=len(candidates),
        sub_items=len(sub_items),
    )
    headcount = session_headcount(vote.session)
    base = domain.grade_base_count(
        rules.get("grade_base", "returned"),
        returned=t.returned,
        valid=t.valid,
        present=headcount.present,
        in_office=headcount.due,
    )
    result, rec = _store_result(vote, t, headcount, base=base)
    EvaluationResult.objects.filter(vote_result=result).delete()
    EvaluationResult.objects.bulk_create(
        EvaluationResult(
            vote_result=result,
            candidate=c,
            satisfied=t.projects[i]["satisfied"],
            basic=t.projects[i]["basic"],
            unsatisfied=t.projects[i]["unsatisfied"],
            abstain=t.projects[i]["abstain"],
            grade=(
                domain.evaluation_grade(
                    satisfied=t.projects[i]["satisfied"],
                    basic=t.projects[i]["basic"],
                    base=base,
                    half_counts=rules.get("half_counts", True),
                )
                or ""
            )
            if rec.valid
            else "",
            sub_items={name: t.sub_items[i][k] for k, name in enumerate(sub_items)},
        )
        for i, c in enumerate(candidates)
    )
    vote.status = VoteStatus.COUNTED if rec.valid else VoteStatus.VOID
    vote.void_reason = rec.reason
    vote.save(update_fields=["status", "void_reason"])
    _audit(
        vote,
        actor,
        AuditAction.EVALUATION_COUNT,
        returned=t.returned,
        issued=result.issued,
        valid=rec.valid,
    )
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
    _transition(vote, (VoteStatus.COUNTED,))
    vote.box_digest = box_digest_of(vote)
    vote.status = VoteStatus.CERTIFIED
    vote.certified_at = timezone.now()
    vote.certified_by = actor
    vote.save(update_fields=["box_digest", "status", "certified_at", "certified_by"])
    _audit(vote, actor, AuditAction.VOTE_CERTIFY, digest=vote.box_digest)
    return vote


@transaction.atomic
def vote_publish(*, actor, vote: Vote) -> Vote:
    """The presidium announces the result (P6): elected projects leave the reserve for
    implementation; the others return to it. A result with a pending run-off publishes the
    elected ones now; the tied candidates wait for the run-off."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.CERTIFIED,))
    # What follows in later stages (outcomes, implementation plans, rectifications,
    # priorities) is the cycle layer's, in this same transaction (voting/hooks.py).
    hooks.vote_published.send(sender=Vote, vote=vote, actor=actor)
    vote.status = VoteStatus.PUBLISHED
    vote.published_at = timezone.now()
    vote.save(update_fields=["status", "published_at"])
    _audit(vote, actor, AuditAction.VOTE_PUBLISH)
    return vote
