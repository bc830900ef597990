"""The vote through its services: setup refusals, exactly-once casting, close, paper double
entry with a scrutineers' decision, count, certify, publish, run-off."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import AuditEvent, RuleSet
from projects.models import Project
from voting import domain, services
from voting.models import Ballot, BallotCode, SealedBallot, Vote, VoteStatus

from .ceremony import open_box_and_count, open_with_ceremony
from .conftest import check_in, make_candidate_list


def open_vote(world, spares=2):
    staff = world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=world.vote, spares=spares)
    services.vote_record_issued(actor=staff, vote=world.vote, slips_issued=9, paper_issued=0)
    open_with_ceremony(staff, world.vote)
    return codes


def test_setup_copies_rules_and_candidates(vote_world):
    vote = vote_world.vote
    assert (vote.mode, vote.slots, vote.pass_base) == ("competitive", 3, "in_office")
    assert [c.title for c in vote.candidates.all()][0] == "东河村道路路灯安装"
    RuleSet.objects.update_or_create(
        township=vote_world.township, defaults={"pass_base": "present"}
    )
    vote.refresh_from_db()
    assert vote.pass_base == "in_office"  # later rule edits never change a set-up vote


def test_competitive_vote_with_too_few_candidates_is_refused(world):
    check_in(world, 3)
    clist = make_candidate_list(world.township, titles=["甲", "乙", "丙"], slots=3)
    with pytest.raises(ValidationError) as exc:
        services.vote_create(
            actor=world.users["staff"], session=world.session, candidate_list=clist
        )
    assert "差额" in " ".join(exc.value.messages)
    assert not Vote.objects.exists()


def test_unlocked_list_is_refused(world):
    clist = make_candidate_list(world.township)
    clist.locked_at = None
    clist.save()
    with pytest.raises(ValidationError):
        services.vote_create(
            actor=world.users["staff"], session=world.session, candidate_list=clist
        )


def test_other_township_staff_cannot_set_up(vote_world):
    with pytest.raises(PermissionDenied):
        services.vote_create(
            actor=vote_world.users["staff_other"],
            session=vote_world.session,
            candidate_list=vote_world.vote.candidate_list,
        )


def test_codes_are_stored_only_as_hashes(vote_world):
    codes = services.vote_generate_codes(
        actor=vote_world.users["staff"], vote=vote_world.vote, spares=5
    )
    assert len(codes) == 15 and len(set(codes)) == 15  # 10 on the roll + 5 spares
    stored = set(BallotCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(codes)
    assert {domain.code_hash(c, salt=vote_world.vote.code_salt) for c in codes} == stored


def test_vote_cannot_open_without_quorum(world):
    check_in(world, 6, total=10)  # 6 of 10 < 2/3
    clist = make_candidate_list(world.township)
    vote = services.vote_create(
        actor=world.users["staff"], session=world.session, candidate_list=clist
    )
    services.vote_generate_codes(actor=world.users["staff"], vote=vote, spares=0)
    with pytest.raises(ValidationError) as exc:
        services.vote_open(actor=world.users["staff"], vote=vote)
    assert "6" in exc.value.messages[0]


def test_a_code_casts_exactly_once(vote_world):
    codes = open_vote(vote_world)
    receipt = services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert len(receipt.tracker) == 10
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="NNNN")
    assert exc.value.reason == "already_cast"
    assert SealedBallot.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "reason"),
    [("ABCDE", "typo"), ("", "typo")],
)
def test_bad_codes_are_refused(vote_world, typed, reason):
    open_vote(vote_world)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=typed, choices="YYNA")
    assert exc.value.reason == reason


def test_a_well_formed_code_of_another_vote_is_unknown(vote_world):
    open_vote(vote_world)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(
            vote_id=vote_world.vote.pk, typed_code=domain.new_code(), choices="YYNA"
        )
    assert exc.value.reason == "unknown"


def test_malformed_marks_do_not_burn_the_code(vote_world):
    codes = open_vote(vote_world)
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YY")
    services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert SealedBallot.objects.count() == 1


def test_casting_is_refused_before_opening_and_after_closing(vote_world):
    staff = vote_world.users["staff"]
    codes = services.vote_generate_codes(actor=staff, vote=vote_world.vote, spares=0)
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[0], choices="YYNA")
    assert exc.value.reason == "not_open"
    open_with_ceremony(staff, vote_world.vote)
    services.vote_close(actor=staff, vote=vote_world.vote)
    with pytest.raises(services.BallotRefused):
        services.ballot_cast(vote_id=vote_world.vote.pk, typed_code=codes[1], choices="YYNA")
    assert not BallotCode.objects.filter(vote=vote_world.vote).exists()  # burnt


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


def _voted(world, ballots):
    check_in(world, 10, total=10)
    staff = world.users["staff"]
    clist = make_candidate_list(world.township)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=10, paper_issued=0)
    open_with_ceremony(staff, vote)
    for code, choices in zip(codes, ballots, strict=True):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=choices)
    services.vote_close(actor=staff, vote=vote)
    return vote, open_box_and_count(staff, vote)


def test_tie_at_the_cutoff_sets_up_a_runoff_among_the_tied(world):
    """P3: 4 candidates for 3 slots; the first has 9, the other three tie on 6. The first is
    elected; the three tied go to a run-off for the 2 remaining slots."""
    ballots = ["YYY-"] * 3 + ["YY-Y"] * 3 + ["Y-YY"] * 3 + ["----"]
    vote, result = _voted(world, ballots)
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.yes for r in rows] == [9, 6, 6, 6]
    assert [r.elected for r in rows] == [True, False, False, False]
    assert [r.tied for r in rows] == [False, True, True, True]
    assert result.needs_runoff
    runoff = services.vote_create_runoff(actor=world.users["staff"], vote=vote)
    assert runoff.parent == vote and runoff.slots == 2 and runoff.mode == "competitive"
    assert [c.title for c in runoff.candidates.all()] == [r.candidate.title for r in rows[1:]]
    with pytest.raises(ValidationError):
        services.vote_create_runoff(actor=world.users["staff"], vote=vote)


def test_fewer_passing_than_slots_leaves_a_shortfall(world):
    """P4: with 10 in office a candidate needs 6; two of three slots are filled."""
    ballots = ["YYYN"] * 4 + ["YYNY"] * 4 + ["YN--"] * 2
    _vote, result = _voted(world, ballots)
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.yes for r in rows] == [10, 8, 4, 4]
    assert [r.elected for r in rows] == [True, True, False, False]
    assert result.shortfall == 1 and not result.needs_runoff


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


def test_presidium_decides_a_tie_when_the_rules_say_so(world):
    RuleSet.objects.update_or_create(township=world.township, defaults={"tie_rule": "presidium"})
    ballots = ["YYY-"] * 3 + ["YY-Y"] * 3 + ["Y-YY"] * 3 + ["----"]
    vote, result = _voted(world, ballots)
    assert services.followup_kind(vote) == "presidium"
    staff = world.users["staff"]
    with pytest.raises(ValidationError):  # two slots remain: choosing one is refused
        services.vote_resolve_tie(actor=staff, vote=vote, elected_positions=[2], reason="x")
    with pytest.raises(ValidationError):  # a reason is required
        services.vote_resolve_tie(actor=staff, vote=vote, elected_positions=[2, 3], reason="")
    services.vote_resolve_tie(
        actor=staff, vote=vote, elected_positions=[2, 3], reason="主席团会议研究决定"
    )
    rows = list(result.candidates.order_by("candidate__position"))
    assert [r.elected for r in rows] == [True, True, True, False]
    event = AuditEvent.objects.get(action="vote.presidium_tie")
    assert event.after == {"elected": [2, 3], "reason": "主席团会议研究决定"}


def test_shortfall_further_vote_among_the_rest(world):
    ballots = ["YYYN"] * 4 + ["YYNY"] * 4 + ["YN--"] * 2
    vote, result = _voted(world, ballots)
    assert services.followup_kind(vote) == "further"
    child = services.vote_create_runoff(actor=world.users["staff"], vote=vote)
    assert child.slots == 1 and child.mode == "competitive"
    assert [c.title for c in child.candidates.all()] == ["镇区污水管网建设", "南塘村文化礼堂"]
