"""Thin views for the vote: the staff console, the ballot (no login: the code is the
credential), paper entry, the scrutineers' check, results and printing.

The ballot views never log, never put the code in a URL, never use the session or messages
framework, and mark the code as a sensitive POST parameter (kept out of error reports).

One module per page group: ``console`` (setting up, the console and its actions, a session's
votes), ``printing``, ``results``, ``paper`` and ``ballot``; ``_base`` holds the access
decorator and what they share. Every view is re-exported here for ``voting/urls.py``."""

from ..messages import REFUSALS, THROTTLED
from ._base import vote_view
from .ballot import ballot, ballot_cast, ballot_review
from .console import (
    ACTIONS,
    action,
    certify,
    codes_print,
    console,
    console_live,
    evaluation_create,
    issued,
    officer_add,
    officer_remove,
    resolve_tie,
    runoff,
    session_votes,
    vote_create,
)
from .display import display, display_live
from .paper import paper_check, paper_entry
from .printing import certificate_pdf, notice_pdf, paper_ballot_pdf
from .results import public_results, results
from .sealed import key_slips_print, open_box, paper_revote, sealed_box

__all__ = [
    "key_slips_print",
    "open_box",
    "paper_revote",
    "sealed_box",
    "ACTIONS",
    "REFUSALS",
    "THROTTLED",
    "action",
    "ballot",
    "ballot_cast",
    "ballot_review",
    "certificate_pdf",
    "certify",
    "codes_print",
    "console",
    "console_live",
    "display",
    "display_live",
    "evaluation_create",
    "issued",
    "notice_pdf",
    "officer_add",
    "officer_remove",
    "paper_ballot_pdf",
    "paper_check",
    "paper_entry",
    "public_results",
    "resolve_tie",
    "results",
    "runoff",
    "session_votes",
    "vote_create",
    "vote_view",
]
