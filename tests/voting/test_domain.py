"""The rules of the secret ballot at every boundary, without a database."""

import itertools
import random

import pytest

from voting import domain as d


# --- setup (V2) -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "candidates", "slots", "error"),
    [
        ("competitive", 4, 3, None),
        ("competitive", 13, 10, None),
        ("competitive", 3, 3, "competitive_needs_more"),  # 差额 with candidates = slots
        ("competitive", 2, 3, "competitive_needs_more"),
        ("equal", 3, 3, None),
        ("equal", 4, 3, "equal_needs_same"),
        ("itemized", 35, 1, None),
        ("competitive", 0, 1, "no_candidates"),
    ],
)
def test_setup_is_checked(mode, candidates, slots, error):
    if error is None:
        d.check_setup(mode=mode, candidates=candidates, slots=slots)
    else:
        with pytest.raises(d.VoteRuleError) as exc:
            d.check_setup(mode=mode, candidates=candidates, slots=slots)
        assert exc.value.code == error


def test_ranking_ballots_are_refused_clearly_until_supported():
    with pytest.raises(d.VoteRuleError) as exc:
        d.check_setup(mode="competitive", candidates=4, slots=3, ballot_type="ranking")
    assert exc.value.code == "ranking_not_supported"


# --- ballot validity (B1, B2) ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("choices", "mode", "slots", "policy", "status"),
    [
        ("YYYN", "competitive", 3, "valid_abstain", "valid"),  # exactly the slots
        ("YYYY", "competitive", 3, "valid_abstain", "invalid"),  # B1: one approval too many
        ("YNNN", "competitive", 3, "valid_abstain", "valid"),  # fewer than slots is valid
        ("YYY", "equal", 3, "valid_abstain", "valid"),
        ("YYYY", "itemized", 1, "valid_abstain", "valid"),  # 逐项: no limit
        ("----", "competitive", 3, "valid_abstain", "blank"),  # B2 default
        ("----", "competitive", 3, "invalid", "invalid"),  # B2 configured
        ("AAAA", "competitive", 3, "invalid", "valid"),  # marked abstentions are marks
        ("Y?--", "competitive", 3, "invalid", "valid"),  # B3: readable marks count
    ],
)
def test_ballot_status(choices, mode, slots, policy, status):
    assert d.ballot_status(choices, mode=mode, slots=slots, blank_policy=policy) == status


def test_malformed_marks_are_refused():
    d.validate_marks("YNA-?", candidates=5)
    for bad in ("YN", "YNAX", "YNA "):
        with pytest.raises(d.VoteRuleError):
            d.validate_marks(bad, candidates=3)


# --- session validity (S1, S2) ----------------------------------------------------------------
def test_exactly_two_thirds_present_is_a_quorum():
    assert d.quorum_met(present=80, in_office=120, numerator=2, denominator=3)
    assert not d.quorum_met(present=79, in_office=120, numerator=2, denominator=3)


@pytest.mark.parametrize(
    ("issued", "returned", "valid", "reason"),
    [(45, 45, True, ""), (45, 44, True, ""), (45, 46, False, "more_returned"), (0, 0, True, "")],
)
def test_reconcile_returned_with_issued(issued, returned, valid, reason):
    r = d.reconcile(
        issued=issued, returned=returned, present=45, in_office=50, numerator=2, denominator=3
    )
    assert (r.valid, r.reason) == (valid, reason)


def test_reconcile_without_quorum_is_void():
    r = d.reconcile(issued=30, returned=30, present=30, in_office=50, numerator=2, denominator=3)
    assert (r.valid, r.reason) == (False, "no_quorum")


# --- counting (B4, P1–P5) ----------------------------------------------------------------------
def test_tally_counts_invalid_as_returned_and_blank_as_abstain():
    t = d.tally(
        [
            ("YNA", "valid"),
            ("YY-", "valid"),
            ("YYY", "invalid"),
            ("---", "blank"),
            ("?Y-", "valid"),
        ],
        candidates=3,
    )
    assert (t.returned, t.valid, t.invalid, t.blank) == (5, 4, 1, 1)
    assert t.yes == [2, 2, 0]
    assert t.no == [0, 1, 0]
    assert t.abstain == [2, 1, 4]


def test_zero_ballots():
    t = d.tally([], candidates=2)
    assert (t.returned, t.yes) == (0, [0, 0])
    decision = d.decide(t.yes, slots=1, base=50, mode="competitive")
    assert decision.elected == frozenset() and decision.shortfall == 1


