"""Writes for stage 4. One function per use case, keyword-only; each runs in one transaction,
checks permission, validates, and writes its audit row (and ledger step)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from congress.models import Deputy, RuleSet
from congress.services import audit_record, snapshot
from livelihood.i18n import in_site_language
from projects.models import AnnualPlan, Project, ProjectStatus

from . import domain
from .models import (
    MILESTONE_ORDER,
    GroupMember,
    GroupStatus,
    ImplementationPlan,
    Inspection,
    ItemKind,
    ItemSource,
    ItemStatus,
    LedgerEvent,
    LedgerItem,
    Milestone,
    Notification,
    Photo,
    ProgressReport,
    SupervisionGroup,
    SupervisionPriority,
    WorkStatus,
)
from .permissions import (
    user_can_answer_item,
    user_can_follow_item,
    user_can_inspect,
    user_can_manage_supervision,
    user_can_report_progress,
)

SUPERVISED = (ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING, ProjectStatus.COMPLETED)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _today() -> datetime.date:
    return timezone.localdate()


def ruleset_for(township) -> RuleSet:
    return RuleSet.objects.get_or_create(township=township)[0]


def _set_project_status(project: Project, target: str, *, actor, note: str) -> None:
    # projects owns the status machine and its history; we go through its one helper.
    from projects.services import _set_status

    _set_status(project, target, actor=actor, note=note)


# ---------------------------------------------------------------------------------------------
# Implementation plans (U4)


@transaction.atomic
def implementation_plan_ensure(*, actor, project: Project) -> ImplementationPlan:
    """An (empty) implementation plan with the six milestones for an elected project; moves the
    project from ELECTED to IMPLEMENTING. Idempotent. ``actor`` may be None (a system step
    after a published vote)."""
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    if actor is not None:
        _require(
            user_can_manage_supervision(actor, project.township)
            or user_can_report_progress(actor, project)
        )
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is implemented and supervised."))
    plan, created = ImplementationPlan.objects.get_or_create(
        project=project,
        defaults={
            "deadline": project.deadline,
            "budget": project.estimated_investment,
            "funding_sources": project.funding_source,
            "responsible_department": project.implementing_body,
        },
    )
    existing = set(plan.milestones.values_list("kind", flat=True))
    Milestone.objects.bulk_create(
        Milestone(plan=plan, kind=kind, position=i)
        for i, kind in enumerate(MILESTONE_ORDER, start=1)
        if kind not in existing
    )
    if created:
        audit_record(
            actor=actor,
            action="implementation_plan.create",
            obj=plan,
            township=project.township,
        )
    if project.status == ProjectStatus.ELECTED:
        _set_project_status(
            project, ProjectStatus.IMPLEMENTING, actor=actor, note=_("Implementation started")
        )
        audit_record(
            actor=actor,
            action="project.implementing",
            obj=project,
            township=project.township,
            before={"status": ProjectStatus.ELECTED},
            after={"status": ProjectStatus.IMPLEMENTING},
        )
    return plan


PLAN_FIELDS = ["responsible_department", "targets", "deadline", "budget", "funding_sources"]


@transaction.atomic
def implementation_plan_update(
    *,
    actor,
    plan: ImplementationPlan,
    milestones: dict[str, tuple[datetime.date | None, datetime.date | None]] | None = None,
    **fields,
) -> ImplementationPlan:
    """Edit the plan; ``milestones`` maps a kind to (planned date, reached on)."""
    plan = (
        ImplementationPlan.objects.select_for_update()
        .select_related("project__township")
        .get(pk=plan.pk)
    )
    project = plan.project
    _require(user_can_report_progress(actor, project))
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    before = snapshot(plan, PLAN_FIELDS)
    for key, value in fields.items():
        setattr(plan, key, value)
    plan.full_clean()
    plan.save()
    changed = {}
    for m in plan.milestones.all():
        if milestones and m.kind in milestones:
            planned, done = milestones[m.kind]
            if (m.planned_date, m.done_on) != (planned, done):
                if done is not None and done > _today():
                    raise ValidationError(_("A milestone cannot be reached in the future."))
                m.planned_date, m.done_on = planned, done
                m.save(update_fields=["planned_date", "done_on"])
                changed[m.kind] = [str(planned or ""), str(done or "")]
    after = snapshot(plan, PLAN_FIELDS)
    after["milestones"] = changed
    audit_record(
        actor=actor,
        action="implementation_plan.update",
        obj=plan,
        township=project.township,
        before=before,
        after=after,
    )
    return plan


# ---------------------------------------------------------------------------------------------
# Groups (U1, U2)


def plan_projects(plan: AnnualPlan):
    """The elected projects of a plan (the projects on its candidate list that were elected)."""
    return (
        Project.objects.filter(
            candidacies__candidate_list__plan=plan,
            status__in=SUPERVISED,
        )
        .distinct()
        .order_by("pk")
    )


def _deputy_in(d: Deputy, load: int) -> domain.DeputyIn:
    return domain.DeputyIn(
        id=d.pk,
        name=d.name,
        profession=d.profession,
        expertise=tuple(d.expertise or ()),
        home_village=d.home_village_id,
        work_village=d.work_village_id,
        is_party_committee=d.is_party_committee,
        employer=d.employer,
        current_load=load,
    )


def recommender_inputs(plan: AnnualPlan, projects: Sequence[Project]):
    """Plain values for the recommender: deputies in office with their load from other
    plans' groups, the projects, the rules and village adjacency."""
    from congress.models import Village

    township = plan.township
    rules = ruleset_for(township)
    other_load: dict[int, int] = {}
    for deputy_id in (
        GroupMember.objects.filter(
            group__project__township=township,
            group__status=GroupStatus.CONFIRMED,
            group__project__status__in=(ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING),
        )
        .exclude(group__project__in=projects)
        .values_list("deputy_id", flat=True)
    ):
        other_load[deputy_id] = other_load.get(deputy_id, 0) + 1
    deputies = [
        _deputy_in(d, other_load.get(d.pk, 0))
        for d in Deputy.objects.filter(township=township, in_office=True)
    ]
    village_ids: dict[int, set[int]] = {}
    for p in projects:
        village_ids[p.pk] = set(p.villages.values_list("pk", flat=True))
    projects_in = [
        domain.ProjectIn(
            id=p.pk,
            title=p.title,
            category=p.category,
            villages=frozenset(village_ids[p.pk]),
            implementing_body=p.implementing_body,
        )
        for p in projects
    ]
    neighbours: dict[int, set[int]] = {}
    through = Village.adjacent.through
    for a, b in through.objects.filter(from_village__township=township).values_list(
        "from_village_id", "to_village_id"
    ):
        neighbours.setdefault(a, set()).add(b)
    return (
        deputies,
        projects_in,
        domain.Rules(
            min_size=rules.group_min_size,
            max_size=rules.group_max_size,
            max_groups=rules.max_groups_per_deputy,
        ),
        {k: frozenset(v) for k, v in neighbours.items()},
    )


