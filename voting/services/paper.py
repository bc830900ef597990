"""Paper ballots: double entry, comparison, scrutineers' decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record

from .. import domain
from ..kinds import ProjectVote, SatisfactionEvaluation, kind_of
from ..machine import VOTE_MACHINE
from ..models import (
    Ballot,
    BallotChannel,
    PaperBatch,
    PaperDecision,
    PaperEntry,
    Vote,
    VoteKind,
)
from ..permissions import user_can_enter_paper, user_can_manage_vote, user_can_scrutinize
from ..selectors import paper_sequences, paper_state
from ._base import _audit, _lock, _require, _status_of
from .casting import _rewrite_box

# What a teller types for each mark (voting/domain.py); the vote's kind picks its own.
PAPER_KEYS = domain.PAPER_DIGITS
EVALUATION_PAPER_KEYS = domain.EVALUATION_DIGITS


def parse_paper_keys(keys: str, *, candidates: int) -> tuple[str, str, bool]:
    """A project vote's paper ballot: one digit per candidate (1 赞成, 2 反对, 3 弃权, 0 no
    mark, 9 unreadable), or X (invalid as a whole) or B (no mark); a trailing ? flags it
    doubtful. Returns (marks, status override, doubtful)."""
    return ProjectVote(Vote(kind=VoteKind.PROJECTS)).parse_paper_keys(keys, candidates=candidates)


def parse_evaluation_keys(
    keys: str, *, projects: int, sub_items: int, allows_abstain: bool
) -> tuple[str, str, bool]:
    """An evaluation's paper ballot: one digit per project (then per project and sub-item):
    1 满意, 2 基本满意, 3 不满意, 4 弃权 (when allowed), 0 no mark, 9 unreadable; X, B and ?
    as for a project vote."""
    rules = domain.EvaluationRules(
        allows_abstain=allows_abstain, sub_items=tuple(f"{k + 1}" for k in range(sub_items))
    )
    vote = Vote(kind=VoteKind.EVALUATION, evaluation_rules=rules.to_json())
    return SatisfactionEvaluation(vote).parse_paper_keys(keys, candidates=projects)


def paper_keys_for(vote: Vote, keys: str) -> tuple[str, str, bool]:
    """The teller's keys for one ballot of this vote, read as its kind reads them."""
    return kind_of(vote).parse_paper_keys(keys, candidates=vote.candidates.count())


def _batch_of(vote: Vote, batch, actor, *, entering: bool):
    """A county plenary split among teller pairs: each entry and decision belongs to a batch;
    a teller enters only their own pair's batch, and a finished batch is closed. A vote
    without batches keeps its single pair (batch None)."""
    has_batches = PaperBatch.objects.filter(vote=vote).exists()
    if batch is None:
        if has_batches:
            raise ValidationError(_("Choose the batch: paper entry is split among teller pairs."))
        return None
    batch = PaperBatch.objects.filter(pk=batch.pk, vote=vote).first()
    if batch is None:
        raise PermissionDenied
    if entering and not batch.has_teller(actor):
        raise PermissionDenied
    if batch.finished_at:
        raise ValidationError(_("This batch is finished: its entries are closed."))
    return batch


