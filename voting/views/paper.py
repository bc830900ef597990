"""Paper ballots: the tellers' double entry and the scrutineers' check."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import PaperDecisionForm, PaperKeysForm
from ..kinds import kind_of
from ..machine import VOTE_MACHINE
from ..models import BallotStatus, PaperBatch, PaperEntry, VoteStatus
from ..permissions import user_can_enter_paper, user_can_manage_vote, user_can_scrutinize
from ..services.delegations import paper_batch_finish as paper_batch_finish_service
from ._base import vote_view


def _paper_stage(vote) -> str:
    """Where paper entry stands, for the page to say so: "before" (the vote is being prepared
    or is open: entry starts once it is closed), "entering", or "done" (added to the count,
    or the vote is counted)."""
    if vote.status in (VoteStatus.DRAFT, VoteStatus.OPEN):
        return "before"
    if vote.status == VoteStatus.CLOSED and not vote.paper_counted:
        return "entering"
    return "done"


def _can_edit(vote) -> bool:
    return VOTE_MACHINE.allows(vote.status, "enter_paper") and not vote.paper_counted


def _entry_page(request, vote, slot, batch):
    if slot not in ("A", "B"):
        raise Http404
    entries = list(
        PaperEntry.objects.filter(vote=vote, batch=batch, slot=slot).order_by("sequence")
    )
    next_sequence = len(entries) + 1
    form = PaperKeysForm(request.POST or None, initial={"sequence": next_sequence})
    if request.method == "POST" and form.is_valid():
        try:
            services.paper_entry_save(
                actor=request.user,
                vote=vote,
                slot=slot,
                sequence=form.cleaned_data["sequence"],
                keys=form.cleaned_data["keys"],
                batch=batch,
            )
        except ValidationError as exc:
            form.add_error("keys", exc)
        else:
            if batch is not None:
                return redirect(
                    "voting:paper_batch_entry", pk=vote.pk, number=batch.number, slot=slot
                )
            return redirect("voting:paper_entry", pk=vote.pk, slot=slot)
    candidates = list(vote.candidates.all())
    return render(
        request,
        "voting/paper_entry.html",
        {
            **_batch_progress(batch, slot, entered=len(entries)),
            "vote": vote,
            "slot": slot,
            "batch": batch,
            "batch_delegations": list(batch.delegations.all()) if batch else [],
            "entries": entries,
            "form": form,
            "candidates": candidates,
            "paper_help": kind_of(vote).paper_help(len(candidates)),
            "next_sequence": next_sequence,
            "township": vote.session.term.township,
            "can_edit": _can_edit(vote) and not (batch and batch.finished_at),
            "paper_stage": _paper_stage(vote),
            "crumb_to_votes": not user_can_manage_vote(request.user, vote),
        },
        status=400 if form.errors else 200,
    )


def _batch_progress(batch, slot, *, entered: int) -> dict:
    """A teller pair's batch against its delegations' boxes, so the pair knows when it is
    done: per delegation the paper ballots issued and returned, the batch's total returned,
    how many this teller and the other have entered, and where that stands ("unrecorded":
    staff have not recorded what the boxes gave back; "entering"; "done": as many entered
    as returned; "over": more entered than returned)."""
    if batch is None:
        return {}
    returns = selectors.batch_returns(batch)
    other = returns.entered["B" if slot == "A" else "A"]
    if not returns.recorded:
        stage = "unrecorded"
    elif entered == returns.returned:
        stage = "done"
    elif entered > returns.returned:
        stage = "over"
    else:
        stage = "entering"
    return {
        "returns": returns,
        "entered_mine": entered,
        "entered_other": other,
        "batch_stage": stage,
        "to_enter": max(0, returns.returned - entered),
    }


@vote_view(user_can_enter_paper)
def paper_entry(request, vote, slot):
    """The single pair's entry; when the vote's paper is split among teller pairs, a teller
    is sent to their own batch."""
    if PaperBatch.objects.filter(vote=vote).exists():
        batch = selectors.batch_for_user(vote, request.user)
        if batch is None:
            raise PermissionDenied
        return redirect("voting:paper_batch_entry", pk=vote.pk, number=batch.number, slot=slot)
    return _entry_page(request, vote, slot, None)


def _batch_or_404(vote, number):
    batch = PaperBatch.objects.filter(vote=vote, number=number).first()
    if batch is None:
        raise Http404
    return batch


@vote_view(user_can_enter_paper)
def paper_batch_entry(request, vote, number, slot):
    """A county plenary's batch: only its teller pair enters (403 for any other teller)."""
    batch = _batch_or_404(vote, number)
    if not batch.has_teller(request.user):
        raise PermissionDenied
    return _entry_page(request, vote, slot, batch)


