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


def test_a_sealed_vote_shows_the_key_share_slips_and_the_count_page(vote_world, settings):
    """Before opening, the staff are told to print the key share slips on the console; at the
    count, the key holders (and the staff) are sent to the count page to open the box."""
    settings.VOTING_REQUIRE_KEY_CEREMONY = True
    w, vote = vote_world, vote_world.vote
    staff = w.users["staff"]
    console_url = reverse("voting:console", args=[vote.pk])
    console = w.client("staff").get(console_url)
    step, turn = _turn(console)
    assert step == "key_slips" and turn.startswith("轮到您了")
    assert f'href="{console_url}"' in console.content.decode().split("officer-turn")[1]
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, vote)  # prints the slips, then opens
    services.ballot_cast(vote_id=vote.pk, typed_code=codes[0], choices="YYNN")
    page = w.client("staff").get(console_url).content.decode()
    assert 'data-step="key_slips" data-state="done"' in page
    assert _turn(w.client("staff").get(console_url))[0] == "close"

    services.vote_close(actor=staff, vote=vote)
    open_box_url = reverse("voting:open_box", args=[vote.pk])
    for who, url in (
        ("chief", reverse("voting:paper_check", args=[vote.pk])),
        ("staff", console_url),
    ):
        response = w.client(who).get(url)
        step, turn = _turn(response)
        assert step == "open_box" and turn.startswith("轮到您了"), who
        assert f'href="{open_box_url}"' in response.content.decode().split("officer-turn")[1]
    teller = w.client("teller").get(reverse("voting:paper_entry", args=[vote.pk, "A"]))
    step, turn = _turn(teller)
    assert step == "open_box" and turn.startswith("等待")
    assert open_box_url not in teller.content.decode().split("officer-turn")[1]
