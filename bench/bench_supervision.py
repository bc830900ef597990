"""The supervision-group recommender on a county-sized plan (pure: no server, no database).

A county congress has 200–400 deputies and votes 10–30 livelihood projects a year; the
recommender assigns every group at once as one MILP (SciPy HiGHS). This reports the solve
time and checks the constraints on the result.

    .venv/bin/python bench/run.py --only supervision
    .venv/bin/python -c "from bench.bench_supervision import main; main(['--deputies', '400'])"
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench import harness

TITLE = "supervision: group recommender (MILP over all projects of a plan)"
PROFESSIONS = [
    ("农民", ("农业", "种植")),
    ("村党支部书记", ("基层治理", "农村建设")),
    ("教师", ("教育",)),
    ("乡村医生", ("医疗卫生",)),
    ("建筑施工员", ("建筑工程", "道路")),
    ("水利站技术员", ("水利", "供水")),
    ("会计", ("财务", "审计")),
    ("电工", ("电力", "照明")),
    ("社区工作者", ("养老服务", "社区治理")),
    ("环保站职员", ("环境保护", "污水处理")),
]
TITLES = ["道路拓宽", "路灯安装", "饮水工程", "污水管网", "养老服务中心", "小学操场", "危桥改造"]


def build(n_deputies: int, n_projects: int, n_villages: int, seed: int):
    from supervision.domain import DeputyIn, ProjectIn

    rng = random.Random(seed)
    deputies = []
    for i in range(n_deputies):
        prof, tags = PROFESSIONS[rng.randrange(len(PROFESSIONS))]
        home = rng.randrange(n_villages)
        deputies.append(
            DeputyIn(
                id=i + 1,
                profession=prof,
                expertise=tags,
                home_village=home,
                work_village=home if rng.random() < 0.7 else rng.randrange(n_villages),
                is_party_committee=rng.random() < 0.15,
                employer="县建设工程公司" if rng.random() < 0.02 else "",
            )
        )
    projects = [
        ProjectIn(
            id=10_000 + j,
            title=TITLES[j % len(TITLES)],
            villages=frozenset(rng.sample(range(n_villages), rng.randint(1, 3))),
            implementing_body="县建设工程公司" if j % 5 == 0 else "县交通局",
        )
        for j in range(n_projects)
    ]
    neighbours = {
        v: frozenset({(v + 1) % n_villages, (v - 1) % n_villages}) for v in range(n_villages)
    }
    return deputies, projects, neighbours


def check(proposal, rules) -> None:
    load: dict[int, int] = {}
    for seats in proposal.groups.values():
        assert rules.min_size <= len(seats) <= rules.max_size
        assert sum(s.is_leader for s in seats) == 1
        for s in seats:
            load[s.deputy_id] = load.get(s.deputy_id, 0) + 1
    assert max(load.values()) <= rules.max_groups


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(parents=[harness.common_parser(add_help=False)])
    parser.add_argument("--deputies", type=int, default=0, help="one size only")
    parser.add_argument("--projects", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from supervision.domain import Rules, recommend

    sizes = (
        [(args.deputies, args.projects)]
        if args.deputies
        else [(51, 3), (60, 10), (300, 30), (400, 30), (400, 60)]
    )
    rules = Rules()
    print(TITLE)
    print(f"rules: groups of {rules.min_size}–{rules.max_size}, ≤ {rules.max_groups} per deputy")
    print(
        f"{'deputies':>8} {'projects':>8} {'seats':>6} {'no task':>7} {'median s':>9} {'max s':>7}"
    )
    recommend(*build(20, 3, 12, 0)[:2], rules)  # warm-up: import SciPy/HiGHS once
    for n_d, n_p in sizes:
        times = []
        deputies, projects, neighbours = build(n_d, n_p, max(12, n_d // 10), seed=n_d * 7 + n_p)
        for _ in range(args.repeat):
            started = time.perf_counter()
            proposal = recommend(deputies, projects, rules, neighbours)
            times.append(time.perf_counter() - started)
            check(proposal, rules)
        print(
            f"{n_d:>8} {n_p:>8} {proposal.seats:>6} {len(proposal.without_task):>7} "
            f"{statistics.median(times):>9.3f} {max(times):>7.3f}"
        )
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
