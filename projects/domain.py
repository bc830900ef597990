"""Pure rules for stages 1–2: text similarity for Chinese suggestions, receipt codes, project
status transitions, shortlisting rounds and candidate-list validation.

No ORM, no settings, no clock: randomness and values are passed in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from livelihood.transitions import Machine, move

# ---------------------------------------------------------------------------------------------
# Similarity (Chinese text)
#
# Chinese has no spaces, and pg_trgm's trigrams do not tokenise it well, so a suggestion is
# turned into a set of tokens: every pair of neighbouring CJK characters (bigram), every CJK
# character that is not a stop character (unigram, prefixed "1:" so it never equals a bigram),
# and every Latin word or number. Two texts are similar when their weighted Dice coefficient
# is high: 「修建村道路灯」 and 「村里道路安装路灯」 share 道路, 路灯, 道, 路, 灯.

CJK_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD_RE = re.compile(r"[a-z0-9]+")

# Characters too common in suggestions to say anything about the matter on their own.
STOP_CHARS = frozenset(
    "的了在是和与及或等个一有我你他她它们这那就也都而且把被对为以于之其中上下里内外"
    "请要能会可将还再很更最已让给从向到由使得着过啊吧呢吗嘛呀哦村镇乡组户家人"
)
# Bigrams that appear in almost every suggestion ("建议", "希望", "解决", …).
STOP_BIGRAMS = frozenset(
    {
        "建议",
        "希望",
        "要求",
        "解决",
        "问题",
        "进行",
        "我们",
        "村民",
        "群众",
        "居民",
        "一个",
        "没有",
        "目前",
        "现在",
        "政府",
        "相关",
        "部门",
        "尽快",
        "能够",
        "可以",
        "需要",
        "一下",
        "方便",
        "村里",
        "本村",
        "我村",
    }
)
UNIGRAM_PREFIX = "1:"
UNIGRAM_WEIGHT = 0.5
MAX_TOKENS = 400  # a 2,000-character suggestion has at most ~2,000 bigrams; keep the set small


def normalize_text(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def tokenize(text: str) -> list[str]:
    """The sorted, de-duplicated token set of a text (bigrams, "1:"-unigrams, Latin words)."""
    text = normalize_text(text)
    tokens: set[str] = set()
    for run in CJK_RUN_RE.findall(text):
        for a, b in zip(run, run[1:], strict=False):
            bigram = a + b
            if bigram not in STOP_BIGRAMS:
                tokens.add(bigram)
        for char in run:
            if char not in STOP_CHARS:
                tokens.add(UNIGRAM_PREFIX + char)
    for word in WORD_RE.findall(text):
        if len(word) > 1 or word.isdigit():
            tokens.add(word[:24])
    out = sorted(tokens)
    if len(out) > MAX_TOKENS:
        # Keep the bigrams and words first: they carry the meaning.
        bigrams = [t for t in out if not t.startswith(UNIGRAM_PREFIX)]
        unigrams = [t for t in out if t.startswith(UNIGRAM_PREFIX)]
        out = sorted((bigrams + unigrams)[:MAX_TOKENS])
    return out


def key_tokens(tokens: Iterable[str]) -> list[str]:
    """The tokens used to pre-filter candidates (bigrams and words, not unigrams)."""
    return [t for t in tokens if not t.startswith(UNIGRAM_PREFIX)]


def _weight(token: str) -> float:
    return UNIGRAM_WEIGHT if token.startswith(UNIGRAM_PREFIX) else 1.0


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Weighted Dice coefficient of two token sets, between 0 and 1."""
    set_a, set_b = set(a), set(b)
    total = sum(_weight(t) for t in set_a) + sum(_weight(t) for t in set_b)
    if total == 0:
        return 0.0
    shared = sum(_weight(t) for t in set_a & set_b)
    return 2 * shared / total


SIMILAR_THRESHOLD = 0.3


def rank_similar(
    query: Sequence[str],
    candidates: Iterable[tuple],
    *,
    query_title: Sequence[str] | None = None,
    limit: int = 8,
    threshold: float = SIMILAR_THRESHOLD,
) -> list[tuple[int, float]]:
    """(id, score) of the most similar candidates, best first, at or above the threshold.

    Candidates are (id, tokens) or (id, tokens, title tokens). With titles on both sides the
    score is the better of the whole-text and the title-only coefficient: one matter per
    suggestion means the title says what it is about, while long contents dilute the
    overlap (「修建村道路灯」 vs 「村里道路安装路灯」 with two unrelated descriptions).
    """
    query_set = set(query)
    title_set = set(query_title or ())
    query_weight = sum(_weight(t) for t in query_set)
    if query_weight == 0 and not title_set:
        return []
    scored = []
    for candidate in candidates:
        ident, tokens = candidate[0], candidate[1]
        score = similarity(query_set, tokens) if query_weight else 0.0
        if title_set and len(candidate) > 2:
            score = max(score, similarity(title_set, candidate[2]))
        if score >= threshold:
            scored.append((ident, round(score, 3)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0]))
    return scored[:limit]


