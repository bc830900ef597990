"""Services of stages 1–2: what they write, what they audit, what they refuse."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import AuditEvent, RuleSet
from projects import services
from projects.models import (
    Candidate,
    ProjectStatus,
    SuggestionStatus,
)

from . import factories as f

pytestmark = pytest.mark.django_db


def test_public_submission_goes_to_the_deputy_of_the_qr_code(world):
    link = f.deputy_link(world)
    s = services.suggestion_submit_public(
        link=link, title="村里道路安装路灯", content="晚上太黑", proposer_phone="13900000000"
    )
    assert s.deputy == world.deputy and s.channel == "deputy_qr"
    assert s.status == SuggestionStatus.RECEIVED
    assert len(s.receipt_code) == 11
    assert "道路" in s.tokens
    event = AuditEvent.objects.get(action="suggestion.submit", object_id=str(s.pk))
    assert "13900000000" not in str(event.after)


def test_public_submission_through_a_station(world):
    station = services.station_create(
        actor=world.users["staff"], township=world.township, name="东河村代表联络站"
    )
    s = services.suggestion_submit_public(
        link=station.intake_link, title="修水渠", content="灌溉用水不够"
    )
    assert s.station == station and s.channel == "station" and s.deputy is None


def test_an_inactive_link_refuses(world):
    link = f.deputy_link(world)
    link.is_active = False
    link.save()
    with pytest.raises(ValidationError):
        services.suggestion_submit_public(link=link, title="x", content="y")


def test_receipt_codes_are_unique(world):
    codes = {f.suggestion(world, title=f"建议{i}").receipt_code for i in range(20)}
    assert len(codes) == 20


def test_a_deputy_enters_suggestions_as_the_receiving_deputy(world):
    s = services.suggestion_create(
        actor=world.users["deputy"],
        township=world.township,
        channel="door_to_door",
        deputy=world.deputy_other,  # ignored: a deputy enters as themselves
        title="修桥",
        content="石桥年久失修",
    )
    assert s.deputy == world.deputy and s.entered_by == world.users["deputy"]


@pytest.mark.parametrize("role", ["teller", "reviewer", "staff_other", "government"])
def test_others_cannot_enter_suggestions(world, role):
    with pytest.raises(PermissionDenied):
        services.suggestion_create(
            actor=world.users[role],
            township=world.township,
            channel="letter",
            title="x",
            content="y",
        )


def test_a_village_of_another_township_is_refused(world):
    other = world.township_other.villages.first()
    with pytest.raises(ValidationError):
        f.suggestion(world, village=other)


def test_merging_two_suggestions_makes_one_project(world):
    a = f.suggestion(world, title="修建村道路灯", village=world.village)
    b = f.suggestion(world, title="村里道路安装路灯")
    project = services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk, b.pk],
        reply="已纳入项目储备库",
    )
    assert project.title == "修建村道路灯"
    assert list(project.villages.all()) == [world.village]
    assert set(project.suggestions.all()) == {a, b}
    a.refresh_from_db()
    assert a.status == SuggestionStatus.MERGED and a.reply == "已纳入项目储备库"
    assert AuditEvent.objects.filter(action="suggestion.merge").count() == 2
    assert project.status_changes.get().to_status == ProjectStatus.RESERVE


def test_merging_into_an_existing_project(world):
    project = f.project(world)
    a = f.suggestion(world, village=world.village)
    services.suggestions_merge(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        project=project,
    )
    assert project.suggestions.get() == a
    assert world.village in project.villages.all()


def test_a_merged_suggestion_is_not_merged_or_rejected_again(world):
    a = f.suggestion(world)
    services.suggestions_merge(
        actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
    )
    with pytest.raises(ValidationError):
        services.suggestions_merge(
            actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
        )
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"],
            township=world.township,
            suggestion_ids=[a.pk],
            reason="楼堂馆所建设",
        )


def test_merge_refuses_suggestions_of_another_township(world):
    a = f.suggestion(world)
    with pytest.raises(PermissionDenied):
        services.suggestions_merge(
            actor=world.users["staff_other"], township=world.township, suggestion_ids=[a.pk]
        )
    with pytest.raises(ValidationError):
        services.suggestions_merge(
            actor=world.users["staff_other"],
            township=world.township_other,
            suggestion_ids=[a.pk],
        )


def test_reject_with_a_listed_reason_and_a_reply(world):
    a = f.suggestion(world)
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="楼堂馆所建设",
        reply="办公楼建设不属于民生实事项目范围。",
    )
    a.refresh_from_db()
    assert a.status == SuggestionStatus.REJECTED
    assert a.rejection_reason == "楼堂馆所建设"
    assert AuditEvent.objects.filter(action="suggestion.reject", object_id=str(a.pk)).exists()


def test_reject_refuses_a_reason_not_on_the_list_and_no_reason_at_all(world):
    a = f.suggestion(world)
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"],
            township=world.township,
            suggestion_ids=[a.pk],
            reason="看着不顺眼",
        )
    with pytest.raises(ValidationError):
        services.suggestions_reject(
            actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk], reason=""
        )
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="",
        reply="已由县交通局统一实施。",
    )


def test_a_rejected_suggestion_may_be_reconsidered_and_merged(world):
    a = f.suggestion(world)
    services.suggestions_reject(
        actor=world.users["staff"],
        township=world.township,
        suggestion_ids=[a.pk],
        reason="停建缓建项目",
    )
    services.suggestions_merge(
        actor=world.users["staff"], township=world.township, suggestion_ids=[a.pk]
    )
    a.refresh_from_db()
    assert a.status == SuggestionStatus.MERGED and a.rejection_reason == ""


# --- plans, rounds, candidate lists ----------------------------------------------------------


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


def test_a_negative_investment_is_refused(world):
    with pytest.raises(ValidationError):
        f.project(world, estimated_investment=-1)
