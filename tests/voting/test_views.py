"""The ballot and console as a user meets them over HTTP (Chinese by default)."""

from django.test import Client
from django.urls import reverse

from voting import domain, services
from voting.models import Ballot, SealedBallot

from .ceremony import present_slips
from .services.helpers import open_vote


def post_ballot(client, vote, code, marks: dict):
    data = {"vote": vote.pk, "code": code, **marks}
    return client.post(reverse("voting:ballot_review"), data)


def test_ballot_flow_code_ballot_review_cast(vote_world):
    codes = open_vote(vote_world)
    vote = vote_world.vote
    client = Client()
    page = client.post(reverse("voting:ballot"), {"code": domain.format_code(codes[0]).lower()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "东河村道路路灯安装" in html and "赞成" in html
    assert 'aria-label="东河村道路路灯安装：' in html  # each choice names candidate and choice
    review = post_ballot(client, vote, codes[0], {"c1": "Y", "c2": "N", "c4": "A"})
    assert review.status_code == 200
    assert review.context["choices"] == "YN-A"
    cast = client.post(
        reverse("voting:ballot_cast"), {"vote": vote.pk, "code": codes[0], "choices": "YN-A"}
    )
    assert cast.status_code == 200
    assert "已收到" in cast.content.decode() or "received" in cast.content.decode()
    assert cast.context["tracker"] in cast.content.decode()
    # Stored sealed; the key holders' slips open it to the marks cast.
    assert SealedBallot.objects.get(vote=vote).tracker == cast.context["tracker"]
    assert not Ballot.objects.filter(vote=vote).exists()
    services.vote_close(actor=vote_world.users["staff"], vote=vote)
    present_slips(vote_world.users["chief"], vote)
    assert Ballot.objects.get(vote=vote).choices == "YN-A"


def test_too_many_approvals_are_refused_before_casting(vote_world):
    codes = open_vote(vote_world)
    response = post_ballot(
        Client(), vote_world.vote, codes[0], {"c1": "Y", "c2": "Y", "c3": "Y", "c4": "Y"}
    )
    assert response.status_code == 400
    assert "3" in response.context["error"] and "4" in response.context["error"]
    # forged directly at the cast step, too
    forged = Client().post(
        reverse("voting:ballot_cast"),
        {"vote": vote_world.vote.pk, "code": codes[0], "choices": "YYYY"},
    )
    assert forged.status_code == 400
    assert not SealedBallot.objects.exists() and not Ballot.objects.exists()


def test_code_errors_are_explained(vote_world):
    codes = open_vote(vote_world)
    typo = codes[0][:-1] + ("0" if codes[0][-1] != "0" else "1")
    response = Client().post(reverse("voting:ballot"), {"code": typo})
    assert response.status_code == 400
    assert "校验" in response.content.decode()  # the check symbol caught the typo
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[1], choices="YNNN")
    again = Client().post(reverse("voting:ballot"), {"code": codes[1]})
    assert again.status_code == 400
    assert "已经" in again.content.decode()


def test_retried_cast_answers_already_cast(vote_world):
    codes = open_vote(vote_world)
    data = {"vote": vote_world.vote.pk, "code": codes[0], "choices": "YNNN"}
    assert Client().post(reverse("voting:ballot_cast"), data).status_code == 200
    retry = Client().post(reverse("voting:ballot_cast"), data)
    assert retry.status_code == 409 and retry.context["already"]
    assert SealedBallot.objects.count() == 1


def test_console_shows_how_many_never_what(vote_world):
    codes = open_vote(vote_world)
    for code in codes[:3]:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=code, choices="YYNN")
    live = vote_world.client("staff").get(reverse("voting:console_live", args=[vote_world.vote.pk]))
    assert live.context["received"] == 3
    assert "YYNN" not in live.content.decode()


