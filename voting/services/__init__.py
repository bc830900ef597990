"""Writes for the vote. One function per use case, each in one transaction with its audit
row — except that nothing about a cast ballot is audited or logged (voting/README.md).

Lock order, always: Vote, then BallotCode, then Ballot rows.

One module per action group: ``setup`` (the vote or evaluation, officers, codes, issued counts,
opening, the switch to paper), ``casting`` (codes, ballots, closing and the box rewrite),
``paper`` (double entry, comparison, decisions), ``count`` (count, certify, publish) and
``runoff`` (run-offs, further votes, the presidium's tie decision), ``opening`` (开箱: the
sealed box opened with k key share slips, the paper re-vote when the key is lost, the storage
rewrite after the count); ``_base`` holds what they
share. Every public name is re-exported here, so ``voting.services.vote_open`` keeps working.
"""

from ..messages import rule_message
from .casting import (
    BallotRefused,
    CastReceipt,
    ballot_cast,
    code_check,
    code_find_vote,
    code_lookup,
    vote_close,
)
from .count import (
    box_digest_of,
    issued_count,
    vote_certify,
    vote_count,
    vote_publish,
)
from .delegations import (
    batch_returned,
    paper_batch_assign,
    paper_batch_finish,
    vote_record_delegation_counts,
)
from .opening import (
    BALLOT_TABLES,
    OpenedBox,
    failed_trackers,
    share_refusal,
    storage_rewrite,
    vote_open_box,
    vote_paper_revote,
)
from .paper import (
    EVALUATION_PAPER_KEYS,
    PAPER_KEYS,
    paper_decide,
    paper_entry_save,
    paper_finalize,
    paper_keys_for,
    parse_evaluation_keys,
    parse_paper_keys,
)
from .runoff import followup_kind, vote_create_runoff, vote_resolve_tie
from .setup import (
    EVALUATED_STATUSES,
    deputies_on_roll,
    evaluation_create,
    key_holders_of,
    sealed_ballots_required,
    vote_create,
    vote_generate_codes,
    vote_key_ceremony,
    vote_officer_add,
    vote_officer_remove,
    vote_open,
    vote_record_issued,
    vote_switch_to_paper,
)

__all__ = [
    "batch_returned",
    "code_lookup",
    "paper_batch_assign",
    "paper_batch_finish",
    "vote_record_delegation_counts",
    "BALLOT_TABLES",
    "OpenedBox",
    "failed_trackers",
    "key_holders_of",
    "sealed_ballots_required",
    "share_refusal",
    "storage_rewrite",
    "vote_key_ceremony",
    "vote_open_box",
    "vote_paper_revote",
    "EVALUATED_STATUSES",
    "EVALUATION_PAPER_KEYS",
    "PAPER_KEYS",
    "BallotRefused",
    "CastReceipt",
    "ballot_cast",
    "box_digest_of",
    "code_check",
    "code_find_vote",
    "deputies_on_roll",
    "evaluation_create",
    "followup_kind",
    "issued_count",
    "paper_decide",
    "paper_entry_save",
    "paper_finalize",
    "paper_keys_for",
    "parse_evaluation_keys",
    "parse_paper_keys",
    "rule_message",
    "vote_certify",
    "vote_close",
    "vote_count",
    "vote_create",
    "vote_create_runoff",
    "vote_generate_codes",
    "vote_officer_add",
    "vote_officer_remove",
    "vote_open",
    "vote_publish",
    "vote_record_issued",
    "vote_resolve_tie",
    "vote_switch_to_paper",
]