@require_POST
@vote_view(lambda user, vote: user_can_enter_paper(user, vote) or user_can_manage_vote(user, vote))
def paper_batch_finish(request, vote, number):
    batch = _batch_or_404(vote, number)
    try:
        paper_batch_finish_service(actor=request.user, vote=vote, batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Batch %(number)s is finished.") % {"number": batch.number})
    return redirect("voting:paper_batch_check", pk=vote.pk, number=batch.number)


def _labelled(entry):
    """(choices, status) → (choices, translated status label) for display."""
    if entry is None:
        return None
    return entry[0], BallotStatus(entry[1]).label


def _check_page(request, vote, batch):
    form = PaperDecisionForm(request.POST or None)
    here = (
        redirect("voting:paper_batch_check", pk=vote.pk, number=batch.number)
        if batch is not None
        else redirect("voting:paper_check", pk=vote.pk)
    )
    if request.method == "POST":
        if request.POST.get("finalize") and batch is None:
            try:
                count = services.paper_finalize(actor=request.user, vote=vote)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(count)s paper ballots added to the count.") % {"count": count}
                )
            return here
        if form.is_valid():
            try:
                services.paper_decide(
                    actor=request.user, vote=vote, batch=batch, **form.cleaned_data
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Decision recorded."))
            return here
        messages.error(request, _("Give the marks and the reason."))
    batches = selectors.paper_batches(vote) if batch is None else []
    state = selectors.paper_state(vote, batch)
    rows = []
    for i in range(max(len(state["a"]), len(state["b"]))):
        seq = i + 1
        a = state["a"][i] if i < len(state["a"]) else None
        b = state["b"][i] if i < len(state["b"]) else None
        rows.append(
            {
                "sequence": seq,
                "a": _labelled(a),
                "b": _labelled(b),
                "differs": a != b,
                "doubtful": seq in state["doubtful"],
                "decision": state["decisions"].get(seq),
            }
        )
    can_edit = _can_edit(vote) and not (batch and batch.finished_at)
    return render(
        request,
        "voting/paper_check.html",
        {
            "vote": vote,
            "state": state,
            "rows": rows,
            "batch": batch,
            "batch_delegations": list(batch.delegations.all()) if batch else [],
            "batches": batches,
            "all_finished": bool(batches) and all(b.finished_at for b in batches),
            "can_finish_batch": batch is not None
            and can_edit
            and (batch.has_teller(request.user) or user_can_manage_vote(request.user, vote)),
            "candidates": list(vote.candidates.all()),
            "township": vote.session.term.township,
            "can_edit": can_edit,
            "can_decide": can_edit and user_can_scrutinize(request.user, vote),
            "paper_stage": _paper_stage(vote),
            "crumb_to_votes": not user_can_manage_vote(request.user, vote),
        },
    )


@vote_view(user_can_scrutinize)
def paper_check(request, vote):
    """The scrutineers' check; for a vote split among teller pairs, each batch's progress and
    the merge of every finished batch into the count."""
    return _check_page(request, vote, None)


@vote_view(
    lambda user, vote: (
        user_can_scrutinize(user, vote)
        or user_can_enter_paper(user, vote)
        or user_can_manage_vote(user, vote)
    )
)
def paper_batch_check(request, vote, number):
    """One batch's two sequences compared: the scrutineers decide, the pair finishes it."""
    batch = _batch_or_404(vote, number)
    if request.method == "POST" and not user_can_scrutinize(request.user, vote):
        raise PermissionDenied
    return _check_page(request, vote, batch)
