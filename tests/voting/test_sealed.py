"""Sealed ballots (issue 15): the key ceremony, casting sealed, opening the box with k of n
share slips, refusals, tampering, the paper re-vote, and what is on disk.

The disk tests read PostgreSQL's own files (the suite runs as root against the embedded
server) and need ``django_db(transaction=True)``: the storage rewrite (VACUUM FULL) runs after
the count commits, on an autocommit connection, which a test wrapped in a transaction never
reaches."""

import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from congress.models import Role
from voting import sealing, services
from voting.models import Ballot, BallotCode, OfficerRole, SealedBallot, VoteStatus

from ..factories import user_with_role
from .conftest import check_in, make_candidate_list

SEVEN = ["甲村道路", "乙村水渠", "丙村路灯", "丁村礼堂", "戊村广场", "己村桥梁", "庚村公厕"]
# Distinctive marks (7 candidates, 3 slots): no other test casts these strings.
DISTINCT = ["YNYANNY", "NYNAYAY", "AYYNNAN", "YAANYNN", "NNAYYAN", "ANNYAYN", "YYNAANA"]


def _name_key_holders(world, vote):
    staff = world.users["staff"]
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.SCRUTINEER, name="冯芳", user=None
    )
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.SCRUTINEER, name="陈刚", user=None
    )


def sealed_open_vote(world, spares=2):
    """The vote_world's vote with three key holders (chief + 2 scrutineers, k = 2), its share
    slips printed and its codes printed; open. Returns (codes, typed slips)."""
    staff = world.users["staff"]
    _name_key_holders(world, world.vote)
    ceremony = services.vote_key_ceremony(actor=staff, vote=world.vote)
    codes = services.vote_generate_codes(actor=staff, vote=world.vote, spares=spares)
    services.vote_record_issued(actor=staff, vote=world.vote, slips_issued=9, paper_issued=0)
    services.vote_open(actor=staff, vote=world.vote)
    world.vote.refresh_from_db()
    return codes, [s.typed for s in ceremony.slips]


def test_the_ceremony_keeps_the_public_key_and_fingerprints_only(vote_world):
    w = vote_world
    _name_key_holders(w, w.vote)
    ceremony = services.vote_key_ceremony(actor=w.users["staff"], vote=w.vote)
    w.vote.refresh_from_db()
    assert (ceremony.holders, ceremony.threshold) == (3, 2)  # every scrutineer; a majority
    assert (w.vote.key_holders, w.vote.key_threshold) == (3, 2)
    assert [(s.index, s.holder) for s in ceremony.slips] == [(1, "吴静"), (2, "冯芳"), (3, "陈刚")]
    assert len(w.vote.public_key) == 64 and len(w.vote.share_fingerprints) == 3
    stored = repr(list(w.vote.__class__.objects.filter(pk=w.vote.pk).values()))
    for slip in ceremony.slips:
        assert slip.typed not in stored and slip.typed[:20] not in stored
        share = sealing.decode_share(slip.typed)
        assert share.data.hex() not in stored


def test_a_vote_without_scrutineers_has_no_ceremony(world):
    check_in(world, 3)
    clist = make_candidate_list(world.township)
    vote = services.vote_create(
        actor=world.users["staff"], session=world.session, candidate_list=clist
    )
    with pytest.raises(ValidationError, match="scrutineer|监票人"):
        services.vote_key_ceremony(actor=world.users["staff"], vote=vote)


def test_a_sealed_ballot_is_stored_sealed_and_its_tracker_is_the_blobs_digest(vote_world):
    w = vote_world
    codes, _slips = sealed_open_vote(w)
    receipt = services.ballot_cast(vote_id=w.vote.pk, typed_code=codes[0], choices="YNAY")
    assert not Ballot.objects.filter(vote=w.vote).exists()
    row = SealedBallot.objects.get(vote=w.vote)
    assert receipt.tracker == row.tracker == sealing.tracker_of(bytes(row.blob))
    assert b"YNAY" not in bytes(row.blob)
    # Malformed or too many approvals: refused in memory, the code is not burnt.
    for bad in ("YNA", "YYYY"):
        with pytest.raises(services.BallotRefused):
            services.ballot_cast(vote_id=w.vote.pk, typed_code=codes[1], choices=bad)
    assert not BallotCode.objects.get(
        code_hash=services.casting.domain.code_hash(
            services.casting.domain.normalize_code(codes[1]), salt=w.vote.code_salt
        )
    ).used
    with pytest.raises(services.BallotRefused) as exc:
        services.ballot_cast(vote_id=w.vote.pk, typed_code=codes[0], choices="YNAY")
    assert exc.value.reason == "already_cast"


