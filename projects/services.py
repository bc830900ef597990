"""Writes for stages 1–2. One function per use case, keyword-only arguments, one transaction
each, audited through ``congress.services.audit_record``.

Stable contract with ``voting`` (keep the signatures):

- ``candidate_list_lock(*, actor, candidate_list)``
- ``project_mark_outcome(*, actor, project, elected: bool)``
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.models import Deputy, RuleSet, Township, Village
from congress.permissions import get_scope, user_can_manage_township
from congress.services import audit_record, snapshot
from livelihood import xlsx

from . import domain
from . import xlsx as xlsx_format
from .models import (
    AnnualPlan,
    Candidate,
    CandidateList,
    IntakeLink,
    LiaisonStation,
    PlanProject,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    ShortlistDecision,
    ShortlistRound,
    Suggestion,
    SuggestionChannel,
    SuggestionStatus,
)
from .permissions import user_can_enter_suggestions, user_can_triage_suggestions


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ruleset_for(township: Township) -> RuleSet:
    return RuleSet.objects.get_or_create(township=township)[0]


# ---------------------------------------------------------------------------------------------
# Codes


def new_receipt_code() -> str:
    """A fresh receipt code (50 random bits + check character), unused so far."""
    for _attempt in range(10):
        code = domain.receipt_code_from_int(secrets.randbits(domain.RECEIPT_BITS))
        if not Suggestion.objects.filter(receipt_code=code).exists():
            return code
    raise RuntimeError("could not find a free receipt code")  # 2**50 codes: never happens


def _new_intake_token() -> str:
    for _attempt in range(10):
        token = domain.intake_token_from_int(secrets.randbits(35))
        if not IntakeLink.objects.filter(token=token).exists():
            return token
    raise RuntimeError("could not find a free intake token")


# ---------------------------------------------------------------------------------------------
# Liaison stations and QR links


@transaction.atomic
def station_create(
    *, actor, township: Township, name: str, village: Village | None = None, address: str = ""
) -> LiaisonStation:
    _require(user_can_manage_township(actor, township))
    if village is not None and village.township_id != township.pk:
        raise ValidationError({"village": _("Choose a village of this township.")})
    station = LiaisonStation(township=township, name=name, village=village, address=address)
    station.full_clean()
    station.save()
    link = IntakeLink(token=_new_intake_token(), township=township, station=station)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="station.create",
        obj=station,
        township=township,
        after={"name": name, "token": link.token},
    )
    return station


@transaction.atomic
def intake_links_ensure(*, actor, township: Township) -> int:
    """Give every deputy in office and every station of the township a QR link. Idempotent;
    returns the number of links created."""
    _require(user_can_manage_township(actor, township))
    created = 0
    deputies = Deputy.objects.filter(
        township=township, in_office=True, intake_link__isnull=True
    ).order_by("pk")
    for deputy in deputies:
        IntakeLink.objects.create(token=_new_intake_token(), township=township, deputy=deputy)
        created += 1
    for station in LiaisonStation.objects.filter(township=township, intake_link__isnull=True):
        IntakeLink.objects.create(token=_new_intake_token(), township=township, station=station)
        created += 1
    if created:
        audit_record(
            actor=actor,
            action="intake_links.create",
            obj=township,
            township=township,
            after={"created": created},
        )
    return created


# ---------------------------------------------------------------------------------------------
# Suggestions

SUGGESTION_FIELDS = (
    "title",
    "content",
    "category",
    "village",
    "location",
    "implementing_body",
    "estimated_investment",
    "funding_source",
    "deadline",
    "necessity",
    "proposer_name",
    "proposer_phone",
)
PUBLIC_AUDIT_FIELDS = ["title", "channel", "village", "deputy", "station"]


def _suggestion_tokens(fields: dict) -> list[str]:
    return domain.tokenize(f"{fields.get('title', '')} {fields.get('content', '')}")


def _save_new_suggestion(suggestion: Suggestion) -> Suggestion:
    if suggestion.village is not None and suggestion.village.township_id != suggestion.township_id:
        raise ValidationError({"village": _("Choose a village of this township.")})
    suggestion.tokens = domain.tokenize(f"{suggestion.title} {suggestion.content}")
    suggestion.receipt_code = new_receipt_code()
    suggestion.full_clean()
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_submit_public(*, link: IntakeLink, **fields) -> Suggestion:
    """A resident's suggestion through a QR link; the link decides who receives it."""
    if not link.is_active:
        raise ValidationError(_("This QR code is no longer in use."))
    unknown = set(fields) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    suggestion = Suggestion(
        township_id=link.township_id,
        channel=SuggestionChannel.DEPUTY_QR if link.deputy_id else SuggestionChannel.STATION,
        deputy_id=link.deputy_id,
        station_id=link.station_id,
        **fields,
    )
    _save_new_suggestion(suggestion)
    # The audit row names the matter and who received it, never the proposer.
    audit_record(
        actor=None,
        action="suggestion.submit",
        obj=suggestion,
        township=suggestion.township,
        after=snapshot(suggestion, PUBLIC_AUDIT_FIELDS),
    )
    return suggestion


