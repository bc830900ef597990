"""The hall display (投屏): a full-screen page for the projector, readable from the back of
the hall. The roll (应到 / 实到 / 请假 and the quorum), the vote's state, how many ballots have
been received — a number, never content — and, once the presidium has published it, the
result. It updates itself and has no controls; the console opens it in a new window."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from congress.selectors import session_quorum

from .. import selectors
from ..kinds import kind_of
from ..models import VoteStatus
from ..permissions import user_can_manage_vote
from ._base import vote_view

# What the hall reads while the vote moves along (the labels are the state's own).
POLLING = (
    VoteStatus.DRAFT,
    VoteStatus.OPEN,
    VoteStatus.CLOSED,
    VoteStatus.COUNTED,
    VoteStatus.CERTIFIED,
)


def _display_context(vote) -> dict:
    published = vote.status == VoteStatus.PUBLISHED
    result = getattr(vote, "result", None) if published else None
    kind = kind_of(vote)
    return {
        "vote": vote,
        "kind": kind,
        "session": vote.session,
        "quorum": session_quorum(vote.session),
        "received": selectors.ballots_received(vote),
        "published": published,
        "result": result,
        "rows": kind.display_rows(result) if result is not None else [],
        "polling": vote.status in POLLING,
    }


@never_cache
@vote_view(user_can_manage_vote)
def display(request, vote):
    return render(request, "voting/display.html", _display_context(vote))


@never_cache
@vote_view(user_can_manage_vote)
def display_live(request, vote):
    return render(request, "voting/_display_body.html", _display_context(vote))