def test_all_invalid():
    t = d.tally([("YY", "invalid")] * 5, candidates=2)
    assert (t.returned, t.valid, t.invalid, t.yes) == (5, 0, 5, [0, 0])


@pytest.mark.parametrize(
    ("yes", "base", "passes"),
    [(26, 51, True), (25, 50, False), (26, 50, True), (0, 0, False), (1, 1, True)],
)
def test_pass_needs_more_than_half_of_the_base(yes, base, passes):
    """Exactly half does not pass; integer arithmetic, no float rounding."""
    assert d.passes(yes, base) is passes


def test_pass_base_choice():
    assert d.pass_base_count("in_office", in_office=51, due=51, present=48) == 51
    assert d.pass_base_count("present", in_office=51, due=51, present=48) == 48


@pytest.mark.parametrize(
    ("yes", "of", "text"),
    [
        (28, 30, "93.3%"),
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (30, 30, "100.0%"),
        (0, 30, "0.0%"),
        (1, 0, "—"),
    ],
)
def test_share_one_decimal(yes, of, text):
    assert d.format_share(d.share_tenths(yes, of)) == text


def test_percent_two_decimals():
    assert d.percent_2dp(25, 28) == "89.29%"
    assert d.percent_2dp(1, 8) == "12.50%"
    assert d.percent_2dp(2, 3) == "66.67%"


def test_ranks_share_ties():
    assert d.competition_ranks([40, 45, 45, 10]) == [3, 1, 1, 4]


def test_top_n_of_passing_are_elected():
    # 4 candidates for 3 slots, 50 in office: pass needs 26
    decision = d.decide([48, 45, 30, 20], slots=3, base=50, mode="competitive")
    assert decision.passed == {0, 1, 2}
    assert decision.elected == {0, 1, 2}
    assert decision.tied == frozenset() and decision.shortfall == 0


def test_more_passing_than_slots_keeps_the_top_slots():
    decision = d.decide([48, 45, 40, 30], slots=3, base=50, mode="competitive")
    assert decision.passed == {0, 1, 2, 3} and decision.elected == {0, 1, 2}


def test_tie_at_the_cutoff_goes_to_a_runoff_for_the_remaining_slots():
    """P3: 13 → 10 with the 10th and 11th tied: nine elected, one slot left for the tied."""
    yes = [50, 49, 48, 47, 46, 45, 44, 43, 42, 40, 40, 20, 10]
    decision = d.decide(yes, slots=10, base=60, mode="competitive")
    assert decision.elected == set(range(9))
    assert decision.tied == {9, 10}
    assert decision.tie_slots == 1


def test_tie_within_the_slots_is_no_tie():
    decision = d.decide([40, 40, 30, 10], slots=2, base=50, mode="competitive")
    assert decision.elected == {0, 1} and decision.tied == frozenset()


def test_fewer_passing_than_slots_leaves_a_shortfall():
    decision = d.decide([30, 26, 25, 10], slots=3, base=50, mode="competitive")
    assert decision.elected == {0, 1} and decision.shortfall == 1


def test_itemized_elects_every_passing_item():
    decision = d.decide([30, 26, 25, 40, 2], slots=1, base=50, mode="itemized")
    assert decision.elected == {0, 1, 3}


def test_decide_is_consistent_with_a_brute_force_reference():
    """Random counts: elected ∪ tied are exactly the passing candidates ranked within the
    slots, and no elected candidate has fewer votes than a passing one left out."""
    rng = random.Random(7)
    for _ in range(500):
        n = rng.randint(1, 8)
        slots = rng.randint(1, n)
        base = rng.randint(1, 60)
        yes = [rng.randint(0, 60) for _ in range(n)]
        dec = d.decide(yes, slots=slots, base=base, mode="competitive")
        passing = {i for i in range(n) if 2 * yes[i] > base}
        assert dec.passed == passing
        assert len(dec.elected) + dec.tie_slots <= slots
        assert dec.elected | dec.tied <= passing
        for i, j in itertools.product(dec.elected, passing - dec.elected - dec.tied):
            assert yes[i] > yes[j]


# --- codes ---------------------------------------------------------------------------------------
def test_codes_have_69_bits_and_a_check_symbol():
    code = d.new_code()
    assert len(code) == 15 and d.normalize_code(code) == code
    assert len(d.CODE_ALPHABET) ** d.CODE_SYMBOLS >= 2**69


def test_typed_codes_are_forgiving_about_case_separators_and_lookalikes():
    code = d.new_code()
    typed = d.format_code(code).lower()
    assert d.normalize_code(typed) == code
    zeroed = code.replace("0", "O").replace("1", "I")
    assert d.normalize_code(zeroed) == code


