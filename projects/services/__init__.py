"""Writes for stages 1–2. One function per use case, keyword-only arguments, one transaction
each, audited through ``congress.services.audit_record``.

Stable contract with ``voting`` (keep the signatures):

- ``candidate_list_lock(*, actor, candidate_list)``
- ``project_mark_outcome(*, actor, project, elected: bool)``

The actions live in one module per group (``stations``, ``suggestions``, ``reserve``,
``plans``, ``imports``); this package re-exports them so callers write
``services.<action>``.
"""

from ..messages import lock_refusal_message
from ._base import _require, _set_status, project_set_status, ruleset_for
from .bodies import body_of, ruleset_for_body
from .codes import new_receipt_code
from .imports import RowError, SuggestionImportError, suggestion_import
from .plans import (
    candidate_list_lock,
    plan_add_projects,
    plan_create,
    plan_state,
    plan_update,
    project_mark_outcome,
    round_record_decision,
)
from .reserve import PROJECT_FIELDS, project_create, project_update
from .stations import intake_links_ensure, station_create
from .suggestions import (
    PUBLIC_AUDIT_FIELDS,
    SUGGESTION_FIELDS,
    suggestion_create,
    suggestion_refer,
    suggestion_reply,
    suggestion_submit_public,
    suggestions_merge,
    suggestions_reject,
)

__all__ = [
    "PROJECT_FIELDS",
    "PUBLIC_AUDIT_FIELDS",
    "SUGGESTION_FIELDS",
    "RowError",
    "SuggestionImportError",
    "_require",
    "_set_status",
    "project_set_status",
    "candidate_list_lock",
    "intake_links_ensure",
    "lock_refusal_message",
    "new_receipt_code",
    "plan_add_projects",
    "plan_create",
    "plan_state",
    "plan_update",
    "project_create",
    "project_mark_outcome",
    "project_update",
    "round_record_decision",
    "ruleset_for",
    "ruleset_for_body",
    "body_of",
    "station_create",
    "suggestion_create",
    "suggestion_refer",
    "suggestion_import",
    "suggestion_reply",
    "suggestion_submit_public",
    "suggestions_merge",
    "suggestions_reject",
]
