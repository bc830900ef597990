"""Generate the province-sized data set for bench/bench_dashboard.py.

    bench/bench_dashboard.py runs it against its own database (``bench_reports``).

2,000 townships in counties of 30, five years of plans (8 candidates, 5 elected), published
votes with stored results, suggestions, progress reports, hand-over items and satisfaction
results. Bulk inserts; idempotent (a second run adds nothing). It refuses to run on any
database whose name does not start with ``bench``, so it can never fill the dev database.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

BATCH = 5000


class Command(BaseCommand):
    help = "Generate the province-sized reports bench data set (bench databases only)."

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=2000)
        parser.add_argument("--per-county", type=int, default=30)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--last-year", type=int, default=2026)
        parser.add_argument("--suggestions", type=int, default=30, help="per plan")

    def handle(self, *args, **opts):
        name = connection.settings_dict["NAME"]
        if not str(name).startswith("bench"):
            raise CommandError(f"refusing to write bench data into database {name!r}")
        from congress.models import County

        if County.objects.filter(code__startswith="PB").exists():
            self.stdout.write("bench data already present")
            return
        with transaction.atomic():
            self._generate(**opts)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _generate(self, *, townships, per_county, years, last_year, suggestions, **_):
        from congress.models import County, Session, Term, Township
        from projects.models import AnnualPlan, Candidate, CandidateList, Project, Suggestion
        from voting.models import CandidateResult, Vote, VoteCandidate, VoteResult

        rng = random.Random("province")
        now = timezone.now()
        first_year = last_year - years + 1
        n_counties = (townships + per_county - 1) // per_county
        counties = County.objects.bulk_create(
            County(name=f"基准{i:03d}县", code=f"PB{i:04d}") for i in range(n_counties)
        )
        towns = Township.objects.bulk_create(
            (
                Township(
                    county=counties[i // per_county], name=f"基准{i:04d}镇", code=f"PBT{i:05d}"
                )
                for i in range(townships)
            ),
            batch_size=BATCH,
        )
        self.stdout.write(f"{len(counties)} counties, {len(towns)} townships")
        terms = Term.objects.bulk_create(
            (
                Term(
                    level="township",
                    county_id=t.county_id,
                    township=t,
                    number=19,
                    start_year=first_year - 1,
                    end_year=last_year + 1,
                )
                for t in towns
            ),
            batch_size=BATCH,
        )
        sessions = Session.objects.bulk_create(
            (
                Session(term=term, number=y - first_year + 1, date=datetime.date(y, 1, 15))
                for term in terms
                for y in range(first_year, last_year + 1)
            ),
            batch_size=BATCH,
        )
        session_of = {(s.term.township_id, s.date.year): s for s in sessions}
        plans = AnnualPlan.objects.bulk_create(
            (
                AnnualPlan(township=t, year=y, slots=5)
                for t in towns
                for y in range(first_year, last_year + 1)
            ),
            batch_size=BATCH,
        )
        lists = CandidateList.objects.bulk_create(
            (CandidateList(plan=p, locked_at=now) for p in plans), batch_size=BATCH
        )
        self.stdout.write(f"{len(plans)} plans")
        projects = Project.objects.bulk_create(
            (
                Project(
                    township_id=p.township_id,
                    title=f"{p.year}年第{i}号民生项目",
                    content="基准项目内容",
                    estimated_investment=Decimal(rng.randint(20, 500)),
                    deadline=datetime.date(p.year, 12, 31),
                    status="completed"
                    if i < 5 and p.year < last_year
                    else ("elected" if i < 5 else "reserve"),
                )
                for p in plans
                for i in range(8)
            ),
            batch_size=BATCH,
        )
        Candidate.objects.bulk_create(
            (
                Candidate(candidate_list=cl, project=projects[k * 8 + i], position=i + 1)
                for k, cl in enumerate(lists)
                for i in range(8)
            ),
            batch_size=BATCH,
        )
        rules = dict(
            mode="competitive",
            ballot_type="approval",
            pass_base="in_office",
            quorum_numerator=2,
            quorum_denominator=3,
            tie_rule="revote",
            shortfall_rule="further_vote",
            blank_ballot_policy="valid_abstain",
            trackers_enabled=False,
            code_salt="bench",
        )
        votes = Vote.objects.bulk_create(
            (
                Vote(
                    session=session_of[(p.township_id, p.year)],
                    candidate_list=cl,
                    title=f"{p.year}年民生实事项目票决",
                    status="published",
                    slots=5,
                    published_at=now,
                    **rules,
                )
                for p, cl in zip(plans, lists, strict=True)
            ),
            batch_size=BATCH,
        )
        results = VoteResult.objects.bulk_create(
            (
                VoteResult(
                    vote=v,
                    due=40,
                    present=38,
                    on_leave=2,
                    in_office=40,
                    issued=38,
                    returned=38,
                    electronic=38,
                    paper=0,
                    valid=38,
                    invalid=0,
                    blank=0,
                    pass_base_count=40,
                    quorum_met=True,
                    is_valid=True,
                )
                for v in votes
            ),
            batch_size=BATCH,
        )
        vcs = VoteCandidate.objects.bulk_create(
            (
                VoteCandidate(
                    vote=v,
                    position=i + 1,
                    project=projects[k * 8 + i],
                    title=projects[k * 8 + i].title,
                    investment=projects[k * 8 + i].estimated_investment,
                )
                for k, v in enumerate(votes)
                for i in range(8)
            ),
            batch_size=BATCH,
        )
        CandidateResult.objects.bulk_create(
            (
                CandidateResult(
                    vote_result=results[j // 8],
                    candidate=vc,
                    yes=36 - (j % 8) * 3,
                    no=2 + (j % 8) * 3,
                    abstain=0,
                    passed=(j % 8) < 5,
                    elected=(j % 8) < 5,
                    rank=(j % 8) + 1,
                )
                for j, vc in enumerate(vcs)
            ),
            batch_size=BATCH,
        )
        self.stdout.write(f"{len(votes)} votes, {len(vcs)} candidates with results")
        field = Suggestion._meta.get_field("created_at")
        field.auto_now_add = False  # the bench dates suggestions in each plan's window
        try:
            Suggestion.objects.bulk_create(
                (
                    Suggestion(
                        township_id=p.township_id,
                        receipt_code=f"B{k:07d}{n:03d}",
                        title="基准建议",
                        content="基准建议内容",
                        channel="letter",
                        created_at=(
                            datetime.datetime(
                                p.year - 1, 1 + n % 12, 1 + n % 28, 2, tzinfo=datetime.UTC
                            )
                        ),
                    )
                    for k, p in enumerate(plans)
                    for n in range(suggestions)
                ),
                batch_size=BATCH,
            )
        finally:
            field.auto_now_add = True
        self.stdout.write(f"{len(plans) * suggestions} suggestions")
        elected = [projects[k * 8 + i] for k in range(len(plans)) for i in range(5)]
        self._supervision(elected, rng, last_year)
        self._evaluations(plans, votes, vcs, session_of, last_year, rules)

    def _supervision(self, elected, rng, last_year):
        try:
            from supervision.models import ImplementationPlan, LedgerItem, ProgressReport
        except ImportError:
            self.stdout.write("supervision not built: no progress data")
            return
        ImplementationPlan.objects.bulk_create(
            (
                ImplementationPlan(project=p, budget=p.estimated_investment, deadline=p.deadline)
                for p in elected
            ),
            batch_size=BATCH,
        )
        reports = []
        for p in elected:
            year = p.deadline.year
            percent = 100 if year < last_year else rng.randint(10, 90)
            reports.append(
                ProgressReport(
                    project=p,
                    period=f"{year}Q4",
                    reported_on=datetime.date(year, 11, 30),
                    invested=(p.estimated_investment * percent / 100).quantize(Decimal("0.01")),
                    percent_complete=percent,
                    status="completed" if percent == 100 else "on_track",
                    expected_completion=p.deadline
                    + datetime.timedelta(days=rng.choice([0, 0, 0, 30])),
                )
            )
        ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
        LedgerItem.objects.bulk_create(
            (
                LedgerItem(
                    project=p,
                    township_id=p.township_id,
                    title="基准交办事项",
                    department="镇政府",
                    deadline=datetime.date(p.deadline.year, 9, 30),
                    status=rng.choice(["closed", "closed", "answered", "handed_over"]),
                )
                for p in elected
            ),
            batch_size=BATCH,
        )
        self.stdout.write(f"{len(reports)} progress reports, {len(elected)} hand-over items")

    def _evaluations(self, plans, votes, vcs, session_of, last_year, rules):
        try:
            from voting.models import EvaluationResult, Vote, VoteCandidate, VoteResult
        except ImportError:
            self.stdout.write("evaluation not built: no satisfaction data")
            return
        past = [(k, p) for k, p in enumerate(plans) if p.year < last_year]
        evals = Vote.objects.bulk_create(
            (
                Vote(
                    kind="evaluation",
                    plan=p,
                    session=session_of[(p.township_id, p.year + 1)],
                    title=f"{p.year}年民生实事项目满意度测评",
                    status="published",
                    slots=5,
                    **rules,
                )
                for _k, p in past
            ),
            batch_size=BATCH,
        )
        results = VoteResult.objects.bulk_create(
            (
                VoteResult(
                    vote=v,
                    due=40,
                    present=38,
                    on_leave=2,
                    in_office=40,
                    issued=38,
                    returned=38,
                    electronic=38,
                    paper=0,
                    valid=38,
                    invalid=0,
                    blank=0,
                    pass_base_count=38,
                    quorum_met=True,
                    is_valid=True,
                )
                for v in evals
            ),
            batch_size=BATCH,
        )
        candidates = VoteCandidate.objects.bulk_create(
            (
                VoteCandidate(
                    vote=v,
                    position=i + 1,
                    project_id=vcs[k * 8 + i].project_id,
                    title=vcs[k * 8 + i].title,
                )
                for v, (k, _p) in zip(evals, past, strict=True)
                for i in range(5)
            ),
            batch_size=BATCH,
        )
        EvaluationResult.objects.bulk_create(
            (
                EvaluationResult(
                    vote_result=results[j // 5],
                    candidate=c,
                    satisfied=30 - j % 5,
                    basic=6,
                    unsatisfied=2 + j % 5,
                    abstain=0,
                    grade="satisfied",
                )
                for j, c in enumerate(candidates)
            ),
            batch_size=BATCH,
        )
        self.stdout.write(f"{len(candidates)} satisfaction results")