def recommender_message(error: domain.RecommenderError) -> str:
    messages = {
        "bad_rules": _("The rule set's group sizes are not valid."),
        "no_projects": _("This plan has no elected project without a confirmed group."),
        "too_few_deputies": _(
            "The groups need at least %(needed)s seats, but the deputies can fill only "
            "%(available)s under the rule set."
        ),
        "too_few_eligible": _("Too few deputies without a conflict of interest for a project."),
        "no_solution": _("No assignment satisfies the rule set."),
    }
    text = messages.get(error.code, messages["no_solution"])
    try:
        return text % error.params
    except (KeyError, TypeError):
        return text


@transaction.atomic
def groups_propose(*, actor, plan: AnnualPlan) -> list[SupervisionGroup]:
    """Run the recommender over all elected projects of the plan whose group is not confirmed,
    and store the proposal (replacing an earlier unconfirmed one)."""
    plan = AnnualPlan.objects.select_for_update().select_related("township").get(pk=plan.pk)
    _require(user_can_manage_supervision(actor, plan.township))
    projects = [
        p
        for p in plan_projects(plan).select_related("supervision_group")
        if not (hasattr(p, "supervision_group") and p.supervision_group.is_confirmed)
    ]
    if not projects:
        raise ValidationError(_("This plan has no elected project without a confirmed group."))
    deputies, projects_in, rules, neighbours = recommender_inputs(plan, projects)
    try:
        proposal = domain.recommend(deputies, projects_in, rules, neighbours)
    except domain.RecommenderError as exc:
        raise ValidationError(recommender_message(exc)) from exc
    from congress.models import Village

    coords = {
        pk: (float(lat), float(lng))
        for pk, lat, lng in Village.objects.filter(
            township=plan.township, latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
    }
    by_deputy = {d.id: d for d in deputies}
    by_project = {p.id: p for p in projects_in}

    def distance(seat, project_id: int) -> Decimal | None:
        """The shortest distance from the deputy's home or work village to a project
        village, when both have coordinates."""
        d = by_deputy[seat.deputy_id]
        places = [v for v in (d.home_village, d.work_village) if v in coords]
        targets = [v for v in by_project[project_id].villages if v in coords]
        values = [domain.distance_km(coords[a], coords[b]) for a in places for b in targets]
        return Decimal(str(min(values))) if values else None

    groups = []
    for project in projects:
        group, _created = SupervisionGroup.objects.get_or_create(
            project=project, defaults={"plan": plan}
        )
        group.members.all().delete()
        GroupMember.objects.bulk_create(
            GroupMember(
                group=group,
                deputy_id=seat.deputy_id,
                is_leader=seat.is_leader,
                duty=seat.duty,
                match=seat.match,
                match_words=list(seat.match_words),
                proximity=seat.proximity,
                distance_km=distance(seat, project.pk),
                load=seat.load,
                proposed=True,
            )
            for seat in proposal.groups[project.pk]
        )
        audit_record(
            actor=actor,
            action="group.propose",
            obj=group,
            township=plan.township,
            after={"members": [s.deputy_id for s in proposal.groups[project.pk]]},
        )
        groups.append(group)
    return groups


def _locked_group(group: SupervisionGroup) -> SupervisionGroup:
    return (
        SupervisionGroup.objects.select_for_update()
        .select_related("project__township")
        .get(pk=group.pk)
    )


def _member_ids(group) -> list[int]:
    return sorted(group.members.values_list("deputy_id", flat=True))


@transaction.atomic
def group_member_add(
    *, actor, group: SupervisionGroup, deputy: Deputy, duty: str = ""
) -> GroupMember:
    group = _locked_group(group)
    township = group.project.township
    _require(user_can_manage_supervision(actor, township))
    rules = ruleset_for(township)
    if deputy.township_id != township.pk or not deputy.in_office:
        raise ValidationError(_("Choose a deputy in office of this township."))
    if group.members.filter(deputy=deputy).exists():
        raise ValidationError(_("This deputy is already in the group."))
    if group.members.count() >= rules.group_max_size:
        raise ValidationError(
            _("A group has at most %(max)s members.") % {"max": rules.group_max_size}
        )
    load = GroupMember.objects.filter(
        deputy=deputy,
        group__project__status__in=(ProjectStatus.ELECTED, ProjectStatus.IMPLEMENTING),
    ).count()
    if load >= rules.max_groups_per_deputy:
        raise ValidationError(
            _("This deputy already sits in %(k)s groups, the most the rule set allows.")
            % {"k": rules.max_groups_per_deputy}
        )
    project = group.project
    conflict = domain.conflict_of_interest(
        _deputy_in(deputy, 0),
        domain.ProjectIn(id=project.pk, implementing_body=project.implementing_body),
    )
    if conflict:
        raise ValidationError(
            _("Conflict of interest: this deputy works for the implementing body.")
        )
    before = _member_ids(group)
    match, words, place, km = _seat_reasons(deputy, project)
    member = GroupMember(
        group=group,
        deputy=deputy,
        duty=duty or domain.DUTY_SCHEDULE,
        load=load + 1,
        match=match,
        match_words=list(words),
        proximity=place,
        distance_km=km,
    )
    member.full_clean()
    member.save()
    audit_record(
        actor=actor,
        action="group.member_add",
        obj=group,
        township=township,
        before={"members": before},
        after={"members": _member_ids(group)},
    )
    return member


def _seat_reasons(deputy: Deputy, project: Project):
    """Why a deputy fits a project (trade, proximity, distance) — for a member added by hand,
    computed the way the recommender does."""
    from congress.models import Village

    project_villages = frozenset(project.villages.values_list("pk", flat=True))
    places = [v for v in (deputy.home_village_id, deputy.work_village_id) if v]
    adjacent: dict[int, set[int]] = {}
    for a, b in Village.adjacent.through.objects.filter(from_village_id__in=places).values_list(
        "from_village_id", "to_village_id"
    ):
        adjacent.setdefault(a, set()).add(b)
    neighbours = {k: frozenset(v) for k, v in adjacent.items()}
    project_in = domain.ProjectIn(
        id=project.pk, title=project.title, category=project.category, villages=project_villages
    )
    deputy_in = _deputy_in(deputy, 0)
    match, words = domain.match_level(deputy_in, domain.project_skills(project_in))
    place = domain.proximity(deputy_in, project_in, neighbours)
    coords = {
        pk: (float(lat), float(lng))
        for pk, lat, lng in Village.objects.filter(
            pk__in=[*places, *project_villages], latitude__isnull=False, longitude__isnull=False
        ).values_list("pk", "latitude", "longitude")
    }
    values = [
        domain.distance_km(coords[a], coords[b])
        for a in places
        if a in coords
        for b in project_villages
        if b in coords
    ]
    return match, words, place, (Decimal(str(min(values))) if values else None)


@transaction.atomic
def group_member_remove(*, actor, group: SupervisionGroup, deputy: Deputy) -> None:
    group = _locked_group(group)
    township = group.project.township
    _require(user_can_manage_supervision(actor, township))
    member = group.members.filter(deputy=deputy).first()
    if member is None:
        raise ValidationError(_("This deputy is not in the group."))
    if group.is_confirmed and group.members.count() <= ruleset_for(township).group_min_size:
        raise ValidationError(_("A confirmed group cannot fall below the minimum size."))
    before = _member_ids(group)
    member.delete()
    audit_record(
        actor=actor,
        action="group.member_remove",
        obj=group,
        township=township,
        before={"members": before},
        after={"members": _member_ids(group)},
    )


@transaction.atomic
def group_leader_set(*, actor, group: SupervisionGroup, deputy: Deputy) -> None:
    group = _locked_group(group)
    township = group.project.township
    _require(user_can_manage_supervision(actor, township))
    member = group.members.filter(deputy=deputy).first()
    if member is None:
        raise ValidationError(_("The leader must be a member of the group."))
    old = group.members.filter(is_leader=True).first()
    if old == member:
        return
    if old is not None:
        old.is_leader = False
        if old.duty == domain.DUTY_LEADER:
            old.duty = domain.DUTY_SCHEDULE
        old.save(update_fields=["is_leader", "duty"])
    member.is_leader = True
    member.duty = domain.DUTY_LEADER
    member.save(update_fields=["is_leader", "duty"])
    audit_record(
        actor=actor,
        action="group.leader_set",
        obj=group,
        township=township,
        before={"leader": old.deputy_id if old else None},
        after={"leader": deputy.pk},
    )


@transaction.atomic
def group_member_duty_set(*, actor, group: SupervisionGroup, deputy: Deputy, duty: str) -> None:
    group = _locked_group(group)
    township = group.project.township
    _require(user_can_manage_supervision(actor, township))
    member = group.members.filter(deputy=deputy).first()
    if member is None:
        raise ValidationError(_("This deputy is not in the group."))
    if duty == domain.DUTY_LEADER and not member.is_leader:
        raise ValidationError(_("Make the deputy the leader instead."))
    before = member.duty
    member.duty = duty
    member.full_clean()
    member.save(update_fields=["duty"])
    audit_record(
        actor=actor,
        action="group.duty_set",
        obj=group,
        township=township,
        before={"deputy": deputy.pk, "duty": before},
        after={"deputy": deputy.pk, "duty": duty},
    )


@transaction.atomic
def group_confirm(
    *, actor, group: SupervisionGroup, presidium_member: str = ""
) -> SupervisionGroup:
    group = _locked_group(group)
    township = group.project.township
    _require(user_can_manage_supervision(actor, township))
    rules = ruleset_for(township)
    size = group.members.count()
    if not rules.group_min_size <= size <= rules.group_max_size:
        raise ValidationError(
            _("A group needs between %(min)s and %(max)s members; this one has %(n)s.")
            % {"min": rules.group_min_size, "max": rules.group_max_size, "n": size}
        )
    if not group.members.filter(is_leader=True).exists():
        raise ValidationError(_("Choose a group leader first."))
    if group.is_confirmed:
        return group
    group.status = GroupStatus.CONFIRMED
    group.confirmed_at = timezone.now()
    group.confirmed_by = actor
    group.presidium_member = presidium_member[:32]
    group.save()
    audit_record(
        actor=actor,
        action="group.confirm",
        obj=group,
        township=township,
        after={"members": _member_ids(group), "presidium_member": group.presidium_member},
    )
    implementation_plan_ensure(actor=actor, project=group.project)
    return group


# ---------------------------------------------------------------------------------------------
# Photos


def _save_photos(*, actor, uploads, keep_location: bool, **owner) -> list[Photo]:
    from .photos import process_photo

    photos = []
    for upload in uploads or ():
        content, width, height, kept = process_photo(upload, keep_location=keep_location)
        photo = Photo(width=width, height=height, has_location=kept, uploaded_by=actor, **owner)
        photo.file.save(content.name, content, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _check_photos(uploads, keep_location) -> list:
    """Decode every upload before anything is written; returns them rewound."""
    from .photos import process_photo

    for upload in uploads or ():
        process_photo(upload, keep_location=keep_location)
        upload.seek(0)
    return list(uploads or ())


# ---------------------------------------------------------------------------------------------
# Progress reports (U5)


REPORT_FIELDS = [
    "period",
    "reported_on",
    "invested",
    "quantities",
    "percent_complete",
    "milestone",
    "status",
    "expected_completion",
    "narrative",
]


@transaction.atomic
def progress_report_submit(
    *, actor, project: Project, photos=(), keep_location: bool = False, **fields
) -> ProgressReport:
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    _require(user_can_report_progress(actor, project))
    if project.status not in (ProjectStatus.IMPLEMENTING, ProjectStatus.ELECTED):
        raise ValidationError(_("Progress is reported only for a project being implemented."))
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    plan = implementation_plan_ensure(actor=None, project=project)
    fields.setdefault("reported_on", _today())
    report = ProgressReport(project=project, submitted_by=actor, **fields)
    if report.reported_on and report.reported_on > _today():
        raise ValidationError({"reported_on": _("A report cannot be dated in the future.")})
    report.over_budget = domain.over_budget(plan.budget, report.invested)
    report.slip_days = domain.slip_days(plan.deadline, report.expected_completion)
    report.full_clean()
    uploads = _check_photos(photos, keep_location)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"period": _("A report for this period already exists.")}) from None
    _save_photos(actor=actor, uploads=uploads, keep_location=keep_location, report=report)
    if report.milestone:
        Milestone.objects.filter(plan=plan, kind=report.milestone, done_on__isnull=True).update(
            done_on=report.reported_on
        )
    audit_record(
        actor=actor,
        action="progress_report.submit",
        obj=report,
        township=project.township,
        after=snapshot(report, REPORT_FIELDS + ["over_budget", "slip_days"]),
    )
    if report.status == WorkStatus.COMPLETED and report.percent_complete == 100:
        _set_project_status(
            project, ProjectStatus.COMPLETED, actor=actor, note=_("Reported completed")
        )
        audit_record(
            actor=actor,
            action="project.completed",
            obj=project,
            township=project.township,
            before={"status": ProjectStatus.IMPLEMENTING},
            after={"status": ProjectStatus.COMPLETED},
        )
    return report


