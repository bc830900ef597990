"""Permission rows for the voting app (see tests/permission_table.py)."""

import datetime

from django.utils import timezone

from ..permission_table import LOGIN, PUBLIC, SESSION_MANAGE_POST, TOWNSHIP_VIEW, Row, expect

MANAGE_GET = expect(
    403, anonymous=LOGIN, staff=200, superuser=200, staff_other=404, reviewer_other=404
)
PAPER_ENTRY = expect(
    403, anonymous=LOGIN, teller=200, superuser=200, staff_other=404, reviewer_other=404
)
SCRUTINY = expect(
    403, anonymous=LOGIN, scrutineer=200, superuser=200, staff_other=404, reviewer_other=404
)
CERTIFY_POST = expect(
    403, anonymous=LOGIN, scrutineer=302, superuser=302, staff_other=404, reviewer_other=404
)
PRINT_BALLOT = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    teller=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
# Published results: everyone in scope (a deputy too); out of scope the staff page is 404.
RESULTS = TOWNSHIP_VIEW
ANSWERED_409 = expect(409)
ANSWERED_JSON_REFUSAL = expect(400)  # a mistyped code: the same refusal for every caller


def _rules():
    return dict(
        mode="competitive",
        ballot_type="approval",
        slots=1,
        pass_base="in_office",
        quorum_numerator=2,
        quorum_denominator=3,
        tie_rule="revote",
        shortfall_rule="further_vote",
        blank_ballot_policy="valid_abstain",
        trackers_enabled=True,
        code_salt="salt",
    )


def _votes(w):
    """A draft vote with an officer, and a published vote with its result (built once)."""
    if getattr(w, "draft_vote", None) is not None:
        return w
    from voting.models import (
        CandidateResult,
        Vote,
        VoteCandidate,
        VoteOfficer,
        VoteResult,
        VoteStatus,
    )

    # Sealed (a key ceremony took place), so the sealed box's pages answer for it.
    draft = Vote.objects.create(
        session=w.session,
        title="草稿表决",
        public_key="11" * 32,
        key_threshold=1,
        key_holders=1,
        share_fingerprints=["0" * 64],
        **_rules(),
    )
    VoteCandidate.objects.create(vote=draft, position=1, title="甲项目")
    VoteCandidate.objects.create(vote=draft, position=2, title="乙项目")
    w.officer = VoteOfficer.objects.create(vote=draft, role="teller", name="周涛")
    published = Vote.objects.create(
        session=w.session,
        title="已公布表决",
        status=VoteStatus.PUBLISHED,
        published_at=timezone.now(),
        certified_at=timezone.now(),
        box_digest="0" * 64,
        **_rules(),
    )
    result = VoteResult.objects.create(
        vote=published,
        due=5,
        present=5,
        on_leave=0,
        in_office=5,
        issued=5,
        returned=5,
        electronic=5,
        paper=0,
        valid=5,
        invalid=0,
        blank=0,
        pass_base_count=5,
        quorum_met=True,
        is_valid=True,
    )
    for position, (title, yes) in enumerate((("甲项目", 4), ("乙项目", 1)), start=1):
        c = VoteCandidate.objects.create(
            vote=published, position=position, title=title, deadline=datetime.date(2027, 6, 30)
        )
        CandidateResult.objects.create(
            vote_result=result,
            candidate=c,
            yes=yes,
            no=5 - yes,
            abstain=0,
            passed=yes * 2 > 5,
            elected=yes * 2 > 5,
            rank=position,
        )
    w.draft_vote, w.published_vote = draft, published
    return w


def _draft(w):
    return {"pk": _votes(w).draft_vote.pk}


def _published(w):
    return {"pk": _votes(w).published_vote.pk}


