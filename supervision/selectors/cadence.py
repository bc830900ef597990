"""Cadence (U3): the next inspection and progress report due for projects being implemented."""

from __future__ import annotations

import datetime

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from congress import selectors as congress_selectors
from congress.models import RuleSet
from projects.models import Project, ProjectStatus

from .. import domain
from ..models import GroupStatus, ProgressReport


def rules_for(body) -> RuleSet:
    """The rule set of a township, or of a county congress (its own ``RuleSet.county``)."""
    from congress.models import County

    if isinstance(body, County):
        return congress_selectors.ruleset_for(county=body)
    return congress_selectors.ruleset_for(township=body)


def project_dues(project, *, rules: RuleSet, last_inspection, last_report, today) -> list:
    group = getattr(project, "supervision_group", None)
    if project.status != ProjectStatus.IMPLEMENTING or group is None or not group.is_confirmed:
        return []
    start = timezone.localdate(group.confirmed_at) if group.confirmed_at else None
    dues = []
    for kind, last, months in (
        ("inspection", last_inspection, rules.inspection_interval_months),
        ("report", last_report, rules.hearing_interval_months),
    ):
        due = domain.next_due(
            kind=kind, last=last, start=start, interval_months=months, today=today
        )
        if due is not None:
            dues.append(due)
    return dues


def cadence_rows(*, today: datetime.date, township=None) -> list[dict]:
    """Every project being implemented with its next inspection and report due (U3)."""
    qs = (
        Project.objects.filter(
            status=ProjectStatus.IMPLEMENTING,
            supervision_group__status=GroupStatus.CONFIRMED,
        )
        .select_related("township", "supervision_group")
        .annotate(
            last_inspection=Max("inspections__date"),
            last_report=Subquery(
                ProgressReport.objects.filter(project=OuterRef("pk"))
                .order_by("-reported_on")
                .values("reported_on")[:1]
            ),
        )
        .defer("tokens")
    )
    if township is not None:
        qs = qs.filter(township=township)
    rules = {r.township_id: r for r in RuleSet.objects.filter(township__isnull=False)}
    rows = []
    for project in qs:
        r = rules.get(project.township_id) or RuleSet(township_id=project.township_id)
        rows.append(
            {
                "project": project,
                "dues": project_dues(
                    project,
                    rules=r,
                    last_inspection=project.last_inspection,
                    last_report=project.last_report,
                    today=today,
                ),
            }
        )
    return rows