# ---------------------------------------------------------------------------------------------
# Inspections


@transaction.atomic
def inspection_record(
    *,
    actor,
    project: Project,
    date: datetime.date,
    attendees: Iterable[Deputy],
    notes: str,
    photos=(),
    keep_location: bool = False,
    problems: Sequence[str] = (),
) -> Inspection:
    """An inspection (视察) by the project's confirmed group; each problem found becomes a
    ledger item (recorded, to be handed over)."""
    project = Project.objects.select_related("township", "supervision_group").get(pk=project.pk)
    _require(user_can_inspect(actor, project))
    group = getattr(project, "supervision_group", None)
    if group is None or not group.is_confirmed:
        raise ValidationError(_("The project has no confirmed supervision group yet."))
    if date > _today():
        raise ValidationError({"date": _("An inspection cannot be dated in the future.")})
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": _("Tick who attended.")})
    members = set(group.members.values_list("deputy_id", flat=True))
    if any(d.pk not in members for d in attendees):
        raise ValidationError({"attendees": _("Only members of the group can be ticked.")})
    uploads = _check_photos(photos, keep_location)
    inspection = Inspection(project=project, group=group, date=date, notes=notes, recorded_by=actor)
    inspection.full_clean()
    inspection.save()
    inspection.attendees.set(attendees)
    _save_photos(actor=actor, uploads=uploads, keep_location=keep_location, inspection=inspection)
    audit_record(
        actor=actor,
        action="inspection.record",
        obj=inspection,
        township=project.township,
        after={"date": str(date), "attendees": sorted(d.pk for d in attendees)},
    )
    for title in problems:
        title = title.strip()
        if title:
            _item_create(
                actor=actor,
                project=project,
                title=title,
                source=ItemSource.INSPECTION,
                inspection=inspection,
            )
    return inspection


