"""{% officer_path vote %}: the guided path (voting/path.py) — the key share slips before a
sealed vote opens, then every step after it closes — on every page of the vote, marking the
current step "your turn" for the officers who hold its role."""

from django import template
from django.db.models import Count, Q

from ..models import PaperEntry, VoteStatus
from ..path import CHIEF, CURRENT, KEY_HOLDERS, SCRUTINEER, STAFF, TELLER, Facts, officer_path
from ..permissions import (
    user_can_certify,
    user_can_enter_paper,
    user_can_manage_vote,
    user_can_scrutinize,
)
from ..selectors import paper_state
from ..services import sealed_ballots_required

register = template.Library()


def _facts(vote) -> Facts:
    paper = bool(vote.paper_issued or vote.paper_mode)
    entered = {"a": 0, "b": 0}
    open_items = 0
    if paper and vote.status == VoteStatus.CLOSED and not vote.paper_counted:
        entered = PaperEntry.objects.filter(vote=vote).aggregate(
            a=Count("id", filter=Q(slot="A")), b=Count("id", filter=Q(slot="B"))
        )
        if entered["a"] and entered["a"] == entered["b"]:
            open_items = len(paper_state(vote)["open"])
    return Facts(
        status=vote.status,
        paper=paper,
        entered_a=entered["a"],
        entered_b=entered["b"],
        open_items=open_items,
        paper_counted=vote.paper_counted,
        # A draft electronic vote must print its key share slips before opening.
        sealed=vote.is_sealed
        or (vote.status == VoteStatus.DRAFT and not vote.paper_mode and sealed_ballots_required()),
        slips_printed=vote.is_sealed,
    )


@register.inclusion_tag("voting/_officer_path.html", takes_context=True)
def officer_path_for(context, vote):
    user = context["request"].user
    roles = {
        STAFF: user_can_manage_vote(user, vote),
        TELLER: user_can_enter_paper(user, vote),
        SCRUTINEER: user_can_scrutinize(user, vote),
        CHIEF: user_can_certify(user, vote),
    }
    roles[KEY_HOLDERS] = roles[STAFF] or roles[SCRUTINEER]  # the count page's own rule
    facts = _facts(vote)
    steps = officer_path(facts)
    return {
        "vote": vote,
        "steps": steps,
        "facts": facts,
        "mine": {s.key for s in steps if s.state == CURRENT and roles.get(s.role)},
        "show": vote.status != VoteStatus.DRAFT or facts.sealed,
        # Where the sealed steps are done, linked for those who may go there.
        "link_console": roles[STAFF],
        "link_open_box": roles[KEY_HOLDERS] and vote.is_sealed,
    }
