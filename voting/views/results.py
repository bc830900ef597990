"""Results: the results page for those in scope and the public results once published."""

from django.http import Http404
from django.shortcuts import render

from .. import domain, selectors
from ..models import Ballot, BallotChannel, SealedBallot, VoteStatus
from ..permissions import user_can_certify, user_can_manage_vote, user_can_view_results
from ._base import _counted, vote_view


def _evaluation_rows(result):
    rows = []
    totals = []
    for ev in result.evaluations.select_related("candidate"):
        counts = {"satisfied": ev.satisfied, "basic": ev.basic}
        totals.append(counts)
        rows.append(
            {
                "ev": ev,
                "satisfied_rate": domain.percent_2dp(ev.satisfied, result.returned),
                "both_rate": domain.percent_2dp(ev.satisfied + ev.basic, result.returned),
                "sub_items": [
                    (name, c, domain.percent_2dp(c["satisfied"] + c["basic"], result.returned))
                    for name, c in ev.sub_items.items()
                ],
            }
        )
    overall = domain.overall_rates(totals, returned=result.returned) if totals else ("—", "—")
    return rows, overall


def _results_context(vote):
    result = getattr(vote, "result", None)
    rows = []
    if result is not None and vote.is_evaluation:
        rows, overall = _evaluation_rows(result)
        return {
            "vote": vote,
            "result": result,
            "rows": rows,
            "overall": overall,
            "township": vote.session.term.township,
            "session": vote.session,
        }
    if result is not None:
        for cr in result.candidates.select_related("candidate"):
            rows.append(
                {
                    "cr": cr,
                    "share": domain.yes_share(cr.yes, pass_base=result.pass_base_count),
                }
            )
    return {
        "vote": vote,
        "result": result,
        "rows": rows,
        "township": vote.session.term.township,
        "session": vote.session,
    }


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
