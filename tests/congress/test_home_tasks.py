# ruff: noqa: F811 - the fixtures imported from the voting and supervision conftests
"""Every person finds their work: the home page lists each role's tasks — what, where, by
when — each linking to a page that person may open; an empty list says so; the page's
query count does not grow with the number of tasks."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress import worklist as w
from congress.models import Role
from cycle.worklist import tasks_for, worklist_for
from projects import services as project_services
from supervision import services as supervision_services
from supervision.models import LedgerItem
from voting import services as voting_services
from voting.models import OfficerRole

from ..factories import SessionFactory, user_with_role
from ..projects.factories import advance_all, plan_with_projects, suggestion
from ..supervision.conftest import confirmed, plan  # noqa: F401 - fixtures
from ..voting.ceremony import open_box_and_count, open_with_ceremony
from ..voting.conftest import make_candidate_list, vote_world  # noqa: F401 - fixtures

TODAY = timezone.localdate


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def kinds(user, section=None, **kw) -> list[str]:
    return [t.kind for t in tasks_for(user, **kw) if section is None or t.section == section]


def task(user, kind, **kw) -> w.Task:
    found = [t for t in tasks_for(user, **kw) if t.kind == kind]
    assert found, f"no {kind} task in {kinds(user, **kw)}"
    return found[0]


def assert_opens(client, url):
    """The page the task links to opens for this person (no 403, no 404)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _close_with_paper(world, *, paper=2):
    """The vote_world vote: opened, switched to paper with ``paper`` ballots issued, closed."""
    staff, vote = world.users["staff"], world.vote
    voting_services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    voting_services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=paper)
    open_with_ceremony(staff, vote)
    voting_services.vote_close(actor=staff, vote=vote)
    vote.refresh_from_db()
    return vote


# ---------------------------------------------------------------------------------------------
# Empty lists say so


@pytest.mark.parametrize("role", ["teller", "scrutineer", "government", "reviewer", "deputy"])
def test_an_empty_list_says_there_is_nothing_to_do(world, role):
    response = home(world.client(role))
    html = response.content.decode()
    assert 'data-testid="worklist"' in html
    assert 'data-testid="worklist-empty"' in html
    assert "data-task=" not in html


# ---------------------------------------------------------------------------------------------
# Staff


def test_staff_sees_suggestions_rounds_and_the_vote_to_set_up(world):
    staff = world.users["staff"]
    suggestion(world)
    suggestion(world, title="西岭村修水渠", content="灌溉水渠年久失修")
    plan_2027, projects = plan_with_projects(world, year=2027)
    triage = task(staff, "triage")
    assert triage.count == 2 and world.township.name in triage.where
    assert triage.url.endswith("?status=received")
    rnd = task(staff, "round")
    assert rnd.count == 4 and "2027" in rnd.where
    assert rnd.url == reverse("projects:round_detail", args=[plan_2027.pk, 0])

    # Every round decided and the list locked: the vote is to be set up at the next session.
    advance_all(world, plan_2027, projects)
    assert "round" not in kinds(staff)
    assert task(staff, "lock_candidates").url == reverse(
        "projects:candidate_list", args=[plan_2027.pk]
    )
    project_services.candidate_list_lock(actor=staff, candidate_list=plan_2027.candidate_list)
    setup = task(staff, "vote_setup")
    assert setup.url == reverse("voting:vote_create", args=[world.session.pk])
    assert setup.due == world.session.date

    client = world.client("staff")
    html = home(client).content.decode()
    for t in tasks_for(staff):
        assert f'href="{t.url}"' in html.replace("&amp;", "&")
        assert_opens(client, t.url)
    assert 'data-section="staff"' in html


def test_staff_follows_the_vote_from_draft_to_publication(vote_world):
    world, staff = vote_world, vote_world.users["staff"]
    assert task(staff, "vote_prepare").url == reverse("voting:console", args=[world.vote.pk])
    _close_with_paper(world)
    assert task(staff, "vote_paper").waiting
    assert "vote_count" not in kinds(staff)


