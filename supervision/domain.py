"""Pure rules for stage 4: the supervision-group recommender, the hand-over ledger's
transitions, budget/schedule flags and the cadence of inspections and hearings.

No ORM, no settings, no clock: ``today`` is passed in.

The recommender solves the assignment of deputies to the groups of *all* elected projects of
a plan at once, as one mixed-integer linear programme (SciPy's HiGHS ``milp``):

    x[d,p] ∈ {0,1}   deputy d sits in project p's group (only for pairs without a conflict)
    y[d,p] ∈ {0,1}   deputy d leads project p's group (y ≤ x)
    u[d,j] ∈ {0,1}   deputy d's j-th group (j = 1..capacity); Σ_j u = Σ_p x, with rising costs
                     so that second groups are handed out only after everyone has one
    s[d]   ∈ [0,1]   slack: deputy d has no group (heavily penalised: 人人有任务 where numbers
                     allow)

    min ≤ Σ_d x[d,p] ≤ max          for every project (U1)
    Σ_d y[d,p] = 1                  one leader per group
    Σ_p y[d,p] ≤ 1                  a deputy leads at most one group
    Σ_p x[d,p] ≤ k − current load   no deputy in more than k groups (U2)
    Σ_p x[d,p] + s[d] ≥ 1           everyone gets a task, unless seats run out

The objective rewards trade match and proximity for each seat, prefers party-committee members
(and matching deputies) as leaders, and charges rising costs for a deputy's second and third
groups — load balance.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from livelihood.transitions import Machine, TransitionRefused, move

# ---------------------------------------------------------------------------------------------
# Scoring


# What a project's category or title says about the skills a group should have. Substrings of
# the category/title (Chinese) → expertise tags and profession words that match them.
TOPIC_SKILLS: tuple[tuple[str, frozenset[str]], ...] = (
    ("路灯", frozenset({"电力", "照明", "电工"})),
    ("照明", frozenset({"电力", "照明", "电工"})),
    ("亮化", frozenset({"电力", "照明", "电工"})),
    ("道路", frozenset({"道路", "建筑工程", "建筑施工员"})),
    ("公路", frozenset({"道路", "建筑工程", "建筑施工员"})),
    ("交通", frozenset({"道路", "建筑工程"})),
    ("桥", frozenset({"道路", "建筑工程", "建筑施工员"})),
    ("停车", frozenset({"道路", "建筑工程"})),
    ("硬化", frozenset({"道路", "建筑工程", "建筑施工员"})),
    ("拓宽", frozenset({"道路", "建筑工程", "建筑施工员"})),
    ("饮水", frozenset({"水利", "供水", "水利站技术员"})),
    ("供水", frozenset({"水利", "供水", "水利站技术员"})),
    ("水利", frozenset({"水利", "供水", "水利站技术员"})),
    ("山塘", frozenset({"水利", "水利站技术员"})),
    ("河道", frozenset({"水利", "环境保护"})),
    ("灌溉", frozenset({"水利", "农业", "种植"})),
    ("污水", frozenset({"污水处理", "环境保护", "环保站职员"})),
    ("垃圾", frozenset({"环境保护", "社区治理"})),
    ("公厕", frozenset({"环境保护", "建筑工程"})),
    ("人居环境", frozenset({"环境保护", "农村建设"})),
    ("养老", frozenset({"养老服务", "社区治理", "社区工作者"})),
    ("卫生", frozenset({"医疗卫生", "乡村医生"})),
    ("医", frozenset({"医疗卫生", "乡村医生"})),
    ("学", frozenset({"教育", "教师"})),
    ("操场", frozenset({"教育", "教师"})),
    ("文化", frozenset({"基层治理", "教育"})),
    ("礼堂", frozenset({"建筑工程", "基层治理"})),
    ("广场", frozenset({"建筑工程", "基层治理"})),
    ("市场", frozenset({"商贸", "个体工商户"})),
    ("冷链", frozenset({"农业", "商贸"})),
    ("冷库", frozenset({"农业", "商贸"})),
    ("农", frozenset({"农业", "种植", "农民"})),
    ("建设", frozenset({"建筑工程"})),
    ("改造", frozenset({"建筑工程"})),
    ("基础设施", frozenset({"建筑工程", "道路"})),
)
# Every group watches money: finance and audit skills match any project, a little.
BUDGET_SKILLS = frozenset({"财务", "审计", "会计"})

MATCH_STRONG = 2  # expertise or profession named by the project's topic
MATCH_BUDGET = 1  # finance/audit: useful in every group
MATCH_NONE = 0

IN_VILLAGE = "in"
ADJACENT = "adjacent"
FAR = "far"
# Nearness cannot be judged: either the project names no village (every deputy alike, whose
# own villages are known), or the deputy has no home or work village on the roster.
UNPLACED = "unplaced"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeputyIn:
    id: int
    name: str = ""
    profession: str = ""
    expertise: tuple[str, ...] = ()
    home_village: int | None = None
    work_village: int | None = None
    is_party_committee: bool = False
    employer: str = ""
    # groups already held (other plans still being supervised) — they count toward k
    current_load: int = 0


@dataclass(frozen=True)
class ProjectIn:
    id: int
    title: str = ""
    category: str = ""
    villages: frozenset[int] = frozenset()
    implementing_body: str = ""


@dataclass(frozen=True)
class Rules:
    min_size: int = 3
    max_size: int = 5
    max_groups: int = 2


def project_skills(project: ProjectIn) -> frozenset[str]:
    text = f"{project.category} {project.title}"
    skills: set[str] = set()
    for needle, tags in TOPIC_SKILLS:
        if needle in text:
            skills |= tags
    return frozenset(skills)


def match_level(deputy: DeputyIn, skills: frozenset[str]) -> tuple[int, tuple[str, ...]]:
    """How well a deputy's trade fits a project: (level, the matching words)."""
    own = set(deputy.expertise) | ({deputy.profession} if deputy.profession else set())
    hits = tuple(sorted(own & skills))
    if hits:
        return MATCH_STRONG, hits
    budget = tuple(sorted(own & BUDGET_SKILLS))
    if budget:
        return MATCH_BUDGET, budget
    return MATCH_NONE, ()


