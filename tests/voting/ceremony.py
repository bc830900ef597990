"""The key ceremony and the opening of the sealed box as the officers perform them, for tests
that open or count a vote (issue 15: opening needs the ceremony, counting needs k slips).

Every step goes through the services (or the count page, for client tests), as a user would:
the presidium staff print the share slips in draft, the key holders keep them, and k of them
present theirs at the count. The typed forms are remembered here, by vote, for the count —
the only copy outside the printed slips, as on paper."""

from __future__ import annotations

import re

from django.urls import reverse

from voting import pdf, services
from voting.models import OfficerRole, Vote
from voting.services.setup import key_holders_of

# The typed share slips of each vote's latest printing, as its holders would keep them.
_SLIPS: dict[int, list[str]] = {}

CHIEF_NAME = "卫东"  # the chief scrutineer named when a test named no key holder
# A share slip's typed form as printed: 60 symbols in groups of five.
SLIP = re.compile(r"((?:[0-9A-HJKMNP-TV-Y]{5}\s+){11}[0-9A-HJKMNP-TV-Y]{5})")


def slips_from_pdf(data: bytes) -> list[str]:
    """The typed forms on printed share slips, read back as a key holder reads a slip."""
    return [re.sub(r"\s+", "", m) for m in SLIP.findall(pdf.pdf_text(data))]


def print_key_slips(actor, vote: Vote) -> list[str]:
    """密钥分片: print the vote's share slips (in draft) and return their typed forms. A vote
    with no chief scrutineer or scrutineer gets a chief scrutineer first (S3: the session
    approves one; without an account, as on paper)."""
    if not key_holders_of(vote):
        services.vote_officer_add(
            actor=actor, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name=CHIEF_NAME, user=None
        )
    ceremony = services.vote_key_ceremony(actor=actor, vote=vote)
    slips = [slip.typed for slip in ceremony.slips]
    _SLIPS[vote.pk] = slips
    vote.refresh_from_db()
    return slips


def remember_slips(vote: Vote, slips: list[str]) -> None:
    """Keep slips printed through the console (read back from the PDF) for the count."""
    _SLIPS[vote.pk] = list(slips)


def slips_of(vote: Vote) -> list[str]:
    """The typed slips printed for this vote (its latest printing)."""
    return list(_SLIPS[vote.pk])


def open_with_ceremony(actor, vote: Vote) -> Vote:
    """Open the vote (codes printed and numbers issued already), printing the key share slips
    first unless they were printed."""
    vote.refresh_from_db()
    if not vote.is_sealed and not vote.paper_mode:
        print_key_slips(actor, vote)
    return services.vote_open(actor=actor, vote=vote)


def present_slips(actor, vote: Vote, slips: list[str] | None = None):
    """开箱: k key holders present their slips (the first k printed unless given)."""
    vote.refresh_from_db()
    if slips is None:
        slips = slips_of(vote)[: vote.key_threshold]
    return services.vote_open_box(actor=actor, vote=vote, typed_shares=slips)


def open_box_and_count(actor, vote: Vote, slips: list[str] | None = None) -> Vote:
    """开箱计票: open a sealed box with k slips (when not yet opened), then count."""
    vote.refresh_from_db()
    if vote.is_sealed and not vote.box_opened_at and vote.sealed_ballots.exists():
        present_slips(actor, vote, slips)
    return services.vote_count(actor=actor, vote=vote)


def post_slips(client, vote: Vote, slips: list[str] | None = None):
    """The count page's form: k slips typed in, the box opened and counted (a client logged in
    as staff or one of the vote's scrutineers)."""
    vote.refresh_from_db()
    if slips is None:
        slips = slips_of(vote)[: vote.key_threshold]
    return client.post(reverse("voting:open_box", args=[vote.pk]), {"slip": slips})