def _cast_and_close(w, codes, marks):
    for code, choices in zip(codes, marks, strict=False):
        services.ballot_cast(vote_id=w.vote.pk, typed_code=code, choices=choices)
    services.vote_close(actor=w.users["staff"], vote=w.vote)
    w.vote.refresh_from_db()


def test_the_count_is_refused_until_k_slips_open_the_box(vote_world):
    w = vote_world
    codes, slips = sealed_open_vote(w)
    marks = ["YYNA", "YNYA", "NYYA", "YYNA", "AAAA", "YYYN", "NNNN"]
    _cast_and_close(w, codes, marks)
    assert len(w.vote.sealed_digest) == 64
    staff, chief = w.users["staff"], w.users["chief"]
    with pytest.raises(ValidationError, match="Open the sealed box first|开箱"):
        services.vote_count(actor=staff, vote=w.vote)
    # k − 1 slips: refused, naming how many more are needed.
    with pytest.raises(ValidationError) as exc:
        services.vote_open_box(actor=chief, vote=w.vote, typed_shares=[slips[0], ""])
    assert "1" in exc.value.messages[0]
    assert not Ballot.objects.filter(vote=w.vote).exists()
    # The same slip twice does not make two.
    with pytest.raises(ValidationError):
        services.vote_open_box(actor=chief, vote=w.vote, typed_shares=[slips[0], slips[0]])
    # A typo in the typed form (check symbol) and a slip of another vote are refused.
    typo = slips[1][:7] + ("A" if slips[1][7] != "A" else "B") + slips[1][8:]
    with pytest.raises(ValidationError, match="typo|有误"):
        services.vote_open_box(actor=chief, vote=w.vote, typed_shares=[slips[0], typo])
    other = sealing.key_ceremony(vote_id=w.vote.pk + 1, threshold=2, holders=3)
    with pytest.raises(ValidationError, match="another vote|其他"):
        services.vote_open_box(
            actor=chief,
            vote=w.vote,
            typed_shares=[slips[0], sealing.encode_share(other.shares[1])],
        )
    # A slip of an earlier printing for this same vote: same vote id, wrong fingerprint.
    reprint = sealing.key_ceremony(vote_id=w.vote.pk, threshold=2, holders=3)
    with pytest.raises(ValidationError, match="corrupt|作废|损坏"):
        services.vote_open_box(
            actor=chief,
            vote=w.vote,
            typed_shares=[slips[0], sealing.encode_share(reprint.shares[2])],
        )
    # With k slips (typed with spaces, lower case): opened in content order, then counted.
    opened = services.vote_open_box(
        actor=chief,
        vote=w.vote,
        typed_shares=["", sealing.format_symbols(slips[2]).lower(), slips[0]],
    )
    assert opened.opened == 7 and opened.failed == []
    stored = list(Ballot.objects.filter(vote=w.vote).values_list("choices", "tracker"))
    assert sorted(c for c, _t in stored) == sorted(marks)
    assert all(t == "" for _c, t in stored)  # no tracker beside any content
    with pytest.raises(ValidationError):
        services.vote_open_box(actor=chief, vote=w.vote, typed_shares=slips)  # already open
    result = services.vote_count(actor=staff, vote=w.vote)
    assert result.returned == 7 and result.electronic == 7
    yes = [c.yes for c in result.candidates.order_by("candidate__position")]
    assert yes == [4, 4, 3, 0]


def test_a_tampered_sealed_ballot_is_invalid_listed_and_the_digest_tells(vote_world):
    w = vote_world
    codes, slips = sealed_open_vote(w)
    _cast_and_close(w, codes, ["YYNA", "YNYA", "NYYA"])
    victim = SealedBallot.objects.filter(vote=w.vote).first()
    blob = bytearray(bytes(victim.blob))
    blob[-1] ^= 0x01
    SealedBallot.objects.filter(pk=victim.pk).update(blob=bytes(blob))
    opened = services.vote_open_box(actor=w.users["chief"], vote=w.vote, typed_shares=slips[:2])
    assert opened.failed == [victim.tracker]
    assert services.failed_trackers(w.vote) == [victim.tracker]
    result = services.vote_count(actor=w.users["staff"], vote=w.vote)
    assert (result.returned, result.invalid) == (3, 1)
    services.vote_certify(actor=w.users["chief"], vote=w.vote)
    with pytest.raises(CommandError, match="sealed box"):
        call_command("verify_ballot_box", str(w.vote.pk))


