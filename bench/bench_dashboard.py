"""County dashboard on a province-sized data set: 2,000 townships (counties of 30), five
years of plans, published votes, suggestions, progress reports, hand-overs and ratings.

    .venv/bin/python bench/run.py --only dashboard
    .venv/bin/python -c "from bench.bench_dashboard import main; main(['--pages', '60'])"

Runs in-process against its own PostgreSQL database (``bench_reports`` on the test server,
created, migrated and filled once by ``manage.py reports_bench_data``, kept between runs),
with the project's test settings. Target: the county dashboard under 150 ms server time
(in-process, rendering included) with the same number of queries for every county and year.
The HTTP load flags of ``bench/run.py`` are accepted and ignored.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

from bench import harness

TITLE = "reports: county dashboard, province data set (2,000 townships × 5 years)"
TARGET_MS = 150


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "livelihood.settings.test"
    os.environ["LIVELIHOOD_TEST_DB"] = "bench_reports"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)


def _generate(townships: int) -> dict:
    from django.core.management import call_command

    from congress.models import County, Township
    from projects.models import AnnualPlan, Suggestion
    from voting.models import CandidateResult

    call_command("reports_bench_data", townships=townships)
    return {
        "counties": County.objects.filter(code__startswith="PB").count(),
        "townships": Township.objects.filter(code__startswith="PBT").count(),
        "plans": AnnualPlan.objects.count(),
        "suggestions": Suggestion.objects.count(),
        "results": CandidateResult.objects.count(),
    }


def _reviewer():
    from django.contrib.auth import get_user_model

    from congress.models import County, Role, RoleAssignment

    user, _c = get_user_model().objects.get_or_create(username="bench_reviewer")
    for county in County.objects.filter(code__startswith="PB"):
        RoleAssignment.objects.get_or_create(user=user, role=Role.REVIEWER, county=county)
    return user


def _bench(user, pages: int) -> tuple[list[float], set[int], dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from congress.models import County

    client = Client()
    client.force_login(user)
    counties = list(County.objects.filter(code__startswith="PB").order_by("code")[:20])
    years = [2022, 2024, 2026]
    client.get(f"/dashboard/counties/{counties[0].pk}/2026/")  # warm-up
    times, counts, per_year = [], set(), {}
    for i in range(pages):
        county, year = counties[i % len(counties)], years[i % len(years)]
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(f"/dashboard/counties/{county.pk}/{year}/")
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        times.append(elapsed)
        counts.add(len(ctx.captured_queries))
        per_year.setdefault(year, []).append(elapsed)
    return times, counts, {y: statistics.median(t) for y, t in per_year.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = harness.common_parser()
    parser.prog = "bench_dashboard"
    parser.description = TITLE
    parser.add_argument("--townships", type=int, default=2000, help="townships [2000]")
    parser.add_argument("--pages", type=int, default=60, help="dashboard loads [60]")
    args = parser.parse_args(argv)
    harness.install_sigterm_handler()
    with harness.step("database (bench_reports) + migrate"):
        _setup_django()
    with harness.step(f"province data set ({args.townships} townships; first run only)"):
        sizes = _generate(args.townships)
        user = _reviewer()
    with harness.step(f"{args.pages} county dashboard loads"):
        times, counts, per_year = _bench(user, args.pages)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    ok = statistics.median(times) * 1000 < TARGET_MS and len(counts) == 1
    harness.print_block(
        TITLE,
        [
            ("machine", f"{harness.cores()} cores (Python and PostgreSQL share them)"),
            ("data set", ", ".join(f"{k} {v}" for k, v in sizes.items())),
            (
                "county dashboard",
                f"median {_ms(statistics.median(times))}, p95 {_ms(p95)}, max {_ms(times[-1])} "
                f"({len(times)} loads, 30 townships each); target < {TARGET_MS} ms: "
                + ("OK" if ok else "MISSED"),
            ),
            ("by year", "; ".join(f"{y} {_ms(t)}" for y, t in sorted(per_year.items()))),
            ("queries/page", ", ".join(str(c) for c in sorted(counts)) + " (constant)"),
        ],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