# ---------------------------------------------------------------------------------------------
# The hand-over ledger (U6)


def _event(item: LedgerItem, *, actor, action: str, before: str, note: str = "") -> None:
    LedgerEvent.objects.create(
        item=item,
        by=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=before,
        to_status=item.status,
        note=note,
    )
    audit_record(
        actor=actor,
        action=f"ledger.{action}",
        obj=item,
        township=item.township,
        before={"status": before},
        after={"status": item.status, "note": note[:200]},
    )


def _item_create(
    *,
    actor,
    project: Project,
    title: str,
    source: str,
    detail: str = "",
    kind: str = ItemKind.PROBLEM,
    inspection: Inspection | None = None,
    suggestion=None,
    department: str = "",
    deadline: datetime.date | None = None,
    report_required: bool = False,
) -> LedgerItem:
    item = LedgerItem(
        project=project,
        township=project.township,
        kind=kind,
        source=source,
        inspection=inspection,
        suggestion=suggestion,
        title=title,
        detail=detail,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        report_required=report_required,
    )
    item.full_clean()
    item.save()
    _event(item, actor=actor, action="record", before="", note=title)
    if department or deadline:
        _hand_over(item, actor=actor, department=department, deadline=deadline, note="")
    return item


@transaction.atomic
def item_create(
    *,
    actor,
    project: Project,
    title: str,
    detail: str = "",
    source: str = ItemSource.INSPECTION,
    suggestion=None,
    department: str = "",
    deadline: datetime.date | None = None,
) -> LedgerItem:
    """A problem found by the group or raised by residents (a suggestion about an elected
    project); handed over at once when a department and deadline are given."""
    project = Project.objects.select_related("township").get(pk=project.pk)
    _require(user_can_inspect(actor, project))
    if project.status not in SUPERVISED:
        raise ValidationError(_("Only an elected project is supervised."))
    if suggestion is not None:
        if suggestion.township_id != project.township_id:
            raise ValidationError(_("Choose a suggestion of this township."))
        source = ItemSource.RESIDENT
    return _item_create(
        actor=actor,
        project=project,
        title=title,
        detail=detail,
        source=source,
        suggestion=suggestion,
        department=department,
        deadline=deadline,
    )