def test_verify_checks_the_sealed_box_and_the_opened_box(vote_world, capsys):
    w = vote_world
    codes, slips = sealed_open_vote(w)
    _cast_and_close(w, codes, ["YYNA", "YNYA", "NYYA", "AAAA"])
    services.vote_open_box(actor=w.users["chief"], vote=w.vote, typed_shares=slips[1:])
    services.vote_count(actor=w.users["staff"], vote=w.vote)
    services.vote_certify(actor=w.users["chief"], vote=w.vote)
    call_command("verify_ballot_box", str(w.vote.pk))
    assert "sealed box" in capsys.readouterr().out
    Ballot.objects.filter(vote=w.vote, choices="AAAA").update(choices="YYYN")
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("verify_ballot_box", str(w.vote.pk))


def test_switching_to_paper_keeps_the_sealed_ballots(vote_world):
    w = vote_world
    staff = w.users["staff"]
    codes, slips = sealed_open_vote(w)
    for code, marks in zip(codes, ["YYNA", "NYYA"], strict=False):
        services.ballot_cast(vote_id=w.vote.pk, typed_code=code, choices=marks)
    services.vote_switch_to_paper(actor=staff, vote=w.vote)
    services.vote_record_issued(actor=staff, vote=w.vote, slips_issued=9, paper_issued=1)
    services.vote_close(actor=staff, vote=w.vote)
    teller, teller_b = w.users["teller"], w.users["teller_b"]
    services.paper_entry_save(actor=teller, vote=w.vote, slot="A", sequence=1, keys="1121")
    services.paper_entry_save(actor=teller_b, vote=w.vote, slot="B", sequence=1, keys="1121")
    services.paper_finalize(actor=w.users["chief"], vote=w.vote)
    w.vote.refresh_from_db()
    services.vote_open_box(actor=w.users["chief"], vote=w.vote, typed_shares=slips[:2])
    result = services.vote_count(actor=staff, vote=w.vote)
    assert (result.returned, result.electronic, result.paper) == (3, 2, 1)


def test_lost_slips_lead_to_the_presidiums_paper_revote(vote_world):
    w = vote_world
    staff = w.users["staff"]
    codes, slips = sealed_open_vote(w)
    _cast_and_close(w, codes, ["YYNA", "NYYA"])
    with pytest.raises(ValidationError):
        services.vote_paper_revote(actor=staff, vote=w.vote, reason="")
    new = services.vote_paper_revote(
        actor=staff, vote=w.vote, reason="主席团决定：两张密钥分片遗失，改用纸质票重新表决"
    )
    w.vote.refresh_from_db()
    assert w.vote.status == VoteStatus.VOID
    assert new.paper_mode and new.status == VoteStatus.DRAFT
    assert [c.title for c in new.candidates.all()] == [c.title for c in w.vote.candidates.all()]
    assert new.officers.count() == w.vote.officers.count()
    # The void vote's sealed box stays sealed; no ballot of it was ever opened.
    assert not Ballot.objects.filter(vote=w.vote).exists()


def test_the_evaluation_is_sealed_the_same_way(world):
    from .test_evaluation import _evaluation

    evaluation = _evaluation(world)
    staff = world.users["staff"]
    services.vote_officer_add(
        actor=staff, vote=evaluation, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静"
    )
    ceremony = services.vote_key_ceremony(actor=staff, vote=evaluation)
    assert (ceremony.holders, ceremony.threshold) == (1, 1)
    codes = services.vote_generate_codes(actor=staff, vote=evaluation, spares=0)
    services.vote_record_issued(actor=staff, vote=evaluation, slips_issued=3, paper_issued=0)
    services.vote_open(actor=staff, vote=evaluation)
    n = evaluation.candidates.count()
    for code, mark in zip(codes, "SBU", strict=False):
        services.ballot_cast(vote_id=evaluation.pk, typed_code=code, choices=mark * n)
    assert not Ballot.objects.filter(vote=evaluation).exists()
    services.vote_close(actor=staff, vote=evaluation)
    evaluation.refresh_from_db()
    services.vote_open_box(actor=staff, vote=evaluation, typed_shares=[ceremony.slips[0].typed])
    result = services.vote_count(actor=staff, vote=evaluation)
    assert result.returned == 3
    assert sorted(Ballot.objects.filter(vote=evaluation).values_list("choices", flat=True)) == [
        "B" * n,
        "S" * n,
        "U" * n,
    ]


