"""The sealed box through the pages: share slips printed, a ballot cast on a phone, the public
list of trackers, the count page refusing k − 1 slips and opening with k, the paper re-vote."""

import re

from django.test import Client
from django.urls import reverse

from voting import pdf, sealing, services
from voting.models import OfficerRole, VoteStatus

SLIP = re.compile(r"((?:[0-9A-HJKMNP-TV-Y]{5}\s+){11}[0-9A-HJKMNP-TV-Y]{5})")


def _print_slips(world):
    staff = world.users["staff"]
    for name in ("冯芳", "陈刚"):
        services.vote_officer_add(
            actor=staff, vote=world.vote, role=OfficerRole.SCRUTINEER, name=name
        )
    client = world.client("staff")
    response = client.post(
        reverse("voting:key_slips_print", args=[world.vote.pk]), {"printings": "0"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf.pdf_text(response.content)
    assert "密钥分片" in text and "密钥持有人" in text and "吴静" in text
    assert "Keep sealed until the count" in text or "计票（开箱）前不得拆封" in text
    slips = [re.sub(r"\s+", "", m) for m in SLIP.findall(text)]
    assert len(slips) == 3
    # A second window showing the old printing count cannot replace the slips just printed.
    again = client.post(reverse("voting:key_slips_print", args=[world.vote.pk]), {"printings": "0"})
    assert again.status_code == 302
    world.vote.refresh_from_db()
    for slip in slips:
        sealing.decode_share(slip)  # the check symbol holds
    return slips


def test_the_whole_sealed_vote_through_the_pages(vote_world):
    w = vote_world
    staff = w.users["staff"]
    slips = _print_slips(w)
    codes = services.vote_generate_codes(actor=staff, vote=w.vote, spares=0)
    services.vote_record_issued(actor=staff, vote=w.vote, slips_issued=9, paper_issued=0)
    services.vote_open(actor=staff, vote=w.vote)
    trackers = []
    for code, marks in zip(codes, ["YYNA", "NYYA", "YNYA"], strict=False):
        done = Client().post(
            reverse("voting:ballot_cast"), {"vote": w.vote.pk, "code": code, "choices": marks}
        )
        assert done.status_code == 200
        trackers.append(done.context["tracker"])
        assert reverse("voting:sealed_box", args=[w.vote.pk]) in done.content.decode()
    box = Client().get(reverse("voting:sealed_box", args=[w.vote.pk])).content.decode()
    for t in trackers:
        assert t in box
    assert "YYNA" not in box
    services.vote_close(actor=staff, vote=w.vote)
    chief = w.client("chief")
    url = reverse("voting:open_box", args=[w.vote.pk])
    page = chief.get(url)
    assert page.status_code == 200 and 'name="slip"' in page.content.decode()
    few = chief.post(url, {"slip": [slips[0], "", ""]})
    assert few.status_code == 400
    assert "1" in few.context["error"]
    other = sealing.key_ceremony(vote_id=w.vote.pk + 7, threshold=2, holders=3)
    wrong = chief.post(url, {"slip": [slips[0], sealing.encode_share(other.shares[0]), ""]})
    assert wrong.status_code == 400
    opened = chief.post(url, {"slip": ["", slips[2], slips[1]]})
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "voting:results", args=[w.vote.pk]
    )
    w.vote.refresh_from_db()
    assert w.vote.status == VoteStatus.COUNTED and w.vote.result.returned == 3
    assert chief.post(reverse("voting:certify", args=[w.vote.pk])).status_code == 302
    w.vote.refresh_from_db()
    certificate = pdf.pdf_text(pdf.render_certificate(vote=w.vote))
    compact = re.sub(r"\s+", "", certificate)
    assert w.vote.sealed_digest[:8] in compact and w.vote.box_digest[:8] in compact


def test_the_count_page_offers_the_paper_revote(vote_world):
    w = vote_world
    staff = w.users["staff"]
    _print_slips(w)
    codes = services.vote_generate_codes(actor=staff, vote=w.vote, spares=0)
    services.vote_record_issued(actor=staff, vote=w.vote, slips_issued=9, paper_issued=0)
    services.vote_open(actor=staff, vote=w.vote)
    services.ballot_cast(vote_id=w.vote.pk, typed_code=codes[0], choices="YYNA")
    services.vote_close(actor=staff, vote=w.vote)
    client = w.client("staff")
    page = client.get(reverse("voting:open_box", args=[w.vote.pk])).content.decode()
    assert reverse("voting:paper_revote", args=[w.vote.pk]) in page
    response = client.post(
        reverse("voting:paper_revote", args=[w.vote.pk]),
        {"reason": "主席团决定：密钥分片遗失，改用纸质票重新表决"},
    )
    assert response.status_code == 302
    w.vote.refresh_from_db()
    assert w.vote.status == VoteStatus.VOID
    new = w.vote.__class__.objects.exclude(pk=w.vote.pk).get(session=w.vote.session)
    assert response["Location"] == new.get_absolute_url() and new.paper_mode


def test_the_count_page_is_for_staff_and_scrutineers_only(vote_world):
    w = vote_world
    _print_slips(w)
    url = reverse("voting:open_box", args=[w.vote.pk])
    assert w.client("teller").get(url).status_code == 403
    assert w.client("staff_other").get(url).status_code in (403, 404)
    assert Client().get(url).status_code == 302  # to the login page