def test_every_single_typo_is_caught():
    rng = random.Random(11)
    for _ in range(50):
        code = d.new_code(randbelow=rng.randrange)
        _every_typo_refused(code)


def _every_typo_refused(code):
    for i in range(d.CODE_LENGTH):
        for ch in d.ALPHABET:
            if ch != code[i]:
                typo = code[:i] + ch + code[i + 1 :]
                assert d.normalize_code(typo) is None, (code, typo)


def test_neighbour_swaps_are_caught():
    rng = random.Random(3)
    for _ in range(200):
        code = d.new_code(randbelow=rng.randrange)
        for i in range(d.CODE_SYMBOLS - 1):
            a, b = code[i], code[i + 1]
            if a == b:
                continue
            swapped = code[:i] + b + a + code[i + 2 :]
            assert d.normalize_code(swapped) is None


def test_code_hash_is_salted():
    assert d.code_hash("ABC", salt="x") != d.code_hash("ABC", salt="y")


# --- trackers, digest, paper -------------------------------------------------------------------
def test_same_content_gives_different_trackers():
    assert d.new_tracker(vote_id=1, choices="YNA") != d.new_tracker(vote_id=1, choices="YNA")


def test_box_digest_ignores_order_and_sees_any_change():
    box = [("T1", "YNA", "valid", "electronic"), ("T2", "YYN", "valid", "paper")]
    assert d.box_digest(box) == d.box_digest(list(reversed(box)))
    changed = [("T1", "YNA", "valid", "electronic"), ("T2", "YYY", "valid", "paper")]
    assert d.box_digest(box) != d.box_digest(changed)


def test_paper_sequences_compared_position_by_position():
    a = [("YN", "valid"), ("NN", "valid"), ("--", "blank")]
    b = [("YN", "valid"), ("NY", "valid"), ("--", "blank"), ("YY", "invalid")]
    mismatches = d.compare_entries(a, b)
    assert [m.sequence for m in mismatches] == [2, 4]
    assert mismatches[1].a is None


# --- steps both kinds share -----------------------------------------------------------------


def test_marks_are_checked_against_the_kind_s_length_and_alphabet():
    d.check_marks("SB", length=2, allowed=d.EVAL_MARKS)
    with pytest.raises(d.VoteRuleError):
        d.check_marks("SY", length=2, allowed=d.EVAL_MARKS)
    with pytest.raises(d.VoteRuleError):
        d.check_marks("S", length=2, allowed=d.EVAL_MARKS)


def test_blank_status_is_none_for_a_marked_ballot():
    assert d.blank_status("---", blank_policy="valid_abstain") == d.BLANK
    assert d.blank_status("---", blank_policy="invalid") == d.INVALID
    assert d.blank_status("-Y-", blank_policy="invalid") is None


def test_the_box_count_is_shared():
    t = d.Tally()
    marks = list(
        d.counted_ballots(t, [("YN", "valid"), ("--", "blank"), ("YY", "invalid"), ("NN", "valid")])
    )
    assert marks == ["YN", "--", "NN"]  # the invalid ballot counts as returned only
    assert (t.returned, t.valid, t.invalid, t.blank) == (4, 3, 1, 1)


@pytest.mark.parametrize(
    ("keys", "parsed"),
    [
        ("1 2 3", ("YNA", "", False)),
        ("093?", ("-?A", "", True)),
        ("x", ("---", "invalid", False)),
        ("B", ("---", "", False)),
        (" b ? ", ("---", "", True)),
    ],
)
def test_paper_keys(keys, parsed):
    assert d.parse_keys(keys, digits=d.PAPER_DIGITS, length=3) == parsed


@pytest.mark.parametrize("keys", ["12", "1234", "124", "", "?", "XX"])
def test_paper_keys_refused(keys):
    with pytest.raises(d.VoteRuleError) as caught:
        d.parse_keys(keys, digits=d.PAPER_DIGITS, length=3)
    assert caught.value.code == "paper_keys" and caught.value.params == {"count": 3}


def test_a_teller_types_4_only_when_abstaining_is_allowed():
    without = d.digits_for(d.evaluation_marks(allows_abstain=False), d.EVALUATION_DIGITS)
    assert "4" not in without and without["1"] == d.SATISFIED
    with_abstain = d.digits_for(d.evaluation_marks(allows_abstain=True), d.EVALUATION_DIGITS)
    assert with_abstain["4"] == d.ABSTAIN