# ---------------------------------------------------------------------------------------------
# On disk: table files, a data dump, the WAL of the voting window


def _distinct_vote(world):
    """A sealed vote of 7 candidates for 3 slots, open, with the DISTINCT ballots cast."""
    staff = world.users["staff"]
    check_in(world, 7, total=7)
    clist = make_candidate_list(world.township, titles=SEVEN, slots=3)
    vote = services.vote_create(actor=staff, session=world.session, candidate_list=clist)
    chief = user_with_role(Role.SCRUTINEER, township=world.township, username="chief_disk")
    services.vote_officer_add(
        actor=staff, vote=vote, role=OfficerRole.CHIEF_SCRUTINEER, name="吴静", user=chief
    )
    for name in ("冯芳", "陈刚"):
        services.vote_officer_add(actor=staff, vote=vote, role=OfficerRole.SCRUTINEER, name=name)
    ceremony = services.vote_key_ceremony(actor=staff, vote=vote)
    codes = services.vote_generate_codes(actor=staff, vote=vote, spares=0)
    services.vote_record_issued(actor=staff, vote=vote, slips_issued=7, paper_issued=0)
    services.vote_open(actor=staff, vote=vote)
    start = _lsn()
    for code, marks in zip(codes, DISTINCT, strict=True):
        services.ballot_cast(vote_id=vote.pk, typed_code=code, choices=marks)
    vote.refresh_from_db()
    return vote, codes, [s.typed for s in ceremony.slips], chief, start


