"""Stages 1–2 at scale: similar-suggestion lookup and the triage list with 10,000 suggestions.

    .venv/bin/python bench/run.py --only projects
    .venv/bin/python -c "from bench.bench_projects import main; main(['--suggestions', '10000'])"

Runs in-process against its own PostgreSQL database (``bench_projects`` on the test server,
created and migrated once, kept between runs), with the project's test settings. Targets:
a similar-suggestion lookup under 100 ms; the triage list under 150 ms server time with a
constant number of queries per page. The HTTP load flags of ``bench/run.py`` are accepted
and ignored: this benchmark measures the server side only.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from bench import harness

TITLE = "projects: similar-suggestion lookup and triage list, 10,000 suggestions"
LOOKUP_TARGET_MS = 100
TRIAGE_TARGET_MS = 150


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "livelihood.settings.test"
    os.environ["LIVELIHOOD_TEST_DB"] = "bench_projects"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, keepdb=True, serialize=False)


def _world(n: int):
    """A township with deputies, villages and ``n`` suggestions (made once, then reused)."""
    from django.contrib.auth import get_user_model

    from congress.models import County, Deputy, Role, RoleAssignment, Township, Village
    from projects import domain
    from projects.demo import REASONS, TOPICS
    from projects.models import Project, Suggestion, SuggestionChannel

    county, _c = County.objects.get_or_create(code="BENCH", defaults={"name": "基准县"})
    township, _c = Township.objects.get_or_create(
        code="BENCH01", defaults={"name": "基准镇", "county": county}
    )
    villages = [
        Village.objects.get_or_create(township=township, name=f"基准{i}村")[0] for i in range(15)
    ]
    deputies = [
        Deputy.objects.get_or_create(
            township=township,
            name=f"代表{i}",
            phone=f"1380000{i:04d}",
            defaults={"gender": "M", "home_village": villages[i % 15]},
        )[0]
        for i in range(40)
    ]
    user, _c = get_user_model().objects.get_or_create(username="bench_staff")
    RoleAssignment.objects.get_or_create(user=user, role=Role.STAFF, township=township)
    have = Suggestion.objects.filter(township=township).count()
    rng = random.Random("bench-projects")
    channels = [c.value for c in SuggestionChannel]
    projects = list(Project.objects.filter(township=township)[:30])
    if not projects:
        projects = [
            Project.objects.create(
                township=township,
                title=t.title,
                content=t.detail,
                tokens=domain.tokenize(f"{t.title} {t.detail}"),
            )
            for t in TOPICS
        ]
    rows = []
    for i in range(have, n):
        topic = rng.choice(TOPICS)
        village = rng.choice(villages)
        phrase = rng.choice(topic.phrases)
        title = f"{village.name}{phrase}"
        content = f"{village.name}{phrase}，{rng.choice(REASONS)}。建议{topic.detail}。第{i}号"
        merged = rng.random() < 0.5
        rows.append(
            Suggestion(
                township=township,
                receipt_code=domain.receipt_code_from_int(rng.getrandbits(50)),
                title=title,
                content=content,
                category=topic.category,
                village=village,
                channel=rng.choice(channels),
                deputy=rng.choice(deputies),
                status="merged" if merged else "received",
                project=rng.choice(projects) if merged else None,
                tokens=domain.tokenize(f"{title} {content}"),
            )
        )
    if rows:
        Suggestion.objects.bulk_create(rows, batch_size=1000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_suggestion")
    return township, user


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return (
        f"median {_ms(statistics.median(samples))}, p95 {_ms(p95)}, max {_ms(samples[-1])} "
        f"({len(samples)} runs)"
    )


def _bench_lookup(township, rounds: int) -> tuple[list[float], int]:
    from projects import domain, selectors
    from projects.demo import TOPICS

    rng = random.Random("lookups")
    queries = []
    for topic in (rng.choice(TOPICS) for _ in range(rounds)):
        phrase = rng.choice(topic.phrases)
        queries.append((phrase, f"{phrase} {topic.detail}"))
    queries += [(t, t) for t in ("修建村道路灯", "村里道路安装路灯", "建设老年活动中心")]
    found = 0
    times = []
    for title, text in queries:
        started = time.perf_counter()
        tokens = domain.tokenize(text)
        result = selectors.similar_suggestions(township_id=township.pk, tokens=tokens, title=title)
        times.append(time.perf_counter() - started)
        found += bool(result)
    return times, found


def _bench_triage(township, user, rounds: int) -> tuple[list[float], set[int], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("projects:suggestion_list", args=[township.pk])
    variants = ["", "?page=2", "?page=200", "?status=received", "?q=路灯", "?channel=letter"]
    first_id = township.suggestions.order_by("-created_at").values_list("pk", flat=True).first()
    variants.append(f"?open={first_id}")
    times, counts = [], set()
    per_variant: dict[str, list[float]] = {}
    client.get(url)  # warm-up (template loading, rule set defaults)
    for i in range(rounds):
        variant = variants[i % len(variants)]
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url + variant)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{variant}: HTTP {response.status_code}")
        times.append(elapsed)
        per_variant.setdefault(variant or "(first page)", []).append(elapsed)
        if "open=" not in variant:
            counts.add(len(ctx.captured_queries))
    total = township.suggestions.count()
    medians = {v: statistics.median(t) for v, t in per_variant.items()}
    return times, counts, total, medians


def main(argv: list[str] | None = None) -> int:
    parser = harness.common_parser()
    parser.prog = "bench_projects"
    parser.description = TITLE
    parser.add_argument("--suggestions", type=int, default=10_000, help="suggestions [10000]")
    parser.add_argument("--lookups", type=int, default=200, help="similar lookups [200]")
    parser.add_argument("--pages", type=int, default=70, help="triage page loads [70]")
    args = parser.parse_args(argv)
    harness.install_sigterm_handler()
    with harness.step("database (bench_projects) + migrate"):
        _setup_django()
    with harness.step(f"{args.suggestions} suggestions"):
        township, user = _world(args.suggestions)
    with harness.step(f"{args.lookups} similar-suggestion lookups"):
        lookup_times, found = _bench_lookup(township, args.lookups)
    with harness.step(f"{args.pages} triage page loads"):
        triage_times, counts, total, medians = _bench_triage(township, user, args.pages)
    lookup_ok = statistics.median(lookup_times) * 1000 < LOOKUP_TARGET_MS
    triage_ok = statistics.median(triage_times) * 1000 < TRIAGE_TARGET_MS and len(counts) == 1
    harness.print_block(
        TITLE,
        [
            ("machine", f"{harness.cores()} cores (Python and PostgreSQL share them)"),
            ("suggestions", f"{total} in one township"),
            (
                "similar lookup",
                f"{_summary(lookup_times)}; target < {LOOKUP_TARGET_MS} ms: "
                + ("OK" if lookup_ok else "MISSED")
                + f"; {found} of {len(lookup_times)} found similar ones",
            ),
            (
                "triage list",
                f"{_summary(triage_times)} server time (in-process, rendering included); "
                f"target < {TRIAGE_TARGET_MS} ms: " + ("OK" if triage_ok else "MISSED"),
            ),
            (
                "triage by variant",
                "; ".join(f"{v} {_ms(t)}" for v, t in medians.items()),
            ),
            ("triage queries/page", ", ".join(str(c) for c in sorted(counts)) + " (constant)"),
        ],
    )
    return 0 if lookup_ok and triage_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
