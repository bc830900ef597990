"""Pure rules of the secret ballot (domain-rules.md V, S, B, P). No ORM, no settings, no clock.

A ballot's marks are a string with one character per candidate, in ballot order:

    Y 赞成 (for)   N 反对 (against)   A 弃权 (abstain, marked)
    - no mark      ? unreadable mark (B3: counts as an abstention)

All thresholds use integer arithmetic (P1: ``2 * yes > base``), never floats.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields

from livelihood.transitions import Machine, move

YES, NO, ABSTAIN, NO_MARK, UNREADABLE = "Y", "N", "A", "-", "?"
MARKS = frozenset({YES, NO, ABSTAIN, NO_MARK, UNREADABLE})

COMPETITIVE, EQUAL, ITEMIZED = "competitive", "equal", "itemized"
VALID, BLANK, INVALID = "valid", "blank", "invalid"


class VoteRuleError(ValueError):
    """A setup or a ballot that breaks a rule; ``code`` names the rule for the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# ---------------------------------------------------------------------------------------------
# Setup (V1–V2)


def check_setup(*, mode: str, candidates: int, slots: int, ballot_type: str = "approval") -> None:
    """Refuse an illegal vote before it can be opened."""
    if slots < 1:
        raise VoteRuleError("slots_positive")
    if candidates < 1:
        raise VoteRuleError("no_candidates")
    if ballot_type != "approval":
        raise VoteRuleError("ranking_not_supported")
    if mode == COMPETITIVE and candidates <= slots:
        raise VoteRuleError("competitive_needs_more", candidates=candidates, slots=slots)
    if mode == EQUAL and candidates != slots:
        raise VoteRuleError("equal_needs_same", candidates=candidates, slots=slots)


def approval_limit(*, mode: str, slots: int, candidates: int) -> int:
    """How many 赞成 a valid ballot may carry (B1). 逐项 has no limit."""
    return candidates if mode == ITEMIZED else slots


# ---------------------------------------------------------------------------------------------
# Ballot validity (B1–B4)


def check_marks(choices: str, *, length: int, allowed: frozenset[str]) -> None:
    """Either kind of ballot: exactly ``length`` marks, each one the kind allows."""
    if len(choices) != length or any(c not in allowed for c in choices):
        raise VoteRuleError("malformed_ballot")


def validate_marks(choices: str, *, candidates: int) -> None:
    check_marks(choices, length=candidates, allowed=MARKS)


def blank_status(choices: str, *, blank_policy: str) -> str | None:
    """B2 for either kind: a ballot with no mark at all is blank (counted as valid, every item
    abstained) or invalid, as the rules say; None for a ballot with some mark."""
    if all(c == NO_MARK for c in choices):
        return INVALID if blank_policy == "invalid" else BLANK
    return None


def over_approval_limit(choices: str, *, mode: str, slots: int) -> bool:
    """B1: more 赞成 than slots, in 差额 and 等额 (逐项 has no limit)."""
    return mode != ITEMIZED and choices.count(YES) > slots


def ballot_status(choices: str, *, mode: str, slots: int, blank_policy: str) -> str:
    """valid, blank (no mark at all, counted as valid with every candidate abstained) or
    invalid. B1: more approvals than slots makes the ballot invalid in 差额 and 等额."""
    blank = blank_status(choices, blank_policy=blank_policy)
    if blank is not None:
        return blank
    return INVALID if over_approval_limit(choices, mode=mode, slots=slots) else VALID


# ---------------------------------------------------------------------------------------------
# The vote's states, as a table of named actions (livelihood.transitions). A target of None is
# a guard: the action needs one of its states and changes none. voting/machine.py gives the
# table its refusal message and its audit recorder.

DRAFT, OPEN, CLOSED, COUNTED = "draft", "open", "closed", "counted"
CERTIFIED, PUBLISHED, VOID = "certified", "published", "void"

