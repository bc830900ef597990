"""A county congress runs its own projects stage (issue 17): intake, the reserve, the annual
plan with its configurable rounds, the locked candidate list; townships refer suggestions to
the county reserve (转县级) and the resident's receipt follows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from congress.audit import AuditAction
from congress.models import AuditEvent, Prefecture, Role, RuleSet
from projects import services
from projects.models import AnnualPlan, Project, ProjectStatus, Suggestion, SuggestionStatus
from tests.factories import DeputyFactory, user_with_county_role
from tests.projects import factories as pf

COUNTY_ROUNDS = ["政府常务会议", "常委会会议", "县委常委会"]


@pytest.fixture
def county_staff(world):
    return user_with_county_role(Role.STAFF, county=world.county, username="staff_qs")


@pytest.fixture
def county_rules(world):
    return RuleSet.objects.create(county=world.county, shortlisting_rounds=COUNTY_ROUNDS)


def _county_project(world, staff, title, **fields):
    fields.setdefault("content", "县级民生项目")
    return services.project_create(actor=staff, county=world.county, title=title, **fields)


def test_a_project_belongs_to_exactly_one_body(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(
            title="两头都有", content="x", township=world.township, county=world.county
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(title="两头都没有", content="x")


def test_county_staff_run_the_county_shortlisting_to_a_locked_list(
    world, county_staff, county_rules
):
    plan = services.plan_create(actor=county_staff, county=world.county, year=2027, slots=10)
    assert plan.body == world.county and plan.township is None
    assert [r.name for r in plan.rounds.order_by("position")] == COUNTY_ROUNDS
    projects = [_county_project(world, county_staff, f"县级项目{i}") for i in range(15)]
    services.plan_add_projects(actor=county_staff, plan=plan, projects=projects)
    rounds = list(plan.rounds.order_by("position"))
    # 政府常务会议 screens 15 to 13; the two later rounds advance the 13.
    for i, project in enumerate(projects):
        decision = "reject" if i >= 13 else "advance"
        services.round_record_decision(
            actor=county_staff, round=rounds[0], project=project, decision=decision, reason="审议"
        )
    for rnd in rounds[1:]:
        for project in projects[:13]:
            services.round_record_decision(
                actor=county_staff, round=rnd, project=project, decision="advance", reason="同意"
            )
    clist = plan.candidate_list
    assert clist.candidates.count() == 13
    services.candidate_list_lock(actor=county_staff, candidate_list=clist)
    clist.refresh_from_db()
    assert clist.is_locked
    assert Project.objects.filter(county=world.county, status=ProjectStatus.CANDIDATE).count() == 13
    assert Project.objects.filter(county=world.county, status=ProjectStatus.RESERVE).count() == 2
    lock = AuditEvent.objects.get(action=AuditAction.CANDIDATE_LIST_LOCK)
    assert lock.county == world.county and lock.township is None


def test_township_staff_cannot_touch_the_county_plan(world, county_staff):
    plan = services.plan_create(actor=county_staff, county=world.county, year=2027, slots=3)
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=world.users["staff"], plan=plan, slots=5)
    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=world.users["staff"], county=world.county, title="x", content="y"
        )
    # and county staff cannot touch a township's
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=county_staff, township=world.township, year=2027, slots=3)


def test_a_township_project_cannot_enter_the_county_plan(world, county_staff):
    plan = services.plan_create(actor=county_staff, county=world.county, year=2027, slots=3)
    township_project = pf.project(world)
    with pytest.raises(ValidationError):
        services.plan_add_projects(actor=county_staff, plan=plan, projects=[township_project])


def test_county_deputies_suggestions_enter_the_county_intake(world, county_staff):
    county_deputy = DeputyFactory(township=world.township, name="县代表甲", is_county_deputy=True)
    suggestion = services.suggestion_create(
        actor=county_staff,
        county=world.county,
        channel="village_meeting",
        deputy=county_deputy,
        title="县城至青石镇公路改造",
        content="道路狭窄，需要拓宽",
    )
    assert suggestion.body == world.county
    # a deputy who holds no county seat does not receive the county's suggestions
    with pytest.raises(ValidationError):
        services.suggestion_create(
            actor=county_staff,
            county=world.county,
            channel="village_meeting",
            deputy=world.deputy,
            title="x",
            content="y",
        )
    project = services.suggestions_merge(
        actor=county_staff, county=world.county, suggestion_ids=[suggestion.pk]
    )
    assert project.county == world.county


def test_township_refers_a_suggestion_to_the_county_and_the_receipt_follows(
    world, county_staff, client
):
    original = pf.suggestion(world, title="新建县级医院分院", content="需要投资一个亿")
    referred = services.suggestion_refer(
        actor=world.users["staff"], suggestion=original, reply="已转县人大"
    )
    original.refresh_from_db()
    assert original.status == SuggestionStatus.REFERRED
    assert referred.county == world.county and referred.referred_from == original
    assert referred.status == SuggestionStatus.RECEIVED
    assert referred.receipt_code != original.receipt_code
    event = AuditEvent.objects.get(action=AuditAction.SUGGESTION_REFER)
    assert event.township == world.township and event.county == world.county
    # the township can neither refer it again nor merge it any more
    with pytest.raises(ValidationError):
        services.suggestion_refer(actor=world.users["staff"], suggestion=original)
    with pytest.raises(ValidationError):
        services.suggestions_merge(
            actor=world.users["staff"], township=world.township, suggestion_ids=[original.pk]
        )
    # the county staff see it in their intake with where it came from
    client.force_login(county_staff)
    page = client.get(reverse("projects:county_suggestion_list", args=[world.county.pk]))
    assert page.status_code == 200
    assert "新建县级医院分院" in page.text and "青石镇" in page.text
    # the county merges it; the resident's receipt shows the county and its project
    project = services.suggestions_merge(
        actor=county_staff, county=world.county, suggestion_ids=[referred.pk]
    )
    client.logout()
    receipt = client.get(reverse("projects:receipt_detail", args=[original.receipt_code]))
    assert receipt.status_code == 200
    assert 'data-testid="referral"' in receipt.text
    assert "青山县" in receipt.text
    assert project.title in receipt.text


def test_only_the_townships_staff_refer(world, county_staff):
    original = pf.suggestion(world)
    for actor in (county_staff, world.users["reviewer"], world.users["staff_other"]):
        with pytest.raises(PermissionDenied):
            services.suggestion_refer(actor=actor, suggestion=original)
    assert Suggestion.objects.filter(county=world.county).count() == 0


def test_the_county_pages_name_the_county_and_hide_from_township_staff(world, county_staff, client):
    project = _county_project(world, county_staff, "县城污水管网改造")
    plan = services.plan_create(actor=county_staff, county=world.county, year=2027, slots=3)
    client.force_login(county_staff)
    for url in (
        reverse("projects:county_project_list", args=[world.county.pk]),
        reverse("projects:county_plan_list", args=[world.county.pk]),
        reverse("projects:plan_detail", args=[plan.pk]),
        reverse("projects:project_detail", args=[project.pk]),
        reverse("projects:candidate_list", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "青山县" in response.text, url
    congress_page = client.get(reverse("congress:county_congress", args=[world.county.pk]))
    assert reverse("projects:county_project_list", args=[world.county.pk]) in congress_page.text
    assert reverse("projects:candidate_list", args=[plan.pk]) in congress_page.text
    # township staff of the county: 404 on the county's pages; county staff: 404 on theirs
    client.force_login(world.users["staff"])
    assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 404
    assert client.get(reverse("projects:plan_detail", args=[plan.pk])).status_code == 404
    client.force_login(county_staff)
    assert client.get(reverse("projects:project_list", args=[world.township.pk])).status_code == 404


def test_reviewers_read_the_county_projects_beside_the_townships(world, county_staff, client):
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    world.county.prefecture = prefecture
    world.county.save(update_fields=["prefecture"])
    prefecture_reviewer = user_with_county_role(
        Role.REVIEWER, prefecture=prefecture, username="rev_qz"
    )
    county_project = _county_project(world, county_staff, "县城污水管网改造")
    township_project = pf.project(world)
    for reviewer in (world.users["reviewer"], prefecture_reviewer):
        client.force_login(reviewer)
        for project in (county_project, township_project):
            assert (
                client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 200
            )
        assert (
            client.get(
                reverse("projects:county_project_create", args=[world.county.pk])
            ).status_code
            == 403
        )
    client.force_login(world.users["reviewer_other"])
    assert (
        client.get(reverse("projects:project_detail", args=[county_project.pk])).status_code == 404
    )


def test_a_county_plan_year_is_unique_per_county(world, county_staff):
    services.plan_create(actor=county_staff, county=world.county, year=2027, slots=3)
    with pytest.raises(ValidationError):
        services.plan_create(actor=county_staff, county=world.county, year=2027, slots=3)
    # the county's own plan does not block a township's plan for the same year
    services.plan_create(actor=world.users["staff"], township=world.township, year=2027, slots=3)
    assert AnnualPlan.objects.filter(year=2027).count() == 2


def test_the_demo_county_has_13_locked_candidates_for_its_4th_session(db, client):
    """青山县's own 2026 plan: 16 gathered, 政府常务会议 → 常委会会议 → 县委常委会, 13
    candidates locked for the 13→10 vote; one project came from 青石镇 (转县级); idempotent."""
    from congress.demo import load_demo as load_congress_demo
    from projects.demo import load_demo

    load_congress_demo()
    load_demo()
    plan = AnnualPlan.objects.get(county__code="330999", year=2026)
    assert plan.slots == 10
    assert [r.name for r in plan.rounds.order_by("position")] == COUNTY_ROUNDS
    assert plan.entries.count() == 16
    assert plan.candidate_list.is_locked
    assert plan.candidate_list.candidates.count() == 13
    referred = Suggestion.objects.get(county=plan.county, referred_from__isnull=False)
    assert referred.referred_from.township.code == "330999101"
    assert referred.status == SuggestionStatus.MERGED
    counts = (Project.objects.filter(county=plan.county).count(), Suggestion.objects.count())
    load_demo()
    assert (
        Project.objects.filter(county=plan.county).count(),
        Suggestion.objects.count(),
    ) == counts
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="staff_qingshan"))
    page = client.get(reverse("projects:candidate_list", args=[plan.pk]))
    assert page.status_code == 200 and "青山县" in page.text