def test_staff_sees_overdue_hand_overs_and_groups_to_confirm(world, plan):
    staff = world.users["staff"]
    supervision_services.groups_propose(actor=staff, plan=plan)
    confirm = task(staff, "groups_confirm")
    assert confirm.count == 3
    assert confirm.url == reverse("supervision:plan_groups", args=[plan.pk])
    assert_opens(world.client("staff"), confirm.url)


# ---------------------------------------------------------------------------------------------
# Tellers and scrutineers


def test_teller_sees_paper_entry_coming_while_the_vote_is_open(vote_world):
    world, teller = vote_world, vote_world.users["teller"]
    staff, vote = world.users["staff"], world.vote
    assert kinds(teller) == []  # a vote being prepared is no teller's work yet
    voting_services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    voting_services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, vote)
    entry = task(teller, "paper_entry")
    assert entry.waiting and entry.section == w.TELLER
    assert entry.url == reverse("voting:paper_entry", args=[vote.pk, "A"])
    page = assert_opens(world.client("teller"), entry.url).content.decode()
    assert "录入已结束" not in page
    assert 'data-testid="paper-entry-state"' in page
    assert 'name="keys"' not in page


def test_teller_is_sent_to_enter_the_paper_ballots_once_the_vote_is_closed(vote_world):
    world = vote_world
    vote = _close_with_paper(world)
    teller, teller_b = world.users["teller"], world.users["teller_b"]
    entry = task(teller, "paper_entry")
    assert not entry.waiting and entry.due == world.session.date
    assert entry.url == reverse("voting:paper_entry", args=[vote.pk, "A"])
    page = assert_opens(world.client("teller"), entry.url).content.decode()
    assert 'name="keys"' in page
    voting_services.paper_entry_save(actor=teller, vote=vote, slot="A", sequence=1, keys="1122")
    # The second teller is sent to the other sequence; the first keeps theirs.
    assert task(teller_b, "paper_entry").url.endswith("/paper/B/")
    assert task(teller, "paper_entry").url.endswith("/paper/A/")
    home_html = home(world.client("teller")).content.decode()
    assert f'href="{entry.url}"' in home_html and 'data-task="paper_entry"' in home_html


def test_scrutineer_decides_mismatches_then_the_chief_certifies(vote_world):
    world = vote_world
    vote = _close_with_paper(world)
    chief, scrutineer = world.users["chief"], world.users["scrutineer"]
    assert task(chief, "paper_check").waiting  # nothing entered yet
    teller, teller_b = world.users["teller"], world.users["teller_b"]
    for user, slot, keys in ((teller, "A", ["1122", "2111"]), (teller_b, "B", ["1122", "2211?"])):
        for i, k in enumerate(keys, start=1):
            voting_services.paper_entry_save(actor=user, vote=vote, slot=slot, sequence=i, keys=k)
    check = task(chief, "paper_check")
    assert not check.waiting and check.count == 1  # ballot 2: differs and doubtful
    assert check.url == reverse("voting:paper_check", args=[vote.pk])
    assert task(scrutineer, "paper_check").count == 1  # the township's scrutineer too
    assert_opens(world.client("scrutineer"), check.url)
    voting_services.paper_decide(actor=chief, vote=vote, sequence=2, keys="2111", reason="核对原票")
    assert task(chief, "paper_finalize").url == check.url
    voting_services.paper_finalize(actor=chief, vote=vote)
    open_box_and_count(world.users["staff"], vote)
    certify = task(chief, "vote_certify")
    assert certify.url == reverse("voting:results", args=[vote.pk])
    # The chief has an account, so only the chief certifies.
    assert "vote_certify" not in kinds(scrutineer)
    assert_opens(world.client("chief"), certify.url)
    html = home(world.client("chief")).content.decode()
    assert 'data-task="vote_certify"' in html


