"""A county plenary's delegations (代表团): code slips and paper ballots issued and returned
per delegation, and paper entry split among teller pairs, one batch of delegations each.

Nothing here ties a ballot to a delegation: the counts are how many, never which, and an
electronic ballot is counted only overall."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Delegation

from .. import domain
from ..machine import VOTE_MACHINE
from ..models import OfficerRole, PaperBatch, PaperEntry, Vote, VoteDelegationCount
from ..permissions import user_can_manage_vote
from ..selectors import paper_state
from ._base import _audit, _lock, _require


def _term_delegations(vote: Vote) -> dict[int, Delegation]:
    term = vote.session.term
    if term.township_id is not None:
        raise ValidationError(_("Only a county congress's vote has delegations."))
    return {d.pk: d for d in Delegation.objects.filter(term=term)}


@transaction.atomic
def vote_record_delegation_counts(
    *, actor, vote: Vote, counts: dict[int, tuple[int, int, int]]
) -> Vote:
    """Record, per delegation, the code slips and paper ballots handed out (发出) and the paper
    ballots returned from its box (收回): ``counts`` maps a delegation id to (slips issued,
    paper issued, paper returned). The vote's totals issued become the sums. Refused when a
    delegation's paper returned exceeds its paper issued, or the slips exceed those printed."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "record_issued")
    delegations = _term_delegations(vote)
    if not set(counts) <= set(delegations):
        raise PermissionDenied
    try:
        rec = domain.reconcile_delegations(
            domain.DelegationIssue(
                key=delegations[pk].name,
                slips_issued=slips,
                paper_issued=paper,
                paper_returned=returned,
            )
            for pk, (slips, paper, returned) in counts.items()
        )
    except ValueError as exc:
        raise ValidationError(_("Counts cannot be negative.")) from exc
    over = [line.key for line in rec.lines if line.over_returned]
    if over:
        raise ValidationError(
            _("More paper ballots returned than issued: %(delegations)s.")
            % {"delegations": "、".join(over)}
        )
    others = VoteDelegationCount.objects.filter(vote=vote).exclude(delegation_id__in=counts)
    slips_total = rec.slips_issued + sum(o.slips_issued for o in others)
    paper_total = rec.paper_issued + sum(o.paper_issued for o in others)
    if slips_total > vote.codes_generated and not vote.paper_mode:
        raise ValidationError(
            _("Only %(count)s code slips were printed.") % {"count": vote.codes_generated}
        )
    for pk, (slips, paper, returned) in counts.items():
        row = VoteDelegationCount(
            vote=vote,
            delegation=delegations[pk],
            slips_issued=slips,
            paper_issued=paper,
            paper_returned=returned,
        )
        VoteDelegationCount.objects.update_or_create(
            vote=vote,
            delegation=row.delegation,
            defaults={
                "slips_issued": slips,
                "paper_issued": paper,
                "paper_returned": returned,
            },
        )
    vote.slips_issued, vote.paper_issued = slips_total, paper_total
    vote.save(update_fields=["slips_issued", "paper_issued"])
    _audit(
        vote,
        actor,
        AuditAction.VOTE_ISSUED,
        slips_issued=slips_total,
        paper_issued=paper_total,
        delegations={
            delegations[pk].name: [slips, paper, returned]
            for pk, (slips, paper, returned) in counts.items()
        },
    )
    return vote


def _teller_users(vote: Vote) -> set[int]:
    return {o.user_id for o in vote.officers.filter(role=OfficerRole.TELLER, user__isnull=False)}


