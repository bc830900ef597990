"""Counting through the services: electronic and paper ballots, the reconciliation that voids a
vote, the box digest checked by the verify command."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import AuditEvent
from projects.models import Project
from voting import services
from voting.models import Ballot, BallotCode, VoteStatus

from ..ceremony import open_box_and_count
from .helpers import open_vote


def test_full_electronic_and_paper_vote(vote_world):
    """Six deputies vote electronically, the vote switches to paper (S4), three paper ballots
    are entered by two tellers with one mismatch that the chief scrutineer decides; the
    count merges both channels and matches an independent count."""
    w = vote_world
    staff, vote = w.users["staff"], w.vote
    codes = open_vote(w)
    electronic = ["YYNN", "YYYN", "NYYY", "YNYA", "----"]  # one blank
    for code, choices in zip(codes, electronic, strict=False):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=choices)
    # Too many approvals: refused with a clear reason, and the code is not burnt.
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote.pk, typed_code=codes[6], choices="YYYY")
    assert exc.value.reason == "too_many"
    assert BallotCode.objects.filter(vote=vote, used=True).count() == 5
    services.vote_switch_to_paper(actor=staff, vote=vote)
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(vote_id=vote.pk, typed_code=codes[7], choices="YYNN")
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=9, paper_issued=3)
    services.vote_close(actor=staff, vote=vote)

    teller_a, teller_b = w.users["teller"], w.users["teller_b"]
    for i, keys in enumerate(["1122", "1211", "X"], start=1):
        services.paper_entry_save(actor=teller_a, vote=vote, slot="A", sequence=i, keys=keys)
    for i, keys in enumerate(["1122", "1111", "X"], start=1):  # ballot 2 keyed differently
        services.paper_entry_save(actor=teller_b, vote=vote, slot="B", sequence=i, keys=keys)
    with pytest.raises(ValidationError):  # the same teller may not enter both sequences
        services.paper_entry_save(actor=teller_a, vote=vote, slot="B", sequence=4, keys="1111")
    with pytest.raises(ValidationError):  # the mismatch must be decided first
        services.paper_finalize(actor=w.users["chief"], vote=vote)
    with pytest.raises(PermissionDenied):  # tellers do not decide
        services.paper_decide(actor=teller_a, vote=vote, sequence=2, keys="1211", reason="x")
    services.paper_decide(
        actor=w.users["chief"],
        vote=vote,
        sequence=2,
        keys="1211",
        reason="第3项划在反对栏，第4项划在反对栏",
    )
    assert services.paper_finalize(actor=w.users["chief"], vote=vote) == 3

    result = open_box_and_count(w.users["chief"], vote)  # 开箱: the electronic ballots
    paper = ["YYNN", "YNYY"]  # and one invalid
    counted = [c for c in electronic if c.count("Y") <= 3 and c != "----"] + paper
    independent_yes = [sum(1 for c in counted if c[i] == "Y") for i in range(4)]
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.yes for r in rows] == independent_yes
    assert (result.issued, result.returned) == (5 + 3, 8)  # slips used after the switch + paper
    assert (result.valid, result.invalid, result.blank) == (7, 1, 1)
    assert (result.electronic, result.paper) == (5, 3)
    assert result.is_valid
    # 10 in office: passing needs 6 votes for
    assert [r.passed for r in rows] == [y * 2 > 10 for y in independent_yes]
    assert AuditEvent.objects.filter(action="paper.decide").get().before["A"] == ["YNYY", "valid"]

    with pytest.raises(PermissionDenied):
        services.vote_certify(actor=w.users["teller"], vote=vote)
    services.vote_certify(actor=w.users["chief"], vote=vote)
    vote.refresh_from_db()
    assert vote.box_digest == services.box_digest_of(vote)
    services.vote_publish(actor=staff, vote=vote)
    statuses = {
        r.candidate.project.title: Project.objects.get(pk=r.candidate.project_id).status
        for r in rows
    }
    for r in rows:
        expected = "elected" if r.elected else "reserve"
        assert statuses[r.candidate.title] == expected


def test_more_returned_than_issued_voids_the_vote(vote_world):
    w = vote_world
    codes = open_vote(w)
    w.vote.refresh_from_db()
    for code in codes[:10]:  # 10 ballots, but only 9 slips recorded as issued
        services.ballot_cast(vote_id=w.vote.pk, typed_code=code, choices="YYYN")
    services.vote_close(actor=w.users["staff"], vote=w.vote)
    result = open_box_and_count(w.users["staff"], w.vote)
    w.vote.refresh_from_db()
    assert not result.is_valid and result.void_reason == "more_returned"
    assert w.vote.status == VoteStatus.VOID
    assert not result.candidates.filter(elected=True).exists()


def test_verify_command_detects_a_changed_box(vote_world):
    from django.core.management import CommandError, call_command

    w = vote_world
    codes = open_vote(w)
    for code in codes[:7]:
        services.ballot_cast(vote_id=w.vote.pk, typed_code=code, choices="YYNN")
    services.vote_close(actor=w.users["staff"], vote=w.vote)
    open_box_and_count(w.users["staff"], w.vote)
    services.vote_certify(actor=w.users["chief"], vote=w.vote)
    call_command("verify_ballot_box", str(w.vote.pk))  # matches
    Ballot.objects.filter(vote=w.vote).update(choices="NNYY")
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("verify_ballot_box", str(w.vote.pk))
