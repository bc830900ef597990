"""The sealed box: printing the key share slips (密钥分片), opening the box at the count
(开箱计票) with k slips scanned or typed, the paper re-vote when slips are lost, and the public
list of trackers in the box."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import sealing, services
from ..machine import VOTE_MACHINE
from ..models import SealedBallot, Vote, VoteStatus
from ..permissions import user_can_manage_vote, user_can_scrutinize
from ._base import _pdf, vote_view


def _can_open(user, vote):
    return user_can_manage_vote(user, vote) or user_can_scrutinize(user, vote)


@require_POST
@vote_view(user_can_manage_vote)
def key_slips_print(request, vote):
    """密钥分发: make the key and return the share slips PDF at once — the shares exist only
    in this response. Printing again (before opening) makes a new key and voids the slips."""
    seen = request.POST.get("printings")
    try:
        ceremony = services.vote_key_ceremony(
            actor=request.user,
            vote=vote,
            seen_printings=int(seen) if (seen or "").isdigit() else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(vote)
    from ..pdf import render_share_slips

    data = render_share_slips(vote=vote, ceremony=ceremony)
    del ceremony
    return _pdf(data, f"{vote.title}-密钥分片.pdf", inline=False)


@never_cache
@sensitive_post_parameters("slip")
@vote_view(_can_open)
def open_box(request, vote):
    """开箱计票: k key holders present their slips (scanned or typed) in one form; the key is
    rebuilt in memory, the box opened and written in content order, then counted."""
    if not vote.is_sealed:
        raise Http404
    error = ""
    openable = VOTE_MACHINE.allows(vote.status, "open_box") and not vote.box_opened_at
    if request.method == "POST" and openable:
        typed = request.POST.getlist("slip")
        try:
            opened = services.vote_open_box(actor=request.user, vote=vote, typed_shares=typed)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            del typed
            messages.success(
                request,
                _("The box is open: %(n)s sealed ballots opened.") % {"n": opened.opened},
            )
            if opened.failed:
                messages.warning(
                    request,
                    _("%(n)s sealed ballots did not open and count as invalid: %(list)s")
                    % {"n": len(opened.failed), "list": ", ".join(opened.failed)},
                )
            try:
                services.vote_count(actor=request.user, vote=vote)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(vote)
            messages.success(request, _("Counted."))
            return redirect("voting:results", vote.pk)
    vote.refresh_from_db()
    context = {
        "vote": vote,
        "S": VoteStatus,
        "error": error,
        "slots": range(1, vote.key_holders + 1),
        "sealed_count": SealedBallot.objects.filter(vote=vote).count(),
        "failed": services.failed_trackers(vote),
        "key_fingerprint": sealing.key_fingerprint(bytes.fromhex(vote.public_key)),
        "can_manage": user_can_manage_vote(request.user, vote),
    }
    return render(request, "voting/open_box.html", context, status=400 if error else 200)


@require_POST
@vote_view(user_can_manage_vote)
def paper_revote(request, vote):
    """The documented fallback when fewer than k slips can be presented."""
    try:
        new = services.vote_paper_revote(
            actor=request.user, vote=vote, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("voting:open_box", vote.pk)
    messages.success(
        request,
        _("This vote is void. The paper re-vote is set up: hand out paper ballots and open it."),
    )
    return redirect(new)


def sealed_box(request, pk):
    """Public: the trackers in the sealed box and their count, never any content, so every
    deputy can check their ballot is in the box while it fills and after."""
    vote = get_object_or_404(Vote.objects.exclude(public_key=""), pk=pk)
    trackers = list(
        SealedBallot.objects.filter(vote=vote).order_by("tracker").values_list("tracker", flat=True)
    )
    return render(
        request,
        "voting/sealed_box.html",
        {
            "vote": vote,
            "trackers": trackers,
            "S": VoteStatus,
            "key_fingerprint": sealing.key_fingerprint(bytes.fromhex(vote.public_key)),
        },
    )
