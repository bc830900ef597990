"""Builders for reports tests: a plan with a locked candidate list and a published vote whose
stored results (VoteResult / CandidateResult) elect some candidates. Dashboards read exactly
these rows, so the tests build them directly instead of casting ballots."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import AnnualPlan, Candidate, CandidateList, Project, Suggestion
from voting.models import CandidateResult, Vote, VoteCandidate, VoteResult, VoteStatus

RULES = dict(
    mode="competitive",
    ballot_type="approval",
    pass_base="in_office",
    quorum_numerator=2,
    quorum_denominator=3,
    tie_rule="revote",
    shortfall_rule="further_vote",
    blank_ballot_policy="valid_abstain",
    trackers_enabled=False,
    code_salt="salt",
)

TITLES = ["东河村道路路灯安装", "西岭村饮水工程改造", "镇区污水管网建设", "南塘村文化礼堂"]


def published_plan(
    township,
    session,
    *,
    year=2026,
    titles=TITLES,
    elected=3,
    status=VoteStatus.PUBLISHED,
    suggestions=0,
    published_at=None,
):
    """A plan of ``titles`` candidates; the first ``elected`` are elected in a vote with
    ``status``. ``suggestions`` suggestions are received in the collection window. The
    projects date from the year before, the list is locked on 1 March and the vote published
    on ``published_at`` (default 20 March of the plan year): figures are as of a date."""
    published_at = published_at or datetime.datetime(year, 3, 20, 2, tzinfo=datetime.UTC)
    plan = AnnualPlan.objects.create(township=township, year=year, slots=max(1, elected))
    clist = CandidateList.objects.create(
        plan=plan, locked_at=datetime.datetime(year, 3, 1, 2, tzinfo=datetime.UTC)
    )
    vote = Vote.objects.create(
        session=session,
        candidate_list=clist,
        title=f"{year}年民生实事项目票决",
        status=status,
        slots=max(1, elected),
        published_at=published_at if status == VoteStatus.PUBLISHED else None,
        **RULES,
    )
    result = VoteResult.objects.create(
        vote=vote,
        due=30,
        present=28,
        on_leave=2,
        in_office=30,
        issued=28,
        returned=28,
        electronic=28,
        paper=0,
        valid=28,
        invalid=0,
        blank=0,
        pass_base_count=30,
        quorum_met=True,
        is_valid=True,
    )
    projects = []
    for i, title in enumerate(titles, start=1):
        is_elected = i <= elected
        project = Project.objects.create(
            township=township,
            title=title,
            content=f"{title}的主要内容",
            location=f"{township.name}{title[:3]}",
            estimated_investment=Decimal(100 + i),
            implementing_body="镇政府",
            deadline=datetime.date(year, 12, 31),
            status="elected" if is_elected and status == VoteStatus.PUBLISHED else "candidate",
        )
        Project.objects.filter(pk=project.pk).update(
            created_at=datetime.datetime(year - 1, 9, 1, 2, tzinfo=datetime.UTC)
        )
        Candidate.objects.create(candidate_list=clist, project=project, position=i)
        vc = VoteCandidate.objects.create(
            vote=vote,
            position=i,
            project=project,
            title=title,
            content=project.content,
            investment=project.estimated_investment,
            deadline=project.deadline,
        )
        yes = 27 - i if is_elected else 10
        CandidateResult.objects.create(
            vote_result=result,
            candidate=vc,
            yes=yes,
            no=28 - yes,
            abstain=0,
            passed=is_elected,
            elected=is_elected,
            rank=i,
        )
        projects.append(project)
    for n in range(suggestions):
        s = Suggestion.objects.create(
            township=township,
            receipt_code=f"R{township.pk:04d}{year}{n:05d}"[:16],
            title=f"建议{n}",
            content="内容",
            channel="letter",
        )
        Suggestion.objects.filter(pk=s.pk).update(
            created_at=datetime.datetime(year - 1, 6, 1, 4, tzinfo=datetime.UTC)
        )
    return plan, vote, projects


def supervision_records(project, *, budget=120, invested=60, percent=50, overdue=1, closed=1):
    """An implementation plan, one progress report and hand-over items for a project, written
    straight into supervision's tables (the dashboards read those tables)."""
    from supervision.models import ImplementationPlan, LedgerItem, Milestone, ProgressReport

    plan = ImplementationPlan.objects.create(
        project=project, budget=Decimal(budget), deadline=datetime.date(2026, 12, 31)
    )
    Milestone.objects.create(
        plan=plan,
        kind="approval",
        position=1,
        planned_date=datetime.date(2026, 2, 1),
        done_on=datetime.date(2026, 1, 25),
    )
    Milestone.objects.create(
        plan=plan, kind="start", position=2, planned_date=datetime.date(2026, 4, 1)
    )
    ProgressReport.objects.create(
        project=project,
        period="2026Q2",
        reported_on=datetime.date(2026, 6, 20),
        invested=Decimal(invested),
        percent_complete=percent,
        status="on_track",
        expected_completion=datetime.date(2026, 12, 20),
    )
    for _ in range(overdue):
        LedgerItem.objects.create(
            project=project,
            township=project.township,
            title="路面破损",
            department="镇交通办",
            status="handed_over",
            deadline=datetime.date(2026, 1, 10),
        )
    for _ in range(closed):
        LedgerItem.objects.create(
            project=project,
            township=project.township,
            title="排水不畅",
            department="镇水务站",
            deadline=datetime.date(2026, 5, 1),
            status="closed",
        )
    # Recorded in January (bulk rows without ledger steps keep their stored status).
    LedgerItem.objects.filter(project=project).update(
        created_at=datetime.datetime(2026, 1, 5, 2, tzinfo=datetime.UTC)
    )


def published_evaluation(plan, session, projects, *, satisfied=25, basic=2, unsatisfied=1):
    """A published satisfaction evaluation of ``projects`` (one stored EvaluationResult each,
    28 ballots returned)."""
    from voting.models import EvaluationResult

    vote = Vote.objects.create(
        kind="evaluation",
        plan=plan,
        session=session,
        title=f"{plan.year}年民生实事项目满意度测评",
        status=VoteStatus.PUBLISHED,
        slots=len(projects),
        published_at=timezone.now(),
        **RULES,
    )
    result = VoteResult.objects.create(
        vote=vote,
        due=30,
        present=28,
        on_leave=2,
        in_office=30,
        issued=28,
        returned=28,
        electronic=28,
        paper=0,
        valid=28,
        invalid=0,
        blank=0,
        pass_base_count=28,
        quorum_met=True,
        is_valid=True,
    )
    for i, project in enumerate(projects, start=1):
        vc = VoteCandidate.objects.create(
            vote=vote, position=i, project=project, title=project.title
        )
        EvaluationResult.objects.create(
            vote_result=result,
            candidate=vc,
            satisfied=satisfied,
            basic=basic,
            unsatisfied=unsatisfied,
            abstain=0,
            grade="satisfied",
        )
    return vote