VOTE = Machine(
    "vote",
    [
        # draft: officers, key shares, code slips, numbers issued
        move("name_officers", {DRAFT, OPEN, CLOSED}, None),
        move("record_issued", {DRAFT, OPEN, CLOSED}, None),
        move("print_key_shares", {DRAFT}, None),
        move("print_codes", {DRAFT}, None),
        move("switch_to_paper", {DRAFT, OPEN}, None),  # S4: a flag, not a state
        move("open", {DRAFT}, OPEN),
        # open: deputies cast with their codes
        move("cast", {OPEN}, None),
        move("close", {OPEN}, CLOSED),
        # closed: paper double entry, the sealed box opened, the count
        move("enter_paper", {CLOSED}, None),
        move("open_box", {CLOSED}, None),
        move("revote_on_paper", {CLOSED}, VOID),  # key shares lost: the presidium orders it
        move("count", {CLOSED, COUNTED}, COUNTED),  # from counted: a recount
        move("void", {CLOSED, COUNTED}, VOID),  # the count finds no quorum, or too many returned
        # counted: what the count leaves to do, certification, publication
        move("decide_tie", {COUNTED, CERTIFIED}, None),
        move("follow_up", {COUNTED, CERTIFIED, PUBLISHED}, None),  # run-off or further vote
        move("certify", {COUNTED}, CERTIFIED),
        move("publish", {CERTIFIED}, PUBLISHED),
    ],
)


# ---------------------------------------------------------------------------------------------
# Session validity (S1, S2)


def quorum_met(*, present: int, in_office: int, numerator: int, denominator: int) -> bool:
    if in_office <= 0 or denominator <= 0:
        return False
    return present * denominator >= in_office * numerator


@dataclass(frozen=True)
class Reconciliation:
    issued: int
    returned: int
    valid: bool
    reason: str  # "" when valid; "more_returned" or "no_quorum"


def reconcile(
    *, issued: int, returned: int, present: int, in_office: int, numerator: int, denominator: int
) -> Reconciliation:
    """S2: fewer returned than issued is valid; more returned than issued voids the vote.
    The session must also have had its quorum (S1)."""
    if not quorum_met(
        present=present, in_office=in_office, numerator=numerator, denominator=denominator
    ):
        return Reconciliation(issued, returned, False, "no_quorum")
    if returned > issued:
        return Reconciliation(issued, returned, False, "more_returned")
    return Reconciliation(issued, returned, True, "")


# ---------------------------------------------------------------------------------------------
# A county plenary's delegations (代表团): what was issued and returned per delegation


@dataclass(frozen=True)
class DelegationIssue:
    """One delegation's line: code slips and paper ballots handed out (发出), paper ballots
    that came back from its box (收回), and its deputies present on the roll (None: unknown).
    Electronic ballots are never tied to a delegation: the box knows only how many came back
    overall."""

    key: object
    slips_issued: int = 0
    paper_issued: int = 0
    paper_returned: int = 0
    present: int | None = None

    @property
    def issued(self) -> int:
        return self.slips_issued + self.paper_issued

    @property
    def over_returned(self) -> bool:
        """More paper ballots came back from the delegation than it was handed."""
        return self.paper_returned > self.paper_issued

    @property
    def over_issued(self) -> bool:
        """More slips and ballots handed out than the delegation has deputies present."""
        return self.present is not None and self.issued > self.present


@dataclass(frozen=True)
class IssueReconciliation:
    """Per-delegation lines and the vote's totals: 发出 (issued), 收回 (returned: every ballot
    in the box when known, else the paper returned), 有效 and 无效."""

    lines: tuple[DelegationIssue, ...]
    slips_issued: int
    paper_issued: int
    paper_returned: int
    returned: int | None = None  # every ballot in the box (electronic + paper), once counted
    valid: int | None = None
    invalid: int | None = None

    @property
    def issued(self) -> int:
        return self.slips_issued + self.paper_issued

    @property
    def flagged(self) -> tuple:
        """Keys of the delegations whose paper came back over what they were handed, or that
        were handed more than their deputies present."""
        return tuple(line.key for line in self.lines if line.over_returned or line.over_issued)

    @property
    def over_returned(self) -> bool:
        """S2 overall: more ballots in the box than were issued."""
        returned = self.paper_returned if self.returned is None else self.returned
        return returned > self.issued

    @property
    def counts_agree(self) -> bool:
        """有效 + 无效 = 收回, when the count is known."""
        if self.returned is None or self.valid is None or self.invalid is None:
            return True
        return self.valid + self.invalid == self.returned

    @property
    def balanced(self) -> bool:
        return not self.flagged and not self.over_returned and self.counts_agree


