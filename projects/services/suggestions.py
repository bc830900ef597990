"""Suggestions: the public QR form, offline entry, and triage (merge, reject, reply)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congress.audit import AuditAction
from congress.models import County, Deputy, Township
from congress.permissions import get_scope
from congress.services import audit_record, snapshot

from .. import domain
from ..models import (
    IntakeLink,
    LiaisonStation,
    Project,
    ProjectStatus,
    Suggestion,
    SuggestionStatus,
    body_fields,
)
from ..permissions import (
    is_county,
    user_can_enter_suggestions,
    user_can_manage_body,
    user_can_refer_suggestion,
    user_can_triage_suggestions,
)
from ._base import _require
from .bodies import audit_body, body_of, ruleset_for_body
from .codes import new_receipt_code
from .reserve import project_create

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


def _village_outside(body, village) -> bool:
    if village is None:
        return False
    if is_county(body):
        return village.township.county_id != body.pk
    return village.township_id != body.pk


def _save_new_suggestion(suggestion: Suggestion) -> Suggestion:
    if _village_outside(suggestion.body, suggestion.village):
        raise ValidationError({"village": _("Choose a village of this township.")})
    suggestion.tokens = domain.tokenize(f"{suggestion.title} {suggestion.content}")
    suggestion.receipt_code = new_receipt_code()
    suggestion.full_clean()
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_submit_public(*, link: IntakeLink, **fields) -> Suggestion:
    """A resident's suggestion through a QR link; the link decides who receives it and in
    which body's intake (a township's, or a county congress's) it lands."""
    if not link.is_active:
        raise ValidationError(_("This QR code is no longer in use."))
    unknown = set(fields) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    suggestion = Suggestion(
        township_id=link.township_id,
        county_id=link.county_id,
        channel=link.channel,
        deputy_id=link.deputy_id,
        station_id=link.station_id,
        **fields,
    )
    _save_new_suggestion(suggestion)
    # The audit row names the matter and who received it, never the proposer.
    audit_record(
        actor=None,
        action=AuditAction.SUGGESTION_SUBMIT,
        obj=suggestion,
        **audit_body(suggestion.body),
        after=snapshot(suggestion, PUBLIC_AUDIT_FIELDS),
    )
    return suggestion