def _locked_item(item: LedgerItem) -> LedgerItem:
    return (
        LedgerItem.objects.select_for_update()
        .select_related("project__township", "township")
        .get(pk=item.pk)
    )


def set_status(item: LedgerItem, action: str) -> str:
    """Move the item along the ledger's transitions; returns the status before."""
    before = item.status
    try:
        item.status = domain.ledger_next(before, action)
    except domain.TransitionError:
        raise ValidationError(
            _("A hand-over that is “%(status)s” cannot be changed this way.")
            % {"status": ItemStatus(before).label}
        ) from None
    return before


def _hand_over(item, *, actor, department: str, deadline, note: str) -> None:
    department = (department or "").strip()
    if not department:
        raise ValidationError({"department": _("Name the department it is handed to.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Set a deadline (限时办结).")})
    if deadline < _today():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    before = set_status(item, "hand_over")
    item.department = department
    item.deadline = deadline
    item.full_clean()
    item.save()
    _event(item, actor=actor, action="hand_over", before=before, note=note)
    _notify_township_government(item, kind="item_handed_over")


@transaction.atomic
def item_hand_over(
    *, actor, item: LedgerItem, department: str, deadline: datetime.date, note: str = ""
) -> LedgerItem:
    """交办: to a named department with a deadline (限时办结)."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    _hand_over(item, actor=actor, department=department, deadline=deadline, note=note)
    return item


@transaction.atomic
def item_answer(*, actor, item: LedgerItem, answer: str) -> LedgerItem:
    """The department answers with what was done."""
    item = _locked_item(item)
    _require(user_can_answer_item(actor, item))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Say what was done.")})
    before = set_status(item, "answer")
    item.answer = answer
    item.full_clean()
    item.save()
    _event(item, actor=actor, action="answer", before=before, note=answer)
    _notify_group(item, kind="item_answered")
    return item


@transaction.atomic
def item_close(*, actor, item: LedgerItem, note: str = "") -> LedgerItem:
    """销号: the group re-inspected and confirms the fix."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    before = set_status(item, "close")
    item.closed_at = timezone.now()
    item.save()
    _event(item, actor=actor, action="close", before=before, note=note)
    return item