def test_console_actions_run_the_vote(vote_world):
    staff = vote_world.client("staff")
    vote = vote_world.vote
    pdf = staff.post(reverse("voting:codes_print", args=[vote.pk]), {"spares": "2"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content[:4] == b"%PDF"
    staff.post(reverse("voting:issued", args=[vote.pk]), {"slips_issued": "9", "paper_issued": "0"})
    # Opening needs the key share slips (密钥分片): refused, saying so, until they are printed.
    refused = staff.post(reverse("voting:action", args=[vote.pk, "open"]), follow=True)
    assert any("密钥分片" in str(m) for m in refused.context["messages"])
    vote.refresh_from_db()
    assert vote.status == "draft"
    slips = staff.post(reverse("voting:key_slips_print", args=[vote.pk]), {"printings": "0"})
    assert slips.status_code == 200 and slips.content[:4] == b"%PDF"
    opened = staff.post(reverse("voting:action", args=[vote.pk, "open"]), follow=True)
    assert "投票已开始" in opened.content.decode() or opened.context["vote"].status == "open"
    vote.refresh_from_db()
    assert vote.status == "open"
    closed = staff.post(reverse("voting:action", args=[vote.pk, "close"]))
    assert closed.status_code == 302
    vote.refresh_from_db()
    assert vote.status == "closed"


def test_slips_printed_from_another_window_are_not_replaced(vote_world):
    """Two console windows (or a repeated request) both showed "print code slips": the first
    prints, the second is refused and the first window's slips stay valid."""
    from voting.models import BallotCode

    staff = vote_world.client("staff")
    vote = vote_world.vote
    console = staff.get(reverse("voting:console", args=[vote.pk]))
    assert 'name="printings" value="0"' in console.content.decode()
    url = reverse("voting:codes_print", args=[vote.pk])
    first = staff.post(url, {"spares": "2", "printings": "0"})
    assert first["Content-Type"] == "application/pdf"
    hashes = set(BallotCode.objects.filter(vote=vote).values_list("code_hash", flat=True))
    second = staff.post(url, {"spares": "2", "printings": "0"}, follow=True)
    assert second.status_code == 200 and second["Content-Type"].startswith("text/html")
    messages = [str(m) for m in second.context["messages"]]
    assert any("仍然有效" in m for m in messages), messages
    assert set(BallotCode.objects.filter(vote=vote).values_list("code_hash", flat=True)) == hashes
    # A deliberate reprint from the refreshed console replaces them.
    assert 'name="printings" value="1"' in second.content.decode()
    third = staff.post(url, {"spares": "2", "printings": "1"})
    assert third["Content-Type"] == "application/pdf"
    assert not hashes & set(
        BallotCode.objects.filter(vote=vote).values_list("code_hash", flat=True)
    )


def test_refused_action_is_explained_not_500(vote_world):
    staff = vote_world.client("staff")
    response = staff.post(reverse("voting:action", args=[vote_world.vote.pk, "close"]), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "表决" in messages[0]


def test_paper_entry_page_keys_and_check(vote_world):
    w = vote_world
    staff = w.users["staff"]
    open_vote(w)
    services.vote_switch_to_paper(actor=staff, vote=w.vote)
    services.vote_record_issued(actor=staff, vote=w.vote, slips_issued=9, paper_issued=2)
    services.vote_close(actor=staff, vote=w.vote)
    teller = w.client("teller")
    url = reverse("voting:paper_entry", args=[w.vote.pk, "A"])
    assert teller.post(url, {"sequence": "1", "keys": "1 1 2 2"}).status_code == 302
    bad = teller.post(url, {"sequence": "2", "keys": "12"})
    assert bad.status_code == 400 and "1" in bad.content.decode()
    assert teller.post(url, {"sequence": "2", "keys": "X"}).status_code == 302
    page = teller.get(url).content.decode()
    assert "YYNN" in page
    check = Client()
    check.force_login(w.users["chief"])
    response = check.get(reverse("voting:paper_check", args=[w.vote.pk]))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
