"""The guided path on the vote's pages tells each officer whether it is their turn."""

import re

import pytest
from django.urls import reverse

from voting import services

from .ceremony import open_with_ceremony

pytestmark = pytest.mark.django_db


def _turn(response) -> tuple[str | None, str]:
    page = response.content.decode()
    current = re.search(r'data-step="(\w+)" data-state="current"', page)
    turn = re.search(r'data-testid="officer-turn">\s*([^<]*)', page)
    return (current.group(1) if current else None), (turn.group(1).strip() if turn else "")


def test_each_officer_is_told_whose_turn_it_is(vote_world):
    w, vote = vote_world, vote_world.vote
    staff = w.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=7, paper_issued=2)
    open_with_ceremony(staff, vote)
    services.ballot_cast(vote_id=vote.pk, typed_code=codes[0], choices="YYNN")

    step, turn = _turn(w.client("staff").get(reverse("voting:console", args=[vote.pk])))
    assert step == "close" and turn.startswith("轮到您了")

    services.vote_close(actor=staff, vote=vote)
    teller_page = w.client("teller").get(reverse("voting:paper_entry", args=[vote.pk, "A"]))
    assert _turn(teller_page)[0] == "paper_entry"
    assert _turn(teller_page)[1].startswith("轮到您了")
    console = w.client("staff").get(reverse("voting:console", args=[vote.pk]))
    assert _turn(console)[1].startswith("等待")

    for slot, user in (("A", w.users["teller"]), ("B", w.users["teller_b"])):
        services.paper_entry_save(actor=user, vote=vote, slot=slot, sequence=1, keys="1122")
        services.paper_entry_save(
            actor=user, vote=vote, slot=slot, sequence=2, keys="2211" if slot == "A" else "2212"
        )
    chief_page = w.client("chief").get(reverse("voting:paper_check", args=[vote.pk]))
    step, turn = _turn(chief_page)
    assert step == "mismatches" and turn.startswith("轮到您了") and "1" in turn

    teller_now = w.client("teller").get(reverse("voting:paper_entry", args=[vote.pk, "A"]))
    assert _turn(teller_now)[1].startswith("等待")
