"""Thin views for the vote: the staff console, the ballot (no login: the code is the
credential), paper entry, the scrutineers' check, results and printing.

The ballot views never log, never put the code in a URL, never use the session or messages
framework, and mark the code as a sensitive POST parameter (kept out of error reports)."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from congress.selectors import session_quorum, sessions_visible_to
from congress.views import _session_or_404

from . import domain, selectors, services, throttle
from .forms import (
    CodeEntryForm,
    CodesForm,
    EvaluationCreateForm,
    IssuedForm,
    OfficerForm,
    PaperDecisionForm,
    PaperKeysForm,
    VoteCreateForm,
)
from .models import Ballot, BallotChannel, BallotStatus, PaperEntry, Vote, VoteOfficer, VoteStatus
from .permissions import (
    user_can_certify,
    user_can_enter_paper,
    user_can_manage_vote,
    user_can_scrutinize,
    user_can_view_results,
)


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


# ---------------------------------------------------------------------------------------------
# Setting up and the console


@login_required
def vote_create(request, session_pk):
    session = _session_or_404(request, session_pk)
    township = session.term.township
    probe = Vote(session=session)
    if township is None or not user_can_manage_vote(request.user, probe):
        raise PermissionDenied
    form = VoteCreateForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_create(
                actor=request.user,
                session=session,
                candidate_list=form.cleaned_data["candidate_list"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "The vote is set up. Name the scrutineers and tellers, "
                    "then print the code slips."
                ),
            )
            return redirect(vote)
    return render(
        request, "voting/vote_form.html", {"form": form, "session": session, "township": township}
    )


@login_required
def evaluation_create(request, session_pk):
    session = _session_or_404(request, session_pk)
    township = session.term.township
    if township is None or not user_can_manage_vote(request.user, Vote(session=session)):
        raise PermissionDenied
    form = EvaluationCreateForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.evaluation_create(
                actor=request.user,
                session=session,
                plan=form.cleaned_data["plan"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "The evaluation is set up. Name the scrutineers and tellers, then print the "
                    "code slips."
                ),
            )
            return redirect(vote)
    return render(
        request,
        "voting/evaluation_form.html",
        {"form": form, "session": session, "township": township},
    )


def _console_context(request, vote):
    result = (
        getattr(vote, "result", None)
        if vote.status not in (VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED)
        else None
    )
    township = vote.session.term.township
    return {
        "vote": vote,
        "session": vote.session,
        "township": township,
        "quorum": session_quorum(vote.session),
        "received": selectors.ballots_received(vote),
        "candidates": vote.candidates.all(),
        "officers": vote.officers.all(),
        "officer_form": OfficerForm(township=township),
        "codes_form": CodesForm(initial={"printings": vote.codes_printings}),
        "issued_form": IssuedForm(
            initial={"slips_issued": vote.slips_issued, "paper_issued": vote.paper_issued}
        ),
        "limit": domain.approval_limit(
            mode=vote.mode, slots=vote.slots, candidates=len(vote.candidates.all())
        ),
        "result": result,
        "can_certify": user_can_certify(request.user, vote),
        "can_scrutinize": user_can_scrutinize(request.user, vote),
        "can_enter_paper": user_can_enter_paper(request.user, vote),
        "runoffs": list(vote.runoffs.all()),
        "followup": services.followup_kind(vote) if result is not None else "",
        "tied": [cr for cr in result.candidates.select_related("candidate") if cr.tied]
        if result is not None
        else [],
        "S": VoteStatus,
    }


@vote_view(user_can_manage_vote)
def console(request, vote):
    from congress.models import AttendanceStatus
    from congress.selectors import session_attendance

    context = _console_context(request, vote)
    context["attendance"] = session_attendance(vote.session)
    context["statuses"] = AttendanceStatus.choices
    context["can_manage"] = vote.session.status != "closed"
    return render(request, "voting/console.html", context)


@vote_view(user_can_manage_vote)
def console_live(request, vote):
    """The live panel: ballots received (how many, never what) and the headcount."""
    return render(request, "voting/_live.html", _console_context(request, vote))


@require_POST
@vote_view(user_can_manage_vote)
def officer_add(request, vote):
    form = OfficerForm(request.POST, township=vote.session.term.township)
    if not form.is_valid():
        messages.error(request, _("Give the role and the name."))
        return redirect(vote)
    return _run(
        request,
        vote,
        lambda: services.vote_officer_add(actor=request.user, vote=vote, **form.cleaned_data),
        _("Officer added."),
    )


@require_POST
@vote_view(user_can_manage_vote)
def officer_remove(request, vote, officer_pk):
    officer = VoteOfficer.objects.filter(vote=vote, pk=officer_pk).first()
    if officer is None:
        raise Http404
    return _run(
        request,
        vote,
        lambda: services.vote_officer_remove(actor=request.user, officer=officer),
        _("Officer removed."),
    )


@require_POST
@vote_view(user_can_manage_vote)
def codes_print(request, vote):
    """Generate the codes and return the slips PDF at once: the plain codes exist only in
    this response. Printing again makes new codes and voids the earlier slips."""
    form = CodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a number of spare codes between 0 and 200."))
        return redirect(vote)
    try:
        codes = services.vote_generate_codes(
            actor=request.user,
            vote=vote,
            spares=form.cleaned_data["spares"],
            seen_printings=form.cleaned_data["printings"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(vote)
    from .pdf import render_code_slips

    data = render_code_slips(
        vote=vote, codes=codes, ballot_url=request.build_absolute_uri(reverse("voting:ballot"))
    )
    return _pdf(data, f"{vote.title}-投票码.pdf", inline=False)


@require_POST
@vote_view(user_can_manage_vote)
def issued(request, vote):
    form = IssuedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the numbers of slips and paper ballots handed out."))
        return redirect(vote)
    return _run(
        request,
        vote,
        lambda: services.vote_record_issued(actor=request.user, vote=vote, **form.cleaned_data),
        _("Numbers issued recorded."),
    )


ACTIONS = {
    "open": (services.vote_open, _("The vote is open.")),
    "close": (services.vote_close, _("The vote is closed; the codes are burnt.")),
    "paper": (
        services.vote_switch_to_paper,
        _("Switched to paper ballots. Electronic ballots already cast are kept."),
    ),
    "count": (services.vote_count, _("Counted.")),
    "publish": (services.vote_publish, _("The result is published.")),
}


@require_POST
@vote_view(user_can_manage_vote)
def action(request, vote, name):
    if name not in ACTIONS:
        raise Http404
    service, success = ACTIONS[name]
    return _run(request, vote, lambda: service(actor=request.user, vote=vote), success)


@require_POST
@vote_view(user_can_manage_vote)
def runoff(request, vote):
    try:
        child = services.vote_create_runoff(actor=request.user, vote=vote)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(vote)
    messages.success(request, _("The follow-up vote is set up."))
    return redirect(child)


@require_POST
@vote_view(user_can_manage_vote)
def resolve_tie(request, vote):
    """The presidium decides a tie (when the rule set says so), with a recorded reason."""
    try:
        positions = [int(p) for p in request.POST.getlist("elected")]
    except ValueError:
        positions = []
    return _run(
        request,
        vote,
        lambda: services.vote_resolve_tie(
            actor=request.user,
            vote=vote,
            elected_positions=positions,
            reason=request.POST.get("reason", ""),
        ),
        _("The presidium's decision is recorded."),
    )


@require_POST
@vote_view(user_can_certify)
def certify(request, vote):
    try:
        services.vote_certify(actor=request.user, vote=vote)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Certified. The ballot box digest is fixed."))
    return redirect("voting:results", pk=vote.pk)


# ---------------------------------------------------------------------------------------------
# Printing


def _can_print_blank(user, vote):
    return user_can_manage_vote(user, vote) or user_can_enter_paper(user, vote)


@vote_view(_can_print_blank)
def paper_ballot_pdf(request, vote):
    from .pdf import render_paper_ballot

    size = "A3" if request.GET.get("size") == "A3" else "A4"
    return _pdf(render_paper_ballot(vote=vote, size=size), f"{vote.title}-表决票-{size}.pdf")


def _counted(vote) -> bool:
    return vote.status in (
        VoteStatus.COUNTED,
        VoteStatus.CERTIFIED,
        VoteStatus.PUBLISHED,
        VoteStatus.VOID,
    )


@vote_view(user_can_view_results)
def certificate_pdf(request, vote):
    if not _counted(vote):
        raise Http404
    from .pdf import render_certificate

    return _pdf(render_certificate(vote=vote), f"{vote.title}-计票结果报告单.pdf")


@vote_view(user_can_view_results)
def notice_pdf(request, vote):
    if vote.status not in (VoteStatus.CERTIFIED, VoteStatus.PUBLISHED):
        raise Http404
    from .pdf import render_notice

    return _pdf(render_notice(vote=vote), f"{vote.title}-主席团公告.pdf")


# ---------------------------------------------------------------------------------------------
# Results


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
                    "share": domain.format_share(domain.share_tenths(cr.yes, result.valid)),
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
    if vote.trackers_enabled:
        context["trackers"] = list(
            Ballot.objects.filter(vote=vote, channel=BallotChannel.ELECTRONIC)
            .exclude(tracker="")
            .order_by("tracker")
            .values_list("tracker", flat=True)
        )
    return render(request, "voting/public_results.html", context)


# ---------------------------------------------------------------------------------------------
# Paper ballots


def _paper_stage(vote) -> str:
    """Where paper entry stands, for the page to say so: "before" (the vote is being prepared
    or is open: entry starts once it is closed), "entering", or "done" (added to the count,
    or the vote is counted)."""
    if vote.status in (VoteStatus.DRAFT, VoteStatus.OPEN):
        return "before"
    if vote.status == VoteStatus.CLOSED and not vote.paper_counted:
        return "entering"
    return "done"


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
            "next_sequence": next_sequence,
            "township": vote.session.term.township,
            "can_edit": vote.status == VoteStatus.CLOSED and not vote.paper_counted,
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
            "can_edit": vote.status == VoteStatus.CLOSED and not vote.paper_counted,
            "paper_stage": _paper_stage(vote),
            "crumb_to_votes": not user_can_manage_vote(request.user, vote),
        },
    )


# ---------------------------------------------------------------------------------------------
# The ballot (no login)

REFUSALS = {
    "typo": _(
        "This code is not right: check it letter by letter (the last symbol is a check symbol)."
    ),
    "unknown": _("This code does not belong to an open vote."),
    "not_open": _("This vote is not open for electronic voting."),
    "already_cast": _("A ballot has already been cast with this code."),
    "malformed": _("The ballot could not be read. Mark every candidate and try again."),
    "too_many": _("Too many 赞成 marks: remove some before continuing."),
}
THROTTLED = _(
    "Too many codes that belong to no vote were sent from this network. Wait a minute, then "
    "type your code again; a correct code works as soon as the wait is over."
)


def _ballot_candidates(vote, choices: str = ""):
    candidates = list(vote.candidates.all())
    n, subs = len(candidates), vote.sub_items
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
        out.append(
            {
                "c": c,
                "field": f"c{c.position}",
                "mark": choices[i] if i < len(choices) else "",
                "sub": sub,
            }
        )
    return out


def _choices_from_post(post, vote) -> str:
    candidates = list(vote.candidates.all())
    if vote.is_evaluation:
        allowed = {domain.SATISFIED, domain.BASIC, domain.UNSATISFIED}
        if vote.evaluation_rules.get("allows_abstain"):
            allowed.add(domain.ABSTAIN)
        fields = [f"c{c.position}" for c in candidates] + [
            f"c{c.position}_{k}" for c in candidates for k in range(len(vote.sub_items))
        ]
    else:
        allowed = {domain.YES, domain.NO, domain.ABSTAIN}
        fields = [f"c{c.position}" for c in candidates]
    return "".join(
        post.get(name, "") if post.get(name, "") in allowed else domain.NO_MARK for name in fields
    )


GRADE_CHOICES = [
    (domain.SATISFIED, _("Satisfied (满意)"), "success"),
    (domain.BASIC, _("Basically satisfied (基本满意)"), "primary"),
    (domain.UNSATISFIED, _("Unsatisfied (不满意)"), "danger"),
]


def _ballot_context(vote, code, choices="", error=""):
    n = len(vote.candidates.all())
    grades = list(GRADE_CHOICES)
    if vote.is_evaluation and vote.evaluation_rules.get("allows_abstain"):
        grades.append((domain.ABSTAIN, _("Abstain (弃权)"), "secondary"))
    return {
        "vote": vote,
        "code": code,
        "candidates": _ballot_candidates(vote, choices),
        "limit": domain.approval_limit(mode=vote.mode, slots=vote.slots, candidates=n),
        "itemized": vote.mode == domain.ITEMIZED,
        "error": error,
        "grades": grades,
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
    limit = domain.approval_limit(
        mode=vote.mode, slots=vote.slots, candidates=len(vote.candidates.all())
    )
    approvals = 0 if vote.is_evaluation else choices.count(domain.YES)
    if request.POST.get("change") or approvals > limit:
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
    vote = Vote.objects.only("id", "title").get(pk=vote_id)
    return render(request, "voting/ballot_done.html", {"vote": vote, "tracker": receipt.tracker})


@login_required
def session_votes(request, session_pk):
    """The votes of a session (linked from the session page)."""
    session = sessions_visible_to(request.user).filter(pk=session_pk).first()
    if session is None:
        raise Http404
    votes = selectors.votes_visible_to(request.user).filter(session=session)
    probe = Vote(session=session)
    # Each vote links to what this person may open: the console (staff), paper entry
    # (tellers), the check of paper entries (scrutineers), the results once counted.
    user = request.user
    rows = [
        {
            "vote": v,
            "can_enter_paper": user_can_enter_paper(user, v),
            "can_scrutinize": user_can_scrutinize(user, v),
            "can_view_results": _counted(v) and user_can_view_results(user, v),
        }
        for v in votes.prefetch_related("officers")
    ]
    return render(
        request,
        "voting/session_votes.html",
        {
            "session": session,
            "rows": rows,
            "township": session.term.township,
            "can_manage": user_can_manage_vote(request.user, probe),
        },
    )
