"""Helpers shared by the vote's action modules: the access check, the audit row, the
vote's row lock, the state check and the ballot rules of either kind of vote."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from congress.services import audit_record
from livelihood.i18n import in_site_language

from .. import domain
from ..models import Vote


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


_official = in_site_language  # stored titles and reasons: always the site's language


def _audit(vote: Vote, actor, action: str, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=vote,
        township=vote.session.term.township,
        county=vote.session.term.county,
        after=after or None,
    )


def _lock(vote: Vote) -> Vote:
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("session__term__township", "session__term__county")
        .get(pk=vote.pk)
    )


def _transition(vote: Vote, allowed_from: tuple[str, ...]) -> None:
    if vote.status not in allowed_from:
        raise ValidationError(
            _("This cannot be done while the vote is “%(status)s”.")
            % {"status": vote.get_status_display()}
        )


def _validate_choices(vote: Vote, choices: str, candidates: int) -> None:
    if vote.kind == "evaluation":
        domain.validate_evaluation_marks(
            choices,
            projects=candidates,
            sub_items=len(vote.evaluation_rules.get("sub_items", [])),
            allows_abstain=vote.evaluation_rules.get("allows_abstain", False),
        )
    else:
        domain.validate_marks(choices, candidates=candidates)


def _status_of(vote: Vote, choices: str) -> str:
    if vote.kind == "evaluation":
        return domain.evaluation_ballot_status(choices, blank_policy=vote.blank_ballot_policy)
    return domain.ballot_status(
        choices, mode=vote.mode, slots=vote.slots, blank_policy=vote.blank_ballot_policy
    )
