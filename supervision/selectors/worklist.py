"""The home page's work list (composed with the other stages' in the cycle layer)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Value, Window
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from congress.models import County, Role, RuleSet
from congress.permissions import get_scope
from congress.worklist import DUE_SOON_DAYS, GOVERNMENT, GROUP, LIMIT, REVIEWER, STAFF, Task
from projects.models import Project, ProjectStatus
from projects.selectors.worklist import county_congress_name

from .. import domain
from ..models import GroupMember, GroupStatus, LedgerItem, ProgressReport, SupervisionGroup
from ._base import AWAITING, SUPERVISED
from .cadence import project_dues
from .county import county_round_schedule


def _body_q(townships, counties, prefix: str = "") -> Q:
    """Rows of these townships, or of these counties' own congresses (no township)."""
    return Q(**{f"{prefix}township_id__in": townships}) | Q(
        **{f"{prefix}township__isnull": True, f"{prefix}county_id__in": counties}
    )


def _item_where(item: LedgerItem) -> str:
    # A hand-over without a project (a 微建议) is placed by its body alone.
    body = item.body
    name = body.name if item.township_id else county_congress_name(body.name)
    where = (
        _("%(township)s · %(project)s") % {"township": name, "project": item.project.title}
        if item.project_id
        else name
    )
    if item.department:
        where = f"{where} · {item.department}"
    return where


def _capped_items(qs, section: str, kind: str, what, *, today, more_url) -> list[Task]:
    """At most LIMIT items as tasks, then one item saying how many more (one or two queries).
    ``what(item)`` says what to do with the item; ``more_url(item)`` lists them all."""
    # The total comes with the rows (a window count runs before LIMIT): no second query.
    rows = list(
        qs.select_related("project", "township", "county").annotate(total=Window(Count("pk")))[
            :LIMIT
        ]
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
    if item.township_id is None:
        return reverse("supervision:county_ledger", args=[item.county_id]) + query
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
    and missing progress reports across the county. A county congress's own (issue 17): its
    staff — overdue hand-overs, concentrated supervisions (集中督查) due or not recorded,
    progress reports not yet heard; its government liaison — hand-overs to answer; its and its
    prefecture's reviewers — overdue hand-overs. A fixed number of queries (two more per
    county whose staff the user is, for its schedule)."""
    scope = get_scope(user)
    tasks: list[Task] = []
    awaiting = LedgerItem.objects.filter(status__in=AWAITING)
    overdue = awaiting.filter(deadline__lt=today).order_by("deadline", "pk")

    staff_ids = set(scope.staff_townships)
    county_staff = set(scope.county_staff_counties)
    if staff_ids or county_staff or scope.is_superuser:
        mine = overdue if scope.is_superuser else overdue.filter(_body_q(staff_ids, county_staff))
        tasks += _capped_items(
            mine,
            STAFF,
            "handover_overdue",
            lambda item: _("Overdue hand-over: %(title)s") % {"title": item.title},
            today=today,
            more_url=lambda item: _ledger_url(item, "?overdue=1"),
        )
    if staff_ids or scope.is_superuser:
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

    if county_staff or scope.is_superuser:
        tasks += _county_staff_tasks(None if scope.is_superuser else county_staff, today=today)

    government_ids = set(scope.townships_with(Role.GOVERNMENT))
    county_government = set(scope.counties_with(Role.GOVERNMENT))
    if government_ids or county_government:
        tasks += _capped_items(
            awaiting.filter(_body_q(government_ids, county_government)).order_by(
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
            overdue.filter(
                Q(township__county_id__in=reviewer_counties)
                | Q(township__isnull=True, county_id__in=reviewer_counties)
            ),
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


def _county_staff_tasks(counties: set[int] | None, *, today) -> list[Task]:
    """A county congress's supervision of its own elected projects, for its staff (None:
    every county, a superuser): the concentrated supervision (集中督查) whose date is near or
    passed unrecorded while it can still be recorded, and the progress reports not heard
    (听取审议) since they came in. One query for the projects, then the schedule per county
    that has projects under supervision (two queries each)."""
    projects = Project.objects.filter(county__isnull=False, status__in=SUPERVISED)
    if counties is not None:
        projects = projects.filter(county_id__in=counties)
    # Max is unaffected by the two joins multiplying rows: one row per project.
    unheard: dict[int, int] = {}
    for county_id, last_report, last_heard in projects.annotate(
        last_report=Max("progress_reports__reported_on"), last_heard=Max("hearings__date")
    ).values_list("county_id", "last_report", "last_heard"):
        late = last_report is not None and (last_heard is None or last_report > last_heard)
        unheard[county_id] = unheard.get(county_id, 0) + int(late)
    if not unheard:
        return []
    tasks: list[Task] = []
    for county in County.objects.filter(pk__in=unheard).order_by("name"):
        where = county_congress_name(county.name)
        schedule = county_round_schedule(county, year=today.year, today=today)
        remind = schedule["settings"].remind_days_before
        for r in schedule["rows"]:
            if r["held"]:
                continue
            if r["past"] and today < r["until"]:
                # Passed unrecorded: a round recorded before the next date still counts.
                tasks.append(
                    Task(
                        section=STAFF,
                        kind="round_due",
                        what=_("Record the concentrated supervision (集中督查) of %(date)s")
                        % {"date": r["date"].isoformat()},
                        where=where,
                        url=reverse("supervision:round_create", args=[county.pk]),
                        due=r["date"],
                        overdue=True,
                    )
                )
            elif not r["past"] and (r["date"] - today).days <= remind:
                tasks.append(
                    Task(
                        section=STAFF,
                        kind="round_due",
                        what=_("Concentrated supervision (集中督查) of the elected projects"),
                        where=where,
                        url=reverse("supervision:county_overview", args=[county.pk]),
                        due=r["date"],
                    )
                )
        if unheard[county.pk]:
            tasks.append(
                Task(
                    section=STAFF,
                    kind="hearing_due",
                    what=ngettext(
                        "Hear and record the progress report of %(n)s project",
                        "Hear and record the progress reports of %(n)s projects",
                        unheard[county.pk],
                    )
                    % {"n": unheard[county.pk]},
                    where=where,
                    url=reverse("supervision:hearing_list", args=[county.pk]),
                    count=unheard[county.pk],
                )
            )
    return tasks
