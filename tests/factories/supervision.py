"""Supervision's records built through its services: an elected project's implementation plan
(with milestone dates), progress reports from the government liaison, a confirmed supervision
group and its inspections."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from ._core import DeputyFactory, ProjectFactory, _ServiceFactory, government_of, staff_of


def implementation_plan(project, *, milestones=None, **fields):
    """The project's implementation plan (supervision.services.implementation_plan_ensure,
    made when the vote was published) edited by the government liaison:
    ``milestones`` maps a kind to (planned date, reached on); ``fields`` are the plan's
    (budget, deadline, …)."""
    from supervision import services

    plan = services.implementation_plan_ensure(actor=staff_of(project.body), project=project)
    if milestones or fields:
        plan = services.implementation_plan_update(
            actor=government_of(project.body), plan=plan, milestones=milestones, **fields
        )
    return plan


class ProgressReportFactory(_ServiceFactory):
    """A progress report from the government liaison (supervision.services.
    progress_report_submit) on a project being implemented."""

    class Meta:
        model = "supervision.ProgressReport"

    project = factory.SubFactory(ProjectFactory, status="elected")
    period = "2026Q2"
    reported_on = factory.LazyFunction(timezone.localdate)
    invested = 60
    percent_complete = 50
    status = "on_track"
    expected_completion = datetime.date(2027, 12, 20)

    @classmethod
    def _make(cls, *, project, **fields):
        from supervision import services

        return services.progress_report_submit(
            actor=government_of(project.body), project=project, **fields
        )


def confirmed_group(project, *, deputies=None):
    """The project's supervision group as the recommender proposes it for the plan
    (supervision.services.groups_propose), its members replaced by ``deputies`` when given
    (the first leads), confirmed by the presidium."""
    from supervision import services
    from supervision.models import SupervisionGroup

    staff = staff_of(project.body)
    group = SupervisionGroup.objects.filter(project=project).first()
    if group is None:
        _enough_deputies(project)
        services.groups_propose(actor=staff, plan=_plan_of(project))
        group = SupervisionGroup.objects.get(project=project)
    if deputies is not None:
        wanted = {d.pk for d in deputies}
        for member in list(group.members.select_related("deputy")):
            if member.deputy_id not in wanted:
                services.group_member_remove(actor=staff, group=group, deputy=member.deputy)
        have = set(group.members.values_list("deputy_id", flat=True))
        for deputy in deputies:
            if deputy.pk not in have:
                services.group_member_add(actor=staff, group=group, deputy=deputy)
        services.group_leader_set(actor=staff, group=group, deputy=deputies[0])
    return services.group_confirm(actor=staff, group=group, presidium_member="主席团成员")


def _enough_deputies(project) -> None:
    """The recommender seats group_min_size deputies on each elected project of the plan, a
    deputy in at most max_groups_per_deputy groups: new deputies fill the seats missing."""
    from congress.selectors import ruleset_for
    from supervision.services import plan_projects

    township = project.township
    rules = ruleset_for(township=township)
    seats = rules.group_min_size * plan_projects(_plan_of(project)).count()
    have = township.deputies.filter(in_office=True, is_township_deputy=True).count()
    missing = -(-seats // rules.max_groups_per_deputy) - have
    DeputyFactory.create_batch(max(0, missing), township=township)


def _plan_of(project):
    from projects.models import AnnualPlan

    return AnnualPlan.objects.filter(candidate_list__candidates__project=project).latest("year")


class InspectionFactory(_ServiceFactory):
    """An inspection (视察) by the project's confirmed group (supervision.services.
    inspection_record); each of ``problems`` becomes a recorded ledger item."""

    class Meta:
        model = "supervision.Inspection"

    project = None
    date = factory.LazyFunction(timezone.localdate)
    notes = "现场查看施工进度"
    problems = ()

    @classmethod
    def _make(cls, *, project, date, notes, problems):
        from supervision import services

        group = confirmed_group(project) if not _confirmed(project) else project.supervision_group
        attendees = [m.deputy for m in group.members.select_related("deputy")]
        return services.inspection_record(
            actor=staff_of(project.body),
            project=project,
            date=date,
            attendees=attendees,
            notes=notes,
            problems=list(problems),
        )


def _confirmed(project) -> bool:
    from supervision.models import SupervisionGroup

    group = SupervisionGroup.objects.filter(project=project).first()
    return group is not None and group.is_confirmed


__all__ = [
    "InspectionFactory",
    "ProgressReportFactory",
    "confirmed_group",
    "implementation_plan",
]