# ---------------------------------------------------------------------------------------------
# Receipt codes: 50 random bits as 10 Crockford base-32 characters plus a Luhn mod 32 check
# character, shown in groups of four (e.g. "7KQM-2XDA-9PZ"). Typing mistakes are forgiven:
# case, spaces, dashes, I/L for 1 and O for 0; the check character catches every single
# wrong character and every swap of two neighbours.

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_BITS = 50
RECEIPT_DATA_LENGTH = RECEIPT_BITS // 5
RECEIPT_LENGTH = RECEIPT_DATA_LENGTH + 1
_TYPO_MAP = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def luhn_check_char(data: str) -> str:
    """The Luhn mod N (N = 32) check character of a Crockford string."""
    n = len(CROCKFORD)
    factor = 2
    total = 0
    for char in reversed(data):
        addend = factor * CROCKFORD.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return CROCKFORD[(n - total % n) % n]


def luhn_valid(code: str) -> bool:
    n = len(CROCKFORD)
    factor = 1
    total = 0
    for char in reversed(code):
        addend = factor * CROCKFORD.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return total % n == 0


def receipt_code_from_int(value: int) -> str:
    """The stored form (11 characters, no dashes) of a 50-bit random number."""
    if not 0 <= value < 2**RECEIPT_BITS:
        raise ValueError("out of range")
    chars = []
    for _ in range(RECEIPT_DATA_LENGTH):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    data = "".join(reversed(chars))
    return data + luhn_check_char(data)