@transaction.atomic
def item_reopen(
    *, actor, item: LedgerItem, reason: str, deadline: datetime.date | None = None
) -> LedgerItem:
    """Re-inspection found it not fixed: back to the department, with a reason (and perhaps a
    new deadline)."""
    item = _locked_item(item)
    _require(user_can_follow_item(actor, item))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    if deadline is not None:
        if deadline < _today():
            raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
        item.deadline = deadline
    before = set_status(item, "reopen")
    item.save()
    _event(item, actor=actor, action="reopen", before=before, note=reason)
    return item


@transaction.atomic
def item_escalate(
    *, actor, item: LedgerItem, note: str = "", today: datetime.date | None = None
) -> LedgerItem:
    """督办: an overdue item goes to the presidium (staff are notified). Idempotent."""
    item = _locked_item(item)
    if actor is not None:
        _require(user_can_follow_item(actor, item))
    if item.escalated_at is not None:
        return item
    if not item.is_overdue(today or _today()):
        raise ValidationError(_("Only an overdue hand-over is escalated."))
    item.escalated_at = timezone.now()
    item.save(update_fields=["escalated_at", "updated_at"])
    LedgerEvent.objects.create(
        item=item,
        by=actor,
        action="escalate",
        from_status=item.status,
        to_status=item.status,
        note=note,
    )
    audit_record(actor=actor, action="ledger.escalate", obj=item, township=item.township)
    _notify_staff(item, kind="item_escalated")
    return item