def reconcile_delegations(
    lines, *, returned: int | None = None, valid: int | None = None, invalid: int | None = None
) -> IssueReconciliation:
    """Reconcile a county vote's slips and paper ballots per delegation and overall. Returned
    never above issued, per delegation (paper) and overall (the whole box); valid + invalid =
    returned. A negative count or a delegation given twice is the caller's error
    (ValueError), not a finding."""
    lines = tuple(lines)
    seen = set()
    for line in lines:
        if line.key in seen:
            raise ValueError(f"delegation {line.key!r} given twice")
        seen.add(line.key)
        counts = (line.slips_issued, line.paper_issued, line.paper_returned)
        if min(counts) < 0 or (line.present is not None and line.present < 0):
            raise ValueError(f"negative count for delegation {line.key!r}")
    for figure in (returned, valid, invalid):
        if figure is not None and figure < 0:
            raise ValueError("negative overall count")
    return IssueReconciliation(
        lines=lines,
        slips_issued=sum(line.slips_issued for line in lines),
        paper_issued=sum(line.paper_issued for line in lines),
        paper_returned=sum(line.paper_returned for line in lines),
        returned=returned,
        valid=valid,
        invalid=invalid,
    )


# ---------------------------------------------------------------------------------------------
# Counting (B2–B4, P1–P5)


@dataclass
class Tally:
    returned: int = 0
    valid: int = 0  # includes blank ballots counted as valid
    invalid: int = 0
    blank: int = 0
    yes: list[int] = field(default_factory=list)
    no: list[int] = field(default_factory=list)
    abstain: list[int] = field(default_factory=list)


def counted_ballots(t, ballots: Iterable[tuple[str, str]]) -> Iterable[str]:
    """The box count either kind shares: every ballot is returned; an invalid one counts as
    returned only (B4); a blank one as valid (B2). Adds to ``t``'s returned, valid, invalid
    and blank figures and yields the marks of the ballots that count, for the kind's own
    figures."""
    for choices, status in ballots:
        t.returned += 1
        if status == INVALID:
            t.invalid += 1
            continue
        t.valid += 1
        if status == BLANK:
            t.blank += 1
        yield choices


def tally(ballots: Iterable[tuple[str, str]], *, candidates: int) -> Tally:
    """Count (choices, status) pairs. Invalid ballots count as returned only (B4); blank ones
    as valid with every candidate abstained (B2); unreadable marks as abstentions (B3).

    The database tally in voting/selectors.py computes the same figures with one aggregate
    query; tests check the two agree."""
    t = Tally(yes=[0] * candidates, no=[0] * candidates, abstain=[0] * candidates)
    for choices in counted_ballots(t, ballots):
        for i, mark in enumerate(choices[:candidates]):
            if mark == YES:
                t.yes[i] += 1
            elif mark == NO:
                t.no[i] += 1
            else:
                t.abstain[i] += 1
    return t


def passes(yes: int, base: int) -> bool:
    """P1: more than half of the pass base, in integers."""
    return base > 0 and 2 * yes > base


def pass_base_count(pass_base: str, *, in_office: int, due: int, present: int) -> int:
    return {"in_office": in_office, "due": due, "present": present}[pass_base]


def share_tenths(yes: int, of: int) -> int | None:
    """P5: 票决率 in tenths of a percent, rounded half up (931 → 93.1%). None when nothing to
    divide by."""
    if of <= 0:
        return None
    return (yes * 2000 + of) // (2 * of)