def format_receipt_code(code: str) -> str:
    """Groups of four for reading aloud and typing: 7KQM-2XDA-9PZ."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_receipt_code(raw: str) -> str | None:
    """The stored form of what a resident typed, or None when it cannot be a receipt code."""
    text = re.sub(r"[\s\-_.·]+", "", unicodedata.normalize("NFKC", raw or "")).upper()
    text = text.translate(_TYPO_MAP)
    if len(text) != RECEIPT_LENGTH or any(c not in CROCKFORD for c in text):
        return None
    if not luhn_valid(text):
        return None
    return text


def intake_token_from_int(value: int, length: int = 7) -> str:
    """A short, typable Crockford token for a QR link (35 bits at length 7)."""
    chars = []
    for _ in range(length):
        chars.append(CROCKFORD[value & 31])
        value >>= 5
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# Project status transitions: a table of named actions (livelihood.transitions). The services
# apply them (projects.services._base.PROJECT_MACHINE), writing the history row and audit event.

RESERVE = "reserve"
SHORTLISTING = "shortlisting"
CANDIDATE = "candidate"
ELECTED = "elected"
IMPLEMENTING = "implementing"
COMPLETED = "completed"
CANCELLED = "cancelled"

PROJECT = Machine(
    "project",
    [
        # Put forward in the annual plan (or reconsidered by a round after a rejection).
        move("put_forward", {RESERVE}, SHORTLISTING),
        # Rejected by a shortlisting round: back to the reserve.
        move("set_aside", {SHORTLISTING}, RESERVE),
        # Advanced by the last round when the candidate list is locked.
        move("make_candidate", {SHORTLISTING}, CANDIDATE),
        # The vote's outcome: elected, or back to the reserve (C4).
        move("elect", {CANDIDATE}, ELECTED),
        move("return_unelected", {CANDIDATE}, RESERVE),
        # Stage 4: the implementation plan is made; the last progress report says 100 %.
        move("start", {ELECTED}, IMPLEMENTING),
        move("complete", {IMPLEMENTING}, COMPLETED),
        move("cancel", {RESERVE, SHORTLISTING, ELECTED, IMPLEMENTING}, CANCELLED),
        move("restore", {CANCELLED}, RESERVE),
    ],
)
# Every (from, to) pair has exactly one action, so a caller that names the status it wants
# (project_set_status) reaches the same action.
PROJECT_ACTION_BY_MOVE: Mapping[tuple[str, str], str] = {
    (source, target): action for source, action, target in PROJECT.edges()
}
PROJECT_TRANSITIONS: Mapping[str, frozenset[str]] = {
    state: frozenset(t for (s, t) in PROJECT_ACTION_BY_MOVE if s == state)
    for state in (RESERVE, SHORTLISTING, CANDIDATE, ELECTED, IMPLEMENTING, COMPLETED, CANCELLED)
}


class TransitionError(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"{current} -> {target}")
        self.current = current
        self.target = target


def project_action(current: str, target: str) -> str:
    """The action that moves a project from ``current`` to ``target``; TransitionError if
    none does."""
    action = PROJECT_ACTION_BY_MOVE.get((current, target))
    if action is None:
        raise TransitionError(current, target)
    return action


def check_transition(current: str, target: str) -> None:
    project_action(current, target)


# ---------------------------------------------------------------------------------------------
# Candidate list validation (V2)

COMPETITIVE = "competitive"
EQUAL = "equal"
ITEMIZED = "itemized"


@dataclass(frozen=True)
class ListCheck:
    ok: bool
    code: str = ""  # "empty", "competitive_too_few", "equal_mismatch", "too_few_slots"
    candidates: int = 0
    slots: int = 0


def check_candidate_list(*, mode: str, candidates: int, slots: int) -> ListCheck:
    """Whether a candidate list may be put to the vote under the rule set's mode.

    差额 (competitive): more candidates than slots. 等额 (equal): as many as slots.
    逐项 (itemized): at least one item; slots do not limit it.
    """
    if candidates < 1:
        return ListCheck(False, "empty", candidates, slots)
    if mode == ITEMIZED:
        return ListCheck(True, "", candidates, slots)
    if slots < 1:
        return ListCheck(False, "too_few_slots", candidates, slots)
    if mode == COMPETITIVE and candidates <= slots:
        return ListCheck(False, "competitive_too_few", candidates, slots)
    if mode == EQUAL and candidates != slots:
        return ListCheck(False, "equal_mismatch", candidates, slots)
    return ListCheck(True, "", candidates, slots)


# ---------------------------------------------------------------------------------------------
# Shortlisting rounds (C5). Rounds are ordered 0..n-1. The pool of round 0 is every project put
# forward in the plan; the pool of round k is what round k-1 advanced. Only what the last round
# advanced becomes a candidate.

ADVANCE = "advance"
HOLD = "hold"
REJECT = "reject"
DECISIONS = (ADVANCE, HOLD, REJECT)


def round_pool(
    index: int, entered: Iterable[int], decisions: Mapping[int, Mapping[int, str]]
) -> list[int]:
    """Project ids eligible in round ``index``.

    ``decisions`` maps round index -> {project id: decision}.
    """
    if index == 0:
        return sorted(set(entered))
    previous = decisions.get(index - 1, {})
    return sorted(pid for pid, decision in previous.items() if decision == ADVANCE)


def advanced_by_last_round(
    rounds: int, entered: Iterable[int], decisions: Mapping[int, Mapping[int, str]]
) -> list[int]:
    if rounds < 1:
        return []
    pool = set(round_pool(rounds - 1, entered, decisions))
    last = decisions.get(rounds - 1, {})
    return sorted(pid for pid in pool if last.get(pid) == ADVANCE)


@dataclass(frozen=True)
class DecisionCheck:
    ok: bool
    code: str = ""  # "locked", "not_in_pool", "later_round_decided", "unknown", "no_reason"


def check_round_decision(
    *,
    index: int,
    project_id: int,
    decision: str,
    reason: str,
    entered: Iterable[int],
    decisions: Mapping[int, Mapping[int, str]],
    rounds: int,
    list_locked: bool,
) -> DecisionCheck:
    """Whether a round may record (or change) its decision on a project.

    Refused when the candidate list is locked, when the project did not reach this round,
    when a later round already decided on it (change that one first), for an unknown
    decision, and without a written reason.
    """
    if list_locked:
        return DecisionCheck(False, "locked")
    if decision not in DECISIONS or not 0 <= index < rounds:
        return DecisionCheck(False, "unknown")
    if not (reason or "").strip():
        return DecisionCheck(False, "no_reason")
    if project_id not in round_pool(index, entered, decisions):
        return DecisionCheck(False, "not_in_pool")
    for later in range(index + 1, rounds):
        if project_id in decisions.get(later, {}):
            return DecisionCheck(False, "later_round_decided")
    return DecisionCheck(True)


def funnel(
    *, suggestions: int, projects: int, proposed: int, candidates: int, elected: int
) -> list[tuple[str, int]]:
    """The stages of a plan's funnel in order, as (key, count)."""
    return [
        ("suggestions", suggestions),
        ("projects", projects),
        ("proposed", proposed),
        ("candidates", candidates),
        ("elected", elected),
    ]


# ---------------------------------------------------------------------------------------------
# .xlsx import rows (suggestions collected offline)