@transaction.atomic
def rectification_create(
    *,
    actor,
    project: Project,
    title: str,
    deadline: datetime.date,
    report_required: bool,
    source: str,
) -> LedgerItem:
    """整改 after a 基本满意 / 不满意 rating (E4): handed over at once to the project's
    responsible department (or implementing body) with the deadline; ``report_required``: a
    report is due at the next standing-committee meeting."""
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    if actor is not None:
        _require(user_can_manage_supervision(actor, project.township))
    if source not in ItemSource.values:
        source = ItemSource.EVALUATION
    plan = ImplementationPlan.objects.filter(project=project).first()
    department = (plan.responsible_department if plan else "") or project.implementing_body
    if not department:
        department = in_site_language(gettext_noop("Township government"))
    item = LedgerItem(
        project=project,
        township=project.township,
        kind=ItemKind.RECTIFICATION,
        source=source,
        title=title,
        report_required=report_required,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    item.full_clean()
    item.save()
    _event(item, actor=actor, action="record", before="", note=title)
    before = set_status(item, "hand_over")
    item.department = department
    item.deadline = deadline
    item.full_clean()
    item.save()
    _event(item, actor=actor, action="hand_over", before=before)
    return item


@transaction.atomic
def project_priority_set(*, actor, project: Project, year: int, reason: str) -> SupervisionPriority:
    """Flag the project as a supervision priority for ``year``. Idempotent per year (the
    reason is updated)."""
    project = Project.objects.select_related("township").get(pk=project.pk)
    if actor is not None:
        _require(user_can_manage_supervision(actor, project.township))
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a valid year.")})
    priority, created = SupervisionPriority.objects.update_or_create(
        project=project,
        year=year,
        defaults={
            "reason": reason,
            "set_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    audit_record(
        actor=actor,
        action="project.priority_set",
        obj=project,
        township=project.township,
        after={"year": year, "reason": reason},
    )
    return priority


# ---------------------------------------------------------------------------------------------
# Notifications (U3 reminders)


def _notify(users, *, kind: str, key: str, subject: str, url: str, day=None) -> int:
    """One notification per user, key and day (unique constraint: idempotent)."""
    day = day or _today()
    key = key[:64]
    users = {u.pk: u for u in users if u is not None}
    have = set(
        Notification.objects.filter(user_id__in=list(users), key=key, day=day).values_list(
            "user_id", flat=True
        )
    )
    rows = [
        Notification(user=u, kind=kind, key=key, day=day, subject=subject[:200], url=url)
        for pk, u in users.items()
        if pk not in have
    ]
    # A concurrent run may insert the same row: the unique constraint keeps one.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _staff_users(township):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(roles__role="staff", roles__township=township, is_active=True)
        .distinct()
    )


def _government_users(township):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(roles__role="government", roles__township=township, is_active=True)
        .distinct()
    )


