"""Supervision groups (U1, U2): the recommender's proposal for a plan, hand edits of the
members, the leader and duties, and confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import Deputy
from congress.services import audit_record
from projects.models import AnnualPlan, Project, ProjectStatus

from .. import domain
from ..messages import recommender_message
from ..models import GroupMember, GroupStatus, SupervisionGroup
from ..permissions import user_can_manage_supervision
from ._base import SUPERVISED, _require, ruleset_for
from .plans import implementation_plan_ensure


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


@transaction.atomic
def groups_propose(*, actor, plan: AnnualPlan) -> list[SupervisionGroup]:
    """Run the recommender over all elected projects of the plan whose group is not confirmed,
    and store the proposal (replacing an earlier unconfirmed one)."""
    plan = (
        AnnualPlan.objects.select_for_update(of=("self",))
        .select_related("township")
        .get(pk=plan.pk)
    )
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
            action=AuditAction.GROUP_PROPOSE,
            obj=group,
            township=plan.township,
            after={"members": [s.deputy_id for s in proposal.groups[project.pk]]},
        )
        groups.append(group)
    return groups


def _locked_group(group: SupervisionGroup) -> SupervisionGroup:
    return (
        SupervisionGroup.objects.select_for_update(of=("self",))
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
        action=AuditAction.GROUP_MEMBER_ADD,
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
        action=AuditAction.GROUP_MEMBER_REMOVE,
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
        action=AuditAction.GROUP_LEADER_SET,
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
        action=AuditAction.GROUP_DUTY_SET,
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
        action=AuditAction.GROUP_CONFIRM,
        obj=group,
        township=township,
        after={"members": _member_ids(group), "presidium_member": group.presidium_member},
    )
    implementation_plan_ensure(actor=actor, project=group.project)
    return group
