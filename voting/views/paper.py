"""Paper ballots: the tellers' double entry and the scrutineers' check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import PaperDecisionForm, PaperKeysForm
from ..kinds import kind_of
from ..machine import VOTE_MACHINE
from ..models import BallotStatus, PaperEntry, VoteStatus
from ..permissions import user_can_enter_paper, user_can_manage_vote, user_can_scrutinize
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


@vote_view(user_can_enter_paper)
def paper_entry(request, vote, slot):
    if slot not in ("A", "B"):
        raise Http404
    entries = list(PaperEntry.objects.filter(vote=vote, slot=slot).order_by("sequence"))
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
            )
        except ValidationError as exc:
            form.add_error("keys", exc)
        else:
            return redirect("voting:paper_entry", pk=vote.pk, slot=slot)
    candidates = list(vote.candidates.all())
    return render(
        request,
        "voting/paper_entry.html",
        {
            "vote": vote,
            "slot": slot,
            "entries": entries,
            "form": form,
            "candidates": candidates,
            "paper_help": kind_of(vote).paper_help(len(candidates)),
            "next_sequence": next_sequence,
            "township": vote.session.term.township,
            "can_edit": _can_edit(vote),
            "paper_stage": _paper_stage(vote),
            "crumb_to_votes": not user_can_manage_vote(request.user, vote),
        },
        status=400 if form.errors else 200,
    )


def _labelled(entry):
    """(choices, status) → (choices, translated status label) for display."""
    if entry is None:
        return None
    return entry[0], BallotStatus(entry[1]).label


@vote_view(user_can_scrutinize)
def paper_check(request, vote):
    form = PaperDecisionForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("finalize"):
            try:
                count = services.paper_finalize(actor=request.user, vote=vote)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("%(count)s paper ballots added to the count.") % {"count": count}
                )
            return redirect("voting:paper_check", pk=vote.pk)
        if form.is_valid():
            try:
                services.paper_decide(actor=request.user, vote=vote, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Decision recorded."))
            return redirect("voting:paper_check", pk=vote.pk)
        messages.error(request, _("Give the marks and the reason."))
    state = selectors.paper_state(vote)
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
    return render(
        request,
        "voting/paper_check.html",
        {
            "vote": vote,
            "state": state,
            "rows": rows,
            "candidates": list(vote.candidates.all()),
            "township": vote.session.term.township,
            "can_edit": _can_edit(vote),
            "paper_stage": _paper_stage(vote),
            "crumb_to_votes": not user_can_manage_vote(request.user, vote),
        },
    )