def _group_users(project):
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            deputy__supervision_seats__group__project=project,
            deputy__supervision_seats__group__status=GroupStatus.CONFIRMED,
            is_active=True,
        )
        .distinct()
    )


def _notify_staff(item, *, kind):
    _notify(
        _staff_users(item.township),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


def _notify_group(item, *, kind):
    _notify(
        _group_users(item.project),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


def _notify_township_government(item, *, kind):
    _notify(
        _government_users(item.township),
        kind=kind,
        key=f"{kind}:{item.pk}",
        subject=f"{item.project.title} · {item.title}",
        url=item.get_absolute_url(),
    )


def reminders_send(*, today: datetime.date | None = None) -> int:
    """What is due or overdue (inspections, progress reports, hand-overs): in-app reminders,
    escalation of overdue hand-overs to the presidium, e-mail when configured. Idempotent per
    item and day. Returns the number of notifications created."""
    from . import selectors

    today = today or _today()
    created = 0
    for row in selectors.cadence_rows(today=today):
        project = row["project"]
        url = reverse("supervision:project_detail", args=[project.pk])
        for due in row["dues"]:
            if due.days > 7:
                continue
            if due.kind == "inspection":
                kind = "inspection_overdue" if due.overdue else "inspection_due"
                users = _group_users(project)
            else:
                kind = "report_due"
                users = _government_users(project.township)
            created += _notify(
                users,
                kind=kind,
                key=f"{kind}:{project.pk}:{due.due_on}",
                subject=f"{project.title} · {due.due_on:%Y-%m-%d}",
                url=url,
                day=today,
            )
    for item in selectors.overdue_items(today=today):
        users = _group_users(item.project) + _government_users(item.township)
        created += _notify(
            users,
            kind="item_overdue",
            key=f"item_overdue:{item.pk}",
            subject=f"{item.project.title} · {item.title}",
            url=item.get_absolute_url(),
            day=today,
        )
        if item.escalated_at is None:
            with transaction.atomic():
                item_escalate(actor=None, item=item, note="", today=today)
    _email_unsent()
    return created


def _email_unsent() -> None:
    """Mail unsent notifications to users with an address, when mail is configured."""
    from django.conf import settings
    from django.core.mail import send_mail

    backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if backend in ("console", "dummy"):
        return  # not configured: the in-app list is the reminder
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, read_at__isnull=True)
        .exclude(user__email="")
        .select_related("user")[:500]
    )
    for n in pending:
        try:
            send_mail(
                f"[Livelihood] {n.get_kind_display()}",
                f"{n.subject}\n{n.url}",
                None,
                [n.user.email],
                fail_silently=False,
            )
        except Exception:  # noqa: BLE001 - mail is best effort; the in-app list stays
            return
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