@transaction.atomic
def paper_entry_save(
    *, actor, vote: Vote, slot: str, sequence: int, keys: str, batch=None
) -> PaperEntry:
    vote = _lock(vote)
    _require(user_can_enter_paper(actor, vote))
    VOTE_MACHINE.require(vote, "enter_paper")
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if slot not in ("A", "B"):
        raise ValidationError(_("Choose the first or the second teller's sequence."))
    batch = _batch_of(vote, batch, actor, entering=True)
    other = "B" if slot == "A" else "A"
    if PaperEntry.objects.filter(vote=vote, batch=batch, slot=other, entered_by=actor).exists():
        raise ValidationError(
            _(
                "You are entering the other sequence: the two entries must be made by different "
                "tellers."
            )
        )
    choices, override, doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    existing = PaperEntry.objects.filter(
        vote=vote, batch=batch, slot=slot, sequence=sequence
    ).first()
    if existing is None:
        expected = PaperEntry.objects.filter(vote=vote, batch=batch, slot=slot).count() + 1
        if sequence != expected:
            raise ValidationError(
                _("Enter the ballots in order: the next is number %(n)s.") % {"n": expected}
            )
        entry = PaperEntry(vote=vote, batch=batch, slot=slot, sequence=sequence, entered_by=actor)
        before = None
    else:
        if existing.entered_by_id != actor.pk:
            raise PermissionDenied
        entry = existing
        before = {"choices": entry.choices, "status": entry.status}
    entry.choices, entry.status, entry.doubtful = choices, status, doubtful
    entry.full_clean()
    entry.save()
    if before is not None:  # corrections are logged; first entries are the record itself
        audit_record(
            actor=actor,
            action=AuditAction.PAPER_CORRECT,
            obj=vote,
            township=vote.session.term.township,
            before={
                "sequence": sequence,
                "slot": slot,
                **({"batch": batch.number} if batch else {}),
                **before,
            },
            after={"choices": choices, "status": status},
        )
    return entry


@transaction.atomic
def paper_decide(
    *, actor, vote: Vote, sequence: int, keys: str, reason: str, batch=None
) -> PaperDecision:
    """The scrutineers decide a ballot the tellers entered differently, or a doubtful one
    (in one batch, for a vote split among teller pairs)."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote))
    VOTE_MACHINE.require(vote, "enter_paper")
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    batch = _batch_of(vote, batch, actor, entering=False)
    sequences = paper_sequences(vote, batch)
    if sequence < 1 or sequence > max(len(sequences["A"]), len(sequences["B"])):
        raise ValidationError(_("There is no paper ballot with this number."))
    choices, override, _doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    decision, _created = PaperDecision.objects.update_or_create(
        vote=vote,
        batch=batch,
        sequence=sequence,
        defaults={
            "choices": choices,
            "status": status,
            "reason": reason.strip()[:200],
            "decided_by": actor,
        },
    )

    def entry(slot):
        seq = sequences[slot]
        return list(seq[sequence - 1]) if sequence <= len(seq) else None

    audit_record(
        actor=actor,
        action=AuditAction.PAPER_DECIDE,
        obj=vote,
        township=vote.session.term.township,
        before={
            "sequence": sequence,
            **({"batch": batch.number} if batch else {}),
            "A": entry("A"),
            "B": entry("B"),
        },
        after={"choices": choices, "status": status, "reason": decision.reason},
    )
    return decision


@transaction.atomic
def paper_finalize(*, actor, vote: Vote) -> int:
    """Put the agreed paper ballots into the box (after every mismatch and doubtful ballot is
    decided), then rewrite the box in content order. Returns how many were added."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote) or user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "enter_paper")
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    batches = list(PaperBatch.objects.filter(vote=vote).order_by("number"))
    unfinished = [str(b.number) for b in batches if b.finished_at is None]
    if unfinished:
        raise ValidationError(
            _("Batches %(numbers)s are not finished: every teller pair finishes first.")
            % {"numbers": ", ".join(unfinished)}
        )
    ballots = []
    count = 0
    # A county plenary's batches are merged into the one box; a vote without batches has
    # its single pair (batch None).
    for batch in batches or [None]:
        state = paper_state(vote, batch)
        if state["open"]:
            raise ValidationError(
                _("Decide ballots %(numbers)s first.")
                % {"numbers": ", ".join(str(n) for n in state["open"])}
            )
        entered = max(len(state["a"]), len(state["b"]))
        count += entered
        for sequence in range(1, entered + 1):
            decision = state["decisions"].get(sequence)
            if decision is not None:
                choices, status = decision.choices, decision.status
            else:
                choices, status = state["a"][sequence - 1]
            ballots.append(
                Ballot(vote=vote, choices=choices, status=status, channel=BallotChannel.PAPER)
            )
    Ballot.objects.bulk_create(ballots)
    _rewrite_box(vote)
    vote.paper_counted = True
    vote.save(update_fields=["paper_counted"])
    _audit(vote, actor, AuditAction.PAPER_FINALIZE, paper_ballots=count)
    return count
