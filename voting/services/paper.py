"""Paper ballots: double entry, comparison, scrutineers' decisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.services import audit_record

from .. import domain
from ..models import (
    Ballot,
    BallotChannel,
    BallotStatus,
    PaperDecision,
    PaperEntry,
    Vote,
    VoteStatus,
)
from ..permissions import user_can_enter_paper, user_can_manage_vote, user_can_scrutinize
from ..selectors import paper_sequences, paper_state
from ._base import _audit, _lock, _require, _status_of, _transition
from .casting import _rewrite_box

PAPER_KEYS = {
    "1": domain.YES,
    "2": domain.NO,
    "3": domain.ABSTAIN,
    "0": domain.NO_MARK,
    "9": domain.UNREADABLE,
}


def parse_paper_keys(keys: str, *, candidates: int) -> tuple[str, str, bool]:
    """A teller's keystrokes for one ballot → (choices, status override, doubtful).

    One digit per candidate: 1 赞成, 2 反对, 3 弃权, 0 no mark, 9 unreadable; or a single X for a
    ballot that is invalid as a whole (e.g. defaced), B for a ballot with no mark at all.
    A trailing ? marks the ballot doubtful (B3) for the scrutineers.
    """
    text = "".join(keys.split()).upper()
    doubtful = text.endswith("?")
    text = text.rstrip("?")
    if text == "X":
        return domain.NO_MARK * candidates, BallotStatus.INVALID, doubtful
    if text == "B":
        return domain.NO_MARK * candidates, "", doubtful
    if len(text) != candidates or any(ch not in PAPER_KEYS for ch in text):
        raise ValidationError(
            _(
                "Type one digit per candidate (%(count)s): 1 for, 2 against, 3 abstain, 0 no mark, "
                "9 unreadable; or X for an invalid ballot, B for a blank one."
            )
            % {"count": candidates}
        )
    return "".join(PAPER_KEYS[ch] for ch in text), "", doubtful


EVALUATION_PAPER_KEYS = {
    "1": domain.SATISFIED,
    "2": domain.BASIC,
    "3": domain.UNSATISFIED,
    "4": domain.ABSTAIN,
    "0": domain.NO_MARK,
    "9": domain.UNREADABLE,
}


def parse_evaluation_keys(
    keys: str, *, projects: int, sub_items: int, allows_abstain: bool
) -> tuple[str, str, bool]:
    """Evaluation ballots: one digit per project (then per project and sub-item): 1 满意,
    2 基本满意, 3 不满意, 4 弃权 (when allowed), 0 no mark, 9 unreadable; X invalid, B blank;
    a trailing ? marks it doubtful."""
    length = domain.evaluation_length(projects=projects, sub_items=sub_items)
    text = "".join(keys.split()).upper()
    doubtful = text.endswith("?")
    text = text.rstrip("?")
    if text == "X":
        return domain.NO_MARK * length, BallotStatus.INVALID, doubtful
    if text == "B":
        return domain.NO_MARK * length, "", doubtful
    allowed = set(EVALUATION_PAPER_KEYS) - (set() if allows_abstain else {"4"})
    if len(text) != length or any(ch not in allowed for ch in text):
        raise ValidationError(
            _(
                "Type one digit per mark (%(count)s): 1 satisfied, 2 basically satisfied, "
                "3 unsatisfied, 0 no mark, 9 unreadable; or X for an invalid ballot, B for a "
                "blank one."
            )
            % {"count": length}
        )
    return "".join(EVALUATION_PAPER_KEYS[ch] for ch in text), "", doubtful


def paper_keys_for(vote: Vote, keys: str) -> tuple[str, str, bool]:
    candidates = vote.candidates.count()
    if vote.kind == "evaluation":
        return parse_evaluation_keys(
            keys,
            projects=candidates,
            sub_items=len(vote.evaluation_rules.get("sub_items", [])),
            allows_abstain=vote.evaluation_rules.get("allows_abstain", False),
        )
    return parse_paper_keys(keys, candidates=candidates)


@transaction.atomic
def paper_entry_save(*, actor, vote: Vote, slot: str, sequence: int, keys: str) -> PaperEntry:
    vote = _lock(vote)
    _require(user_can_enter_paper(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if slot not in ("A", "B"):
        raise ValidationError(_("Choose the first or the second teller's sequence."))
    other = "B" if slot == "A" else "A"
    if PaperEntry.objects.filter(vote=vote, slot=other, entered_by=actor).exists():
        raise ValidationError(
            _(
                "You are entering the other sequence: the two entries must be made by different "
                "tellers."
            )
        )
    choices, override, doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    existing = PaperEntry.objects.filter(vote=vote, slot=slot, sequence=sequence).first()
    if existing is None:
        expected = PaperEntry.objects.filter(vote=vote, slot=slot).count() + 1
        if sequence != expected:
            raise ValidationError(
                _("Enter the ballots in order: the next is number %(n)s.") % {"n": expected}
            )
        entry = PaperEntry(vote=vote, slot=slot, sequence=sequence, entered_by=actor)
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
            before={"sequence": sequence, "slot": slot, **before},
            after={"choices": choices, "status": status},
        )
    return entry


@transaction.atomic
def paper_decide(*, actor, vote: Vote, sequence: int, keys: str, reason: str) -> PaperDecision:
    """The scrutineers decide a ballot the tellers entered differently, or a doubtful one."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."))
    sequences = paper_sequences(vote)
    if sequence < 1 or sequence > max(len(sequences["A"]), len(sequences["B"])):
        raise ValidationError(_("There is no paper ballot with this number."))
    choices, override, _doubtful = paper_keys_for(vote, keys)
    status = override or _status_of(vote, choices)
    decision, _created = PaperDecision.objects.update_or_create(
        vote=vote,
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
        before={"sequence": sequence, "A": entry("A"), "B": entry("B")},
        after={"choices": choices, "status": status, "reason": decision.reason},
    )
    return decision


@transaction.atomic
def paper_finalize(*, actor, vote: Vote) -> int:
    """Put the agreed paper ballots into the box (after every mismatch and doubtful ballot is
    decided), then rewrite the box in content order. Returns how many were added."""
    vote = _lock(vote)
    _require(user_can_scrutinize(actor, vote) or user_can_manage_vote(actor, vote))
    _transition(vote, (VoteStatus.CLOSED,))
    if vote.paper_counted:
        raise ValidationError(_("The paper ballots have already been counted."))
    state = paper_state(vote)
    if state["open"]:
        raise ValidationError(
            _("Decide ballots %(numbers)s first.")
            % {"numbers": ", ".join(str(n) for n in state["open"])}
        )
    count = max(len(state["a"]), len(state["b"]))
    ballots = []
    for sequence in range(1, count + 1):
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
