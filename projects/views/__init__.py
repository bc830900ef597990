"""Thin views for stages 1–2: fetch-and-authorize, call a service, render.

One module per group of pages (``public``, ``triage``, ``reserve``, ``codes``, ``plans``);
this package re-exports the views ``urls.py`` routes to.
"""

from .codes import intake_codes, intake_poster, intake_sheet
from .plans import candidate_list, candidate_pdf, plan_detail, plan_list, round_detail
from .public import _remember_receipt, intake, receipt_detail, receipt_lookup
from .reserve import project_create, project_detail, project_edit, project_list
from .triage import (
    suggestion_create,
    suggestion_decide,
    suggestion_detail,
    suggestion_import,
    suggestion_list,
    suggestion_refer,
    suggestion_template,
)

__all__ = [
    "_remember_receipt",
    "candidate_list",
    "candidate_pdf",
    "intake",
    "intake_codes",
    "intake_poster",
    "intake_sheet",
    "plan_detail",
    "plan_list",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "receipt_detail",
    "receipt_lookup",
    "round_detail",
    "suggestion_create",
    "suggestion_decide",
    "suggestion_detail",
    "suggestion_import",
    "suggestion_list",
    "suggestion_refer",
    "suggestion_template",
]
