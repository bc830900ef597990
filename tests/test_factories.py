"""The factories build what the services build: each stateful object reaches its state by the
actions a user would take, leaving the same history and audit rows (tests/factories/)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from congress.models import AuditEvent
from tests.factories import (
    BookingFactory,
    DelegationFactory,
    DutyDayFactory,
    EvaluationFactory,
    InspectionFactory,
    ProgressReportFactory,
    ReceptionFactory,
    SessionFactory,
    StationFactory,
    VoteFactory,
    ballots_with,
    implementation_plan,
)

pytestmark = pytest.mark.django_db


def test_ballots_with_gives_each_candidate_its_approvals_within_the_limit():
    ballots = ballots_with([26, 25, 24, 9], voters=28, limit=3)
    assert len(ballots) == 28
    assert [sum(b[j] == "Y" for b in ballots) for j in range(4)] == [26, 25, 24, 9]
    assert max(b.count("Y") for b in ballots) <= 3
    with pytest.raises(ValueError):
        ballots_with([26, 25, 24, 10], voters=28, limit=3)  # 85 approvals > 28 × 3


def test_session_roll_is_taken_through_the_services():
    session = SessionFactory(roll={"in_office": 6, "present": 4, "on_leave": 1})
    statuses = sorted(session.attendance.values_list("status", flat=True))
    assert statuses == ["absent"] + ["leave"] + ["present"] * 4
    assert AuditEvent.objects.filter(action="session.open_roll").exists()


def test_a_published_vote_goes_the_whole_way_and_elects_by_the_ballots():
    from voting.models import CandidateResult, VoteStatus

    ballots = ["YYYN"] * 3 + ["YYNY"] * 2 + ["NNYY"]
    vote = VoteFactory(status="published", ballots=ballots)
    assert vote.status == VoteStatus.PUBLISHED and vote.is_sealed and vote.box_opened_at
    result = vote.result
    assert (result.due, result.present, result.returned, result.valid) == (6, 6, 6, 6)
    yes = dict(
        CandidateResult.objects.filter(vote_result=result).values_list("candidate__position", "yes")
    )
    assert yes == {1: 5, 2: 5, 3: 4, 4: 3}
    elected = {
        cr.candidate.project.status
        for cr in CandidateResult.objects.filter(vote_result=result, elected=True)
    }
    assert elected == {"implementing"}  # published: elected, each with an implementation plan
    actions = set(
        AuditEvent.objects.filter(object_id=str(vote.pk)).values_list("action", flat=True)
    )
    assert {"vote.create", "vote.open", "vote.close", "vote.count", "vote.certify"} <= actions
    assert "vote.publish" in actions


@pytest.mark.parametrize("status", ["draft", "open", "closed", "counted", "certified"])
def test_a_vote_stops_at_the_state_asked_for(status):
    vote = VoteFactory(status=status, ballots=["YYYN"] * 3)
    assert vote.status == status
    if status == "open":
        assert len(vote.unused_codes) == 3  # three spares, the three present used theirs


def test_an_evaluation_rates_the_elected_projects():
    from voting.models import EvaluationResult

    evaluation = EvaluationFactory(status="published", ballots=["SSS", "SSB", "SBU"])
    grades = list(
        EvaluationResult.objects.filter(vote_result__vote=evaluation)
        .order_by("candidate__position")
        .values_list("satisfied", "basic", "unsatisfied")
    )
    assert grades == [(3, 0, 0), (2, 1, 0), (1, 1, 1)]


def test_supervision_records_through_the_services():
    vote = VoteFactory(status="published", ballots=["YYYN"] * 3)
    project = vote.candidates.get(position=1).project
    plan = implementation_plan(project, budget=150)
    assert plan.budget == 150 and plan.milestones.count() == 6
    report = ProgressReportFactory(project=project, percent_complete=40)
    assert report.percent_complete == 40
    inspection = InspectionFactory(project=project, problems=["护栏缺失"])
    assert inspection.project.ledger_items.filter(title="护栏缺失", status="recorded").exists()
    assert project.supervision_group.is_confirmed


def test_station_day_booking_and_reception_through_the_services():
    from projects.models import IntakeLink

    station = StationFactory()
    assert (
        IntakeLink.objects.filter(station=station).exists()
        and station.profile.deputies.count() == 2
    )
    day = DutyDayFactory(station=station, date=timezone.localdate() + datetime.timedelta(days=7))
    assert day.published and day.deputies.count() == 2
    booking = BookingFactory(duty_day=day)
    assert booking.status == "booked"
    reception = ReceptionFactory(
        station=station, duty_day=day, date=day.date, bookings=[booking], matters=["路灯不亮"]
    )
    booking.refresh_from_db()
    assert booking.status == "received" and reception.matters.count() == 1


def test_a_delegation_seats_county_deputies():
    delegation = DelegationFactory()
    assert delegation.memberships.count() == 3
    assert AuditEvent.objects.filter(action__startswith="delegation.").exists()
