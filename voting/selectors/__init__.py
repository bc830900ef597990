"""Reads for the vote. The tally is one aggregate query over the stored ballots.

``votes`` holds the scoped reads, the tally and the paper comparison; ``console`` the
console's check-in by delegation and a teller pair's batch against its delegations' returns;
``worklist`` the home page's work list. Every public name is re-exported here."""

from .console import batch_returns, checkin_by_delegation, codes_last_spares
from .votes import (
    ballots_received,
    batch_for_user,
    paper_batches,
    paper_sequences,
    paper_state,
    published_outcomes,
    tally_from_database,
    vote_delegations,
    vote_with_details,
    votes_visible_to,
)
from .worklist import ACTIVE, tasks_for

__all__ = [
    "ACTIVE",
    "ballots_received",
    "batch_for_user",
    "batch_returns",
    "checkin_by_delegation",
    "codes_last_spares",
    "paper_batches",
    "paper_sequences",
    "paper_state",
    "published_outcomes",
    "tally_from_database",
    "tasks_for",
    "vote_delegations",
    "vote_with_details",
    "votes_visible_to",
]