def proximity(
    deputy: DeputyIn, project: ProjectIn, neighbours: Mapping[int, frozenset[int]]
) -> str:
    """Whether the deputy lives or works in (or next to) one of the project's villages;
    UNPLACED when the project names no village, UNKNOWN when the deputy has none."""
    places = {v for v in (deputy.home_village, deputy.work_village) if v is not None}
    if not places:
        return UNKNOWN
    if not project.villages:
        return UNPLACED
    if places & project.villages:
        return IN_VILLAGE
    for place in places:
        if neighbours.get(place, frozenset()) & project.villages:
            return ADJACENT
    return FAR


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (latitude, longitude) points, in km."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6371.0 * math.asin(math.sqrt(h)), 1)


def _norm(text: str) -> str:
    return "".join(text.split()).lower()


def conflict_of_interest(deputy: DeputyIn, project: ProjectIn) -> str:
    """A reason code when the deputy should not supervise the project, else ""."""
    employer, body = _norm(deputy.employer), _norm(project.implementing_body)
    if employer and body and (employer in body or body in employer):
        return "employer_is_implementing_body"
    return ""


# Weights (integers; the solver's objective is their sum). A seat is always worth taking, a
# trade match is worth more than living next door, and a second group costs more than the
# best match gains — so everyone gets a first group before anyone gets a second.
SEAT_VALUE = 10
MATCH_VALUE = {MATCH_STRONG: 30, MATCH_BUDGET: 0, MATCH_NONE: 0}
# A group is worth more with at least one member of the project's trade and one who reads
# accounts ("to the last cent"); beyond the first, more of the same adds only the seat value.
COVER_TRADE_VALUE = 40
COVER_BUDGET_VALUE = 25
PROXIMITY_VALUE = {IN_VILLAGE: 20, ADJACENT: 10, FAR: 0, UNPLACED: 0, UNKNOWN: 0}
LEADER_PARTY_VALUE = 25
LEADER_MATCH_VALUE = 5
EXTRA_GROUP_COST = 45  # the 2nd group; the 3rd costs twice as much, and so on
NO_TASK_COST = 1000


def seat_value(match: int, place: str) -> int:
    return SEAT_VALUE + MATCH_VALUE[match] + PROXIMITY_VALUE[place]


# ---------------------------------------------------------------------------------------------
# The recommender


