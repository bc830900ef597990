"""Reads for stage 4, filtered by the user's scope. Lists are built with a fixed number of
queries (annotations and subqueries, no per-row lookups)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.models import Role, RuleSet
from congress.permissions import get_scope
from congress.worklist import DUE_SOON_DAYS, GOVERNMENT, GROUP, LIMIT, REVIEWER, STAFF, Task
from projects.models import Project, ProjectStatus

from . import domain
from .models import (
    GroupMember,
    GroupStatus,
    ImplementationPlan,
    Inspection,
    LedgerItem,
    Milestone,
    Notification,
    ProgressReport,
    SupervisionGroup,
    SupervisionPriority,
)

SUPERVISED = (ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)
AWAITING = tuple(domain.AWAITING_DEPARTMENT)
OPEN = tuple(domain.OPEN_STATUSES)


def _township_filter(user) -> Q | None:
    """None: everything (superuser); else the Q over ``township_id`` / county."""
    scope = get_scope(user)
    if scope.is_superuser:
        return None
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return Q(township_id__in=ids) | Q(township__county_id__in=scope.reviewer_counties)


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


def group_for_user(user, pk: int) -> SupervisionGroup | None:
    qs = SupervisionGroup.objects.select_related("project", "project__township", "plan")
    scope = get_scope(user)
    if not scope.is_superuser:
        qs = qs.filter(
            Q(project__township_id__in=_ids(user))
            | Q(project__township__county_id__in=scope.reviewer_counties)
        )
    return qs.filter(pk=pk).first()


def _ids(user) -> set[int]:
    scope = get_scope(user)
    ids = set(scope.any_township_role)
    if scope.deputy_township_id:
        ids.add(scope.deputy_township_id)
    return ids


def group_members(group) -> QuerySet[GroupMember]:
    return group.members.select_related("deputy", "deputy__home_village", "deputy__work_village")


def plan_groups(plan) -> QuerySet[SupervisionGroup]:
    return (
        SupervisionGroup.objects.filter(plan=plan)
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.select_related(
                    "deputy", "deputy__home_village", "deputy__work_village"
                ),
            )
        )
        .order_by("project__title", "pk")
    )


def items_visible_to(user) -> QuerySet[LedgerItem]:
    qs = LedgerItem.objects.select_related("project", "township")
    q = _township_filter(user)
    return qs if q is None else qs.filter(q)


def ledger_list(
    user, *, township, status: str = "", overdue: bool = False, project=None, today=None
) -> QuerySet[LedgerItem]:
    today = today or timezone.localdate()
    qs = items_visible_to(user).filter(township=township)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=AWAITING, deadline__lt=today)
    if project is not None:
        qs = qs.filter(project=project)
    # Open items first, the nearest deadline first; closed ones last.
    return qs.annotate(
        is_closed=Case(When(status=domain.CLOSED, then=Value(1)), default=Value(0))
    ).order_by("is_closed", F("deadline").asc(nulls_last=True), "-id")


def item_events(item):
    return item.events.select_related("by").order_by("at", "id")


def my_groups(user) -> QuerySet[SupervisionGroup]:
    scope = get_scope(user)
    if not scope.is_deputy:
        return SupervisionGroup.objects.none()
    return (
        SupervisionGroup.objects.filter(
            members__deputy_id=scope.deputy_id, status=GroupStatus.CONFIRMED
        )
        .select_related("project", "project__township")
        .annotate(
            last_inspection=Max("inspections__date"),
            is_leader=Exists(
                GroupMember.objects.filter(
                    group=OuterRef("pk"), deputy_id=scope.deputy_id, is_leader=True
                )
            ),
        )
        .order_by("project__title")
    )


def my_open_items(user) -> QuerySet[LedgerItem]:
    scope = get_scope(user)
    if not scope.is_deputy:
        return LedgerItem.objects.none()
    return (
        LedgerItem.objects.filter(
            project__supervision_group__members__deputy_id=scope.deputy_id,
            project__supervision_group__status=GroupStatus.CONFIRMED,
            status__in=OPEN,
        )
        .select_related("project", "township")
        .order_by("deadline", "pk")
    )


def rules_for(township) -> RuleSet:
    return RuleSet.objects.get_or_create(township=township)[0]


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


def overdue_items(*, today: datetime.date) -> QuerySet[LedgerItem]:
    return LedgerItem.objects.filter(status__in=AWAITING, deadline__lt=today).select_related(
        "project", "township"
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


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


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


# ---------------------------------------------------------------------------------------------
# The home page's work list (composed with the other stages' in livelihood.worklist)


def _item_where(item: LedgerItem) -> str:
    where = _("%(township)s · %(project)s") % {
        "township": item.township.name,
        "project": item.project.title,
    }
    if item.department:
        where = f"{where} · {item.department}"
    return where


def _capped_items(qs, section: str, kind: str, what, *, today, more_url) -> list[Task]:
    """At most LIMIT items as tasks, then one item saying how many more (one or two queries).
    ``what(item)`` says what to do with the item; ``more_url(item)`` lists them all."""
    # The total comes with the rows (a window count runs before LIMIT): no second query.
    rows = list(
        qs.select_related("project", "township").annotate(total=Window(Count("pk")))[:LIMIT]
    )
    tasks = [
        Task(
            section=section,
            kind=kind,
            what=what(item),
            where=_item_where(item),
            url=item.get_absolute_url(),
            due=item.deadline,
            overdue=domain.is_overdue(item.status, item.deadline, today),
        )
        for item in rows
    ]
    if rows and rows[0].total > LIMIT:
        more = rows[0].total - LIMIT
        tasks.append(
            Task(
                section=section,
                kind=f"{kind}_more",
                what=_("… and %(n)s more: see them all") % {"n": more},
                where="",
                url=more_url(rows[0]),
                count=more,
            )
        )
    return tasks


def _ledger_url(item, query: str) -> str:
    return reverse("supervision:ledger", args=[item.township_id]) + query


def _cadence_for(q: Q, *, member_of: int | None, today) -> list[tuple[Project, list]]:
    """Projects being implemented under a confirmed group, matching ``q``, with their next
    inspection and progress report due (two queries). With ``member_of`` (a deputy id) each
    project says whether that deputy sits in its group (``is_mine``)."""
    qs = (
        Project.objects.filter(q)
        .filter(
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
            is_mine=Exists(
                GroupMember.objects.filter(group__project=OuterRef("pk"), deputy_id=member_of)
            )
            if member_of
            else Value(False),
        )
        .defer("tokens")
        .order_by("title", "pk")
    )
    projects = list(qs)
    if not projects:
        return []
    rules = {
        r.township_id: r
        for r in RuleSet.objects.filter(township_id__in={p.township_id for p in projects})
    }
    return [
        (
            p,
            project_dues(
                p,
                rules=rules.get(p.township_id) or RuleSet(township_id=p.township_id),
                last_inspection=p.last_inspection,
                last_report=p.last_report,
                today=today,
            ),
        )
        for p in projects
    ]


def _due_task(section: str, project: Project, due, url: str) -> Task:
    if due.kind == "inspection":
        what = _("Inspection overdue") if due.overdue else _("Inspection due")
    else:
        what = _("Progress report overdue") if due.overdue else _("Progress report due")
    return Task(
        section=section,
        kind=f"{due.kind}_due",
        what=what,
        where=_("%(township)s · %(project)s")
        % {"township": project.township.name, "project": project.title},
        url=url,
        due=due.due_on,
        overdue=due.overdue,
    )


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """Supervision work: staff — overdue hand-overs, proposed groups to confirm; government
    liaison — hand-overs to answer, progress reports due; a deputy in a supervision group —
    problems to hand over, answers to confirm, inspections due; reviewer — overdue hand-overs
    and missing progress reports across the county. A fixed number of queries."""
    scope = get_scope(user)
    tasks: list[Task] = []
    awaiting = LedgerItem.objects.filter(status__in=AWAITING)
    overdue = awaiting.filter(deadline__lt=today).order_by("deadline", "pk")

    staff_ids = set(scope.staff_townships)
    if staff_ids or scope.is_superuser:
        mine = overdue if scope.is_superuser else overdue.filter(township_id__in=staff_ids)
        tasks += _capped_items(
            mine,
            STAFF,
            "handover_overdue",
            lambda item: _("Overdue hand-over: %(title)s") % {"title": item.title},
            today=today,
            more_url=lambda item: _ledger_url(item, "?overdue=1"),
        )
        groups = SupervisionGroup.objects.filter(status=GroupStatus.PROPOSED)
        if not scope.is_superuser:
            groups = groups.filter(project__township_id__in=staff_ids)
        for row in (
            groups.values("plan_id", "plan__year", "project__township__name")
            .annotate(n=Count("pk"))
            .order_by("plan__year", "project__township__name")
        ):
            tasks.append(
                Task(
                    section=STAFF,
                    kind="groups_confirm",
                    what=ngettext(
                        "Confirm %(n)s proposed supervision group",
                        "Confirm %(n)s proposed supervision groups",
                        row["n"],
                    )
                    % {"n": row["n"]},
                    where=_("%(township)s · %(year)s plan")
                    % {"township": row["project__township__name"], "year": row["plan__year"]},
                    url=reverse("supervision:plan_groups", args=[row["plan_id"]]),
                    count=row["n"],
                )
            )

    government_ids = set(scope.townships_with(Role.GOVERNMENT))
    if government_ids:
        tasks += _capped_items(
            awaiting.filter(township_id__in=government_ids).order_by(
                F("deadline").asc(nulls_last=True), "pk"
            ),
            GOVERNMENT,
            "handover_answer",
            lambda item: _("Answer the hand-over: %(title)s") % {"title": item.title},
            today=today,
            more_url=lambda item: _ledger_url(item, "?status=open"),
        )

    if scope.is_deputy:
        tasks += _capped_items(
            LedgerItem.objects.filter(
                project__supervision_group__members__deputy_id=scope.deputy_id,
                project__supervision_group__status=GroupStatus.CONFIRMED,
                status__in=(domain.RECORDED, domain.ANSWERED),
            ).order_by("status", F("deadline").asc(nulls_last=True), "pk"),
            GROUP,
            "handover_group",
            lambda item: (
                (
                    _("Confirm the answer or reopen: %(title)s")
                    if item.status == domain.ANSWERED
                    else _("Hand the problem over to a department: %(title)s")
                )
                % {"title": item.title}
            ),
            today=today,
            more_url=lambda item: reverse("supervision:my"),
        )

    reviewer_counties = set(scope.reviewer_counties)
    if reviewer_counties:
        tasks += _capped_items(
            overdue.filter(township__county_id__in=reviewer_counties),
            REVIEWER,
            "handover_overdue",
            lambda item: _("Overdue hand-over: %(title)s") % {"title": item.title},
            today=today,
            more_url=lambda item: _ledger_url(item, "?overdue=1"),
        )

    # Cadence duties (U3): one pass over the projects any of the user's roles follows.
    q = Q(pk__in=[])
    if government_ids:
        q |= Q(township_id__in=government_ids)
    if reviewer_counties:
        q |= Q(township__county_id__in=reviewer_counties)
    if scope.is_deputy:
        q |= Q(
            Exists(
                GroupMember.objects.filter(group__project=OuterRef("pk"), deputy_id=scope.deputy_id)
            )
        )
    if government_ids or reviewer_counties or scope.is_deputy:
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        counts: dict[str, int] = {}
        for project, dues in _cadence_for(q, member_of=scope.deputy_id, today=today):
            for due in dues:
                if due.due_on > soon:
                    continue
                if due.kind == "report" and project.township_id in government_ids:
                    section, url = GOVERNMENT, "supervision:report_create"
                elif due.kind == "inspection" and project.is_mine:
                    section, url = GROUP, "supervision:inspection_create"
                elif (
                    due.kind == "report"
                    and due.overdue
                    and project.township.county_id in reviewer_counties
                ):
                    section, url = REVIEWER, "supervision:project_detail"
                else:
                    continue
                counts[section] = counts.get(section, 0) + 1
                if counts[section] <= LIMIT:
                    tasks.append(_due_task(section, project, due, reverse(url, args=[project.pk])))
    return tasks