@transaction.atomic
def suggestion_create(
    *,
    actor,
    township: Township,
    channel: str,
    deputy: Deputy | None = None,
    station: LiaisonStation | None = None,
    **fields,
) -> Suggestion:
    """A suggestion a deputy or staff member collected offline (village meeting, door to
    door, reception day, letter, …). A deputy always enters it as the receiving deputy."""
    _require(user_can_enter_suggestions(actor, township))
    scope = get_scope(actor)
    if not user_can_manage_township(actor, township):
        deputy = Deputy.objects.get(pk=scope.deputy_id)
    if deputy is not None and deputy.township_id != township.pk:
        raise ValidationError({"deputy": _("Choose a deputy of this township.")})
    if station is not None and station.township_id != township.pk:
        raise ValidationError({"station": _("Choose a liaison station of this township.")})
    unknown = set(fields) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    suggestion = Suggestion(
        township=township,
        channel=channel,
        deputy=deputy,
        station=station,
        entered_by=actor,
        **fields,
    )
    _save_new_suggestion(suggestion)
    audit_record(
        actor=actor,
        action="suggestion.create",
        obj=suggestion,
        township=township,
        after=snapshot(suggestion, PUBLIC_AUDIT_FIELDS),
    )
    return suggestion


def _locked_suggestions(township: Township, ids: Iterable[int]) -> list[Suggestion]:
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError(_("Choose at least one suggestion."))
    rows = list(
        Suggestion.objects.select_for_update().filter(township=township, pk__in=ids).order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError(_("Some of the chosen suggestions do not exist in this township."))
    return rows


PROJECT_FIELDS = (
    "title",
    "content",
    "category",
    "location",
    "estimated_investment",
    "funding_source",
    "implementing_body",
    "deadline",
    "expected_benefit",
    "necessity",
)


def _set_status(project: Project, target: str, *, actor, note: str = "") -> None:
    """Move a (locked) project to ``target`` along an allowed transition, with history."""
    current = project.status
    if current == target:
        return
    try:
        domain.check_transition(current, target)
    except domain.TransitionError as exc:
        raise ValidationError(
            _("A project that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ProjectStatus(current).label,
                "target": ProjectStatus(target).label,
            }
        ) from exc
    project.status = target
    project.save(update_fields=["status", "updated_at"])
    ProjectStatusChange.objects.create(
        project=project,
        from_status=current,
        to_status=target,
        by=actor if actor is not None and actor.is_authenticated else None,
        note=note[:200],
    )


@transaction.atomic
def project_create(*, actor, township: Township, villages: Sequence[Village] = (), **fields):
    _require(user_can_manage_township(actor, township))
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    if any(v.township_id != township.pk for v in villages):
        raise ValidationError({"villages": _("Choose villages of this township.")})
    project = Project(township=township, **fields)
    project.tokens = domain.tokenize(f"{project.title} {project.content}")
    project.full_clean()
    project.save()
    project.villages.set(villages)
    ProjectStatusChange.objects.create(
        project=project, from_status="", to_status=project.status, by=actor
    )
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        township=township,
        after=snapshot(project, list(PROJECT_FIELDS)),
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, villages: Sequence[Village] | None = None, **fields):
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    _require(user_can_manage_township(actor, project.township))
    if project.status in (ProjectStatus.CANDIDATE,) and _in_locked_list(project):
        raise ValidationError(
            _("The project is on a locked candidate list; its ballot details cannot change.")
        )
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    before = snapshot(project, list(PROJECT_FIELDS))
    for key, value in fields.items():
        setattr(project, key, value)
    project.tokens = domain.tokenize(f"{project.title} {project.content}")
    project.full_clean()
    project.save()
    if villages is not None:
        if any(v.township_id != project.township_id for v in villages):
            raise ValidationError({"villages": _("Choose villages of this township.")})
        project.villages.set(villages)
    after = snapshot(project, list(PROJECT_FIELDS))
    changed = {k for k in after if after[k] != before.get(k)}
    if changed:
        audit_record(
            actor=actor,
            action="project.update",
            obj=project,
            township=project.township,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return project


def _in_locked_list(project: Project) -> bool:
    return Candidate.objects.filter(
        project=project, candidate_list__locked_at__isnull=False
    ).exists()


@transaction.atomic
def suggestions_merge(
    *,
    actor,
    township: Township,
    suggestion_ids: Iterable[int],
    project: Project | None = None,
    reply: str = "",
) -> Project:
    """Merge suggestions into a reserve project (many suggestions → one project).

    Without ``project`` a new reserve project is made from the first suggestion (its title,
    content and villages), for staff to edit. Suggestions already merged are refused; a
    rejected one may be reconsidered and merged.
    """
    _require(user_can_triage_suggestions(actor, township))
    rows = _locked_suggestions(township, suggestion_ids)
    merged = [s for s in rows if s.status == SuggestionStatus.MERGED]
    if merged:
        raise ValidationError(
            _("Already merged into a project: %(titles)s")
            % {"titles": "、".join(s.title for s in merged)}
        )
    if project is None:
        first = rows[0]
        fields = {
            key: getattr(first, key)
            for key in (
                "title",
                "content",
                "category",
                "location",
                "estimated_investment",
                "funding_source",
                "implementing_body",
                "deadline",
                "necessity",
            )
        }
        villages = sorted({s.village for s in rows if s.village_id}, key=lambda v: v.pk)
        project = project_create(actor=actor, township=township, villages=villages, **fields)
    else:
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.township_id != township.pk:
            raise ValidationError(_("Choose a project of this township."))
        if project.status == ProjectStatus.CANCELLED:
            raise ValidationError(_("The project is cancelled."))
        new_villages = [s.village for s in rows if s.village_id]
        if new_villages:
            project.villages.add(*new_villages)
    now = timezone.now()
    for suggestion in rows:
        before = suggestion.status
        suggestion.status = SuggestionStatus.MERGED
        suggestion.project = project
        suggestion.rejection_reason = ""
        suggestion.reply = reply.strip()
        suggestion.decided_at = now
        suggestion.decided_by = actor
        suggestion.full_clean()
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.merge",
            obj=suggestion,
            township=township,
            before={"status": before},
            after={"status": suggestion.status, "project": project.pk, "reply": suggestion.reply},
        )
    return project


