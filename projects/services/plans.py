"""Annual plans, shortlisting rounds, the candidate list and the vote's outcome."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import County, Township
from congress.services import audit_record

from .. import domain
from ..messages import decision_message, lock_refusal_message
from ..models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    PlanProject,
    Project,
    ProjectStatus,
    ShortlistDecision,
    ShortlistRound,
    body_fields,
)
from ..permissions import user_can_manage_body
from ._base import _require, _set_status
from .bodies import audit_body, body_of, ruleset_for_body


@transaction.atomic
def plan_create(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    year: int,
    slots: int,
    collection_start=None,
    collection_end=None,
) -> AnnualPlan:
    """An annual plan of a township or of a county congress, with its slots (应选数量); the
    rounds are copied from the body's rule set (a county's e.g. 政府常务会议 → 常委会会议 →
    县委常委会) so later rule edits never change a plan under way."""
    body = body_of(township=township, county=county)
    _require(user_can_manage_body(actor, body))
    if AnnualPlan.objects.filter(**body_fields(body), year=year).exists():
        raise ValidationError({"year": _("This township already has a plan for that year.")})
    plan = AnnualPlan(
        **body_fields(body),
        year=year,
        slots=slots,
        collection_start=collection_start,
        collection_end=collection_end,
    )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("This township already has a plan for that year.")}
        ) from exc
    names = ruleset_for_body(body).shortlisting_rounds or []
    ShortlistRound.objects.bulk_create(
        [ShortlistRound(plan=plan, position=i, name=name) for i, name in enumerate(names)]
    )
    CandidateList.objects.create(plan=plan)
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_CREATE,
        obj=plan,
        **audit_body(body),
        after={"year": year, "slots": slots, "rounds": list(names)},
    )
    return plan


def _locked_plan(plan: AnnualPlan) -> tuple[AnnualPlan, CandidateList]:
    # A plan has a township or a county (outer joins): lock the plan row only.
    plan = (
        AnnualPlan.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=plan.pk)
    )
    candidate_list, _created = CandidateList.objects.select_for_update().get_or_create(plan=plan)
    return plan, candidate_list


@transaction.atomic
def plan_update(*, actor, plan: AnnualPlan, slots: int) -> AnnualPlan:
    plan, candidate_list = _locked_plan(plan)
    _require(user_can_manage_body(actor, plan.body))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is locked; the plan cannot change."))
    before = plan.slots
    plan.slots = slots
    plan.full_clean()
    plan.save(update_fields=["slots"])
    if before != slots:
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_UPDATE,
            obj=plan,
            **audit_body(plan.body),
            before={"slots": before},
            after={"slots": slots},
        )
    return plan


@transaction.atomic
def plan_add_projects(*, actor, plan: AnnualPlan, projects: Iterable[Project]) -> int:
    """Put reserve projects forward for shortlisting in the plan. Returns how many."""
    plan, candidate_list = _locked_plan(plan)
    _require(user_can_manage_body(actor, plan.body))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is locked; the plan cannot change."))
    ids = sorted({p.pk for p in projects})
    if not ids:
        raise ValidationError(_("Choose at least one project."))
    rows = list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(ids) or any(p.body != plan.body for p in rows):
        raise ValidationError(_("Choose projects of this township."))
    not_in_reserve = [p for p in rows if p.status != ProjectStatus.RESERVE]
    if not_in_reserve:
        raise ValidationError(
            _("Only projects in the reserve can be put forward: %(titles)s")
            % {"titles": "、".join(p.title for p in not_in_reserve)}
        )
    for project in rows:
        PlanProject.objects.get_or_create(plan=plan, project=project)
        _set_status(
            project,
            ProjectStatus.SHORTLISTING,
            actor=actor,
            note=_("Put forward for %(plan)s") % {"plan": plan},
        )
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_ADD_PROJECTS,
        obj=plan,
        **audit_body(plan.body),
        after={"projects": ids},
    )
    return len(rows)


def plan_state(plan: AnnualPlan) -> tuple[list[ShortlistRound], list[int], dict]:
    """(rounds in order, entered project ids, {round index: {project id: decision}})."""
    rounds = list(plan.rounds.order_by("position"))
    entered = list(plan.entries.values_list("project_id", flat=True))
    index_of = {r.pk: i for i, r in enumerate(rounds)}
    decisions: dict[int, dict[int, str]] = {}
    for round_id, project_id, decision in ShortlistDecision.objects.filter(
        round__plan=plan
    ).values_list("round_id", "project_id", "decision"):
        decisions.setdefault(index_of[round_id], {})[project_id] = decision
    return rounds, entered, decisions


def _sync_candidates(plan: AnnualPlan, candidate_list: CandidateList, rounds, entered, decisions):
    """Make the (unlocked) candidate list what the last round advanced, keeping positions."""
    wanted = domain.advanced_by_last_round(len(rounds), entered, decisions)
    current = {c.project_id: c for c in candidate_list.candidates.all()}
    stale = [pid for pid in current if pid not in wanted]
    if stale:
        Candidate.objects.filter(candidate_list=candidate_list, project_id__in=stale).delete()
    kept = sorted((c for pid, c in current.items() if pid in wanted), key=lambda c: c.position)
    # Renumber 1..n in a way that never collides with the unique (list, position) constraint.
    for offset, candidate in enumerate(kept, start=1):
        if candidate.position != offset:
            Candidate.objects.filter(pk=candidate.pk).update(position=1000 + offset)
    for offset, candidate in enumerate(kept, start=1):
        Candidate.objects.filter(pk=candidate.pk).update(position=offset)
    position = len(kept)
    for pid in wanted:
        if pid not in current:
            position += 1
            Candidate.objects.create(
                candidate_list=candidate_list, project_id=pid, position=position
            )


@transaction.atomic
def round_record_decision(
    *, actor, round: ShortlistRound, project: Project, decision: str, reason: str
) -> ShortlistDecision:
    """Record (or change) a round's decision on a project: advance, hold or reject.

    A rejection returns the project to the reserve; only what the last round advances
    becomes a candidate (the unlocked candidate list follows automatically).
    """
    plan, candidate_list = _locked_plan(round.plan)
    _require(user_can_manage_body(actor, plan.body))
    project = Project.objects.select_for_update().get(pk=project.pk)
    rounds, entered, decisions = plan_state(plan)
    index = next((i for i, r in enumerate(rounds) if r.pk == round.pk), -1)
    check = domain.check_round_decision(
        index=index,
        project_id=project.pk,
        decision=decision,
        reason=reason,
        entered=entered,
        decisions=decisions,
        rounds=len(rounds),
        list_locked=candidate_list.is_locked,
    )
    if not check.ok:
        raise ValidationError(decision_message(check.code))
    existing = ShortlistDecision.objects.filter(round=round, project=project).first()
    before = {"decision": existing.decision, "reason": existing.reason} if existing else None
    row = existing or ShortlistDecision(round=round, project=project)
    row.decision = decision
    row.reason = reason.strip()
    row.recorded_by = actor
    row.full_clean()
    row.save()
    if decision == domain.REJECT:
        _set_status(
            project,
            ProjectStatus.RESERVE,
            actor=actor,
            note=_("Not advanced by %(round)s") % {"round": round.name},
        )
    elif project.status == ProjectStatus.RESERVE:
        _set_status(
            project,
            ProjectStatus.SHORTLISTING,
            actor=actor,
            note=_("Reconsidered by %(round)s") % {"round": round.name},
        )
    decisions.setdefault(index, {})[project.pk] = decision
    _sync_candidates(plan, candidate_list, rounds, entered, decisions)
    audit_record(
        actor=actor,
        action=AuditAction.ROUND_DECIDE,
        obj=row,
        **audit_body(plan.body),
        before=before,
        after={"round": round.name, "project": project.pk, "decision": decision, "reason": reason},
    )
    return row


@transaction.atomic
def candidate_list_lock(*, actor, candidate_list: CandidateList) -> CandidateList:
    """Lock the list for the vote after checking the township's rule set (V2): 差额 needs
    more candidates than slots, 等额 exactly as many, 逐项 at least one. A locked list never
    changes; its projects become candidates."""
    candidate_list = (
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__township", "plan__county")
        .get(pk=candidate_list.pk)
    )
    plan = candidate_list.plan
    _require(user_can_manage_body(actor, plan.body))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is already locked."))
    mode = ruleset_for_body(plan.body).vote_mode
    candidates = list(
        candidate_list.candidates.select_related("project").select_for_update(of=("self",))
    )
    check = domain.check_candidate_list(mode=mode, candidates=len(candidates), slots=plan.slots)
    if not check.ok:
        raise ValidationError(lock_refusal_message(check))
    for candidate in candidates:
        project = Project.objects.select_for_update().get(pk=candidate.project_id)
        _set_status(
            project,
            ProjectStatus.CANDIDATE,
            actor=actor,
            note=_("Candidate for %(plan)s") % {"plan": plan},
        )
    candidate_list.locked_at = timezone.now()
    candidate_list.locked_by = actor
    candidate_list.save(update_fields=["locked_at", "locked_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CANDIDATE_LIST_LOCK,
        obj=candidate_list,
        **audit_body(plan.body),
        after={
            "mode": mode,
            "slots": plan.slots,
            "candidates": [c.project_id for c in candidates],
        },
    )
    return candidate_list


@transaction.atomic
def project_mark_outcome(*, actor, project: Project, elected: bool) -> Project:
    """The vote's outcome for a candidate (called by ``voting``): ELECTED, or back to the
    reserve (C4). Idempotent. ``actor`` is the user who certified or published the result
    (staff of the township), or None for a system task acting on a certified result."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("township", "county")
        .get(pk=project.pk)
    )
    if actor is not None:
        _require(user_can_manage_body(actor, project.body))
    target = ProjectStatus.ELECTED if elected else ProjectStatus.RESERVE
    if project.status == target:
        return project
    if project.status != ProjectStatus.CANDIDATE:
        raise ValidationError(_("Only a candidate project can be elected or returned."))
    _set_status(  # the project machine writes the history row and the audit event
        project,
        target,
        actor=actor,
        note=_("Elected by the congress") if elected else _("Not elected; back in the reserve"),
    )
    return project