CHANNEL_WORDS: Mapping[str, str] = {
    "联络站": "station",
    "代表联络站": "station",
    "代表二维码": "deputy_qr",
    "二维码": "deputy_qr",
    "村民会议": "village_meeting",
    "村民代表会议": "village_meeting",
    "村民大会": "village_meeting",
    "入户走访": "door_to_door",
    "走访": "door_to_door",
    "接待日": "reception_day",
    "代表接待日": "reception_day",
    "热线": "hotline",
    "电话": "hotline",
    "来信": "letter",
    "信件": "letter",
    "网上": "online",
    "网络": "online",
    "在线": "online",
}
CHANNEL_KEYS = (
    "station",
    "deputy_qr",
    "village_meeting",
    "door_to_door",
    "reception_day",
    "hotline",
    "letter",
    "online",
)
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class ImportRow:
    values: dict
    errors: list[tuple[str, str]]  # (column key, code)


def _cell(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


# Between a township's name and its village's in a county file: "青石镇东河村", "青石镇 东河村",
# "青石镇/东河村" (full-width too) all name the same village.
VILLAGE_SEPARATOR_RE = re.compile(r"[\s/／]+")


def compact_village_name(text: str) -> str:
    """A village cell of a county's file without the spaces and slashes between its parts."""
    return VILLAGE_SEPARATOR_RE.sub("", _cell(text))


def county_village_names(
    villages: Iterable[tuple[object, str, str]],
) -> tuple[dict[str, object], frozenset[str]]:
    """The names a county's file may give its villages, from (key, township name, village
    name) triples: every village by "<township><village>", and by its bare name where that
    name is the county's only one. A bare name several townships share is ambiguous: it is
    returned in the second set, never mapped. Names are compacted (``compact_village_name``)."""
    found: dict[str, set] = {}
    for key, township_name, village_name in villages:
        for name in (township_name + village_name, village_name):
            found.setdefault(compact_village_name(name), set()).add(key)
    names = {name: next(iter(keys)) for name, keys in found.items() if len(keys) == 1}
    ambiguous = frozenset(name for name, keys in found.items() if len(keys) > 1)
    return names, ambiguous


def parse_suggestion_row(
    raw: Mapping,
    *,
    village_names: Collection[str],
    deputy_names: Collection[str],
    ambiguous_villages: Collection[str] = frozenset(),
) -> ImportRow:
    """Validate one spreadsheet row given as {column key: cell value}.

    Codes: required, too_long, channel, village, village_ambiguous (a name several villages
    share), deputy, number, date, phone.
    Dates arrive either as ``datetime``/``date`` cells or as text (2027-10-31, 2027年10月31日).
    """
    import datetime
    from decimal import Decimal, InvalidOperation

    values: dict = {}
    errors: list[tuple[str, str]] = []
    for key, limit, required in (
        ("title", 100, True),
        ("content", 2000, True),
        ("location", 200, False),
        ("category", 32, False),
        ("funding_source", 200, False),
        ("implementing_body", 100, False),
        ("necessity", 2000, False),
        ("proposer_name", 32, False),
    ):
        text = _cell(raw.get(key))
        if required and not text:
            errors.append((key, "required"))
        elif len(text) > limit:
            errors.append((key, "too_long"))
        values[key] = text
    channel_text = _cell(raw.get("channel"))
    channel = CHANNEL_WORDS.get(channel_text) or (
        channel_text.lower() if channel_text.lower() in CHANNEL_KEYS else None
    )
    if channel is None:
        errors.append(("channel", "channel" if channel_text else "required"))
    values["channel"] = channel
    village = _cell(raw.get("village"))
    if village and village in ambiguous_villages:
        errors.append(("village", "village_ambiguous"))
    elif village and village not in village_names:
        errors.append(("village", "village"))
    values["village"] = village
    deputy = _cell(raw.get("deputy"))
    if deputy and deputy not in deputy_names:
        errors.append(("deputy", "deputy"))
    values["deputy"] = deputy
    investment = raw.get("estimated_investment")
    values["estimated_investment"] = None
    if _cell(investment):
        try:
            amount = Decimal(_cell(investment).replace(",", ""))
            if amount < 0 or amount >= Decimal("10000000000"):
                raise InvalidOperation
            values["estimated_investment"] = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors.append(("estimated_investment", "number"))
    deadline = raw.get("deadline")
    values["deadline"] = None
    if isinstance(deadline, datetime.datetime):
        values["deadline"] = deadline.date()
    elif isinstance(deadline, datetime.date):
        values["deadline"] = deadline
    elif _cell(deadline):
        match = DATE_RE.match(_cell(deadline))
        try:
            if not match:
                raise ValueError
            values["deadline"] = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            errors.append(("deadline", "date"))
    phone = _cell(raw.get("proposer_phone")).replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        errors.append(("proposer_phone", "phone"))
    values["proposer_phone"] = phone
    return ImportRow(values=values, errors=errors)