class RecommenderError(Exception):
    """The plan cannot be staffed under the rules; ``code`` says why."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Seat:
    deputy_id: int
    is_leader: bool
    match: int
    match_words: tuple[str, ...]
    proximity: str
    load: int  # groups this deputy holds after this proposal (incl. current load)
    duty: str = ""


@dataclass(frozen=True)
class Excluded:
    deputy_id: int
    reason: str


@dataclass
class Proposal:
    groups: dict[int, list[Seat]]  # project id → seats, leader first
    excluded: dict[int, list[Excluded]]  # project id → conflicts of interest
    without_task: list[int]  # deputies left without a group (only when seats run out)
    seats: int = 0
    objective: float = 0.0
    notes: list[str] = field(default_factory=list)


def _capacity(deputy: DeputyIn, rules: Rules) -> int:
    return max(0, rules.max_groups - deputy.current_load)


def check_feasible(
    deputies: Sequence[DeputyIn], projects: Sequence[ProjectIn], rules: Rules
) -> None:
    if rules.min_size < 1 or rules.max_size < rules.min_size or rules.max_groups < 1:
        raise RecommenderError("bad_rules")
    if not projects:
        raise RecommenderError("no_projects")
    capacity = sum(_capacity(d, rules) for d in deputies)
    needed = len(projects) * rules.min_size
    if capacity < needed:
        raise RecommenderError("too_few_deputies", needed=needed, available=capacity)
    for project in projects:
        eligible = sum(
            1 for d in deputies if _capacity(d, rules) and not conflict_of_interest(d, project)
        )
        if eligible < rules.min_size:
            raise RecommenderError("too_few_eligible", project=project.id, eligible=eligible)


def recommend(
    deputies: Sequence[DeputyIn],
    projects: Sequence[ProjectIn],
    rules: Rules,
    neighbours: Mapping[int, frozenset[int]] | None = None,
    *,
    time_limit: float = 60.0,
) -> Proposal:
    """Propose a group for every project at once (see the module docstring)."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    neighbours = neighbours or {}
    deputies = sorted(deputies, key=lambda d: d.id)
    projects = sorted(projects, key=lambda p: p.id)
    check_feasible(deputies, projects, rules)

    skills = {p.id: project_skills(p) for p in projects}
    pairs: list[tuple[int, int]] = []  # (deputy index, project index)
    info: dict[tuple[int, int], tuple[int, tuple[str, ...], str]] = {}
    excluded: dict[int, list[Excluded]] = {p.id: [] for p in projects}
    for di, d in enumerate(deputies):
        if not _capacity(d, rules):
            continue
        for pi, p in enumerate(projects):
            reason = conflict_of_interest(d, p)
            if reason:
                excluded[p.id].append(Excluded(d.id, reason))
                continue
            level, words = match_level(d, skills[p.id])
            info[(di, pi)] = (level, words, proximity(d, p, neighbours))
            pairs.append((di, pi))

    n_pairs = len(pairs)
    budget_skilled = [bool((set(d.expertise) | {d.profession}) & BUDGET_SKILLS) for d in deputies]
    caps = [_capacity(d, rules) for d in deputies]
    u_index: list[tuple[int, int]] = [(di, j) for di, c in enumerate(caps) for j in range(c)]
    n_u = len(u_index)
    n_d = len(deputies)
    n_p = len(projects)
    # variable layout: x[pairs] | y[pairs] | u[u_index] | s[deputies] | t[projects] | f[projects]
    X, Y, U, S = 0, n_pairs, 2 * n_pairs, 2 * n_pairs + n_u
    T = S + n_d
    F = T + n_p
    n_vars = F + n_p

    cost = np.zeros(n_vars)
    for k, (di, pi) in enumerate(pairs):
        level, _words, place = info[(di, pi)]
        # A tiny deterministic perturbation breaks ties between equally good deputies, which
        # spares the solver from exploring symmetric solutions (it never outweighs a point).
        cost[X + k] = -seat_value(level, place) - ((di * 31 + pi * 17) % 97) / 1000
        lead = LEADER_MATCH_VALUE * level
        if deputies[di].is_party_committee:
            lead += LEADER_PARTY_VALUE
        cost[Y + k] = -lead
    for k, (di, j) in enumerate(u_index):
        nth = deputies[di].current_load + j  # 0 for a first group
        cost[U + k] = EXTRA_GROUP_COST * nth * (nth + 1) // 2 if nth else 0
    cost[S:T] = NO_TASK_COST
    cost[T:F] = -COVER_TRADE_VALUE
    cost[F:] = -COVER_BUDGET_VALUE

    rows, cols, vals, lo, hi = [], [], [], [], []
    r = 0

    def add(entries: Iterable[tuple[int, float]], low: float, high: float) -> None:
        nonlocal r
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lo.append(low)
        hi.append(high)
        r += 1

    by_project: dict[int, list[int]] = {pi: [] for pi in range(len(projects))}
    by_deputy: dict[int, list[int]] = {di: [] for di in range(n_d)}
    for k, (di, pi) in enumerate(pairs):
        by_project[pi].append(k)
        by_deputy[di].append(k)
    u_by_deputy: dict[int, list[int]] = {di: [] for di in range(n_d)}
    for k, (di, _j) in enumerate(u_index):
        u_by_deputy[di].append(k)

    for pi in range(len(projects)):
        ks = by_project[pi]
        add(((X + k, 1) for k in ks), rules.min_size, rules.max_size)
        add(((Y + k, 1) for k in ks), 1, 1)
        # t[p] ≤ Σ x of trade matches; f[p] ≤ Σ x of finance people (coverage bonuses)
        trade = [k for k in ks if info[pairs[k]][0] == MATCH_STRONG]
        add([(T + pi, 1)] + [(X + k, -1) for k in trade], -np.inf, 0)
        finance = [k for k in ks if budget_skilled[pairs[k][0]]]
        add([(F + pi, 1)] + [(X + k, -1) for k in finance], -np.inf, 0)
    for k in range(n_pairs):  # y ≤ x
        add(((Y + k, 1), (X + k, -1)), -np.inf, 0)
    for di in range(n_d):
        ks = by_deputy[di]
        if not ks:
            continue
        add(((Y + k, 1) for k in ks), 0, 1)
        # Σ x − Σ u = 0 (the u's carry the load cost; their count bounds the load)
        add([(X + k, 1) for k in ks] + [(U + k, -1) for k in u_by_deputy[di]], 0, 0)
        add([(X + k, 1) for k in ks] + [(S + di, 1)], 1, np.inf)

    matrix = coo_array((vals, (rows, cols)), shape=(r, n_vars)).tocsr()
    integrality = np.ones(n_vars)
    integrality[S:] = 0  # slack and coverage: continuous, integral at the optimum
    upper = np.ones(n_vars)
    result = milp(
        cost,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(np.zeros(n_vars), upper),
        options={"time_limit": time_limit, "disp": False},
    )
    if result.x is None:
        raise RecommenderError("no_solution", status=result.status, message=result.message)
    x = result.x

    loads = [d.current_load for d in deputies]
    chosen: list[tuple[int, int, bool]] = []
    for k, (di, pi) in enumerate(pairs):
        if x[X + k] > 0.5:
            chosen.append((di, pi, x[Y + k] > 0.5))
            loads[di] += 1
    groups: dict[int, list[Seat]] = {p.id: [] for p in projects}
    for di, pi, lead in chosen:
        level, words, place = info[(di, pi)]
        groups[projects[pi].id].append(
            Seat(
                deputy_id=deputies[di].id,
                is_leader=lead,
                match=level,
                match_words=words,
                proximity=place,
                load=loads[di],
            )
        )
    by_id = {d.id: d for d in deputies}
    for pid, seats in groups.items():
        seats.sort(key=lambda s: (not s.is_leader, -s.match, s.deputy_id))
        groups[pid] = assign_duties(seats, by_id)
    assigned = {di for di, _pi, _lead in chosen}
    without = [d.id for di, d in enumerate(deputies) if di not in assigned and d.current_load == 0]
    return Proposal(
        groups=groups,
        excluded=excluded,
        without_task=without,
        seats=len(chosen),
        objective=float(result.fun),
    )