@transaction.atomic
def suggestions_reject(
    *,
    actor,
    township: Township,
    suggestion_ids: Iterable[int],
    reason: str,
    reply: str = "",
) -> list[Suggestion]:
    """Reject suggestions with a reason from the township's exclusion list (C3) and an
    optional free-text reply; both are shown to the proposer through the receipt code.
    Without a listed reason, the free text is required."""
    _require(user_can_triage_suggestions(actor, township))
    reason = (reason or "").strip()
    reply = (reply or "").strip()
    allowed = ruleset_for(township).exclusion_reasons
    if reason and reason not in allowed:
        raise ValidationError({"reason": _("Choose a reason from the township's list.")})
    if not reason and not reply:
        raise ValidationError(
            {"reply": _("Give the proposer a reason: choose one from the list or write one.")}
        )
    rows = _locked_suggestions(township, suggestion_ids)
    merged = [s for s in rows if s.status == SuggestionStatus.MERGED]
    if merged:
        raise ValidationError(
            _("Already merged into a project: %(titles)s")
            % {"titles": "、".join(s.title for s in merged)}
        )
    now = timezone.now()
    for suggestion in rows:
        before = {"status": suggestion.status, "reason": suggestion.rejection_reason}
        suggestion.status = SuggestionStatus.REJECTED
        suggestion.rejection_reason = reason
        suggestion.reply = reply
        suggestion.decided_at = now
        suggestion.decided_by = actor
        suggestion.full_clean()
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.reject",
            obj=suggestion,
            township=township,
            before=before,
            after={"status": suggestion.status, "reason": reason, "reply": reply},
        )
    return rows