def _scalar(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _lsn():
    return _scalar("SELECT pg_current_wal_lsn()::text")


def _table_bytes(*tables) -> bytes:
    """The raw files of the tables and their indexes, after a checkpoint."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    data_dir = Path(_scalar("SHOW data_directory"))
    out = b""
    for table in tables:
        rels = [table] + [
            row
            for row in _all(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass",
                [table],
            )
        ]
        for rel in rels:
            base = data_dir / _scalar("SELECT pg_relation_filepath(%s)", [rel])
            for path in [base, *sorted(base.parent.glob(base.name + ".*"))]:
                out += path.read_bytes()
    return out


def _all(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [r[0] for r in cursor.fetchall()]


def _wal_bytes(start: str, end: str) -> bytes:
    """The WAL between two LSNs, read from the segment files."""
    data_dir = Path(_scalar("SHOW data_directory"))
    seg = _scalar("SHOW wal_segment_size")
    size = int(seg.removesuffix("MB")) * 1024 * 1024 if seg.endswith("MB") else int(seg)

    def value(lsn):
        hi, lo = lsn.split("/")
        return (int(hi, 16) << 32) | int(lo, 16)

    out = b""
    first, last = value(start), value(end)
    pos = first
    while pos < last:
        name = _scalar("SELECT file_name FROM pg_walfile_name_offset(%s::pg_lsn)", [_fmt(pos)])
        offset = pos % size
        chunk = min(size - offset, last - pos)
        with open(data_dir / "pg_wal" / name, "rb") as fh:
            fh.seek(offset)
            out += fh.read(chunk)
        pos += chunk
    return out


def _fmt(pos: int) -> str:
    return f"{pos >> 32:X}/{pos & 0xFFFFFFFF:X}"


def _pg_dump() -> bytes:
    from livelihood import devservers

    settings_db = connection.settings_dict
    major = connection.pg_version // 10000
    root = Path(devservers._pgserver().__file__).parent
    binary = next(
        path
        for path in sorted(root.glob("pginstall*/bin/pg_dump"))
        if subprocess.run([str(path), "--version"], capture_output=True, text=True)
        .stdout.split()[-1]
        .startswith(f"{major}.")
    )
    return subprocess.run(
        [
            str(binary),
            "--data-only",
            "-h",
            str(settings_db["HOST"]),
            "-p",
            str(settings_db.get("PORT") or 5432),
            "-U",
            str(settings_db["USER"]),
            settings_db["NAME"],
        ],
        check=True,
        capture_output=True,
        env={"PGPASSWORD": str(settings_db.get("PASSWORD") or "")},
    ).stdout


@pytest.mark.django_db(transaction=True)
def test_while_open_no_file_dump_or_wal_holds_ballot_content(world):
    vote, _codes, _slips, _chief, start = _distinct_vote(world)
    end = _lsn()
    files = _table_bytes("voting_ballot", "voting_sealedballot", "voting_ballotcode")
    assert SealedBallot.objects.filter(vote=vote).count() == len(DISTINCT)
    dump = _pg_dump()
    assert b"voting_sealedballot" in dump  # the dump is a real one
    wal = _wal_bytes(start, end)
    assert len(wal) > 0
    for marks in DISTINCT:
        for where, blob in (("table files", files), ("dump", dump), ("WAL", wal)):
            assert marks.encode() not in blob, (marks, where)
            assert f"{vote.pk}:{marks}".encode() not in blob, (marks, where)


@pytest.mark.django_db(transaction=True)
def test_after_the_count_no_dead_ballot_or_code_row_remains(world):
    vote, codes, slips, chief, _start = _distinct_vote(world)
    code_hashes = list(BallotCode.objects.filter(vote=vote).values_list("code_hash", flat=True))
    blobs = [
        bytes(b) for b in SealedBallot.objects.filter(vote=vote).values_list("blob", flat=True)
    ]
    services.vote_close(actor=world.users["staff"], vote=vote)
    vote.refresh_from_db()
    services.vote_open_box(actor=chief, vote=vote, typed_shares=slips[:2])
    services.vote_count(actor=world.users["staff"], vote=vote)  # rewrites storage on commit
    vote.refresh_from_db()
    if vote.storage_rewritten_at is None:
        # Postponed because a transaction older than the count ran elsewhere on the cluster
        # (another test run sharing the server): the command waits for it and rewrites.
        call_command("voting_rewrite_storage", wait=180)
        vote.refresh_from_db()
    assert vote.storage_rewritten_at is not None
    ballots = _table_bytes("voting_ballot")
    code_file = _table_bytes("voting_ballotcode")
    sealed = _table_bytes("voting_sealedballot")
    # Each opened ballot's content is on disk exactly once: its live row, no dead original.
    for marks in DISTINCT:
        assert ballots.count(marks.encode()) == 1, marks
    # The burnt codes left no row version behind; each sealed blob only its live row.
    for h in code_hashes:
        assert h.encode() not in code_file
    for blob in blobs:
        assert sealed.count(blob) == 1


class _Reader:
    """Another session holding voting_sealedballot (ACCESS SHARE, as a backup or a slow
    report reading it would) from its own thread and connection until released."""

    def __init__(self):
        import threading

        self.held, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()
        assert self.held.wait(10)

    def _run(self):
        from django.db import connection as own
        from django.db import transaction

        try:
            with transaction.atomic():
                with own.cursor() as cursor:
                    cursor.execute("LOCK TABLE voting_sealedballot IN ACCESS SHARE MODE")
                self.held.set()
                self.release.wait(30)
        finally:
            own.close()

    def end(self):
        self.release.set()
        self.thread.join(10)


@pytest.mark.django_db(transaction=True)
def test_the_rewrite_never_queues_long_behind_a_reader_and_retries(world):
    """A VACUUM FULL queued behind a reader would hold every cast of another open vote behind
    it: the rewrite asks for each table's lock for a moment only (lock_timeout), gives up,
    and tries again a second later — so it finishes once the reader has gone."""
    import threading

    from voting.services import opening

    reader = _Reader()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{opening.LOCK_WAIT_MS}ms'")
            try:
                assert opening._vacuum_full(cursor, "voting_sealedballot") is False
                assert opening._vacuum_full(cursor, "voting_ballot") is True  # not held
            finally:
                cursor.execute("SET lock_timeout = 0")
        threading.Timer(1.5, reader.release.set).start()
        assert opening.storage_rewrite(wait=10) is True
    finally:
        reader.end()


def test_the_demo_runs_the_ceremony(db):
    from voting.demo import KEY_SLIPS_FILE
    from voting.models import Vote

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Every vote the demo opened — the project votes, the run-off and the evaluation — ran
    # the key ceremony first and was opened with k slips at the count.
    opened = Vote.objects.exclude(status=VoteStatus.DRAFT).filter(paper_mode=False)
    assert opened.exists() and not opened.filter(public_key="").exists()
    counted = Vote.objects.filter(status=VoteStatus.PUBLISHED)
    assert counted.filter(kind="projects").exists() and counted.filter(kind="evaluation").exists()
    for vote in counted:
        assert vote.sealed_digest and vote.box_opened_at
        assert SealedBallot.objects.filter(vote=vote).count() == vote.result.electronic
    open_vote = Vote.objects.get(status=VoteStatus.OPEN)
    assert open_vote.is_sealed
    lines = KEY_SLIPS_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == open_vote.key_holders
    sealing.decode_share(lines[0].split(" ", 1)[1])