@transaction.atomic
def paper_batch_assign(
    *, actor, vote: Vote, number: int, first_teller, second_teller, delegation_ids
) -> PaperBatch:
    """Staff assign a teller pair a batch of delegations: the pair enters only those
    delegations' paper ballots (double entry within the pair). Assigning a batch again
    replaces its pair and delegations while nothing is entered in it."""
    vote = _lock(vote)
    _require(user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "name_officers")
    delegations = _term_delegations(vote)
    chosen = set(delegation_ids)
    if not chosen:
        raise ValidationError(_("Choose the delegations of the batch."))
    if not chosen <= set(delegations):
        raise PermissionDenied
    if not 1 <= number <= 20:
        raise ValidationError(_("A batch is numbered from 1 to 20."))
    tellers = _teller_users(vote)
    if first_teller is None or second_teller is None or first_teller.pk == second_teller.pk:
        raise ValidationError(_("A batch needs two different tellers."))
    if not {first_teller.pk, second_teller.pk} <= tellers:
        raise ValidationError(_("Name both as the vote's tellers, with their accounts, first."))
    batch = PaperBatch.objects.filter(vote=vote, number=number).first()
    if batch is not None and PaperEntry.objects.filter(batch=batch).exists():
        raise ValidationError(_("Ballots are already entered in this batch: it cannot change."))
    taken = set(
        PaperBatch.delegations.through.objects.filter(paperbatch__vote=vote)
        .exclude(paperbatch__number=number)
        .values_list("delegation_id", flat=True)
    )
    if chosen & taken:
        raise ValidationError(
            _("Already in another batch: %(delegations)s.")
            % {"delegations": "、".join(delegations[pk].name for pk in sorted(chosen & taken))}
        )
    paired = PaperBatch.objects.filter(vote=vote).exclude(number=number)
    if (
        paired.filter(first_teller__in=[first_teller, second_teller]).exists()
        or paired.filter(second_teller__in=[first_teller, second_teller]).exists()
    ):
        raise ValidationError(_("A teller belongs to one pair only."))
    if batch is None:
        batch = PaperBatch(vote=vote, number=number)
    batch.first_teller, batch.second_teller = first_teller, second_teller
    batch.full_clean()
    batch.save()
    batch.delegations.set([delegations[pk] for pk in chosen])
    _audit(
        vote,
        actor,
        AuditAction.PAPER_BATCH_ASSIGN,
        batch=number,
        tellers=[first_teller.get_username(), second_teller.get_username()],
        delegations=sorted(delegations[pk].name for pk in chosen),
    )
    return batch


def batch_returned(batch: PaperBatch) -> int | None:
    """Paper ballots its delegations returned, as recorded per delegation (None: not
    recorded)."""
    rows = list(
        VoteDelegationCount.objects.filter(
            vote_id=batch.vote_id, delegation__in=batch.delegations.all()
        ).values_list("paper_returned", flat=True)
    )
    return sum(rows) if rows else None


@transaction.atomic
def paper_batch_finish(*, actor, vote: Vote, batch: PaperBatch) -> PaperBatch:
    """A teller of the pair (or staff) closes the batch: both sequences entered to the same
    length, every mismatch and doubtful ballot decided, and as many ballots as its
    delegations returned. The count merges every finished batch."""
    vote = _lock(vote)
    batch = PaperBatch.objects.select_for_update().get(pk=batch.pk, vote=vote)
    _require(batch.has_teller(actor) or user_can_manage_vote(actor, vote))
    VOTE_MACHINE.require(vote, "enter_paper")
    if batch.finished_at:
        raise ValidationError(_("This batch is already finished."))
    state = paper_state(vote, batch)
    if len(state["a"]) != len(state["b"]):
        raise ValidationError(
            _("The two tellers entered %(a)s and %(b)s ballots: finish both sequences first.")
            % {"a": len(state["a"]), "b": len(state["b"])}
        )
    if state["open"]:
        raise ValidationError(
            _("The scrutineers must decide ballots %(numbers)s first.")
            % {"numbers": ", ".join(str(n) for n in state["open"])}
        )
    returned = batch_returned(batch)
    if returned is not None and returned != len(state["a"]):
        raise ValidationError(
            _(
                "%(entered)s ballots entered, but the batch's delegations returned "
                "%(returned)s: check the boxes or the counts recorded."
            )
            % {"entered": len(state["a"]), "returned": returned}
        )
    batch.finished_at = timezone.now()
    batch.save(update_fields=["finished_at"])
    _audit(vote, actor, AuditAction.PAPER_BATCH_FINISH, batch=batch.number, ballots=len(state["a"]))
    return batch
