"""Pure rules of stages 1–2, without a database."""

import random

import pytest

from projects import domain


def test_street_light_suggestions_are_similar():
    """「修建村道路灯」 and 「村里道路安装路灯」 share 道路 and 路灯."""
    a = domain.tokenize("修建村道路灯")
    b = domain.tokenize("村里道路安装路灯")
    assert {"道路", "路灯"} <= set(a) & set(b)
    assert domain.similarity(a, b) >= domain.SIMILAR_THRESHOLD


def test_unrelated_suggestions_are_not_similar():
    a = domain.tokenize("修建村道路灯")
    b = domain.tokenize("建设老年活动中心")
    assert domain.similarity(a, b) < domain.SIMILAR_THRESHOLD


def test_tokenize_normalises_full_width_and_case():
    assert domain.tokenize("ＡＢＣ路灯") == domain.tokenize("abc路灯")
    assert "abc" in domain.tokenize("ABC 路灯")


def test_stop_bigrams_and_characters_are_dropped():
    tokens = domain.tokenize("建议村里的问题")
    assert "建议" not in tokens and "问题" not in tokens
    assert "1:的" not in tokens


def test_tokens_are_bounded():
    text = "".join(chr(0x4E00 + i) for i in range(3000))
    assert len(domain.tokenize(text)) <= domain.MAX_TOKENS


def test_rank_similar_orders_best_first_and_applies_threshold():
    query = domain.tokenize("修建村道路灯")
    candidates = [
        (1, domain.tokenize("村里道路安装路灯")),
        (2, domain.tokenize("建设老年活动中心")),
        (3, domain.tokenize("修建村道路灯")),
    ]
    ranked = domain.rank_similar(query, candidates)
    assert [pid for pid, _score in ranked] == [3, 1]
    assert ranked[0][1] == 1.0


def test_titles_rescue_similar_matters_with_long_unrelated_contents():
    a_title, b_title = domain.tokenize("修建村道路灯"), domain.tokenize("村里道路安装路灯")
    a = domain.tokenize("修建村道路灯 村口到小学的道路晚上太黑")
    b = domain.tokenize("村里道路安装路灯 东河村主路没有路灯，老人晚上出门不安全。")
    assert domain.rank_similar(a, [(1, b)]) == []
    assert [i for i, _s in domain.rank_similar(a, [(1, b, b_title)], query_title=a_title)] == [1]


def test_empty_text_is_similar_to_nothing():
    assert domain.rank_similar([], [(1, ["道路"])]) == []
    assert domain.similarity([], []) == 0.0


def test_receipt_code_round_trip_and_format():
    code = domain.receipt_code_from_int(2**50 - 1)
    assert len(code) == 11
    assert domain.normalize_receipt_code(code) == code
    shown = domain.format_receipt_code(code)
    assert shown.count("-") == 2
    assert domain.normalize_receipt_code(shown.lower()) == code
    assert domain.normalize_receipt_code(" " + shown.replace("-", " ") + " ") == code


def test_receipt_code_forgives_look_alike_letters():
    code = domain.receipt_code_from_int(0)  # all zeros + check
    typed = "O" * 10 + code[-1]
    assert domain.normalize_receipt_code(typed) == code


def test_receipt_check_character_catches_every_single_typo():
    rng = random.Random(1)
    for _ in range(50):
        code = domain.receipt_code_from_int(rng.getrandbits(50))
        for i, original in enumerate(code):
            for wrong in domain.CROCKFORD:
                if wrong == original:
                    continue
                typo = code[:i] + wrong + code[i + 1 :]
                assert domain.normalize_receipt_code(typo) is None


def test_receipt_check_character_catches_most_neighbour_swaps():
    rng = random.Random(2)
    caught = total = 0
    for _ in range(200):
        code = domain.receipt_code_from_int(rng.getrandbits(50))
        for i in range(len(code) - 1):
            if code[i] == code[i + 1]:
                continue
            total += 1
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            caught += domain.normalize_receipt_code(swapped) is None
    assert caught / total > 0.9


@pytest.mark.parametrize("raw", ["", "ABC", "0123456789AB", "!!!!-!!!!-!!!"])
def test_garbage_is_not_a_receipt_code(raw):
    assert domain.normalize_receipt_code(raw) is None


def test_receipt_codes_carry_at_least_40_bits():
    assert domain.RECEIPT_BITS >= 40
    with pytest.raises(ValueError):
        domain.receipt_code_from_int(2**50)


# --- project transitions --------------------------------------------------------------------


def test_a_candidate_not_elected_returns_to_the_reserve():
    domain.check_transition(domain.CANDIDATE, domain.RESERVE)
    domain.check_transition(domain.CANDIDATE, domain.ELECTED)


def test_a_reserve_project_cannot_be_elected_directly():
    with pytest.raises(domain.TransitionError):
        domain.check_transition(domain.RESERVE, domain.ELECTED)
    with pytest.raises(domain.TransitionError):
        domain.check_transition(domain.COMPLETED, domain.RESERVE)


# --- candidate list (V2) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "candidates", "slots", "ok", "code"),
    [
        ("competitive", 4, 3, True, ""),
        ("competitive", 13, 10, True, ""),
        ("competitive", 3, 3, False, "competitive_too_few"),
        ("competitive", 2, 3, False, "competitive_too_few"),
        ("equal", 3, 3, True, ""),
        ("equal", 4, 3, False, "equal_mismatch"),
        ("equal", 2, 3, False, "equal_mismatch"),
        ("itemized", 35, 1, True, ""),
        ("itemized", 0, 1, False, "empty"),
        ("competitive", 0, 3, False, "empty"),
    ],
)
def test_candidate_list_rules(mode, candidates, slots, ok, code):
    check = domain.check_candidate_list(mode=mode, candidates=candidates, slots=slots)
    assert (check.ok, check.code) == (ok, code)


# --- rounds (C5) -----------------------------------------------------------------------------

A, R, H = domain.ADVANCE, domain.REJECT, domain.HOLD


def test_round_pools_follow_advances():
    entered = [1, 2, 3, 4]
    decisions = {0: {1: A, 2: A, 3: R, 4: H}, 1: {1: A, 2: R}}
    assert domain.round_pool(0, entered, decisions) == [1, 2, 3, 4]
    assert domain.round_pool(1, entered, decisions) == [1, 2]
    assert domain.round_pool(2, entered, decisions) == [1]
    assert domain.advanced_by_last_round(2, entered, decisions) == [1]
    assert domain.advanced_by_last_round(3, entered, decisions) == []


def _check(**overrides):
    values = dict(
        index=1,
        project_id=1,
        decision=A,
        reason="符合条件",
        entered=[1, 2],
        decisions={0: {1: A, 2: R}},
        rounds=3,
        list_locked=False,
    )
    values.update(overrides)
    return domain.check_round_decision(**values)


def test_a_round_decides_only_on_projects_that_reached_it():
    assert _check().ok
    assert _check(project_id=2).code == "not_in_pool"
    assert _check(index=2).code == "not_in_pool"


def test_a_decision_needs_a_reason():
    assert _check(reason="  ").code == "no_reason"


def test_a_decision_cannot_change_under_a_later_one():
    assert _check(index=0, decisions={0: {1: A}, 1: {1: A}}).code == "later_round_decided"


def test_nothing_changes_once_the_list_is_locked():
    assert _check(list_locked=True).code == "locked"


def test_unknown_decision_or_round_is_refused():
    assert _check(decision="maybe").code == "unknown"
    assert _check(index=5).code == "unknown"
