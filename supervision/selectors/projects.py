"""Supervised projects: the township list with progress and ledger counts, one project for a
user, the evidence for the satisfaction ballot, the public progress pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
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
    LedgerItem,
    Milestone,
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


def project_evidence(project) -> dict:
    """Planned vs delivered for the satisfaction evaluation ballot: budget vs spent, completion
    date, milestones, open hand-overs. A few aggregate queries, no personal data."""
    today = timezone.localdate()
    plan = ImplementationPlan.objects.filter(project_id=project.pk).first()
    latest = (
        ProgressReport.objects.filter(project_id=project.pk).order_by("-reported_on", "-id").first()
    )
    milestones = Milestone.objects.filter(plan__project_id=project.pk).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False))
    )
    items = LedgerItem.objects.filter(project_id=project.pk).aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        overdue=Count("pk", filter=Q(status__in=AWAITING, deadline__lt=today)),
    )
    completed_on = (
        Milestone.objects.filter(plan__project_id=project.pk, kind="completion")
        .values_list("done_on", flat=True)
        .first()
    )
    if completed_on is None and latest is not None and latest.percent_complete == 100:
        completed_on = latest.reported_on
    budget: Decimal | None = plan.budget if plan else project.estimated_investment
    planned = plan.deadline if plan and plan.deadline else project.deadline
    invested = latest.invested if latest else None
    expected = latest.expected_completion if latest else None
    return {
        "budget": budget,
        "invested": invested,
        "percent_complete": latest.percent_complete if latest else None,
        "planned_completion": planned,
        "expected_completion": expected,
        "completed_on": completed_on,
        "milestones_done": milestones["done"] or 0,
        "milestones_total": milestones["total"] or 0,
        "open_handovers": items["open"] or 0,
        "overdue_handovers": items["overdue"] or 0,
        "inspections": Inspection.objects.filter(project_id=project.pk).count(),
        "over_budget": domain.over_budget(budget, invested),
        "slipped": domain.slip_days(planned, completed_on or expected) > 0,
    }


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