@transaction.atomic
def suggestion_create(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    channel: str,
    deputy: Deputy | None = None,
    station: LiaisonStation | None = None,
    **fields,
) -> Suggestion:
    """A suggestion a deputy or staff member collected offline (village meeting, door to
    door, reception day, letter, …). A deputy always enters it as the receiving deputy. A
    county congress's suggestion (``county=``) is received by one of its county deputies."""
    body = body_of(township=township, county=county)
    _require(user_can_enter_suggestions(actor, body))
    scope = get_scope(actor)
    if not user_can_manage_body(actor, body):
        deputy = Deputy.objects.get(pk=scope.deputy_id)
    if is_county(body):
        if deputy is not None and (
            not deputy.is_county_deputy or deputy.township.county_id != body.pk
        ):
            raise ValidationError({"deputy": _("Choose a county deputy of this county.")})
        if station is not None and station.township.county_id != body.pk:
            raise ValidationError({"station": _("Choose a liaison station of this township.")})
    else:
        if deputy is not None and deputy.township_id != body.pk:
            raise ValidationError({"deputy": _("Choose a deputy of this township.")})
        if station is not None and station.township_id != body.pk:
            raise ValidationError({"station": _("Choose a liaison station of this township.")})
    unknown = set(fields) - set(SUGGESTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown field."))
    suggestion = Suggestion(
        **body_fields(body),
        channel=channel,
        deputy=deputy,
        station=station,
        entered_by=actor,
        **fields,
    )
    _save_new_suggestion(suggestion)
    audit_record(
        actor=actor,
        action=AuditAction.SUGGESTION_CREATE,
        obj=suggestion,
        **audit_body(body),
        after=snapshot(suggestion, PUBLIC_AUDIT_FIELDS),
    )
    return suggestion


def _locked_suggestions(body, ids: Iterable[int]) -> list[Suggestion]:
    ids = sorted({int(i) for i in ids})
    if not ids:
        raise ValidationError(_("Choose at least one suggestion."))
    rows = list(
        Suggestion.objects.select_for_update()
        .filter(**body_fields(body), pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError(_("Some of the chosen suggestions do not exist in this township."))
    return rows


@transaction.atomic
def suggestions_merge(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    suggestion_ids: Iterable[int],
    project: Project | None = None,
    reply: str = "",
) -> Project:
    """Merge suggestions into a reserve project (many suggestions → one project).

    Without ``project`` a new reserve project is made from the first suggestion (its title,
    content and villages), for staff to edit. Suggestions already merged are refused; a
    rejected one may be reconsidered and merged.
    """
    body = body_of(township=township, county=county)
    _require(user_can_triage_suggestions(actor, body))
    rows = _locked_suggestions(body, suggestion_ids)
    merged = [s for s in rows if s.status == SuggestionStatus.MERGED]
    if merged:
        raise ValidationError(
            _("Already merged into a project: %(titles)s")
            % {"titles": "、".join(s.title for s in merged)}
        )
    _refuse_referred(rows)
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
        project = project_create(actor=actor, **body_fields(body), villages=villages, **fields)
    else:
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.body != body:
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
            action=AuditAction.SUGGESTION_MERGE,
            obj=suggestion,
            **audit_body(body),
            before={"status": before},
            after={"status": suggestion.status, "project": project.pk, "reply": suggestion.reply},
        )
    return project


@transaction.atomic
def suggestions_reject(
    *,
    actor,
    township: Township | None = None,
    county: County | None = None,
    suggestion_ids: Iterable[int],
    reason: str,
    reply: str = "",
) -> list[Suggestion]:
    """Reject suggestions with a reason from the township's exclusion list (C3) and an
    optional free-text reply; both are shown to the proposer through the receipt code.
    Without a listed reason, the free text is required."""
    body = body_of(township=township, county=county)
    _require(user_can_triage_suggestions(actor, body))
    reason = (reason or "").strip()
    reply = (reply or "").strip()
    allowed = ruleset_for_body(body).exclusion_reasons
    if reason and reason not in allowed:
        raise ValidationError({"reason": _("Choose a reason from the township's list.")})
    if not reason and not reply:
        raise ValidationError(
            {"reply": _("Give the proposer a reason: choose one from the list or write one.")}
        )
    rows = _locked_suggestions(body, suggestion_ids)
    merged = [s for s in rows if s.status == SuggestionStatus.MERGED]
    if merged:
        raise ValidationError(
            _("Already merged into a project: %(titles)s")
            % {"titles": "、".join(s.title for s in merged)}
        )
    _refuse_referred(rows)
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
            action=AuditAction.SUGGESTION_REJECT,
            obj=suggestion,
            **audit_body(body),
            before=before,
            after={"status": suggestion.status, "reason": reason, "reply": reply},
        )
    return rows


@transaction.atomic
def suggestion_reply(*, actor, suggestion: Suggestion, reply: str) -> Suggestion:
    """Change the reply the proposer reads, without changing the decision."""
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    _require(user_can_triage_suggestions(actor, suggestion.body))
    before = suggestion.reply
    suggestion.reply = reply.strip()
    suggestion.full_clean()
    suggestion.save(update_fields=["reply", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SUGGESTION_REPLY,
        obj=suggestion,
        **audit_body(suggestion.body),
        before={"reply": before},
        after={"reply": suggestion.reply},
    )
    return suggestion


def _refuse_referred(rows: list[Suggestion]) -> None:
    referred = [s for s in rows if s.status == SuggestionStatus.REFERRED]
    if referred:
        raise ValidationError(
            _("Already referred to the county: %(titles)s")
            % {"titles": "、".join(s.title for s in referred)}
        )


REFERRAL_COPIED_FIELDS = (*SUGGESTION_FIELDS, "channel", "deputy", "station")


@transaction.atomic
def suggestion_refer(*, actor, suggestion: Suggestion, reply: str = "") -> Suggestion:
    """Refer a township's suggestion too big for it to the county reserve (转县级).

    The township's row becomes ``referred`` (a final decision for the township, like a
    merge) and keeps the proposer's receipt code; the county congress receives a copy, with
    a receipt code of its own, pointing back to it (``referred_from``), in its intake as
    ``received``. The resident's lookup follows the referral to the county's decision. A
    merged or already referred suggestion cannot be referred; a rejected one can.
    Returns the county's suggestion.
    """
    suggestion = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("township__county")
        .get(pk=suggestion.pk)
    )
    _require(user_can_refer_suggestion(actor, suggestion))
    if suggestion.status == SuggestionStatus.MERGED:
        raise ValidationError(
            _("Already merged into a project: %(titles)s") % {"titles": suggestion.title}
        )
    _refuse_referred([suggestion])
    township = suggestion.township
    county = township.county
    referred = Suggestion(
        county=county,
        referred_from=suggestion,
        entered_by=actor,
        **{key: getattr(suggestion, key) for key in REFERRAL_COPIED_FIELDS},
    )
    _save_new_suggestion(referred)
    before = {"status": suggestion.status, "reason": suggestion.rejection_reason}
    suggestion.status = SuggestionStatus.REFERRED
    suggestion.rejection_reason = ""
    suggestion.reply = (reply or "").strip()
    suggestion.decided_at = timezone.now()
    suggestion.decided_by = actor
    suggestion.full_clean()
    suggestion.save()
    # One row in the township's log (its county's too): what went where, never the proposer.
    audit_record(
        actor=actor,
        action=AuditAction.SUGGESTION_REFER,
        obj=suggestion,
        township=township,
        before=before,
        after={
            "status": suggestion.status,
            "county": county.name,
            "referral": referred.pk,
            "reply": suggestion.reply,
        },
    )
    return referred
