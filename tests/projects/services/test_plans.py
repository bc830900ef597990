"""projects.services.plans (plans, rounds, candidate list, outcome): writes, audit, refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import AuditEvent, RuleSet
from projects import services
from projects.models import (
    Candidate,
    ProjectStatus,
)

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_a_plan_copies_the_rounds_of_the_rule_set(world):
    plan = services.plan_create(
        actor=world.users["staff"], township=world.township, year=2027, slots=3
    )
    assert [r.name for r in plan.rounds.order_by("position")] == [
        "政府审查",
        "合法性审查",
        "主席团会议",
        "党政联席会议",
    ]
    assert plan.candidate_list.is_locked is False


def test_one_plan_per_township_and_year(world):
    services.plan_create(actor=world.users["staff"], township=world.township, year=2027, slots=3)
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=world.users["staff"], township=world.township, year=2027, slots=2
        )


def test_only_reserve_projects_are_put_forward(world):
    plan, projects = f.plan_with_projects(world, n=2)
    assert {p.status for p in projects} == {ProjectStatus.RESERVE}
    for p in projects:
        p.refresh_from_db()
        assert p.status == ProjectStatus.SHORTLISTING
    with pytest.raises(ValidationError):
        services.plan_add_projects(actor=world.users["staff"], plan=plan, projects=projects)


def test_only_projects_advanced_by_the_last_round_become_candidates(world):
    plan, projects = f.plan_with_projects(world, n=5, slots=3)
    staff = world.users["staff"]
    rounds = list(plan.rounds.order_by("position"))
    for i, p in enumerate(projects):
        decision = "reject" if i == 4 else "advance"
        services.round_record_decision(
            actor=staff, round=rounds[0], project=p, decision=decision, reason="审查意见"
        )
    projects[4].refresh_from_db()
    assert projects[4].status == ProjectStatus.RESERVE
    for rnd in rounds[1:-1]:
        for p in projects[:4]:
            services.round_record_decision(
                actor=staff, round=rnd, project=p, decision="advance", reason="同意"
            )
    assert not Candidate.objects.filter(candidate_list__plan=plan).exists()
    for p in projects[:3]:
        services.round_record_decision(
            actor=staff, round=rounds[-1], project=p, decision="advance", reason="同意"
        )
    services.round_record_decision(
        actor=staff, round=rounds[-1], project=projects[3], decision="hold", reason="资金未落实"
    )
    assert [c.project for c in plan.candidate_list.candidates.all()] == projects[:3]
    # A project that did not reach a round cannot be decided there.
    with pytest.raises(ValidationError):
        services.round_record_decision(
            actor=staff, round=rounds[1], project=projects[4], decision="advance", reason="x"
        )
    # Changing the last round's decision drops the candidate.
    services.round_record_decision(
        actor=staff, round=rounds[-1], project=projects[0], decision="hold", reason="再议"
    )
    assert [c.project for c in plan.candidate_list.candidates.all()] == projects[1:3]
    assert [c.position for c in plan.candidate_list.candidates.all()] == [1, 2]
    assert AuditEvent.objects.filter(action="round.decide").count() == 5 + 4 * 2 + 4 + 1


def test_competitive_list_with_candidates_equal_to_slots_is_refused(world):
    plan, projects = f.plan_with_projects(world, n=3, slots=3)
    f.advance_all(world, plan, projects)
    with pytest.raises(ValidationError) as exc:
        services.candidate_list_lock(actor=world.users["staff"], candidate_list=plan.candidate_list)
    assert "3" in exc.value.messages[0]
    plan.candidate_list.refresh_from_db()
    assert not plan.candidate_list.is_locked


def test_equal_list_needs_as_many_candidates_as_slots(world):
    RuleSet.objects.update_or_create(township=world.township, defaults={"vote_mode": "equal"})
    plan, projects = f.plan_with_projects(world, n=4, slots=3)
    f.advance_all(world, plan, projects)
    with pytest.raises(ValidationError):
        services.candidate_list_lock(actor=world.users["staff"], candidate_list=plan.candidate_list)
    services.plan_update(actor=world.users["staff"], plan=plan, slots=4)
    services.candidate_list_lock(actor=world.users["staff"], candidate_list=plan.candidate_list)


def test_locking_a_competitive_list_makes_candidates_and_freezes_it(world):
    plan, projects = f.plan_with_projects(world, n=4, slots=3)
    f.advance_all(world, plan, projects)
    staff = world.users["staff"]
    locked = services.candidate_list_lock(actor=staff, candidate_list=plan.candidate_list)
    assert locked.is_locked and locked.locked_by == staff
    for p in projects:
        p.refresh_from_db()
        assert p.status == ProjectStatus.CANDIDATE
    with pytest.raises(ValidationError):
        services.candidate_list_lock(actor=staff, candidate_list=plan.candidate_list)
    with pytest.raises(ValidationError):
        services.round_record_decision(
            actor=staff,
            round=plan.rounds.last(),
            project=projects[0],
            decision="hold",
            reason="x",
        )
    with pytest.raises(ValidationError):
        services.plan_update(actor=staff, plan=plan, slots=2)
    with pytest.raises(ValidationError):
        services.project_update(actor=staff, project=projects[0], title="改名")
    assert AuditEvent.objects.filter(action="candidate_list.lock").count() == 1


def test_only_staff_lock(world):
    plan, projects = f.plan_with_projects(world, n=4, slots=3)
    f.advance_all(world, plan, projects)
    for role in ("reviewer", "deputy", "staff_other", "teller"):
        with pytest.raises(PermissionDenied):
            services.candidate_list_lock(
                actor=world.users[role], candidate_list=plan.candidate_list
            )


def test_outcome_elects_or_returns_to_the_reserve(world):
    plan, projects = f.plan_with_projects(world, n=4, slots=3)
    f.advance_all(world, plan, projects)
    staff = world.users["staff"]
    services.candidate_list_lock(actor=staff, candidate_list=plan.candidate_list)
    services.project_mark_outcome(actor=staff, project=projects[0], elected=True)
    services.project_mark_outcome(actor=None, project=projects[1], elected=False)
    services.project_mark_outcome(actor=None, project=projects[1], elected=False)  # idempotent
    projects[0].refresh_from_db()
    projects[1].refresh_from_db()
    assert projects[0].status == ProjectStatus.ELECTED
    assert projects[1].status == ProjectStatus.RESERVE
    assert [c.to_status for c in projects[1].status_changes.all()] == [
        "reserve",
        "shortlisting",
        "candidate",
        "reserve",
    ]
    with pytest.raises(ValidationError):
        services.project_mark_outcome(actor=staff, project=projects[1], elected=True)