def format_share(tenths: int | None) -> str:
    if tenths is None:
        return "—"
    return f"{tenths // 10}.{tenths % 10}%"


def percent_2dp(part: int, whole: int) -> str:
    """E3-style rate with two decimals, rounded half up (25/28 → 89.29%)."""
    if whole <= 0:
        return "—"
    hundredths = (part * 20000 + whole) // (2 * whole)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def competition_ranks(yes: Sequence[int]) -> list[int]:
    """1-based ranks by votes for, ties sharing a rank (1, 2, 2, 4)."""
    return [1 + sum(1 for other in yes if other > mine) for mine in yes]


@dataclass(frozen=True)
class Decision:
    passed: frozenset[int]  # candidate indexes passing P1
    elected: frozenset[int]  # elected now
    tied: frozenset[int]  # tied at the cutoff (P3), not yet elected
    tie_slots: int  # slots left for the tied candidates
    shortfall: int  # slots no passing candidate fills (P4)
    ranks: tuple[int, ...]


def decide(yes: Sequence[int], *, slots: int, base: int, mode: str) -> Decision:
    """P1–P4: which candidates pass, which are elected, and what remains for a run-off."""
    n = len(yes)
    ranks = tuple(competition_ranks(yes))
    passed = [i for i in range(n) if passes(yes[i], base)]
    if mode == ITEMIZED:
        return Decision(frozenset(passed), frozenset(passed), frozenset(), 0, 0, ranks)
    if len(passed) <= slots:
        return Decision(
            frozenset(passed), frozenset(passed), frozenset(), 0, slots - len(passed), ranks
        )
    ordered = sorted(passed, key=lambda i: -yes[i])
    cutoff = yes[ordered[slots - 1]]
    above = [i for i in passed if yes[i] > cutoff]
    at_cutoff = [i for i in passed if yes[i] == cutoff]
    if len(above) + len(at_cutoff) <= slots:  # pragma: no cover - impossible, kept for safety
        return Decision(frozenset(passed), frozenset(above + at_cutoff), frozenset(), 0, 0, ranks)
    return Decision(
        frozenset(passed),
        frozenset(above),
        frozenset(at_cutoff),
        slots - len(above),
        0,
        ranks,
    )


# ---------------------------------------------------------------------------------------------
# Ballot codes: Crockford base32, 14 symbols (69 bits) + a check symbol, typed XXXXX-XXXXX-XXXXX

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Codes use 31 of Crockford's 32 symbols (no Z), so that a position-weighted sum mod 31 catches
# every single mistyped symbol and every swap of neighbours: 31**14 is still over 2**69.
CODE_ALPHABET = ALPHABET[:31]
CODE_SYMBOLS = 14
CODE_LENGTH = CODE_SYMBOLS + 1
_TYPO = str.maketrans({"I": "1", "L": "1", "O": "0"})


def check_symbol(symbols: str) -> str:
    """A position-weighted sum mod 31 (prime) over 31 symbols: catches any single mistyped
    symbol and any swap of two neighbours, and stays a letter or digit — easy to type on a
    phone, unlike Crockford's own check symbols (* ~ $ =)."""
    total = sum((i + 1) * CODE_ALPHABET.index(ch) for i, ch in enumerate(symbols))
    return CODE_ALPHABET[total % 31]


def new_code(randbelow=secrets.randbelow) -> str:
    symbols = "".join(CODE_ALPHABET[randbelow(31)] for _ in range(CODE_SYMBOLS))
    return symbols + check_symbol(symbols)


def format_code(code: str) -> str:
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def code_symbols_typed(typed: str) -> int:
    """How many code symbols a typed code holds (separators and spaces do not count): a code
    of the wrong length gets a hint about its length, not about its check symbol."""
    return sum(1 for ch in typed or "" if ch.isascii() and ch.isalnum())


def normalize_code(typed: str) -> str | None:
    """Uppercase, drop separators, fix look-alike letters; None if the check symbol fails."""
    code = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_TYPO)
    if len(code) != CODE_LENGTH:
        return None
    symbols, check = code[:-1], code[-1]
    if any(ch not in CODE_ALPHABET for ch in symbols) or check_symbol(symbols) != check:
        return None
    return code