# Duties inside a group (人人有任务): the leader leads; finance people watch the money,
# builders the quality, the rest the schedule and residents' opinions in turn.
DUTY_LEADER = "leader"
DUTY_FUNDS = "funds"
DUTY_QUALITY = "quality"
DUTY_SCHEDULE = "schedule"
DUTY_RESIDENTS = "residents"
QUALITY_SKILLS = frozenset(
    {"建筑工程", "道路", "建筑施工员", "水利", "电力", "电工", "水利站技术员", "供水"}
)


def assign_duties(seats: list[Seat], deputies: Mapping[int, DeputyIn]) -> list[Seat]:
    out: list[Seat] = []
    taken: set[str] = set()
    rotation = [DUTY_SCHEDULE, DUTY_RESIDENTS]
    turn = 0
    for seat in seats:
        d = deputies[seat.deputy_id]
        own = set(d.expertise) | {d.profession}
        if seat.is_leader:
            duty = DUTY_LEADER
        elif own & BUDGET_SKILLS and DUTY_FUNDS not in taken:
            duty = DUTY_FUNDS
        elif own & QUALITY_SKILLS and DUTY_QUALITY not in taken:
            duty = DUTY_QUALITY
        else:
            duty = rotation[turn % 2]
            turn += 1
        taken.add(duty)
        out.append(
            Seat(
                deputy_id=seat.deputy_id,
                is_leader=seat.is_leader,
                match=seat.match,
                match_words=seat.match_words,
                proximity=seat.proximity,
                load=seat.load,
                duty=duty,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# The hand-over ledger (交办 → 答复 → 复查 → 销号)

RECORDED = "recorded"  # found (inspection, residents), not yet handed over
HANDED_OVER = "handed_over"  # 交办: to a named department with a deadline (限时办结)
ANSWERED = "answered"  # the department answered what was done
REOPENED = "reopened"  # the group re-inspected and found it not fixed
CLOSED = "closed"  # 销号: the group confirmed the fix

# The ledger item's machine (livelihood.transitions). "record" is how an item begins (it is
# created RECORDED); "escalate" (督办) is a step of an overdue item that keeps its status. The
# services apply it (supervision.services.ledger.LEDGER_MACHINE), writing a LedgerEvent and the
# audit event.
LEDGER = Machine(
    "ledger",
    [
        move("hand_over", {RECORDED}, HANDED_OVER),
        move("answer", {HANDED_OVER, REOPENED}, ANSWERED),
        move("close", {ANSWERED}, CLOSED),
        move("reopen", {ANSWERED}, REOPENED),
    ],
)
OPEN_STATUSES = frozenset({RECORDED, HANDED_OVER, ANSWERED, REOPENED})
# Overdue means the department has not answered by the deadline.
AWAITING_DEPARTMENT = frozenset({HANDED_OVER, REOPENED})

TransitionError = TransitionRefused


def ledger_next(current: str, action: str) -> str:
    """The status after ``action``; raises TransitionError if not allowed from ``current``."""
    if action not in LEDGER.table:
        raise TransitionError(LEDGER.name, current, action)
    return LEDGER.target(current, action)


def ledger_actions(current: str) -> list[str]:
    return LEDGER.actions_from(current)


def is_overdue(status: str, deadline, today) -> bool:
    return status in AWAITING_DEPARTMENT and deadline is not None and deadline < today


# ---------------------------------------------------------------------------------------------
# Budget and schedule


def over_budget(budget, invested) -> bool:
    return budget is not None and invested is not None and invested > budget


def slip_days(planned, expected) -> int:
    """Days the expected completion lies after the planned one (0 when on time or unknown)."""
    if planned is None or expected is None:
        return 0
    return max(0, (expected - planned).days)


# ---------------------------------------------------------------------------------------------
# Cadence (U3)


def add_months(day, months: int):
    import calendar

    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


@dataclass(frozen=True)
class Due:
    kind: str  # "inspection" | "report"
    due_on: object  # date
    overdue: bool
    days: int  # days left (negative: days overdue)


def next_due(*, kind: str, last, start, interval_months: int, today) -> Due | None:
    """When the next inspection (or progress report) is due: ``interval_months`` after the
    last one, or after ``start`` (the group's confirmation) when there is none yet."""
    if interval_months <= 0:
        return None
    anchor = last or start
    if anchor is None:
        return None
    due_on = add_months(anchor, interval_months)
    days = (due_on - today).days
    return Due(kind=kind, due_on=due_on, overdue=days < 0, days=days)
