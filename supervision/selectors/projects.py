"""Supervised projects: the township list with progress and ledger counts, one project for a
user, the evidence for the satisfaction ballot, the public progress pages."""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.models import Project

from .. import domain
from ..models import (
    GroupMember,
    ImplementationPlan,
    Inspection,
    ItemStatus,
    LedgerEvent,
    LedgerItem,
    Milestone,
    MilestoneKind,
    ProgressReport,
    SupervisionPriority,
)
from ._base import AWAITING, OPEN, SUPERVISED, _township_filter


def supervised_projects_visible_to(user) -> QuerySet[Project]:
    qs = Project.objects.filter(status__in=SUPERVISED).select_related("township")
    q = _township_filter(user)
    return qs if q is None else qs.filter(q)


def _latest_report(field: str):
    return Subquery(
        ProgressReport.objects.filter(project=OuterRef("pk"))
        .order_by("-reported_on", "-id")
        .values(field)[:1]
    )


def _count(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(project=OuterRef("pk"), **filters)
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def supervision_list(user, *, township, today: datetime.date | None = None) -> QuerySet[Project]:
    """Elected projects of a township with their group, latest progress and ledger counts."""
    today = today or timezone.localdate()
    year = today.year
    return (
        supervised_projects_visible_to(user)
        .filter(township=township)
        .defer("tokens")
        .select_related("supervision_group", "implementation_plan")
        .annotate(
            invested=_latest_report("invested"),
            percent=_latest_report("percent_complete"),
            report_over_budget=_latest_report("over_budget"),
            report_slip=_latest_report("slip_days"),
            last_report=Max("progress_reports__reported_on"),
            last_inspection=Subquery(
                Inspection.objects.filter(project=OuterRef("pk"))
                .order_by("-date")
                .values("date")[:1]
            ),
            open_items=_count(LedgerItem, status__in=OPEN),
            overdue_items=_count(LedgerItem, status__in=AWAITING, deadline__lt=today),
            leader_name=Subquery(
                GroupMember.objects.filter(group__project=OuterRef("pk"), is_leader=True).values(
                    "deputy__name"
                )[:1]
            ),
            n_members=_count_members(),
            is_priority=Exists(
                SupervisionPriority.objects.filter(project=OuterRef("pk"), year__gte=year)
            ),
        )
        .order_by("status", "title", "pk")
    )


def _count_members():
    return Coalesce(
        Subquery(
            GroupMember.objects.filter(group__project=OuterRef("pk"))
            .order_by()
            .values("group")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def project_for_user(user, pk: int) -> Project | None:
    return (
        supervised_projects_visible_to(user)
        .select_related("supervision_group", "implementation_plan")
        .filter(pk=pk)
        .first()
    )


def _day_end(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in the display zone: what was recorded on or before it."""
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(start) - datetime.timedelta(microseconds=1)


def projects_evidence(projects, *, as_of: datetime.date | None = None) -> dict[int, dict]:
    """Planned vs delivered for many projects, as of a date (default today), in five queries
    whatever their number — the one definition of a project's supervision evidence (the
    project page, the evaluation ballot, dashboards, PDFs, public pages all read it).

    ``projects`` are objects with ``pk``, ``estimated_investment`` and ``deadline``. As of
    ``as_of`` counts only what was recorded on or before it: the latest progress report
    *reported* by then, milestones *reached* by then, inspections *held* by then, hand-over
    items recorded by then with each one's status after its last step dated by then (the
    ledger's history), overdue when that status awaits the department and the deadline has
    passed on ``as_of``. Budget and planned completion are the implementation plan's (the
    project's estimate and deadline when the plan leaves them empty).
    """
    as_of = as_of or timezone.localdate()
    ids = [p.pk for p in projects]
    if not ids:
        return {}
    end = _day_end(as_of)
    plans = {
        row["project_id"]: row
        for row in ImplementationPlan.objects.filter(project_id__in=ids).values(
            "project_id", "budget", "deadline"
        )
    }
    latest = {
        row["project_id"]: row
        for row in ProgressReport.objects.filter(project_id__in=ids, reported_on__lte=as_of)
        .order_by("project_id", "-reported_on", "-id")
        .distinct("project_id")
        .values("project_id", "percent_complete", "invested", "expected_completion", "reported_on")
    }
    milestones = {
        row["plan__project_id"]: row
        for row in Milestone.objects.filter(plan__project_id__in=ids)
        .order_by()
        .values("plan__project_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_on__lte=as_of)),
            completed_on=Max(
                "done_on", filter=Q(kind=MilestoneKind.COMPLETION, done_on__lte=as_of)
            ),
        )
    }
    # Each item's status as of the date: the target of its last status step dated by then
    # (an item written without steps, as bulk data may be, keeps its stored status).
    step = (
        LedgerEvent.objects.filter(item=OuterRef("pk"), at__lte=end)
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("to_status")[:1]
    )
    ledger: dict[int, dict[str, int]] = {}
    for pid, status, deadline in (
        LedgerItem.objects.filter(project_id__in=ids, created_at__lte=end)
        .order_by()
        .annotate(status_then=Coalesce(Subquery(step), F("status")))
        .values_list("project_id", "status_then", "deadline")
    ):
        counts = ledger.setdefault(pid, dict.fromkeys(LEDGER_KEYS, 0))
        counts["handovers"] += 1
        counts["closed_handovers"] += status == ItemStatus.CLOSED
        counts["answered_handovers"] += status == ItemStatus.ANSWERED
        counts["open_handovers"] += status in OPEN
        counts["overdue_handovers"] += domain.is_overdue(status, deadline, as_of)
    inspections = dict(
        Inspection.objects.filter(project_id__in=ids, date__lte=as_of)
        .order_by()
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    out = {}
    for project in projects:
        plan = plans.get(project.pk, {})
        last = latest.get(project.pk, {})
        ms = milestones.get(project.pk, {})
        budget = plan.get("budget")
        if budget is None:
            budget = project.estimated_investment
        planned = plan.get("deadline") or project.deadline
        invested = last.get("invested")
        completed_on = ms.get("completed_on")
        if completed_on is None and last.get("percent_complete") == 100:
            completed_on = last.get("reported_on")
        expected = last.get("expected_completion")
        out[project.pk] = {
            "as_of": as_of,
            "budget": budget,
            "invested": invested,
            "percent_complete": last.get("percent_complete"),
            "reported_on": last.get("reported_on"),
            "planned_completion": planned,
            "expected_completion": expected,
            "completed_on": completed_on,
            "milestones_done": ms.get("done", 0),
            "milestones_total": ms.get("total", 0),
            **ledger.get(project.pk, dict.fromkeys(LEDGER_KEYS, 0)),
            "inspections": inspections.get(project.pk, 0),
            "over_budget": domain.over_budget(budget, invested),
            "slipped": domain.slip_days(planned, completed_on or expected) > 0,
            "due": bool(planned and planned <= as_of) or completed_on is not None,
            "on_time": bool(completed_on and planned and completed_on <= planned),
            "has_progress": bool(last),
        }
    return out


LEDGER_KEYS = (
    "handovers",
    "closed_handovers",
    "answered_handovers",
    "open_handovers",
    "overdue_handovers",
)


def project_evidence(project, *, as_of: datetime.date | None = None) -> dict:
    """One project's evidence (``projects_evidence`` of one): planned vs delivered for the
    project page and the satisfaction evaluation ballot — budget vs spent, completion date,
    milestones, hand-overs, inspections. No personal data."""
    return projects_evidence([project], as_of=as_of)[project.pk]


def public_projects(township) -> QuerySet[Project]:
    return (
        Project.objects.filter(township=township, status__in=SUPERVISED)
        .defer("tokens")
        .select_related("implementation_plan")
    )


def public_projects_all() -> QuerySet[Project]:
    """Projects residents may follow: elected, being implemented or completed."""
    return (
        Project.objects.filter(status__in=SUPERVISED)
        .defer("tokens")
        .select_related("township", "implementation_plan")
    )
