"""Invariants of the indicator layer (cycle/indicators.py), as property tests over generated
years of townships: 票决通过 ≤ 候选 ≤ projects in the reserve; a county's total is the sum of
its townships for every additive figure; a figure as of a date never changes when records
dated after that date are added."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cycle import indicators
from cycle.domain import Figures, rate
from projects.models import AnnualPlan, Candidate, CandidateList, Project, Suggestion
from supervision.models import ImplementationPlan, LedgerEvent, LedgerItem, ProgressReport
from tests.factories import CountyFactory, SessionFactory, TermFactory, TownshipFactory
from tests.reports.factories import RULES
from voting.models import CandidateResult, Vote, VoteCandidate, VoteResult, VoteStatus

pytestmark = pytest.mark.django_db

YEAR = 2026
DAY0 = datetime.date(YEAR, 1, 1)


def _at(day: int) -> datetime.datetime:
    """Noon (UTC) of the day-th day of the year."""
    d = DAY0 + datetime.timedelta(days=day)
    return datetime.datetime(d.year, d.month, d.day, 4, tzinfo=datetime.UTC)


def _date(day: int) -> datetime.date:
    return DAY0 + datetime.timedelta(days=day)


township_spec = st.fixed_dictionaries(
    {
        "projects": st.integers(1, 5),
        "candidates": st.integers(0, 5),
        "elected": st.integers(0, 5),
        "lock": st.integers(0, 200),
        "publish": st.integers(0, 200),
        "suggestions": st.lists(st.integers(0, 364), max_size=5),
        "reports": st.lists(st.tuples(st.integers(0, 364), st.integers(0, 100)), max_size=3),
        "items": st.lists(
            st.tuples(st.integers(0, 300), st.none() | st.integers(0, 60), st.integers(0, 300)),
            max_size=3,
        ),
        "yes": st.integers(0, 30),
    }
)


def _counter():
    n = 0
    while True:
        n += 1
        yield n


SEQ = _counter()


def _township_year(county, spec) -> None:
    township = TownshipFactory(county=county)
    session = SessionFactory(term=TermFactory(township=township, county=county))
    projects = []
    for i in range(spec["projects"]):
        project = Project.objects.create(
            township=township,
            title=f"项目{i}",
            content="内容",
            estimated_investment=Decimal(10 + i),
            deadline=_date(300),
            status="reserve",
        )
        Project.objects.filter(pk=project.pk).update(
            created_at=_at(0) - datetime.timedelta(days=30)
        )
        projects.append(project)
    n_candidates = min(spec["candidates"], len(projects))
    n_elected = min(spec["elected"], n_candidates)
    plan = AnnualPlan.objects.create(township=township, year=YEAR, slots=max(1, n_elected))
    clist = CandidateList.objects.create(plan=plan, locked_at=_at(spec["lock"]))
    publish = max(spec["lock"], spec["publish"])
    vote = Vote.objects.create(
        session=session,
        candidate_list=clist,
        title="票决",
        status=VoteStatus.PUBLISHED,
        slots=max(1, n_elected),
        published_at=_at(publish),
        **RULES,
    )
    result = VoteResult.objects.create(
        vote=vote, due=30, present=30, on_leave=0, in_office=30, issued=30, returned=30,
        electronic=30, paper=0, valid=30, invalid=0, blank=0, pass_base_count=30,
        quorum_met=True, is_valid=True,
    )  # fmt: skip
    for i, project in enumerate(projects[:n_candidates], start=1):
        Candidate.objects.create(candidate_list=clist, project=project, position=i)
        vc = VoteCandidate.objects.create(
            vote=vote, position=i, project=project, title=project.title,
            investment=project.estimated_investment,
        )  # fmt: skip
        elected = i <= n_elected
        CandidateResult.objects.create(
            vote_result=result, candidate=vc, yes=spec["yes"] if not elected else 16 + i % 10,
            no=0, abstain=0, passed=elected, elected=elected, rank=i,
        )  # fmt: skip
        if elected:
            ImplementationPlan.objects.create(
                project=project, budget=Decimal(50), deadline=_date(250)
            )
    for day in spec["suggestions"]:
        s = Suggestion.objects.create(
            township=township, receipt_code=f"P{next(SEQ):09d}", title="建议", content="内容",
            channel="letter",
        )  # fmt: skip
        Suggestion.objects.filter(pk=s.pk).update(
            created_at=_at(day) - datetime.timedelta(days=365)
        )
    elected_projects = projects[:n_elected]
    for project in elected_projects:
        for k, (day, pct) in enumerate(spec["reports"]):
            ProgressReport.objects.create(
                project=project, period=f"P{k}", reported_on=_date(day),
                invested=Decimal(pct) / 2, percent_complete=pct, status="on_track",
            )  # fmt: skip
        for created, closed_after, deadline in spec["items"]:
            _item(project, created=created, closed_after=closed_after, deadline=deadline)


def _item(project, *, created: int, closed_after: int | None, deadline: int) -> None:
    item = LedgerItem.objects.create(
        project=project, township=project.township, title="问题", department="镇交通办",
        status="closed" if closed_after is not None else "handed_over", deadline=_date(deadline),
    )  # fmt: skip
    LedgerItem.objects.filter(pk=item.pk).update(created_at=_at(created))
    steps = [("record", "recorded", created), ("hand_over", "handed_over", created)]
    if closed_after is not None:
        steps.append(("close", "closed", created + closed_after))
    for action, status, day in steps:
        event = LedgerEvent.objects.create(item=item, action=action, to_status=status)
        LedgerEvent.objects.filter(pk=event.pk).update(at=_at(day))


class Rollback(Exception):
    pass


def _in_rollback(fn):
    """Each generated example in its own transaction, rolled back."""
    try:
        with transaction.atomic():
            fn()
            raise Rollback
    except Rollback:
        pass


PROPERTY = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(specs=st.lists(township_spec, min_size=1, max_size=3), as_of=st.integers(0, 364))
def test_funnel_order_and_county_total_is_the_sum(specs, as_of):
    def check():
        county = CountyFactory(code=f"H{next(SEQ):05d}")
        for spec in specs:
            _township_year(county, spec)
        found = indicators.county_figures(county, YEAR, as_of=_date(as_of))
        total = Figures()
        for row in found.rows:
            f = row.figures
            assert f.elected <= f.candidates <= f.reserve
            total.add(f)
        for name in Figures.ADDITIVE + Figures.SUMS:
            assert getattr(found.total, name) == getattr(total, name), name
        # and a rate of the total is recomputed from the summed numerator and base
        assert found.total.handover_closure == rate(total.closed_n, total.handovers_n)
        assert [k for k, _v in found.funnel] == ["suggestions", "candidates", "elected"]

    _in_rollback(check)


@PROPERTY
@given(
    spec=township_spec,
    as_of=st.integers(0, 300),
    later=st.integers(1, 60),
)
def test_a_figure_as_of_a_date_ignores_later_records(spec, as_of, later):
    def check():
        county = CountyFactory(code=f"L{next(SEQ):05d}")
        _township_year(county, spec)
        day = _date(as_of)
        before = indicators.county_figures(county, YEAR, as_of=day).total.as_dict()
        rows_before = [
            (r.title, r.yes_rate, r.evidence, r.satisfaction)
            for r in indicators.elected_rows(
                township_id=county.townships.get().pk, year=YEAR, as_of=day
            )
        ]
        # Records dated after the day: a suggestion, a progress report, a hand-over step
        # closing an open item, a new item.
        after = as_of + later
        township = county.townships.get()
        s = Suggestion.objects.create(
            township=township, receipt_code=f"Q{next(SEQ):09d}", title="晚到", content="内容",
            channel="letter",
        )  # fmt: skip
        Suggestion.objects.filter(pk=s.pk).update(created_at=_at(after))
        for project in Project.objects.filter(township=township, implementation_plan__isnull=False):
            ProgressReport.objects.create(
                project=project, period=f"L{next(SEQ)}", reported_on=_date(after),
                invested=Decimal(1), percent_complete=99, status="on_track",
            )  # fmt: skip
            for item in LedgerItem.objects.filter(project=project, status="handed_over"):
                event = LedgerEvent.objects.create(item=item, action="close", to_status="closed")
                LedgerEvent.objects.filter(pk=event.pk).update(at=_at(after))
                LedgerItem.objects.filter(pk=item.pk).update(status="closed")
            _item(project, created=after, closed_after=None, deadline=after)
        assert indicators.county_figures(county, YEAR, as_of=day).total.as_dict() == before
        rows_after = [
            (r.title, r.yes_rate, r.evidence, r.satisfaction)
            for r in indicators.elected_rows(township_id=township.pk, year=YEAR, as_of=day)
        ]
        assert rows_after == rows_before

    _in_rollback(check)