ROWS = [
    Row("voting:ballot", expected=PUBLIC),
    Row(
        "voting:ballot_review",
        method="post",
        expected=ANSWERED_409,
        data=lambda w: {"vote": _votes(w).draft_vote.pk, "code": "WRONG"},
    ),
    Row(
        "voting:ballot_cast",
        method="post",
        expected=ANSWERED_409,
        data=lambda w: {"vote": _votes(w).draft_vote.pk, "code": "WRONG", "choices": "--"},
    ),
    # The ballot shell and its JSON endpoints: no account, the code is the only authority;
    # a wrong code is refused the same way for everyone.
    Row("voting:ballot_shell", expected=PUBLIC),
    Row(
        "voting:ballot_open_json",
        method="post",
        content_type="application/json",
        expected=ANSWERED_JSON_REFUSAL,
        data=lambda w: {"code": "WRONG"},
    ),
    Row(
        "voting:ballot_cast_json",
        method="post",
        content_type="application/json",
        expected=ANSWERED_JSON_REFUSAL,
        data=lambda w: {"code": "WRONG", "choices": "--"},
    ),
    # A county plenary's delegations and teller-pair batches, asked of a township vote: the
    # managers' posts are answered (nothing to record), a batch that does not exist is 404 to
    # those who may work on batches, and 403 to the rest of the township.
    Row(
        "voting:delegation_counts",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {},
    ),
    Row(
        "voting:paper_batch_assign",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {},
    ),
    Row(
        "voting:paper_batch_entry",
        lambda w: {**_draft(w), "number": 1, "slot": "A"},
        expect(
            403, anonymous=LOGIN, teller=404, superuser=404, staff_other=404, reviewer_other=404
        ),
    ),
    Row(
        "voting:paper_batch_finish",
        lambda w: {**_draft(w), "number": 1},
        expect(
            403,
            anonymous=LOGIN,
            teller=404,
            staff=404,
            superuser=404,
            staff_other=404,
            reviewer_other=404,
        ),
        method="post",
    ),
    Row(
        "voting:paper_batch_check",
        lambda w: {**_draft(w), "number": 1},
        expect(
            403,
            anonymous=LOGIN,
            teller=404,
            scrutineer=404,
            staff=404,
            superuser=404,
            staff_other=404,
            reviewer_other=404,
        ),
    ),
    Row("voting:public_results", _published, PUBLIC),
    Row("voting:session_votes", lambda w: {"session_pk": w.session.pk}, TOWNSHIP_VIEW),
    Row(
        "voting:vote_create",
        lambda w: {"session_pk": w.session.pk},
        expect(403, anonymous=LOGIN, staff=200, superuser=200, staff_other=404, reviewer_other=404),
    ),
    Row("voting:console", _draft, MANAGE_GET),
    Row("voting:console_live", _draft, MANAGE_GET),
    Row("voting:display", _draft, MANAGE_GET),
    Row("voting:display_live", _draft, MANAGE_GET),
    Row("voting:display", _published, MANAGE_GET),
    Row(
        "voting:officer_add",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"role": "scrutineer", "name": "吴静"},
    ),
    Row(
        "voting:officer_remove",
        lambda w: {"pk": _votes(w).draft_vote.pk, "officer_pk": w.officer.pk},
        SESSION_MANAGE_POST,
        method="post",
    ),
    Row("voting:codes_print", _draft, MANAGE_GET, method="post", data=lambda w: {"spares": "2"}),
    Row(
        "voting:issued",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"slips_issued": "0", "paper_issued": "0"},
    ),
    Row(
        "voting:action", lambda w: {**_draft(w), "name": "open"}, SESSION_MANAGE_POST, method="post"
    ),
    Row("voting:runoff", _draft, SESSION_MANAGE_POST, method="post"),
    Row("voting:certify", _draft, CERTIFY_POST, method="post"),
    Row("voting:paper_ballot_pdf", _draft, PRINT_BALLOT),
    Row("voting:certificate_pdf", _published, RESULTS),
    Row("voting:notice_pdf", _published, RESULTS),
    Row("voting:results", _published, RESULTS),
    Row("voting:paper_entry", lambda w: {**_draft(w), "slot": "A"}, PAPER_ENTRY),
    Row("voting:paper_check", _draft, SCRUTINY),
    # The sealed box: the public list of trackers, the count page (staff and scrutineers), the
    # share slips (refused here: the draft has no scrutineer named) and the paper re-vote
    # (refused: the draft is not closed) redirect back with the reason.
    Row("voting:sealed_box", _draft, PUBLIC),
    Row(
        "voting:open_box",
        _draft,
        expect(
            403,
            anonymous=LOGIN,
            staff=200,
            scrutineer=200,
            superuser=200,
            staff_other=404,
            reviewer_other=404,
        ),
    ),
    Row("voting:key_slips_print", _draft, SESSION_MANAGE_POST, method="post"),
    Row(
        "voting:paper_revote",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"reason": "主席团决定"},
    ),
]

API_PUBLIC_404_UNTIL_PUBLISHED = expect(200, staff_other=200, reviewer_other=200)