def code_hash(code: str, *, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Trackers and the ballot box digest


def new_tracker(*, vote_id: int, choices: str, token_hex=secrets.token_hex) -> str:
    """A short receipt derived from the ballot's content and a random salt: it proves nothing
    about how the ballot was marked to anyone else, and lets the deputy find it in the list."""
    digest = hashlib.sha256(f"{vote_id}:{choices}:{token_hex(16)}".encode()).digest()
    value = int.from_bytes(digest[:8], "big")
    symbols = []
    for _ in range(10):
        symbols.append(ALPHABET[value % 32])
        value //= 32
    return "".join(symbols)


def box_digest(ballots: Iterable[tuple[str, str, str, str]]) -> str:
    """SHA-256 over the sorted (tracker, choices, status, channel) lines of a ballot box."""
    h = hashlib.sha256()
    for line in sorted("|".join(b) for b in ballots):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Paper ballots: two tellers' sequences compared


@dataclass(frozen=True)
class Mismatch:
    sequence: int
    a: tuple[str, str] | None  # (choices, status) as entered by teller A, None if missing
    b: tuple[str, str] | None


def compare_entries(a: Sequence[tuple[str, str]], b: Sequence[tuple[str, str]]) -> list[Mismatch]:
    """Positions (1-based) where the tellers disagree, including where one sequence is
    longer."""
    out = []
    for i in range(max(len(a), len(b))):
        left = a[i] if i < len(a) else None
        right = b[i] if i < len(b) else None
        if left != right:
            out.append(Mismatch(i + 1, left, right))
    return out


# ---------------------------------------------------------------------------------------------
# The satisfaction evaluation (E1–E3). Marks, one per project in ballot order, then one per
# project and sub-item (project-major):
#
#    S 满意   B 基本满意   U 不满意   A 弃权 (when allowed)   - no mark   ? unreadable
#
# No mark, unreadable and 弃权 all count as abstentions.

SATISFIED, BASIC, UNSATISFIED = "S", "B", "U"
EVAL_MARKS = frozenset({SATISFIED, BASIC, UNSATISFIED, ABSTAIN, NO_MARK, UNREADABLE})
GRADE_SATISFIED, GRADE_BASIC, GRADE_UNSATISFIED = "satisfied", "basic", "unsatisfied"


def evaluation_length(*, projects: int, sub_items: int) -> int:
    return projects * (1 + sub_items)


def evaluation_marks(*, allows_abstain: bool) -> frozenset[str]:
    return EVAL_MARKS if allows_abstain else EVAL_MARKS - {ABSTAIN}


def validate_evaluation_marks(
    choices: str, *, projects: int, sub_items: int, allows_abstain: bool
) -> None:
    check_marks(
        choices,
        length=evaluation_length(projects=projects, sub_items=sub_items),
        allowed=evaluation_marks(allows_abstain=allows_abstain),
    )


def evaluation_ballot_status(choices: str, *, blank_policy: str) -> str:
    """No approval limit applies; only a ballot with no mark at all is special (B2)."""
    return blank_status(choices, blank_policy=blank_policy) or VALID


def _grade_counts() -> dict:
    return {"satisfied": 0, "basic": 0, "unsatisfied": 0, "abstain": 0}


_EVAL_KEY = {SATISFIED: "satisfied", BASIC: "basic", UNSATISFIED: "unsatisfied"}


@dataclass
class EvaluationTally:
    returned: int = 0
    valid: int = 0
    invalid: int = 0
    blank: int = 0
    projects: list[dict] = field(default_factory=list)
    sub_items: list[list[dict]] = field(default_factory=list)


def tally_evaluation(
    ballots: Iterable[tuple[str, str]], *, projects: int, sub_items: int
) -> EvaluationTally:
    t = EvaluationTally(
        projects=[_grade_counts() for _ in range(projects)],
        sub_items=[[_grade_counts() for _ in range(sub_items)] for _ in range(projects)],
    )
    for choices in counted_ballots(t, ballots):
        for p in range(projects):
            mark = choices[p] if p < len(choices) else NO_MARK
            t.projects[p][_EVAL_KEY.get(mark, "abstain")] += 1
            for k in range(sub_items):
                i = projects + p * sub_items + k
                mark = choices[i] if i < len(choices) else NO_MARK
                t.sub_items[p][k][_EVAL_KEY.get(mark, "abstain")] += 1
    return t


def grade_base_count(name: str, *, returned: int, valid: int, present: int, in_office: int) -> int:
    return {"returned": returned, "valid": valid, "present": present, "in_office": in_office}[name]


def _at_least_half(votes: int, base: int, *, half_counts: bool) -> bool:
    return 2 * votes >= base if half_counts else 2 * votes > base


def evaluation_grade(*, satisfied: int, basic: int, base: int, half_counts: bool) -> str | None:
    """E2: 满意 if 满意 ≥ half of the base; else 基本满意 if 满意 + 基本满意 ≥ half; else
    不满意. Whether exactly half counts is configurable. No base (no ballots): no grade."""
    if base <= 0:
        return None
    if _at_least_half(satisfied, base, half_counts=half_counts):
        return GRADE_SATISFIED
    if _at_least_half(satisfied + basic, base, half_counts=half_counts):
        return GRADE_BASIC
    return GRADE_UNSATISFIED


def overall_rates(projects: Sequence[dict], *, returned: int) -> tuple[str, str]:
    """E3 across projects: (满意率, 满意+基本满意率) over every project's ballots returned."""
    whole = returned * len(projects)
    satisfied = sum(p["satisfied"] for p in projects)
    basic = sum(p["basic"] for p in projects)
    return percent_2dp(satisfied, whole), percent_2dp(satisfied + basic, whole)


GRADE_BASES = ("returned", "valid", "present", "in_office")
SUB_ITEM_MAX_LENGTH = 32


@dataclass(frozen=True)
class EvaluationRules:
    """The evaluation's rules (E1–E4) as copied onto the vote when it is set up, typed: their
    defaults are here and nowhere else, and they are checked when made. Stored as JSON in
    ``Vote.evaluation_rules`` (``to_json`` / ``from_json``)."""

    allows_abstain: bool = False  # 弃权 may be marked
    sub_items: tuple[str, ...] = ()  # each project is also rated on these, in this order
    grade_base: str = "returned"  # E2's base: one of GRADE_BASES
    half_counts: bool = True  # exactly half reaches a grade
    rectify_on_basic: bool = True  # E4: 基本满意 → rectification
    report_on_unsatisfied: bool = True  # E4: 不满意 → a report to the standing committee
    low_rated_priority: bool = True  # E4: both → next year's supervision priority

    def __post_init__(self):
        if isinstance(self.sub_items, str):
            raise VoteRuleError("evaluation_rules", field="sub_items")
        object.__setattr__(self, "sub_items", tuple(self.sub_items))
        for name in (
            "allows_abstain",
            "half_counts",
            "rectify_on_basic",
            "report_on_unsatisfied",
            "low_rated_priority",
        ):
            if not isinstance(getattr(self, name), bool):
                raise VoteRuleError("evaluation_rules", field=name)
        if self.grade_base not in GRADE_BASES:
            raise VoteRuleError("evaluation_rules", field="grade_base")
        if len(set(self.sub_items)) != len(self.sub_items) or any(
            not isinstance(n, str) or not n.strip() or len(n) > SUB_ITEM_MAX_LENGTH
            for n in self.sub_items
        ):
            raise VoteRuleError("evaluation_rules", field="sub_items")

    @classmethod
    def from_json(cls, data: dict | None) -> EvaluationRules:
        """The rules as stored on a vote; a missing key takes its default, an unknown key or a
        wrong value is refused (``VoteRuleError``)."""
        data = dict(data or {})
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise VoteRuleError("evaluation_rules", field=sorted(unknown)[0])
        return cls(**data)

    @classmethod
    def from_ruleset(cls, rules) -> EvaluationRules:
        """The rules as a township's rule set (congress.RuleSet) holds them today."""
        return cls(
            allows_abstain=rules.evaluation_allows_abstain,
            sub_items=tuple(rules.evaluation_sub_items),
            grade_base=rules.evaluation_grade_base,
            half_counts=rules.evaluation_half_counts,
            rectify_on_basic=rules.rectify_on_basic,
            report_on_unsatisfied=rules.report_on_unsatisfied,
            low_rated_priority=rules.low_rated_priority,
        )

    def to_json(self) -> dict:
        out = asdict(self)
        out["sub_items"] = list(self.sub_items)
        return out

    def ballot_length(self, projects: int) -> int:
        return evaluation_length(projects=projects, sub_items=len(self.sub_items))

    def marks(self) -> frozenset[str]:
        return evaluation_marks(allows_abstain=self.allows_abstain)

    def grade_base_count(self, *, returned: int, valid: int, present: int, in_office: int) -> int:
        return grade_base_count(
            self.grade_base, returned=returned, valid=valid, present=present, in_office=in_office
        )

    def grade(self, *, satisfied: int, basic: int, base: int) -> str | None:
        return evaluation_grade(
            satisfied=satisfied, basic=basic, base=base, half_counts=self.half_counts
        )


# ---------------------------------------------------------------------------------------------
# Paper entry keys: what a teller types for one paper ballot, either kind


PAPER_DIGITS = {"1": YES, "2": NO, "3": ABSTAIN, "0": NO_MARK, "9": UNREADABLE}
EVALUATION_DIGITS = {
    "1": SATISFIED,
    "2": BASIC,
    "3": UNSATISFIED,
    "4": ABSTAIN,
    "0": NO_MARK,
    "9": UNREADABLE,
}


def digits_for(marks: frozenset[str], digits: dict[str, str]) -> dict[str, str]:
    """The keys a teller may type for the marks a ballot allows (4 弃权 only when allowed)."""
    return {key: mark for key, mark in digits.items() if mark in marks}


def parse_keys(keys: str, *, digits: dict[str, str], length: int) -> tuple[str, str, bool]:
    """A teller's keystrokes for one ballot → (marks, status override, doubtful).

    One digit per mark, as ``digits`` maps them; or a single X for a ballot invalid as a
    whole (e.g. defaced), B for a ballot with no mark at all. A trailing ? flags the ballot
    as doubtful (B3) for the scrutineers. Anything else: ``VoteRuleError("paper_keys")``."""
    text = "".join(keys.split()).upper()
    doubtful = text.endswith("?")
    text = text.rstrip("?")
    if text == "X":
        return NO_MARK * length, INVALID, doubtful
    if text == "B":
        return NO_MARK * length, "", doubtful
    if len(text) != length or any(ch not in digits for ch in text):
        raise VoteRuleError("paper_keys", count=length)
    return "".join(digits[ch] for ch in text), "", doubtful


# ---------------------------------------------------------------------------------------------
# 票决率 (P5): one definition for every page, PDF, sheet and the API


def yes_share_tenths(yes: int, *, pass_base: int) -> int | None:
    """票决率 (P5) in tenths of a percent: numerator the candidate's 赞成 votes, base the
    vote's pass base as stored on its result (P1: deputies in office 全体代表 by default, or
    due 应到, or present 实到, as the vote was set up), rounded half up to one decimal
    (2 * 931 of 1000 … 93.1%). On this base "over half" is exactly the pass test of P1
    (``passes``), so the share and the outcome never disagree; a share over valid ballots
    could read 95.6% for a candidate that failed. A shown 50.0% is the one rounded value on
    both sides of the line: the outcome beside it decides. None without a base."""
    return share_tenths(yes, pass_base)


def yes_share(yes: int, *, pass_base: int) -> str:
    """票决率 as printed: one decimal and a percent sign (93.3%); — without a base."""
    return format_share(yes_share_tenths(yes, pass_base=pass_base))
