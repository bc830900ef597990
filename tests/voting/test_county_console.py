"""The county plenary's console and batch pages as their users see them (issue 17, usability):
the check-in grouped by delegation with each delegation's 实到/应到 and a name filter (a
township vote keeps its flat list), in a number of queries that does not grow with the
deputies; a teller pair's batch page showing its delegations' paper ballots issued and
returned against what the pair has entered; the spare codes field keeping the last number
printed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress import services as congress_services
from congress.models import Deputy
from tests.factories import DeputyFactory
from voting import services
from voting.services.delegations import paper_batch_assign, vote_record_delegation_counts

from .test_county_vote import county_world, set_up_vote

GROUP = re.compile(
    r"<details[^>]*data-checkin-group[^>]*>\s*<summary[^>]*>\s*"
    r'<span class="fw-semibold">([^<]*)</span>.*?<span data-present>(\d+)</span>/(\d+)'
    r"(.*?)</details>",
    re.S,
)
ROW_ID = re.compile(r'<tr id="att-(\d+)"')


@pytest.fixture
def cw(world):
    """Four delegations of five county deputies, four of each checked in."""
    return county_world(world)


def _english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _console(client, vote) -> str:
    response = client.get(reverse("voting:console", args=[vote.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_county_console_groups_the_check_in_by_delegation_with_its_count(cw, client):
    """One block per delegation in delegation order, its 实到/应到 on the summary
    (「…代表团 4/5」), its deputies in 姓氏笔画 order; the filter's script is on the page."""
    vote = set_up_vote(cw)
    html = _console(_english(client, cw.staff), vote)
    groups = GROUP.findall(html)
    assert [(name, present, due) for name, present, due, _ in groups] == [
        (d.name, "4", "5") for d in cw.delegations
    ]
    for delegation, (_, _, _, body) in zip(cw.delegations, groups, strict=True):
        ids = [int(pk) for pk in ROW_ID.findall(body)]
        expected = list(
            Deputy.objects.filter(delegation_memberships__delegation=delegation)
            .order_by("name_sort_key", "id")
            .values_list("id", flat=True)
        )
        assert ids == expected  # 姓氏笔画 inside the block
    assert 'id="checkin-filter"' in html and "voting/checkin" in html
    # Setting a deputy's attendance still posts to the session's roll, row by row.
    first = ROW_ID.findall(groups[0][3])[0]
    assert reverse("congress:attendance_set", args=[cw.session.pk, int(first)]) in html


def test_township_console_keeps_the_flat_check_in(vote_world, client):
    world, vote = vote_world, vote_world.vote
    html = _console(_english(client, world.users["staff"]), vote)
    assert "checkin-table" in html and len(ROW_ID.findall(html)) == 10
    assert "data-checkin-group" not in html
    assert 'id="checkin-filter"' not in html and "voting/checkin" not in html


def _grow(cw, more: list[int]):
    """``more[i]`` more county deputies in delegation i, put on the session's roll."""
    for delegation, n in zip(cw.delegations, more, strict=True):
        DeputyFactory.create_batch(
            n, township=delegation.township, is_county_deputy=True, is_township_deputy=False
        )
    congress_services.delegations_by_township(actor=cw.staff, term=cw.term)
    congress_services.session_open_roll(actor=cw.staff, session=cw.session)


def test_county_console_queries_do_not_grow_with_the_deputies(
    cw, client, django_assert_max_num_queries
):
    """30 deputies on the roll or 120: no more queries for the console."""
    _grow(cw, [3, 3, 2, 2])
    vote = set_up_vote(cw)
    client.force_login(cw.staff)
    with CaptureQueriesContext(connection) as small:
        html = _console(client, vote)
    assert len(ROW_ID.findall(html)) == 30
    _grow(cw, [23, 23, 22, 22])
    with django_assert_max_num_queries(len(small)):
        html = _console(client, vote)
    assert len(ROW_ID.findall(html)) == 120
    assert [int(due) for _, _, due, _ in GROUP.findall(html)] == [31, 31, 29, 29]