ROWS += [
    Row("api:vote-list", expected=expect(200, anonymous=401)),
    Row("api:vote-detail", _draft, expect(200, anonymous=401, staff_other=404, reviewer_other=404)),
    Row(
        "api:cast-list",
        method="post",
        content_type="application/json",
        data=lambda w: {"vote": _votes(w).draft_vote.pk, "code": "WRONG", "choices": "--"},
        expected=expect(400),
    ),
    Row(
        "api:result-detail",
        lambda w: {"vote_id": _votes(w).published_vote.pk},
        API_PUBLIC_404_UNTIL_PUBLISHED,
    ),
]

ROWS += [
    Row(
        "voting:resolve_tie",
        _draft,
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"elected": ["1"], "reason": "主席团会议决定"},
    ),
]

ROWS += [
    Row(
        "voting:evaluation_create",
        lambda w: {"session_pk": w.session.pk},
        expect(403, anonymous=LOGIN, staff=200, superuser=200, staff_other=404, reviewer_other=404),
    ),
]

# ---------------------------------------------------------------------------------------------
# The vote's life cycle through the API, on the draft vote (and a set-up at the world's
# session): the pages' predicates, 404 outside the scope, 403 in scope without the role. A step
# the draft's state does not allow answers 400 with the message, as the console says it.
JSON = "application/json"


def api_row(allowed: dict, **overrides) -> dict:
    """An API operation: ``allowed`` for the roles that may, 403 for the rest in scope."""
    return expect(403, anonymous=401, staff_other=404, reviewer_other=404, **allowed, **overrides)


def _staff(outcome):
    return api_row({"staff": outcome, "superuser": outcome})


def _locked_list(w):
    from tests.voting.conftest import make_candidate_list

    return make_candidate_list(w.township, year=2031)


def _plan(w):
    from projects.models import AnnualPlan

    return AnnualPlan.objects.create(township=w.township, year=2032, slots=2)


def _action(name, expected, data=None, method="post", kwargs=_draft):
    return Row(
        f"api:vote-{name}",
        kwargs,
        expected,
        method=method,
        data=data,
        content_type=JSON if method == "post" else None,
    )


ROWS += [
    Row(
        "api:vote-list",
        expected=_staff(201),
        method="post",
        data=lambda w: {"session": w.session.pk, "candidate_list": _locked_list(w).pk},
        content_type=JSON,
    ),
    # Set up an evaluation: a plan with no elected projects is refused with the reason.
    Row(
        "api:vote-evaluations",
        expected=_staff(400),
        method="post",
        data=lambda w: {"session": w.session.pk, "plan": _plan(w).pk},
        content_type=JSON,
    ),
    _action("officers", _staff(200), method="get"),
    _action("officers", _staff(201), lambda w: {"role": "scrutineer", "name": "吴静"}),
    _action(
        "officer-remove",
        _staff(204),
        kwargs=lambda w: {"pk": _votes(w).draft_vote.pk, "officer_pk": w.officer.pk},
    ),
    # No chief scrutineer or scrutineer is named yet: nobody to hold the key.
    _action("key-slips", _staff(400), lambda w: {"printings": 0}),
    _action("codes", _staff(200), lambda w: {"spares": 2}),  # the slips PDF
    _action("issued", _staff(200), lambda w: {"slips_issued": 0, "paper_issued": 0}),
    _action("open", _staff(400)),  # no quorum
    _action("close", _staff(400)),  # not open
    _action("switch-to-paper", _staff(200)),
    _action("count", _staff(400)),
    _action("publish", _staff(400)),
    _action("runoff", _staff(400)),
    _action("resolve-tie", _staff(400), lambda w: {"elected": [1], "reason": "主席团会议决定"}),
    _action("paper-revote", _staff(400), lambda w: {"reason": "主席团决定"}),
    _action(
        "open-box",
        api_row({"staff": 400, "scrutineer": 400, "superuser": 400}),
        lambda w: {"shares": ["ABCDE"]},
    ),
    _action(
        "paper-entries",
        api_row({"teller": 200, "superuser": 200}),
        lambda w: {"slot": "A"},
        method="get",
    ),
    _action(
        "paper-entries",
        api_row({"teller": 400, "superuser": 400}),
        lambda w: {"slot": "A", "sequence": 1, "keys": "12"},
    ),
    _action("paper-check", api_row({"scrutineer": 200, "superuser": 200}), method="get"),
    _action(
        "paper-decisions",
        api_row({"scrutineer": 400, "superuser": 400}),
        lambda w: {"sequence": 1, "keys": "12", "reason": "字迹不清"},
    ),
    _action("paper-finalize", api_row({"scrutineer": 400, "superuser": 400})),
    # The chief scrutineer has no account here: the township's scrutineer may certify.
    _action("certify", api_row({"scrutineer": 400, "superuser": 400})),
]
