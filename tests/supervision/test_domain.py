"""The recommender's constraints and the ledger's transitions, on plain values."""

import datetime
import random

import pytest

from supervision import domain
from supervision.domain import DeputyIn, ProjectIn, Rules

PROFS = [
    ("农民", ("农业",)),
    ("建筑施工员", ("建筑工程", "道路")),
    ("会计", ("财务",)),
    ("电工", ("电力", "照明")),
    ("水利站技术员", ("水利", "供水")),
]


def _deputies(n, *, party_every=7, seed=1):
    rng = random.Random(seed)
    return [
        DeputyIn(
            id=i + 1,
            profession=PROFS[i % 5][0],
            expertise=PROFS[i % 5][1],
            home_village=rng.randrange(10),
            work_village=rng.randrange(10),
            is_party_committee=i % party_every == 0,
        )
        for i in range(n)
    ]


def _projects(n):
    titles = ["道路拓宽", "路灯安装", "饮水工程", "文化礼堂", "污水管网"]
    return [
        ProjectIn(id=100 + j, title=titles[j % 5], villages=frozenset({j % 10})) for j in range(n)
    ]


NEIGHBOURS = {v: frozenset({(v + 1) % 10, (v - 1) % 10}) for v in range(10)}


def _check(proposal, deputies, projects, rules):
    load = {}
    for pid, seats in proposal.groups.items():
        assert rules.min_size <= len(seats) <= rules.max_size, pid
        assert sum(s.is_leader for s in seats) == 1
        assert len({s.deputy_id for s in seats}) == len(seats)
        assert all(s.duty for s in seats), "everyone in a group has a duty"
        for s in seats:
            load[s.deputy_id] = load.get(s.deputy_id, 0) + 1
    assert max(load.values()) <= rules.max_groups
    return load


@pytest.mark.parametrize("n_deputies,n_projects", [(10, 3), (12, 4), (9, 3), (51, 3), (40, 10)])
def test_sizes_and_k_limit_hold(n_deputies, n_projects):
    deputies, projects, rules = _deputies(n_deputies), _projects(n_projects), Rules()
    proposal = domain.recommend(deputies, projects, rules, NEIGHBOURS)
    _check(proposal, deputies, projects, rules)


@pytest.mark.parametrize("n_deputies,n_projects", [(10, 3), (12, 4), (15, 3), (20, 5)])
def test_everyone_gets_a_task_when_seats_suffice(n_deputies, n_projects):
    """人人有任务: with seats ≥ deputies, nobody is left without a group."""
    deputies, projects, rules = _deputies(n_deputies), _projects(n_projects), Rules()
    assert n_projects * rules.max_size >= n_deputies
    proposal = domain.recommend(deputies, projects, rules, NEIGHBOURS)
    load = _check(proposal, deputies, projects, rules)
    assert set(load) == {d.id for d in deputies}
    assert proposal.without_task == []


def test_load_is_balanced_before_second_groups():
    """51 deputies, 3 groups of 5: fifteen different deputies, none in two groups."""
    proposal = domain.recommend(_deputies(51), _projects(3), Rules(), NEIGHBOURS)
    load = _check(proposal, None, None, Rules())
    assert len(load) == 15 and set(load.values()) == {1}
    assert len(proposal.without_task) == 36


def test_k_counts_groups_already_held():
    deputies = [
        DeputyIn(id=i, profession="建筑施工员", expertise=("道路",), current_load=2 if i < 3 else 0)
        for i in range(8)
    ]
    proposal = domain.recommend(deputies, _projects(2), Rules(), {})
    members = {s.deputy_id for seats in proposal.groups.values() for s in seats}
    assert members.isdisjoint({0, 1, 2})


def test_leader_prefers_party_committee_member():
    deputies = _deputies(6, party_every=100)  # only deputy 1 is on the party committee
    proposal = domain.recommend(deputies, _projects(1), Rules(), NEIGHBOURS)
    (seats,) = proposal.groups.values()
    leader = next(s for s in seats if s.is_leader)
    assert leader.deputy_id == 1 and leader.duty == domain.DUTY_LEADER
    assert seats[0].is_leader


def test_trade_and_proximity_are_preferred_and_explained():
    project = ProjectIn(id=1, title="东河村道路拓宽", villages=frozenset({5}))
    builder_near = DeputyIn(id=1, profession="建筑施工员", expertise=("道路",), home_village=5)
    builder_next = DeputyIn(id=2, profession="建筑施工员", expertise=("道路",), home_village=4)
    accountant = DeputyIn(id=3, profession="会计", expertise=("财务",), home_village=9)
    farmers_far = [DeputyIn(id=10 + i, profession="农民", home_village=9) for i in range(5)]
    rules = Rules(min_size=3, max_size=3)
    proposal = domain.recommend(
        [builder_near, builder_next, accountant, *farmers_far],
        [project],
        rules,
        {4: frozenset({5})},
    )
    seats = {s.deputy_id: s for s in proposal.groups[1]}
    assert set(seats) == {1, 2, 3}
    assert seats[1].proximity == domain.IN_VILLAGE and seats[1].match == domain.MATCH_STRONG
    assert seats[2].proximity == domain.ADJACENT
    assert seats[3].match == domain.MATCH_BUDGET and seats[3].duty == domain.DUTY_FUNDS
    assert "道路" in seats[1].match_words


