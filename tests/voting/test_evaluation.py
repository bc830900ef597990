"""The satisfaction evaluation runs on the same secret-ballot machinery as the project vote:
codes, electronic and paper ballots, reconciliation, count, certification, publication."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from congress import services as congress_services
from congress.models import AttendanceStatus, Role, RuleSet
from voting import services
from voting.models import Ballot, EvaluationResult, Vote

from ..factories import SessionFactory, user_with_role
from .ceremony import open_box_and_count, open_with_ceremony, present_slips
from .services.helpers import voted as _voted


def _published_plan_vote(world):
    ballots = ["YYYN"] * 4 + ["YYNY"] * 4 + ["YY--"] * 2  # only 1 and 2 pass (10 in office)
    vote, result = _voted(world, ballots)
    services.vote_certify(actor=world.users["superuser"], vote=vote)
    services.vote_publish(actor=world.users["staff"], vote=vote)
    return vote


def _next_session(world, present=9):
    session = SessionFactory(term=world.term, number=9)
    staff = world.users["staff"]
    congress_services.session_open_roll(actor=staff, session=session)
    for row in list(session.attendance.order_by("deputy_id"))[:present]:
        congress_services.attendance_set(
            actor=staff,
            session=session,
            deputy_id=row.deputy_id,
            status=AttendanceStatus.PRESENT,
        )
    return session


def _evaluation(world, **rules):
    vote = _published_plan_vote(world)
    if rules:
        # Staff save the rules (reads never create them: congress.selectors.ruleset_for).
        RuleSet.objects.update_or_create(township=world.township, defaults=rules)
    session = _next_session(world)
    evaluation = services.evaluation_create(
        actor=world.users["staff"], session=session, plan=vote.candidate_list.plan
    )
    return evaluation


def _run(world, evaluation, ballots, *, paper_issued=0):
    staff = world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=evaluation, spares=0)
    services.vote_record_issued(
        actor=staff, vote=evaluation, slips_issued=len(ballots), paper_issued=paper_issued
    )
    open_with_ceremony(staff, evaluation)
    for code, choices in zip(codes, ballots, strict=False):
        services.ballot_cast(vote_id=evaluation.pk, typed_code=code, choices=choices)
    return codes


def test_evaluation_covers_the_elected_projects_with_rules_copied(world):
    evaluation = _evaluation(world, evaluation_sub_items=["进度", "质量"])
    assert evaluation.kind == "evaluation"
    titles = [c.title for c in evaluation.candidates.all()]
    assert titles == ["东河村道路路灯安装", "西岭村饮水工程改造"]  # the two elected (10 in office)
    assert evaluation.evaluation_rules["sub_items"] == ["进度", "质量"]
    assert evaluation.evaluation_rules["half_counts"] is True
    RuleSet.objects.update_or_create(
        township=world.township, defaults={"evaluation_half_counts": False}
    )
    evaluation.refresh_from_db()
    assert evaluation.evaluation_rules["half_counts"] is True  # copied, not live


def test_a_plan_without_a_published_vote_cannot_be_evaluated(world):
    from .conftest import make_candidate_list

    clist = make_candidate_list(world.township, year=2030)
    with pytest.raises(ValidationError):
        services.evaluation_create(
            actor=world.users["staff"], session=world.session, plan=clist.plan
        )


def test_evaluation_grades_counts_and_paper(world):
    """8 electronic ballots and 1 paper ballot (double-entered); the second project lands
    exactly on half its base for 满意+基本满意 (basic), the first is satisfied."""
    evaluation = _evaluation(world)
    electronic = ["SB", "SB", "SU", "SU", "SB", "BU", "UU", "--"]
    _run(world, evaluation, electronic, paper_issued=1)
    staff = world.users["staff"]
    with pytest.raises(services.BallotRefused):  # 弃权 not allowed by default
        services.ballot_cast(vote_id=evaluation.pk, typed_code="X", choices="AS")
    services.vote_close(actor=staff, vote=evaluation)
    services.paper_entry_save(
        actor=world.users["teller"], vote=evaluation, slot="A", sequence=1, keys="12"
    )
    teller_b = user_with_role(Role.TELLER, township=world.township, username="teller_eval")
    services.paper_entry_save(actor=teller_b, vote=evaluation, slot="B", sequence=1, keys="12")
    services.paper_finalize(actor=world.users["scrutineer"], vote=evaluation)
    result = open_box_and_count(staff, evaluation)
    assert (result.returned, result.valid, result.blank) == (9, 9, 1)
    rows = list(EvaluationResult.objects.filter(vote_result=result))
    # project 1: S S S S S B U - S(paper) → 6 satisfied of 9 returned: ≥ half → satisfied
    assert (rows[0].satisfied, rows[0].basic, rows[0].unsatisfied, rows[0].abstain) == (6, 1, 1, 1)
    assert rows[0].grade == "satisfied"
    # project 2: B U U B U U - B(paper) ... satisfied 0, basic 3 + 0... → basic if ≥ 4.5
    assert (rows[1].satisfied, rows[1].basic, rows[1].unsatisfied) == (0, 4, 4)
    assert rows[1].grade == "unsatisfied"  # 4 of 9 is less than half
    services.vote_certify(actor=world.users["scrutineer"], vote=evaluation)
    services.vote_publish(actor=staff, vote=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == "published"


def test_ballot_page_shows_grades_and_casts(world):
    evaluation = _evaluation(world, evaluation_allows_abstain=True, evaluation_sub_items=["质量"])
    codes = _run(world, evaluation, [])
    client = Client()
    page = client.post(reverse("voting:ballot"), {"code": codes[0]})
    html = page.content.decode()
    assert "满意" in html and "基本满意" in html and "弃权" in html
    assert "东河村道路路灯安装，质量" in html  # sub-item choices have accessible names
    review = client.post(
        reverse("voting:ballot_review"),
        {"vote": evaluation.pk, "code": codes[0], "c1": "S", "c2": "B", "c1_0": "U", "c2_0": "A"},
    )
    assert review.context["choices"] == "SBUA"
    cast = client.post(
        reverse("voting:ballot_cast"), {"vote": evaluation.pk, "code": codes[0], "choices": "SBUA"}
    )
    assert cast.status_code == 200
    assert not Ballot.objects.filter(vote=evaluation).exists()  # sealed until the count
    services.vote_close(actor=world.users["staff"], vote=evaluation)
    present_slips(world.users["scrutineer"], evaluation)
    assert Ballot.objects.get(vote=evaluation).choices == "SBUA"


def test_results_page_shows_rates_with_two_decimals(world):
    evaluation = _evaluation(world)
    _run(world, evaluation, ["SB"] * 7 + ["BU"])
    staff = world.users["staff"]
    services.vote_close(actor=staff, vote=evaluation)
    open_box_and_count(staff, evaluation)
    page = world.client("staff").get(reverse("voting:results", args=[evaluation.pk]))
    html = page.content.decode()
    assert "87.50%" in html  # 7 of 8 satisfied
    assert "满意率" in html
    assert "测评结果" in html and "测评有效" in html
    assert Vote.objects.get(pk=evaluation.pk).result.evaluations.count() == 2