def test_tellers_of_another_township_see_nothing_of_this_vote(vote_world):
    world = vote_world
    _close_with_paper(world)
    other = user_with_role(Role.TELLER, township=world.township_other, username="teller_other")
    assert kinds(other) == []
    html = home(world.client("teller")).content.decode()
    assert "data-task=" in html
    from django.test import Client

    client = Client()
    client.force_login(other)
    assert 'data-testid="worklist-empty"' in home(client).content.decode()
    # Refusals are unaffected: the other township's teller still cannot open the entry page.
    assert client.get(reverse("voting:paper_entry", args=[world.vote.pk, "A"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Supervision: government liaison, group members, reviewers


def _items(world, confirmed_groups, n=3):
    project = confirmed_groups[0].project
    items = []
    for i in range(n):
        items.append(
            supervision_services.item_create(
                actor=world.users["staff"],
                project=project,
                title=f"护栏缺失{i}",
                department="镇交通办",
                deadline=TODAY() + datetime.timedelta(days=10 + i),
            )
        )
    return project, items


def test_government_liaison_sees_hand_overs_to_answer_with_deadlines(world, plan, confirmed):
    gov = world.users["government"]
    project, items = _items(world, confirmed)
    LedgerItem.objects.filter(pk=items[0].pk).update(deadline=TODAY() - datetime.timedelta(days=2))
    answers = [t for t in tasks_for(gov) if t.kind == "handover_answer"]
    assert len(answers) == 3
    first = answers[0]
    assert first.overdue and first.due == TODAY() - datetime.timedelta(days=2)
    assert project.title in first.where and "镇交通办" in first.where
    assert first.url == items[0].get_absolute_url()
    client = world.client("government")
    assert_opens(client, first.url)
    html = home(client).content.decode()
    assert html.count('data-task="handover_answer"') == 3
    assert (TODAY() - datetime.timedelta(days=2)).isoformat() in html
    # Answered: it leaves the liaison's list and reaches the group's.
    supervision_services.item_answer(actor=gov, item=items[1], answer="已安装护栏")
    assert len([k for k in kinds(gov) if k == "handover_answer"]) == 2
    member = task(world.users["deputy"], "handover_group")
    assert member.url == items[1].get_absolute_url() and member.section == w.GROUP


def test_government_liaison_sees_progress_reports_due(world, plan, confirmed):
    gov = world.users["government"]
    later = TODAY() + datetime.timedelta(days=100)
    due = [t for t in tasks_for(gov, today=later) if t.kind == "report_due"]
    assert len(due) == 3 and all(t.overdue for t in due)
    project = confirmed[0].project
    assert any(t.url == reverse("supervision:report_create", args=[project.pk]) for t in due)
    assert_opens(world.client("government"), due[0].url)
    assert not [t for t in tasks_for(gov) if t.kind == "report_due"]  # not due yet today


def test_group_member_sees_inspections_due(world, plan, confirmed):
    deputy = world.users["deputy"]
    later = TODAY() + datetime.timedelta(days=40)
    due = [t for t in tasks_for(deputy, today=later) if t.kind == "inspection_due"]
    project = confirmed[0].project
    assert [t.url for t in due] == [reverse("supervision:inspection_create", args=[project.pk])]
    assert due[0].overdue and due[0].section == w.GROUP
    assert_opens(world.client("deputy"), due[0].url)


def test_reviewer_sees_overdue_items_and_missing_reports_across_the_county(world, plan, confirmed):
    reviewer = world.users["reviewer"]
    project, items = _items(world, confirmed, n=2)
    assert kinds(reviewer) == []  # nothing overdue yet
    later = TODAY() + datetime.timedelta(days=100)
    found = tasks_for(reviewer, today=later)
    overdue = [t for t in found if t.kind == "handover_overdue"]
    assert [t.url for t in overdue] == [i.get_absolute_url() for i in items]
    assert all(t.section == w.REVIEWER and t.overdue for t in overdue)
    reports = [t for t in found if t.kind == "report_due"]
    assert len(reports) == 3 and all(t.overdue for t in reports)
    client = world.client("reviewer")
    for t in overdue[:1] + reports[:1]:
        assert_opens(client, t.url)
    # The other county's reviewer sees none of it.
    assert kinds(world.users["reviewer_other"], today=later) == []


def test_long_lists_are_capped_with_a_link_to_all(world, plan, confirmed):
    gov = world.users["government"]
    _items(world, confirmed, n=w.LIMIT + 3)
    answers = [t for t in tasks_for(gov) if t.section == w.GOVERNMENT]
    assert len(answers) == w.LIMIT + 1
    more = answers[-1]
    assert more.kind == "handover_answer_more" and more.count == 3
    assert more.url == reverse("supervision:ledger", args=[world.township.pk]) + "?status=open"
    sections = worklist_for(gov)
    assert sections[0].tasks[-1].kind == "handover_answer_more"


# ---------------------------------------------------------------------------------------------
# Flat query counts


def _count(client) -> int:
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_queries_do_not_grow_with_the_number_of_tasks(world, plan, confirmed):
    """One task of each kind first, then many: the same number of queries."""
    gov = world.users["government"]
    clients = {role: world.client(role) for role in ("staff", "government", "deputy", "reviewer")}
    _project, items = _items(world, confirmed, n=2)
    supervision_services.item_answer(actor=gov, item=items[0], answer="已处理")
    LedgerItem.objects.filter(pk=items[1].pk).update(deadline=TODAY() - datetime.timedelta(days=1))
    suggestion(world)
    plan_with_projects(world, n=2, year=2028)
    few = {role: _count(c) for role, c in clients.items()}
    assert 'data-task="handover_overdue"' in home(clients["reviewer"]).content.decode()

    _project, items = _items(world, confirmed, n=w.LIMIT + 4)
    for item in items[:3]:
        supervision_services.item_answer(actor=gov, item=item, answer="已处理")
    LedgerItem.objects.filter(pk__in=[i.pk for i in items[3:]]).update(
        deadline=TODAY() - datetime.timedelta(days=1)
    )
    for i in range(6):
        suggestion(world, title=f"建议{i}", content=f"内容{i}")
    plan_with_projects(world, n=3, year=2029)
    clist = make_candidate_list(world.township, year=2030)
    assert clist.locked_at is not None
    many = {role: _count(c) for role, c in clients.items()}
    assert many == few
    assert 'data-task="handover_answer_more"' in home(clients["government"]).content.decode()


def test_home_queries_for_officers_do_not_grow_with_votes_and_entries(vote_world):
    """A closed vote with one paper ballot entered first, then more entries and more votes."""
    world = vote_world
    teller, staff = world.users["teller"], world.users["staff"]
    clients = {role: world.client(role) for role in ("teller", "chief", "staff")}
    vote = _close_with_paper(world, paper=5)
    voting_services.paper_entry_save(actor=teller, vote=vote, slot="A", sequence=1, keys="1122")
    few = {role: _count(c) for role, c in clients.items()}

    for i in range(2, 6):
        voting_services.paper_entry_save(actor=teller, vote=vote, slot="A", sequence=i, keys="1122")
    for number in (2, 3):
        session = SessionFactory(term=world.term, number=number + 1)
        clist = make_candidate_list(world.township, year=2026 + number)
        second = voting_services.vote_create(actor=staff, session=session, candidate_list=clist)
        voting_services.vote_officer_add(
            actor=staff, vote=second, role=OfficerRole.TELLER, name="周涛", user=teller
        )
    many = {role: _count(c) for role, c in clients.items()}
    assert many == few
    assert re.search(r'data-task="paper_entry"', home(clients["teller"]).content.decode())


# ---------------------------------------------------------------------------------------------
# Reaching the work: the session's vote list, the breadcrumb, the paper pages' state


def test_session_vote_list_links_each_vote_for_the_roles_that_may_open_it(vote_world):
    world = vote_world
    url = reverse("voting:session_votes", args=[world.session.pk])
    entry_a = reverse("voting:paper_entry", args=[world.vote.pk, "A"])
    check = reverse("voting:paper_check", args=[world.vote.pk])
    console = reverse("voting:console", args=[world.vote.pk])

    def links(role):
        html = world.client(role).get(url).content.decode()
        return set(re.findall(r'href="(/votes/[^"]*)"', html))

    assert links("teller") == {entry_a, entry_a.replace("/A/", "/B/")}
    assert links("scrutineer") == {check}
    assert console in links("staff")
    assert links("deputy") == set()
    for role, link in (("teller", entry_a), ("scrutineer", check)):
        assert_opens(world.client(role), link)
    # Refusals are unaffected: a deputy may not open either page.
    assert world.client("deputy").get(entry_a).status_code == 403
    assert world.client("deputy").get(check).status_code == 403


def test_results_are_linked_only_to_those_who_may_read_them(vote_world):
    world = vote_world
    vote = _close_with_paper(world, paper=0)
    open_box_and_count(world.users["staff"], vote)
    url = reverse("voting:session_votes", args=[world.session.pk])
    results = reverse("voting:results", args=[vote.pk])
    assert results in world.client("teller").get(url).content.decode()
    assert results in world.client("reviewer").get(url).content.decode()
    # Counted but not published: a deputy is not shown a link that would answer 403.
    assert results not in world.client("deputy").get(url).content.decode()
    assert world.client("deputy").get(results).status_code == 403


def test_breadcrumb_from_paper_pages_leads_where_the_officer_may_go(vote_world):
    world = vote_world
    votes = reverse("voting:session_votes", args=[world.session.pk])
    console = reverse("voting:console", args=[world.vote.pk])
    for role, page in (
        ("teller", reverse("voting:paper_entry", args=[world.vote.pk, "A"])),
        ("scrutineer", reverse("voting:paper_check", args=[world.vote.pk])),
    ):
        client = world.client(role)
        html = assert_opens(client, page).content.decode()
        nav = html[html.index('aria-label="breadcrumb"') :]
        nav = nav[: nav.index("</nav>")]
        assert f'href="{votes}"' in nav and f'href="{console}"' not in nav
        assert_opens(client, votes)
        assert client.get(console).status_code == 403  # the console stays staff's
    # Staff keep the way back to their console.
    staff_html = world.client("staff").get(console).content.decode()
    nav = staff_html[staff_html.index('aria-label="breadcrumb"') :]
    assert f'href="{console}"' in nav[: nav.index("</nav>")]


def test_paper_pages_say_where_entry_stands(vote_world):
    world = vote_world
    entry = reverse("voting:paper_entry", args=[world.vote.pk, "A"])
    check = reverse("voting:paper_check", args=[world.vote.pk])
    client = world.client("teller")
    html = assert_opens(client, entry).content.decode()
    assert 'data-stage="before"' in html and "录入已结束" not in html
    staff, vote = world.users["staff"], world.vote
    voting_services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    voting_services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=2)
    open_with_ceremony(staff, vote)
    for page, c in ((entry, client), (check, world.client("scrutineer"))):
        html = assert_opens(c, page).content.decode()
        assert 'data-stage="before"' in html and 'name="keys"' not in html
    # English: it says the vote is open and when entry starts.
    client.cookies["django_language"] = "en"
    html = client.get(entry).content.decode()
    assert "Voting is in progress." in html and "close the vote" in html
    voting_services.vote_close(actor=staff, vote=vote)
    html = client.get(entry).content.decode()
    assert 'name="keys"' in html and 'data-testid="paper-entry-state"' not in html


# ---------------------------------------------------------------------------------------------
# The residents' front door


def test_front_door_leads_to_published_projects_receipts_and_how_to_suggest(world):
    from django.test import Client

    from projects.models import IntakeLink, LiaisonStation

    from ..reports.factories import published_plan

    plan_2026, _vote, projects = published_plan(world.township, world.session, year=2026)
    station = LiaisonStation.objects.create(
        township=world.township,
        name="东河村代表联络站",
        village=world.village,
        address="东河村委会",
    )
    IntakeLink.objects.create(token="ST1", township=world.township, station=station)
    closed = LiaisonStation.objects.create(township=world.township, name="旧联络站")
    IntakeLink.objects.create(token="ST2", township=world.township, station=closed, is_active=False)

    client = Client()
    html = home(client).content.decode()
    township_url = reverse("reports:public_township_year", args=[world.township.pk, 2026])
    assert f'href="{township_url}"' in html
    assert f'href="{reverse("projects:receipt_lookup")}"' in html
    assert f'href="{reverse("reports:public_index")}"' in html
    assert "东河村代表联络站" in html and "东河村委会" in html and "旧联络站" not in html
    assert 'data-testid="worklist"' not in html

    # The township page links each project to its public progress page, which opens.
    page = client.get(township_url).content.decode()
    for project in projects[:3]:
        progress = reverse("supervision:public_project", args=[project.pk])
        assert f'href="{progress}"' in page
        assert_opens(client, progress)
    assert reverse("supervision:public_project", args=[projects[3].pk]) not in page  # not elected
    assert_opens(client, reverse("projects:receipt_lookup"))


def test_front_door_queries_do_not_grow_with_townships_and_stations(world):
    from django.test import Client

    from projects.models import IntakeLink, LiaisonStation

    from ..factories import TownshipFactory
    from ..reports.factories import published_plan

    published_plan(world.township, world.session, year=2026)
    client = Client()
    few = _count(client)
    for i in range(4):
        township = TownshipFactory(county=world.county, name=f"新镇{i}")
        term = world.term.__class__.objects.create(
            county=world.county,
            township=township,
            number=19,
            start_year=2022,
            end_year=2026,
            level="township",
        )
        published_plan(township, SessionFactory(term=term), year=2026)
        for k in range(3):
            s = LiaisonStation.objects.create(township=township, name=f"联络站{k}")
            IntakeLink.objects.create(token=f"T{i}{k}", township=township, station=s)
    assert _count(client) == few


def test_scrutineer_sees_the_vote_coming_while_it_is_open(vote_world):
    world, scrutineer = vote_world, vote_world.users["scrutineer"]
    staff, vote = world.users["staff"], world.vote
    assert kinds(scrutineer) == []
    voting_services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    voting_services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, vote)
    wait = task(scrutineer, "scrutiny_wait")
    assert wait.waiting and wait.url == reverse("voting:paper_check", args=[vote.pk])
    assert (
        'data-stage="before"' in assert_opens(world.client("scrutineer"), wait.url).content.decode()
    )
    voting_services.vote_close(actor=staff, vote=vote)  # no paper: the staff count next
    wait = task(scrutineer, "scrutiny_wait")
    assert wait.url == reverse("voting:session_votes", args=[world.session.pk])
    assert_opens(world.client("scrutineer"), wait.url)


def test_a_deputys_coming_sessions_leave_out_past_and_closed_ones(world, client):
    """ "Your coming sessions" on a deputy's home page: a sitting in progress and planned ones
    from today on; not one whose day has passed while staff have not closed it, nor a closed
    one."""
    from congress import services as congress_services

    today = timezone.localdate()
    staff = world.users["staff"]
    sittings = {}
    for n, (status, days) in enumerate(
        [("planned", -30), ("in_progress", 0), ("planned", 10), ("closed", -60)], start=2
    ):
        session = SessionFactory(
            term=world.term, number=n, date=today + datetime.timedelta(days=days)
        )
        congress_services.session_open_roll(actor=staff, session=session)
        session.status = status  # the day's state, as the sessions' page leaves it
        session.save(update_fields=["status"])
        sittings[(status, days)] = session
    client.force_login(world.users["deputy"])
    shown = client.get("/").context["deputy_sessions"]
    assert [s.pk for s in shown] == [
        sittings[("in_progress", 0)].pk,
        sittings[("planned", 10)].pk,
    ]
