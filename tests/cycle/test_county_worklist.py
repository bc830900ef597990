"""A county congress's own cycle on the home page's work list (issue 17): the county's staff
find their suggestions to triage, rounds to decide, votes to set up and run, concentrated
supervisions (集中督查) due, reports to hear and overdue hand-overs; a county teller finds
their pair's paper batch; the county's and the prefecture's reviewers find the county's
overdue hand-overs beside the townships'. Each item names the county congress and opens for
that person. Township staff see no county item, county staff none of a township. The
query count does not grow with the number of items."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from congress import worklist as w
from congress.models import Prefecture, Role
from cycle.worklist import COUNTY_STAFF_TITLE, tasks_for, worklist_for
from projects import services as project_services
from supervision import services as supervision_services
from tests.factories import (
    CountyTermFactory,
    SessionFactory,
    SuggestionFactory,
    VoteFactory,
    locked_list,
    staff_of,
    user_with_county_role,
)
from tests.voting.test_county_vote import county_world, set_up_vote
from voting import services as voting_services
from voting.services.delegations import paper_batch_assign, vote_record_delegation_counts

TODAY = timezone.localdate


def _assert_opens(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _by_kind(user, **kw) -> dict[str, list[w.Task]]:
    out: dict[str, list[w.Task]] = {}
    for t in tasks_for(user, **kw):
        out.setdefault(t.kind, []).append(t)
    return out


def _county_suggestion(county, title="县城至青石镇公路改造"):
    return project_services.suggestion_create(
        actor=staff_of(county),
        county=county,
        channel="village_meeting",
        title=title,
        content="道路狭窄，需要拓宽",
    )


def _county_plan_put_forward(county, *, year, titles=("县图书馆新馆", "县体育馆改造")):
    """A county plan of ``year`` with reserve projects put forward: its first round to decide."""
    staff = staff_of(county)
    projects = [
        project_services.project_create(
            actor=staff,
            county=county,
            title=title,
            content=title,
            estimated_investment=2000,
            implementing_body="县住建局",
            deadline=datetime.date(year, 12, 31),
        )
        for title in titles
    ]
    plan = project_services.plan_create(actor=staff, county=county, year=year, slots=1)
    project_services.plan_add_projects(actor=staff, plan=plan, projects=projects)
    return plan


def _county_elected(county, title):
    """A county project taken to elected through the projects services (the county vote's
    steps; the vote itself is built elsewhere)."""
    staff = staff_of(county)
    project = project_services.project_create(
        actor=staff,
        county=county,
        title=title,
        content=title,
        estimated_investment=3000,
        implementing_body="县住建局",
        deadline=datetime.date(TODAY().year + 1, 12, 31),
    )
    for status in ("shortlisting", "candidate", "elected"):
        project_services.project_set_status(
            actor=staff, project=project, status=status, note="test"
        )
    return project


def _handed_over(project, title, *, staff, deadline):
    return supervision_services.item_create(
        actor=staff, project=project, title=title, department="县住建局", deadline=deadline
    )


def _report(project, *, on):
    return supervision_services.progress_report_submit(
        actor=staff_of(project.county),
        project=project,
        period=f"{on.year}年{on.month}月",
        reported_on=on,
        invested=100,
        percent_complete=20,
        status="on_track",
    )


# ---------------------------------------------------------------------------------------------
# The county's staff


def test_county_staff_find_the_county_congress_work_and_each_page_opens(world, client):
    county = world.county
    staff = staff_of(county)
    year = TODAY().year
    _county_suggestion(county)
    _county_suggestion(county, "县城增设公交站")
    _county_plan_put_forward(county, year=year + 1)
    locked_list(county, year=year + 2, slots=3)  # locked, no vote yet
    session = SessionFactory(
        term=CountyTermFactory(county=county), date=TODAY() + datetime.timedelta(days=20)
    )
    VoteFactory(session=session, year=year + 3, status="draft", title="县级民生实事项目票决")
    project = _county_elected(county, "县城污水管网改造")
    _handed_over(project, "管网验收资料缺失", staff=staff, deadline=TODAY())
    later = TODAY() + datetime.timedelta(days=3)  # the hand-over is overdue by then

    tasks = _by_kind(staff, today=later)
    assert {t.section for ts in tasks.values() for t in ts} == {w.STAFF}
    triage = tasks["triage"][0]
    assert triage.count == 2
    assert triage.url.startswith(reverse("projects:county_suggestion_list", args=[county.pk]))
    assert "青山县" in tasks["round"][0].where
    assert tasks["vote_setup"][0].url == reverse("voting:vote_create", args=[session.pk])
    assert tasks["vote_prepare"][0].where.startswith("青山县")
    assert "县级民生实事项目票决" in tasks["vote_prepare"][0].where
    overdue = tasks["handover_overdue"][0]
    assert overdue.overdue and "管网验收资料缺失" in overdue.what
    assert "青山县" in overdue.where and "县城污水管网改造" in overdue.where
    client.force_login(staff)
    for kind in ("triage", "round", "vote_setup", "vote_prepare", "handover_overdue"):
        for t in tasks[kind]:
            assert "青山县" in t.where, (kind, t.where)
            _assert_opens(client, t.url)


def test_county_staff_are_told_of_the_concentrated_supervision_and_reports_to_hear(world, client):
    """集中督查 every two months from March on the 15th (the defaults): 15 May, passed
    unrecorded, can still be recorded until July's window opens a week before 15 July; from
    then July's is due (a round recorded then counts for July, once). A progress
    report that no hearing (听取审议) has heard since is waiting to be heard; once a hearing
    hears it, it is not."""
    county = world.county
    staff = staff_of(county)
    project = _county_elected(county, "县人民医院发热门诊")
    year = TODAY().year - 1  # last year's rounds: a round may be recorded on any of its days
    early_july, july = datetime.date(year, 7, 5), datetime.date(year, 7, 10)
    tasks = [t for t in tasks_for(staff, today=early_july) if t.kind == "round_due"]
    assert [(t.due, t.overdue) for t in tasks] == [(datetime.date(year, 5, 15), True)]
    assert tasks[0].url == reverse("supervision:round_create", args=[county.pk])
    due = [t for t in tasks_for(staff, today=july) if t.kind == "round_due"]
    assert [(t.due, t.overdue) for t in due] == [(datetime.date(year, 7, 15), False)]
    assert all(t.where.startswith("青山县") for t in tasks + due)
    # In June only May's is listed (July is a month away); in August only July's: May's can
    # no longer be recorded (a round recorded now counts for July).
    june, august = datetime.date(year, 6, 1), datetime.date(year, 8, 1)
    assert [t.due for t in tasks_for(staff, today=june) if t.kind == "round_due"] == [
        datetime.date(year, 5, 15)
    ]
    assert [t.due for t in tasks_for(staff, today=august) if t.kind == "round_due"] == [
        datetime.date(year, 7, 15)
    ]
    # Recorded in July: nothing left to do until September's comes near.
    supervision_services.round_record(
        actor=staff, county=county, date=datetime.date(year, 7, 20), projects=[project]
    )
    assert [t for t in tasks_for(staff, today=august) if t.kind == "round_due"] == []

    assert "hearing_due" not in [t.kind for t in tasks_for(staff, today=july)]
    _report(project, on=TODAY())
    heard = [t for t in tasks_for(staff, today=TODAY()) if t.kind == "hearing_due"]
    assert len(heard) == 1 and heard[0].count == 1
    client.force_login(staff)
    _assert_opens(client, heard[0].url)
    _assert_opens(client, tasks[0].url)
    supervision_services.hearing_record(
        actor=staff,
        county=county,
        date=TODAY(),
        body="directors",
        projects=[project],
        opinions="加快进度",
    )
    assert "hearing_due" not in [t.kind for t in tasks_for(staff, today=TODAY())]


def test_the_home_page_shows_the_county_staff_their_section(world, client):
    county = world.county
    staff = user_with_county_role(Role.STAFF, county=county, username="county_staff_home")
    client.force_login(staff)
    html = _assert_opens(client, reverse("home")).content.decode()
    # Nothing yet: the list says so, and no "no role yet" notice.
    assert 'data-testid="worklist-empty"' in html
    assert 'class="alert alert-info"' not in html  # not "your account has no role yet"
    _county_suggestion(county)
    html = _assert_opens(client, reverse("home")).content.decode()
    assert 'data-section="staff"' in html and 'data-task="triage"' in html
    [section] = worklist_for(type(staff).objects.get(pk=staff.pk))
    assert section.title == str(COUNTY_STAFF_TITLE) and escape(section.title) in html
    assert "青山县" in html
    assert reverse("projects:county_suggestion_list", args=[county.pk]) in html


# ---------------------------------------------------------------------------------------------
# The county's tellers and scrutineers


def test_a_county_teller_finds_their_pairs_paper_batch(world, client):
    cw = county_world(world)
    vote = set_up_vote(cw)
    d1, d2, d3, d4 = cw.delegations
    t1, t2, t3, t4 = cw.tellers
    for number, (first, second), delegations in (
        (1, (t1, t2), [d1, d2]),
        (2, (t3, t4), [d3, d4]),
    ):
        paper_batch_assign(
            actor=cw.staff,
            vote=vote,
            number=number,
            first_teller=first,
            second_teller=second,
            delegation_ids=[d.pk for d in delegations],
        )
    voting_services.vote_switch_to_paper(actor=cw.staff, vote=vote)
    vote_record_delegation_counts(
        actor=cw.staff, vote=vote, counts={d.pk: (0, 4, 1) for d in cw.delegations}
    )
    voting_services.vote_open(actor=cw.staff, vote=vote)
    voting_services.vote_close(actor=cw.staff, vote=vote)
    vote.refresh_from_db()

    first = [t for t in tasks_for(t1) if t.section == w.TELLER]
    assert [t.kind for t in first] == ["paper_batch_entry"]
    assert first[0].url == reverse("voting:paper_batch_entry", args=[vote.pk, 1, "A"])
    assert first[0].where.startswith("青山县")
    client.force_login(t1)
    _assert_opens(client, first[0].url)
    third = [t for t in tasks_for(t3) if t.section == w.TELLER]
    assert [t.url for t in third] == [reverse("voting:paper_batch_entry", args=[vote.pk, 2, "A"])]

    # Once t1 keys sequence A, their partner is sent to B.
    batch1 = vote.paper_batches.get(number=1)
    voting_services.paper_entry_save(
        actor=t1, vote=vote, slot="A", sequence=1, keys="1111", batch=batch1
    )
    second = [t for t in tasks_for(t2) if t.section == w.TELLER]
    assert second[0].url == reverse("voting:paper_batch_entry", args=[vote.pk, 1, "B"])
    assert [t.count for t in tasks_for(t1) if t.section == w.TELLER] == [1]

    # The chief scrutineer waits for the pairs; the staff wait for the paper.
    assert "paper_check" in [t.kind for t in tasks_for(cw.chief) if t.section == w.SCRUTINEER]
    assert "vote_paper" in [t.kind for t in tasks_for(cw.staff)]
    # A township teller of the same county sees nothing of it.
    assert [t for t in tasks_for(world.users["teller"])] == []


# ---------------------------------------------------------------------------------------------
# Reviewers


def test_reviewers_see_the_county_congress_overdue_hand_overs_beside_the_townships(world):
    prefecture = Prefecture.objects.create(name="青州市", code="QZ")
    world.county.prefecture = prefecture
    world.county.save(update_fields=["prefecture"])
    prefecture_reviewer = user_with_county_role(
        Role.REVIEWER, prefecture=prefecture, username="rev_qz"
    )
    staff = staff_of(world.county)
    project = _county_elected(world.county, "城乡公交一体化")
    _handed_over(project, "站台未建", staff=staff, deadline=TODAY())
    later = TODAY() + datetime.timedelta(days=2)
    for reviewer in (world.users["reviewer"], prefecture_reviewer):
        items = [t for t in tasks_for(reviewer, today=later) if t.section == w.REVIEWER]
        assert [t.kind for t in items] == ["handover_overdue"], reviewer
        assert "站台未建" in items[0].what and items[0].where.startswith("青山县")
    # Not another county's reviewer; nothing before the deadline passes.
    assert tasks_for(world.users["reviewer_other"], today=later) == []
    assert tasks_for(world.users["reviewer"], today=TODAY()) == []


# ---------------------------------------------------------------------------------------------
# Refusals: no county items for a township's staff, none of a township for the county's


def test_township_and_county_staff_see_only_their_own_congress(world):
    county_staff = staff_of(world.county)
    _county_suggestion(world.county)
    _county_plan_put_forward(world.county, year=TODAY().year + 1)
    county_item = _handed_over(
        _county_elected(world.county, "县城污水管网改造"),
        "县级问题",
        staff=county_staff,
        deadline=TODAY(),
    )
    SuggestionFactory(township=world.township)
    later = TODAY() + datetime.timedelta(days=2)

    township_tasks = tasks_for(world.users["staff"], today=later)
    assert [t.kind for t in township_tasks] == ["triage"]
    assert all("青山县" not in t.where for t in township_tasks)
    assert all(county_item.title not in t.what for t in township_tasks)

    county_tasks = tasks_for(county_staff, today=later)
    # (and, depending on the date, the concentrated supervision)
    assert sorted(t.kind for t in county_tasks if t.kind != "round_due") == [
        "handover_overdue",
        "round",
        "triage",
    ]
    assert all(world.township.name not in t.where for t in county_tasks)
    assert all(
        reverse("projects:suggestion_list", args=[world.township.pk]) not in t.url
        for t in county_tasks
    )
    # The county's government liaison answers the county's hand-over, not the township's.
    county_gov = user_with_county_role(Role.GOVERNMENT, county=world.county, username="gov_qs")
    answers = tasks_for(county_gov, today=later)
    assert [t.kind for t in answers] == ["handover_answer"]
    assert county_item.title in answers[0].what and answers[0].where.startswith("青山县")
    assert [t.kind for t in tasks_for(world.users["government"], today=later)] == []


# ---------------------------------------------------------------------------------------------
# Flat query counts


def _open_items(county, session, *, start: int, n: int):
    """``n`` more of each: a county plan with a round to decide, an overdue hand-over on an
    elected project, a draft vote at ``session``."""
    staff = staff_of(county)
    year = TODAY().year
    for i in range(start, start + n):
        _county_plan_put_forward(county, year=year + 1 + i, titles=(f"县项目甲{i}", f"县项目乙{i}"))
        project = _county_elected(county, f"县城改造{i}")
        _handed_over(project, f"问题{i}", staff=staff, deadline=TODAY())
        VoteFactory(
            session=session,
            year=year + 20 + i,
            status="draft",
            titles=[f"票决甲{i}", f"票决乙{i}", f"票决丙{i}", f"票决丁{i}"],
        )


def test_the_work_list_query_count_does_not_grow_with_the_county_items(
    world, client, django_assert_max_num_queries
):
    staff = staff_of(world.county)
    later = TODAY() + datetime.timedelta(days=2)
    session = SessionFactory(
        term=CountyTermFactory(county=world.county), date=TODAY() + datetime.timedelta(days=20)
    )
    _open_items(world.county, session, start=0, n=2)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as two:
        sections = worklist_for(type(staff).objects.get(pk=staff.pk), today=later)
    kinds = [t.kind for s in sections for t in s.tasks]
    assert [kinds.count(k) for k in ("round", "vote_prepare", "handover_overdue")] == [2, 2, 2]
    with CaptureQueriesContext(connection) as page_two:
        html = _assert_opens(client, reverse("home")).content.decode()
    assert html.count('data-task="vote_prepare"') == 2

    _open_items(world.county, session, start=2, n=4)
    with django_assert_max_num_queries(len(two.captured_queries)):
        sections = worklist_for(type(staff).objects.get(pk=staff.pk), today=later)
    kinds = [t.kind for s in sections for t in s.tasks]
    assert [kinds.count(k) for k in ("round", "vote_prepare", "handover_overdue")] == [6, 6, 6]
    # The page itself (its work list as of today: nothing is overdue yet).
    with django_assert_max_num_queries(len(page_two.captured_queries)):
        html = _assert_opens(client, reverse("home")).content.decode()
    assert html.count('data-task="vote_prepare"') == 6