@transaction.atomic
def suggestion_reply(*, actor, suggestion: Suggestion, reply: str) -> Suggestion:
    """Change the reply the proposer reads, without changing the decision."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require(user_can_triage_suggestions(actor, suggestion.township))
    before = suggestion.reply
    suggestion.reply = reply.strip()
    suggestion.full_clean()
    suggestion.save(update_fields=["reply", "updated_at"])
    audit_record(
        actor=actor,
        action="suggestion.reply",
        obj=suggestion,
        township=suggestion.township,
        before={"reply": before},
        after={"reply": suggestion.reply},
    )
    return suggestion


# ---------------------------------------------------------------------------------------------
# Annual plans, rounds and candidate lists


@transaction.atomic
def plan_create(
    *,
    actor,
    township: Township,
    year: int,
    slots: int,
    collection_start=None,
    collection_end=None,
) -> AnnualPlan:
    """An annual plan with its slots (应选数量); the rounds are copied from the rule set so
    later rule edits never change a plan under way."""
    _require(user_can_manage_township(actor, township))
    if AnnualPlan.objects.filter(township=township, year=year).exists():
        raise ValidationError({"year": _("This township already has a plan for that year.")})
    plan = AnnualPlan(
        township=township,
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
    names = ruleset_for(township).shortlisting_rounds or []
    ShortlistRound.objects.bulk_create(
        [ShortlistRound(plan=plan, position=i, name=name) for i, name in enumerate(names)]
    )
    CandidateList.objects.create(plan=plan)
    audit_record(
        actor=actor,
        action="plan.create",
        obj=plan,
        township=township,
        after={"year": year, "slots": slots, "rounds": list(names)},
    )
    return plan


def _locked_plan(plan: AnnualPlan) -> tuple[AnnualPlan, CandidateList]:
    plan = AnnualPlan.objects.select_for_update().select_related("township").get(pk=plan.pk)
    candidate_list, _created = CandidateList.objects.select_for_update().get_or_create(plan=plan)
    return plan, candidate_list


@transaction.atomic
def plan_update(*, actor, plan: AnnualPlan, slots: int) -> AnnualPlan:
    plan, candidate_list = _locked_plan(plan)
    _require(user_can_manage_township(actor, plan.township))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is locked; the plan cannot change."))
    before = plan.slots
    plan.slots = slots
    plan.full_clean()
    plan.save(update_fields=["slots"])
    if before != slots:
        audit_record(
            actor=actor,
            action="plan.update",
            obj=plan,
            township=plan.township,
            before={"slots": before},
            after={"slots": slots},
        )
    return plan


@transaction.atomic
def plan_add_projects(*, actor, plan: AnnualPlan, projects: Iterable[Project]) -> int:
    """Put reserve projects forward for shortlisting in the plan. Returns how many."""
    plan, candidate_list = _locked_plan(plan)
    _require(user_can_manage_township(actor, plan.township))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is locked; the plan cannot change."))
    ids = sorted({p.pk for p in projects})
    if not ids:
        raise ValidationError(_("Choose at least one project."))
    rows = list(Project.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(rows) != len(ids) or any(p.township_id != plan.township_id for p in rows):
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
        action="plan.add_projects",
        obj=plan,
        township=plan.township,
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


def _decision_message(code: str) -> str:
    return {
        "locked": _("The candidate list is locked; shortlisting decisions cannot change."),
        "unknown": _("Unknown decision."),
        "no_reason": _("Write the reason for the decision."),
        "not_in_pool": _("The project did not reach this round."),
        "later_round_decided": _(
            "A later round has already decided on this project; change that decision first."
        ),
    }.get(code, code)


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
    _require(user_can_manage_township(actor, plan.township))
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
        raise ValidationError(_decision_message(check.code))
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
        action="round.decide",
        obj=row,
        township=plan.township,
        before=before,
        after={"round": round.name, "project": project.pk, "decision": decision, "reason": reason},
    )
    return row


def lock_refusal_message(check: domain.ListCheck) -> str:
    if check.code == "empty":
        return _("The candidate list is empty.")
    if check.code == "competitive_too_few":
        return _(
            "A competitive vote (差额) needs more candidates than slots: %(candidates)s "
            "candidates for %(slots)s slots. Advance more projects in the last round or "
            "lower the number of slots."
        ) % {"candidates": check.candidates, "slots": check.slots}
    if check.code == "equal_mismatch":
        return _(
            "An equal vote (等额) needs exactly as many candidates as slots: %(candidates)s "
            "candidates for %(slots)s slots."
        ) % {"candidates": check.candidates, "slots": check.slots}
    return _("The plan has no slots.")


@transaction.atomic
def candidate_list_lock(*, actor, candidate_list: CandidateList) -> CandidateList:
    """Lock the list for the vote after checking the township's rule set (V2): 差额 needs
    more candidates than slots, 等额 exactly as many, 逐项 at least one. A locked list never
    changes; its projects become candidates."""
    candidate_list = (
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__township")
        .get(pk=candidate_list.pk)
    )
    plan = candidate_list.plan
    _require(user_can_manage_township(actor, plan.township))
    if candidate_list.is_locked:
        raise ValidationError(_("The candidate list is already locked."))
    mode = ruleset_for(plan.township).vote_mode
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
        action="candidate_list.lock",
        obj=candidate_list,
        township=plan.township,
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
    project = Project.objects.select_for_update().select_related("township").get(pk=project.pk)
    if actor is not None:
        _require(user_can_manage_township(actor, project.township))
    target = ProjectStatus.ELECTED if elected else ProjectStatus.RESERVE
    if project.status == target:
        return project
    if project.status != ProjectStatus.CANDIDATE:
        raise ValidationError(_("Only a candidate project can be elected or returned."))
    before = project.status
    _set_status(
        project,
        target,
        actor=actor,
        note=_("Elected by the congress") if elected else _("Not elected; back in the reserve"),
    )
    audit_record(
        actor=actor,
        action="project.outcome",
        obj=project,
        township=project.township,
        before={"status": before},
        after={"status": target},
    )
    return project


# ---------------------------------------------------------------------------------------------
# .xlsx import of suggestions collected offline


RowError = xlsx.RowError  # the shared (row, column, header, message) of an .xlsx import


class SuggestionImportError(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def _row_message(code: str) -> str:
    return {
        "required": _("This cell is required."),
        "too_long": _("Too long."),
        "channel": _("Unknown channel: write e.g. 村民会议, 入户走访, 接待日, 来信, 联络站."),
        "village": _("No village of this name in the township."),
        "deputy": _("No deputy of this name in the township."),
        "number": _("Not a number of 10,000 yuan."),
        "date": _("Not a date: write e.g. 2027-10-31."),
        "phone": _("Not a valid phone number."),
    }.get(code, code)


def _file_message(error: xlsx_format.SuggestionFileError) -> str:
    return xlsx.file_error_message(error, empty=_("The workbook has no suggestions in it."))


@transaction.atomic
def suggestion_import(*, actor, township: Township, data: bytes) -> list[Suggestion]:
    """Create suggestions collected offline from an .xlsx file. All or nothing: every bad
    cell is reported (row, column, reason) and nothing is written if any row is bad."""
    _require(user_can_triage_suggestions(actor, township))
    try:
        rows = xlsx_format.read_rows(data)
    except xlsx_format.SuggestionFileError as exc:
        raise SuggestionImportError([RowError(None, "", "", _file_message(exc))]) from exc
    villages = {v.name: v for v in Village.objects.filter(township=township)}
    deputies: dict[str, Deputy] = {}
    for deputy in Deputy.objects.filter(township=township).order_by("-in_office", "pk"):
        deputies.setdefault(deputy.name, deputy)
    errors: list[RowError] = []
    parsed = []
    for number, raw in rows:
        result = domain.parse_suggestion_row(
            raw, village_names=set(villages), deputy_names=set(deputies)
        )
        for key, code in result.errors:
            errors.append(
                RowError(
                    number,
                    xlsx_format.column_letter(key),
                    xlsx_format.column_header(key),
                    _row_message(code),
                )
            )
        parsed.append((number, result.values))
    if errors:
        raise SuggestionImportError(errors)
    created = []
    for number, values in parsed:
        values = dict(values)
        channel = values.pop("channel")
        deputy = deputies.get(values.pop("deputy")) if values.get("deputy") else None
        values.pop("deputy", None)
        values["village"] = villages.get(values.pop("village")) or None
        suggestion = Suggestion(
            township=township, channel=channel, deputy=deputy, entered_by=actor, **values
        )
        try:
            _save_new_suggestion(suggestion)
        except ValidationError as exc:
            raise SuggestionImportError([RowError(number, "", "", " ".join(exc.messages))]) from exc
        created.append(suggestion)
    audit_record(
        actor=actor,
        action="suggestion.import",
        obj=township,
        township=township,
        after={"created": len(created)},
    )
    return created
