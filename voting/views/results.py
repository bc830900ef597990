"""Results: the results page for those in scope and the public results once published."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors
from ..kinds import kind_of
from ..models import Ballot, BallotChannel, SealedBallot, VoteStatus
from ..permissions import user_can_certify, user_can_manage_vote, user_can_view_results
from ._base import _counted, vote_view


def _results_context(vote):
    """The stored result and the rows its kind shows (voting/kinds.py), for both pages."""
    result = getattr(vote, "result", None)
    kind = kind_of(vote)
    context = {
        "vote": vote,
        "kind": kind,
        "result": result,
        "rows": [],
        "township": vote.session.term.township,
        "session": vote.session,
    }
    if result is not None:
        context.update(kind.results_context(result))
    return context


@vote_view(user_can_view_results)
def results(request, vote):
    if not _counted(vote):
        raise Http404
    context = _results_context(vote)
    context["can_certify"] = user_can_certify(request.user, vote)
    context["can_manage"] = user_can_manage_vote(request.user, vote)
    context["crumb_to_votes"] = not context["can_manage"]
    return render(request, "voting/results.html", context)


def public_results(request, pk):
    """Published results for everyone, with every tracker (when enabled) and the digest."""
    vote = selectors.vote_with_details(pk)
    if vote is None or vote.status != VoteStatus.PUBLISHED:
        raise Http404
    context = _results_context(vote)
    if vote.is_sealed:  # the sealed box's trackers: never beside any opened content
        context["trackers"] = list(
            SealedBallot.objects.filter(vote=vote)
            .order_by("tracker")
            .values_list("tracker", flat=True)
        )
    elif vote.trackers_enabled:
        context["trackers"] = list(
            Ballot.objects.filter(vote=vote, channel=BallotChannel.ELECTRONIC)
            .exclude(tracker="")
            .order_by("tracker")
            .values_list("tracker", flat=True)
        )
    return render(request, "voting/public_results.html", context)