def _closed_vote_with_batch(cw):
    """Batch 1 (tellers 1 and 2) enters delegations 1–2, whose boxes gave back 2 and 1 paper
    ballots of 3 and 2 issued; the vote is closed."""
    vote = set_up_vote(cw)
    d1, d2, d3, d4 = cw.delegations
    t1, t2, _t3, _t4 = cw.tellers
    batch = paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=1,
        first_teller=t1,
        second_teller=t2,
        delegation_ids=[d1.pk, d2.pk],
    )
    services.vote_switch_to_paper(actor=cw.staff, vote=vote)
    vote_record_delegation_counts(
        actor=cw.staff, vote=vote, counts={d1.pk: (0, 3, 2), d2.pk: (0, 2, 1)}
    )
    services.vote_open(actor=cw.staff, vote=vote)
    services.vote_close(actor=cw.staff, vote=vote)
    vote.refresh_from_db()
    return vote, batch


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _returns_card(html: str) -> str:
    match = re.search(r'data-testid="batch-returns".*?</section>', html, re.S)
    assert match, "the batch page shows its delegations' returns"
    return _text(match.group(0))


def test_batch_page_shows_its_delegations_returns_and_what_the_pair_entered(cw, client):
    vote, batch = _closed_vote_with_batch(cw)
    d1, d2, d3, _d4 = cw.delegations
    t1, t2 = cw.tellers[:2]
    services.paper_entry_save(actor=t1, vote=vote, slot="A", sequence=1, keys="1111", batch=batch)
    url_a = reverse("voting:paper_batch_entry", args=[vote.pk, 1, "A"])
    card = _returns_card(_english(client, t1).get(url_a).content.decode())
    assert "Returned 3 · entered 1" in card
    assert f"{d1.name} issued 3 · returned 2" in card
    assert f"{d2.name} issued 2 · returned 1" in card
    assert d3.name not in card  # another pair's delegation
    assert "The other teller of the pair has entered 0." in card
    assert "Still to enter: 2." in card

    for seq in (2, 3):
        services.paper_entry_save(
            actor=t1, vote=vote, slot="A", sequence=seq, keys="1111", batch=batch
        )
    page = client.get(url_a).content.decode()
    assert 'data-stage="done"' in page
    assert "Every returned ballot is entered." in _returns_card(page)

    services.paper_entry_save(actor=t2, vote=vote, slot="B", sequence=1, keys="1111", batch=batch)
    url_b = reverse("voting:paper_batch_entry", args=[vote.pk, 1, "B"])
    card = _returns_card(_english(client, t2).get(url_b).content.decode())
    assert "Returned 3 · entered 1" in card
    assert "The other teller of the pair has entered 3." in card


def test_batch_page_says_when_the_boxes_returns_are_not_recorded(cw, client):
    vote = set_up_vote(cw)
    d1 = cw.delegations[0]
    t1, t2 = cw.tellers[:2]
    paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=1,
        first_teller=t1,
        second_teller=t2,
        delegation_ids=[d1.pk],
    )
    services.vote_switch_to_paper(actor=cw.staff, vote=vote)
    services.vote_open(actor=cw.staff, vote=vote)
    services.vote_close(actor=cw.staff, vote=vote)
    url = reverse("voting:paper_batch_entry", args=[vote.pk, 1, "A"])
    page = _english(client, t1).get(url).content.decode()
    assert 'data-stage="unrecorded"' in page
    card = _returns_card(page)
    assert "Entered 0" in card and f"{d1.name} not recorded yet" in card
    assert "not recorded yet: the presidium staff record them on the console" in card


def _spares_value(html: str) -> str:
    match = re.search(r'<input[^>]*name="spares"[^>]*>', html)
    assert match
    return re.search(r'value="(\d+)"', match.group(0)).group(1)


def test_spare_codes_field_shows_the_last_printing_spares(cw, client):
    """5 before the first printing; 12 after printing with 12 spares, 0 after 0."""
    vote = set_up_vote(cw)
    client.force_login(cw.staff)
    assert _spares_value(_console(client, vote)) == "5"
    services.vote_generate_codes(actor=cw.staff, vote=vote, spares=12)
    assert _spares_value(_console(client, vote)) == "12"
    vote.refresh_from_db()
    response = client.post(
        reverse("voting:codes_print", args=[vote.pk]),
        {"spares": "0", "printings": str(vote.codes_printings)},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _spares_value(_console(client, vote)) == "0"


def test_console_batch_list_shows_what_each_batch_delegations_returned(cw, client):
    vote, batch = _closed_vote_with_batch(cw)
    services.paper_entry_save(
        actor=cw.tellers[0], vote=vote, slot="A", sequence=1, keys="1111", batch=batch
    )
    html = _console(_english(client, cw.staff), vote)
    row = re.search(r'<li class="[^"]*batch-row.*?</li>', html, re.S)
    assert row and "entered 1 / 0 · returned 3" in _text(row.group(0))
