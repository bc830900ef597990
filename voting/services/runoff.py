"""What the count leaves to do: a run-off among the tied (P3, "re-vote"), the presidium's
decision on a tie (P3, "presidium decides") or a further vote for empty slots (P4)."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.audit import AuditAction

from .. import domain
from ..machine import VOTE_MACHINE
from ..models import CandidateResult, Vote, VoteCandidate
from ..permissions import user_can_manage_vote
from ._base import _audit, _lock, _official, _require


def _child_vote(vote: Vote, *, title: str, slots: int, mode: str, rows) -> Vote:
    child = Vote.objects.create(
        session=vote.session,
        candidate_list=vote.candidate_list,
        parent=vote,
        title=title,
        slots=slots,
        code_salt=secrets.token_hex(16),
        mode=mode,
        ballot_type=vote.ballot_type,
        pass_base=vote.pass_base,
        quorum_numerator=vote.quorum_numerator,
        quorum_denominator=vote.quorum_denominator,
        tie_rule=vote.tie_rule,
        shortfall_rule=vote.shortfall_rule,
        blank_ballot_policy=vote.blank_ballot_policy,
        trackers_enabled=vote.trackers_enabled,
        key_holders=vote.key_holders,
        key_threshold=vote.key_threshold,
    )
    VoteCandidate.objects.bulk_create(
        VoteCandidate(
            vote=child,
            position=i,
            project=cr.candidate.project,
            title=cr.candidate.title,
            content=cr.candidate.content,
            location=cr.candidate.location,
            investment=cr.candidate.investment,
            deadline=cr.candidate.deadline,
        )
        for i, cr in enumerate(rows, start=1)
    )
    return child


def followup_kind(vote: Vote) -> str:
    """What the count leaves to do: "runoff" (P3, re-vote among the tied), "presidium"
    (P3, the presidium decides the tie), "further" (P4, a further vote for empty slots) or
    ""."""
    result = getattr(vote, "result", None)
    if result is None or not result.is_valid:
        return ""
    if result.needs_runoff:
        return "runoff" if vote.tie_rule == "revote" else "presidium"
    if result.shortfall and vote.shortfall_rule == "further_vote":
        return "further"
    return ""


@transaction.atomic
def vote_create_runoff(*, actor, vote: Vote) -> Vote:
    """P3: a re-vote among the tied candidates only, for the remaining slots; or P4: a
    further vote (另行票决) among the candidates not elected, for the slots left empty."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "follow_up")
    kind = followup_kind(vote)
    if kind not in ("runoff", "further"):
        raise ValidationError(_("There is no tie to resolve."))
    if vote.runoffs.exists():
        raise ValidationError(_("The run-off has already been set up."))
    result = vote.result
    rows = (
        CandidateResult.objects.filter(vote_result=result)
        .select_related("candidate__project")
        .order_by("candidate__position")
    )
    elected = sum(1 for r in rows if r.elected)
    if kind == "runoff":
        chosen = [r for r in rows if r.tied]
        slots = vote.slots - elected
        mode = domain.COMPETITIVE
        title = _official(gettext_noop("%(title)s — run-off"), title=vote.title)
    else:
        chosen = [r for r in rows if not r.elected]
        slots = min(result.shortfall, len(chosen))
        mode = domain.COMPETITIVE if len(chosen) > slots else domain.EQUAL
        title = _official(gettext_noop("%(title)s — further vote"), title=vote.title)
    if not chosen or slots < 1:
        raise ValidationError(_("There are no candidates left for a further vote."))
    child = _child_vote(vote, title=title, slots=slots, mode=mode, rows=chosen)
    _audit(
        vote,
        actor,
        AuditAction.VOTE_RUNOFF if kind == "runoff" else AuditAction.VOTE_FURTHER,
        child=child.pk,
        candidates=len(chosen),
        slots=slots,
    )
    return child


@transaction.atomic
def vote_resolve_tie(*, actor, vote: Vote, elected_positions: list[int], reason: str) -> Vote:
    """P3 with the "presidium decides" rule: the presidium picks which tied candidates take
    the remaining slots; the decision and its reason are recorded."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "decide_tie")
    if followup_kind(vote) != "presidium":
        raise ValidationError(_("There is no tie for the presidium to decide."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    result = vote.result
    rows = list(CandidateResult.objects.filter(vote_result=result).select_related("candidate"))
    tied = {r.candidate.position: r for r in rows if r.tied}
    remaining = vote.slots - sum(1 for r in rows if r.elected)
    chosen = set(elected_positions)
    if not chosen <= set(tied) or len(chosen) != remaining:
        raise ValidationError(_("Choose exactly %(n)s of the tied candidates.") % {"n": remaining})
    for position, row in tied.items():
        row.elected = position in chosen
        row.tied = False
        row.save(update_fields=["elected", "tied"])
    result.needs_runoff = False
    result.save(update_fields=["needs_runoff"])
    _audit(
        vote, actor, AuditAction.VOTE_PRESIDIUM_TIE, elected=sorted(chosen), reason=reason.strip()
    )
    return vote
