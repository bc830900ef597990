"""Setting up and the console: creating a vote or an evaluation, the staff console and its
actions, and the list of a session's votes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congress.access import session_or_404
from congress.selectors import session_quorum, sessions_visible_to

from .. import selectors, services
from ..forms import (
    CodesForm,
    EvaluationCreateForm,
    IssuedForm,
    OfficerForm,
    PaperBatchForm,
    VoteCreateForm,
)
from ..kinds import kind_of
from ..models import Vote, VoteOfficer, VoteStatus
from ..permissions import (
    user_can_certify,
    user_can_enter_paper,
    user_can_manage_vote,
    user_can_scrutinize,
    user_can_view_results,
)
from ._base import _counted, _pdf, _run, vote_view


@login_required
def vote_create(request, session_pk):
    session = session_or_404(request.user, session_pk)
    township = session.term.township
    probe = Vote(session=session)
    if not user_can_manage_vote(request.user, probe):
        raise PermissionDenied
    form = VoteCreateForm(request.POST or None, township=township, county=session.term.county)
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
    session = session_or_404(request.user, session_pk)
    township = session.term.township
    if not user_can_manage_vote(request.user, Vote(session=session)):
        raise PermissionDenied
    form = EvaluationCreateForm(request.POST or None, township=township, county=session.term.county)
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
    kind = kind_of(vote)
    quorum = session_quorum(vote.session)
    delegations = selectors.vote_delegations(vote)
    batches = selectors.paper_batches(vote) if township is None else []
    if delegations is not None:
        # Each batch beside what its delegations' boxes returned: entry is done at that number.
        returned = {row["delegation"].pk: row["paper_returned"] for row in delegations["rows"]}
        for batch in batches:
            batch.returned = sum(returned.get(d.pk, 0) for d in batch.delegations.all())
    # The spares field shows the last printing's spares (the form's default before one).
    spares = selectors.codes_last_spares(vote, on_roll=quorum["headcount"].due)
    codes_initial = {"printings": vote.codes_printings}
    if spares is not None:
        codes_initial["spares"] = spares
    return {
        "vote": vote,
        "session": vote.session,
        "township": township,
        "quorum": quorum,
        "received": selectors.ballots_received(vote),
        "candidates": vote.candidates.all(),
        "officers": vote.officers.all(),
        "officer_form": OfficerForm(township=township, county=vote.session.term.county),
        "delegations": delegations,
        "counts_editable": vote.status in (VoteStatus.DRAFT, VoteStatus.OPEN, VoteStatus.CLOSED),
        "batches": batches,
        "batch_form": PaperBatchForm(vote=vote) if township is None else None,
        "my_batch": selectors.batch_for_user(vote, request.user) if township is None else None,
        "codes_form": CodesForm(initial=codes_initial),
        "issued_form": IssuedForm(
            initial={"slips_issued": vote.slips_issued, "paper_issued": vote.paper_issued}
        ),
        "kind": kind,
        "kind_description": kind.description(),
        "rule_note": kind.rule_note(len(vote.candidates.all())),
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
    if context["township"] is None:
        # A county plenary's 240–400 deputies: one block per delegation, with a name filter.
        context["checkin_groups"] = selectors.checkin_by_delegation(vote.session)
    else:
        context["attendance"] = session_attendance(vote.session)
    context["statuses"] = AttendanceStatus.choices
    context["can_manage"] = vote.session.status != "closed"
    return render(request, "voting/console.html", context)


@vote_view(user_can_manage_vote)
def console_live(request, vote):
    """The live panel's body: ballots received (how many, never what) and the headcount.

    The panel swaps its inner HTML, so the polling element (and a refresh queued behind one in
    flight) survives the swap; once the vote is past open, HTTP 286 tells HTMX to stop polling.
    """
    response = render(request, "voting/_live_body.html", _console_context(request, vote))
    if vote.status not in (VoteStatus.DRAFT, VoteStatus.OPEN):
        response.status_code = 286
    return response


@require_POST
@vote_view(user_can_manage_vote)
def officer_add(request, vote):
    form = OfficerForm(
        request.POST, township=vote.session.term.township, county=vote.session.term.county
    )
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
    from ..pdf import render_code_slips

    data = render_code_slips(
        vote=vote,
        codes=codes,
        ballot_url=request.build_absolute_uri(reverse("voting:ballot_shell")),
        delegations=_slip_delegations(vote),
    )
    return _pdf(data, f"{vote.title}-投票码.pdf", inline=False)


def _slip_delegations(vote) -> list[str] | None:
    """A county plenary's slips in delegation order: as many labelled with each delegation's
    name as it has deputies on the roll (spares unlabelled), so they are handed out per
    delegation. The codes are shuffled first; only the printed slip carries the name."""
    rows = selectors.vote_delegations(vote)
    if rows is None:
        return None
    labels = []
    for row in rows["rows"]:
        labels += [row["delegation"].name] * (row["roll"].due if row["roll"] else 0)
    return labels


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


@require_POST
@vote_view(user_can_manage_vote)
def delegation_counts(request, vote):
    """A county plenary: the slips and paper ballots handed to each delegation and the paper
    ballots returned from its box, from the console's table."""
    from congress.models import Delegation

    from ..services.delegations import vote_record_delegation_counts

    counts = {}
    for delegation in Delegation.objects.filter(term=vote.session.term):
        try:
            row = tuple(
                int(request.POST.get(f"{field}_{delegation.pk}") or 0)
                for field in ("slips", "paper", "returned")
            )
        except ValueError:
            messages.error(request, _("Give whole numbers for every delegation."))
            return redirect(vote)
        counts[delegation.pk] = row
    return _run(
        request,
        vote,
        lambda: vote_record_delegation_counts(actor=request.user, vote=vote, counts=counts),
        _("Numbers issued and returned recorded per delegation."),
    )


@require_POST
@vote_view(user_can_manage_vote)
def paper_batch_assign(request, vote):
    """A county plenary: a teller pair and the delegations whose paper ballots it enters."""
    from ..services.delegations import paper_batch_assign as assign

    form = PaperBatchForm(request.POST, vote=vote)
    if not form.is_valid():
        messages.error(
            request, _("Choose the batch number, two tellers and the batch's delegations.")
        )
        return redirect(vote)
    data = form.cleaned_data
    return _run(
        request,
        vote,
        lambda: assign(
            actor=request.user,
            vote=vote,
            number=data["number"],
            first_teller=data["first_teller"],
            second_teller=data["second_teller"],
            delegation_ids=[d.pk for d in data["delegations"]],
        ),
        _("Teller pair assigned to batch %(number)s.") % {"number": data["number"]},
    )
