"""The ballot (no login): the code is the credential.

These views never log, never put the code in a URL, never use the session or messages
framework, and mark the code as a sensitive POST parameter (kept out of error reports)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import domain, fastpath, selectors, services, throttle
from ..forms import CodeEntryForm
from ..kinds import kind_of
from ..messages import REFUSALS, THROTTLED
from ..models import Vote


def _ballot_candidates(vote, choices: str = ""):
    """Each candidate with its field names and marks (and its sub-items'), and the badge the
    review page shows for its mark."""
    kind = kind_of(vote)
    offered = {mark: (label, colour) for mark, label, colour in kind.choices_offered()}
    candidates = list(vote.candidates.all())
    n, subs = len(candidates), kind.sub_items
    out = []
    for i, c in enumerate(candidates):
        sub = []
        for k, name in enumerate(subs):
            at = n + i * len(subs) + k
            sub.append(
                {
                    "name": name,
                    "field": f"c{c.position}_{k}",
                    "mark": choices[at] if at < len(choices) else "",
                }
            )
        mark = choices[i] if i < len(choices) else ""
        out.append(
            {
                "c": c,
                "field": f"c{c.position}",
                "mark": mark,
                "badge": offered.get(mark),
                "evidence": c.evidence if kind.shows_evidence else None,
                "sub": sub,
            }
        )
    return out


def _choices_from_post(post, vote) -> str:
    kind = kind_of(vote)
    candidates = list(vote.candidates.all())
    allowed = {mark for mark, _label, _colour in kind.choices_offered()}
    fields = [f"c{c.position}" for c in candidates] + [
        f"c{c.position}_{k}" for c in candidates for k in range(len(kind.sub_items))
    ]
    return "".join(
        post.get(name, "") if post.get(name, "") in allowed else domain.NO_MARK for name in fields
    )


def _ballot_context(vote, code, choices="", error=""):
    kind = kind_of(vote)
    n = len(vote.candidates.all())
    return {
        "vote": vote,
        "code": code,
        "candidates": _ballot_candidates(vote, choices),
        "intro": kind.ballot_intro(n),
        "limit": kind.approval_limit_shown(n),
        "offered": kind.choices_offered(),
        "error": error,
        "code_display": domain.format_code(domain.normalize_code(code) or code),
    }


@never_cache
@sensitive_post_parameters("code")
def ballot(request):
    """Step 1: the code (typed, or filled in from the QR link's #fragment by script)."""
    if request.method == "POST" and throttle.blocked(request):
        return _throttled(request)
    form = CodeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.code_find_vote(typed=form.cleaned_data["code"])
        except services.BallotRefused as exc:
            throttle.note_refusal(request, exc.reason)
            form.add_error("code", REFUSALS[exc.reason])
        else:
            vote = selectors.vote_with_details(vote.pk)
            return render(
                request, "voting/ballot.html", _ballot_context(vote, form.cleaned_data["code"])
            )
    return render(
        request, "voting/ballot_code.html", {"form": form}, status=400 if form.errors else 200
    )


def _throttled(request):
    """Too many unknown codes from this client (voting/throttle.py): wait, then try again."""
    response = render(
        request,
        "voting/ballot_code.html",
        {"form": CodeEntryForm(), "refusal": THROTTLED},
        status=429,
    )
    response["Retry-After"] = str(throttle.WINDOW)
    return response


def _vote_for_post(request):
    try:
        vote_id = int(request.POST.get("vote", ""))
    except ValueError:
        raise Http404 from None
    vote = selectors.vote_with_details(vote_id)
    if vote is None:
        raise Http404
    return vote


@never_cache
@sensitive_post_parameters("code")
@require_POST
def ballot_review(request):
    """Step 2: show the choices back before casting; refuse too many approvals (B1)."""
    if throttle.blocked(request):
        return _throttled(request)
    vote = _vote_for_post(request)
    code = request.POST.get("code", "")
    choices = _choices_from_post(request.POST, vote)
    try:
        services.code_check(vote_id=vote.pk, typed=code)
    except services.BallotRefused as exc:
        throttle.note_refusal(request, exc.reason)
        return render(
            request,
            "voting/ballot_code.html",
            {"form": CodeEntryForm(), "refusal": REFUSALS[exc.reason]},
            status=409,
        )
    kind = kind_of(vote)
    limit = kind.approval_limit_shown(len(vote.candidates.all()))
    approvals = choices.count(domain.YES)
    if request.POST.get("change") or kind.over_limit(choices):
        error = (
            ""
            if request.POST.get("change")
            else _(
                "You marked 赞成 for %(count)s candidates; at most %(limit)s may be approved. "
                "Change some marks."
            )
            % {"count": approvals, "limit": limit}
        )
        return render(
            request,
            "voting/ballot.html",
            _ballot_context(vote, code, choices, error),
            status=400 if error else 200,
        )
    context = _ballot_context(vote, code, choices)
    context["choices"] = choices
    context["blank"] = all(c == domain.NO_MARK for c in choices)
    return render(request, "voting/ballot_review.html", context)


@never_cache
@sensitive_post_parameters("code")
@require_POST
def ballot_cast(request):
    """Step 3: cast. The ballot is committed before the page says it was received. The
    service checks everything (code, state, marks, approval limit) in one short transaction;
    the full vote is loaded only when a refused ballot must be shown again."""
    if throttle.blocked(request):
        return _throttled(request)
    try:
        vote_id = int(request.POST.get("vote", ""))
    except ValueError:
        raise Http404 from None
    choices = request.POST.get("choices", "")
    try:
        receipt = services.ballot_cast(
            vote_id=vote_id, typed_code=request.POST.get("code", ""), choices=choices
        )
    except services.BallotRefused as exc:
        throttle.note_refusal(request, exc.reason)
        vote = selectors.vote_with_details(vote_id)
        if vote is None:
            raise Http404 from None
        if exc.reason == "too_many":
            return render(
                request,
                "voting/ballot.html",
                _ballot_context(vote, request.POST.get("code", ""), choices),
                status=400,
            )
        return render(
            request,
            "voting/ballot_done.html",
            {
                "vote": vote,
                "refusal": REFUSALS[exc.reason],
                "already": exc.reason == "already_cast",
            },
            status=409,
        )
    vote = Vote.objects.only("id", "title", "public_key").get(pk=vote_id)
    return render(request, "voting/ballot_done.html", {"vote": vote, "tracker": receipt.tracker})


# --- the hall's fast path (voting/fastpath.py) ---------------------------------------------
# Under gunicorn, livelihood/wsgi.py answers these three paths before Django's middleware;
# these views are the same answers through Django (runserver, the test client), and set no
# cookie either: they never touch the session or the CSRF token.


def _as_django(status, headers, body) -> HttpResponse:
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


def ballot_shell(request):
    """The ballot shell: the same bytes for everyone, cacheable."""
    if request.method not in ("GET", "HEAD"):
        return _as_django(405, [("Allow", "GET, HEAD")], b"")
    return _as_django(
        *fastpath.shell_response(
            request.headers.get("If-None-Match", ""), request.headers.get("Accept-Encoding", "")
        )
    )


def _json_view(handler):
    @csrf_exempt  # the code in the body is the only authority (voting/README.md)
    @sensitive_post_parameters("code")
    def view(request):
        if request.method != "POST":
            return _as_django(405, [("Allow", "POST")], b"")
        return _as_django(
            *handler(
                body=request.body,
                content_type=request.content_type or "",
                origin=request.headers.get("Origin", ""),
                host=request.get_host(),
                meta=request.META,
            )
        )

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


ballot_open_json = _json_view(fastpath.open_ballot)
ballot_cast_json = _json_view(fastpath.cast)