def test_conflict_of_interest_is_excluded_and_flagged():
    project = ProjectIn(id=1, title="道路拓宽", implementing_body="青石镇建设工程公司")
    boss = DeputyIn(
        id=1, profession="建筑施工员", expertise=("道路",), employer="青石镇建设工程公司"
    )
    others = [DeputyIn(id=i, profession="农民") for i in range(2, 6)]
    proposal = domain.recommend([boss, *others], [project], Rules(), {})
    assert 1 not in {s.deputy_id for s in proposal.groups[1]}
    assert proposal.excluded[1] == [domain.Excluded(1, "employer_is_implementing_body")]


def test_infeasible_when_capacity_below_seats():
    with pytest.raises(domain.RecommenderError) as exc:
        domain.recommend(_deputies(4), _projects(3), Rules(max_groups=2), {})
    assert exc.value.code == "too_few_deputies"
    assert exc.value.params == {"needed": 9, "available": 8}


def test_no_projects_is_refused():
    with pytest.raises(domain.RecommenderError):
        domain.recommend(_deputies(5), [], Rules(), {})


# --- ledger ---------------------------------------------------------------------------


def test_ledger_happy_path_and_reopen():
    s = domain.RECORDED
    s = domain.ledger_next(s, "hand_over")
    assert s == domain.HANDED_OVER
    s = domain.ledger_next(s, "answer")
    s = domain.ledger_next(s, "reopen")
    assert s == domain.REOPENED
    s = domain.ledger_next(s, "answer")
    assert domain.ledger_next(s, "close") == domain.CLOSED


@pytest.mark.parametrize(
    "status,action",
    [
        (domain.RECORDED, "close"),
        (domain.RECORDED, "answer"),
        (domain.HANDED_OVER, "close"),
        (domain.CLOSED, "reopen"),
        (domain.CLOSED, "answer"),
        (domain.ANSWERED, "hand_over"),
        (domain.REOPENED, "close"),
    ],
)
def test_ledger_refuses_skipping_steps(status, action):
    with pytest.raises(domain.TransitionError):
        domain.ledger_next(status, action)


def test_overdue_only_while_waiting_for_the_department():
    today = datetime.date(2026, 6, 10)
    past = datetime.date(2026, 6, 9)
    assert domain.is_overdue(domain.HANDED_OVER, past, today)
    assert domain.is_overdue(domain.REOPENED, past, today)
    assert not domain.is_overdue(domain.ANSWERED, past, today)
    assert not domain.is_overdue(domain.HANDED_OVER, today, today)


def test_budget_and_schedule_flags():
    from decimal import Decimal

    assert domain.over_budget(Decimal("100"), Decimal("100.01"))
    assert not domain.over_budget(Decimal("100"), Decimal("100"))
    assert not domain.over_budget(None, Decimal("5"))
    assert domain.slip_days(datetime.date(2026, 12, 31), datetime.date(2027, 1, 30)) == 30
    assert domain.slip_days(datetime.date(2026, 12, 31), datetime.date(2026, 11, 1)) == 0


def test_cadence_next_due():
    due = domain.next_due(
        kind="inspection",
        last=datetime.date(2026, 1, 31),
        start=None,
        interval_months=1,
        today=datetime.date(2026, 3, 1),
    )
    assert due.due_on == datetime.date(2026, 2, 28) and due.overdue and due.days == -1


def test_distance_km_between_villages():
    assert domain.distance_km((29.85, 120.10), (29.85, 120.10)) == 0.0
    assert 1.0 <= domain.distance_km((29.85, 120.10), (29.86, 120.10)) <= 1.2
    assert domain.distance_km(None, (1.0, 1.0)) is None


def test_group_gets_a_trade_expert_and_one_finance_person_before_more_of_the_same():
    """Accountants living in the village do not crowd out the only builder, who lives far."""
    project = ProjectIn(id=1, title="道路拓宽", villages=frozenset({1}))
    builder = DeputyIn(id=1, profession="建筑施工员", expertise=("道路",), home_village=9)
    accountants = [
        DeputyIn(id=10 + i, profession="会计", expertise=("财务",), home_village=1)
        for i in range(4)
    ]
    farmers = [DeputyIn(id=20 + i, profession="农民", home_village=1) for i in range(2)]
    proposal = domain.recommend(
        [builder, *accountants, *farmers], [project], Rules(min_size=3, max_size=3), {}
    )
    members = {s.deputy_id for s in proposal.groups[1]}
    assert 1 in members
    assert len(members & {10, 11, 12, 13}) >= 1
