"""What the vote's views share: the access decorator (the vote in the user's scope, 404
outside it, then the permission, 403), the PDF response, running a service from the console
and whether a vote has been counted."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from .. import selectors
from ..models import VoteStatus


def _pdf(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def vote_view(check):
    """Fetch the vote in the user's scope (404 outside it), then check the permission (403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            vote = selectors.votes_visible_to(request.user).filter(pk=pk).first()
            if vote is None:
                raise Http404
            vote = selectors.vote_with_details(vote.pk)
            if not check(request.user, vote):
                raise PermissionDenied
            return view(request, vote, *args, **kwargs)

        return wrapper

    return decorator


def _run(request, vote, action, success: str):
    """Call a service; show its refusal as a message. Returns to the console."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("voting:console", pk=vote.pk)


def _counted(vote) -> bool:
    return vote.status in (
        VoteStatus.COUNTED,
        VoteStatus.CERTIFIED,
        VoteStatus.PUBLISHED,
        VoteStatus.VOID,
    )
