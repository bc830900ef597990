"""Pure rules about sessions and rosters. No ORM, no settings, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Headcount:
    """应到 / 实到 / 请假 / absent for a session."""

    due: int
    present: int
    on_leave: int
    absent: int


def headcount(statuses: list[str] | tuple[str, ...]) -> Headcount:
    """Count attendance statuses. Every deputy on the roll is due (应到 = 实有代表)."""
    present = sum(1 for s in statuses if s == "present")
    on_leave = sum(1 for s in statuses if s == "leave")
    return Headcount(
        due=len(statuses),
        present=present,
        on_leave=on_leave,
        absent=len(statuses) - present - on_leave,
    )


def quorum_met(*, present: int, in_office: int, numerator: int = 2, denominator: int = 3) -> bool:
    """S1: the session is valid when present >= numerator/denominator of deputies in office.

    Integer arithmetic only: 120 in office and 80 present is exactly 2/3 and passes.
    A session with nobody in office has no quorum.
    """
    if in_office <= 0 or denominator <= 0:
        return False
    return present * denominator >= in_office * numerator


def quorum_needed(*, in_office: int, numerator: int = 2, denominator: int = 3) -> int:
    """The smallest number present that meets the quorum (ceil without floats)."""
    if in_office <= 0:
        return 0
    return -(-in_office * numerator // denominator)


# ---------------------------------------------------------------------------------------------
# The roll and the slips by delegation (代表团), at a county congress. A delegation is named by
# a key (its id, or None for deputies in no delegation yet); the caller supplies the names.


def add_headcounts(counts) -> Headcount:
    """The total of several headcounts (the whole session from its delegations)."""
    due = present = on_leave = absent = 0
    for count in counts:
        due += count.due
        present += count.present
        on_leave += count.on_leave
        absent += count.absent
    return Headcount(due=due, present=present, on_leave=on_leave, absent=absent)


def headcount_from_counts(*, due: int, present: int, on_leave: int) -> Headcount:
    """A headcount from aggregated counts; absent is what is neither present nor on leave.
    Refuses counts that cannot come from one roll (negative, or more present and on leave
    than due)."""
    if min(due, present, on_leave) < 0:
        raise ValueError("negative count")
    if present + on_leave > due:
        raise ValueError("more present and on leave than due")
    return Headcount(due=due, present=present, on_leave=on_leave, absent=due - present - on_leave)


def headcount_by_group(rows) -> dict:
    """Group (key, status) pairs into {key: Headcount}, keys in first-seen order."""
    statuses: dict = {}
    for key, status in rows:
        statuses.setdefault(key, []).append(status)
    return {key: headcount(values) for key, values in statuses.items()}


@dataclass(frozen=True)
class DelegationSlips:
    """Slips or ballots one delegation was issued (发出) and returned (收回)."""

    key: object
    issued: int
    returned: int
    present: int | None = None  # 实到 of the delegation, when known

    @property
    def unreturned(self) -> int:
        """Issued but not returned (never negative; over-return is flagged instead)."""
        return max(self.issued - self.returned, 0)

    @property
    def over_returned(self) -> bool:
        """More came back than went out: the delegation's count is wrong (a slip from another
        delegation, or a ballot counted twice) and must be checked before the count."""
        return self.returned > self.issued

    @property
    def over_issued(self) -> bool:
        """More slips issued than the delegation has deputies present."""
        return self.present is not None and self.issued > self.present


@dataclass(frozen=True)
class SlipReconciliation:
    """Per-delegation lines and the totals (发出 / 收回 overall)."""

    lines: tuple[DelegationSlips, ...]
    issued: int
    returned: int

    @property
    def flagged(self) -> tuple:
        """Keys of the delegations that returned more than issued or were issued more than
        their deputies present."""
        return tuple(line.key for line in self.lines if line.over_returned or line.over_issued)

    @property
    def over_returned(self) -> bool:
        return self.returned > self.issued

    @property
    def unreturned(self) -> int:
        return max(self.issued - self.returned, 0)

    @property
    def balanced(self) -> bool:
        """Every delegation within its slips, and the totals too. Fewer returned than issued
        is allowed (a deputy may keep the ballot: it is not cast)."""
        return not self.flagged and not self.over_returned


def reconcile_by_delegation(lines) -> SlipReconciliation:
    """Reconcile slips or ballots issued and returned per delegation and overall.

    ``lines``: DelegationSlips, one per delegation. A negative count or a delegation named
    twice is an error of the caller (ValueError), not a finding."""
    lines = tuple(lines)
    seen = set()
    for line in lines:
        if line.key in seen:
            raise ValueError(f"delegation {line.key!r} given twice")
        seen.add(line.key)
        if line.issued < 0 or line.returned < 0 or (line.present is not None and line.present < 0):
            raise ValueError(f"negative count for delegation {line.key!r}")
    return SlipReconciliation(
        lines=lines,
        issued=sum(line.issued for line in lines),
        returned=sum(line.returned for line in lines),
    )


# ---------------------------------------------------------------------------------------------
# Roster rows (the .xlsx import). Column keys are stable; headers are shown in Chinese.

ROSTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("phone", "手机号码"),
    ("levels", "代表层级"),
    ("home_village", "居住村（社区）"),
    ("work_village", "工作村（社区）"),
    ("profession", "职业"),
    ("employer", "工作单位"),
    ("expertise", "专长"),
    ("is_party_committee", "党委委员"),
    ("in_office", "是否在任"),
)

GENDER_WORDS = {"男": "M", "女": "F", "m": "M", "f": "F", "male": "M", "female": "F"}
YES_WORDS = {"是", "y", "yes", "true", "1", "√"}
NO_WORDS = {"否", "n", "no", "false", "0", ""}
PHONE_RE = re.compile(r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$")
TAG_SPLIT_RE = re.compile(r"[，,、;；/\s]+")


@dataclass
class RowResult:
    values: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key, message key)


def _text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _flag(raw, *, default: bool) -> bool | None:
    word = _text(raw).lower()
    if word == "":
        return default
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def parse_roster_row(raw: dict, *, village_names: set[str]) -> RowResult:
    """Validate one roster row given as {column key: cell value}.

    Errors are (column key, code) pairs; the caller turns codes into translated messages.
    Codes: required, gender, phone, levels, village, flag.
    """
    result = RowResult()
    v = result.values
    v["name"] = _text(raw.get("name"))
    if not v["name"]:
        result.errors.append(("name", "required"))
    elif len(v["name"]) > 32:
        result.errors.append(("name", "too_long"))

    gender = GENDER_WORDS.get(_text(raw.get("gender")).lower())
    if gender is None:
        result.errors.append(("gender", "gender"))
    v["gender"] = gender

    phone = _text(raw.get("phone")).replace(" ", "")
    if phone and not PHONE_RE.match(phone):
        result.errors.append(("phone", "phone"))
    v["phone"] = phone

    levels = _text(raw.get("levels")) or "乡镇"
    v["is_township_deputy"] = "乡" in levels or "镇" in levels or "township" in levels.lower()
    v["is_county_deputy"] = "县" in levels or "county" in levels.lower()
    if not (v["is_township_deputy"] or v["is_county_deputy"]):
        result.errors.append(("levels", "levels"))

    for key in ("home_village", "work_village"):
        name = _text(raw.get(key))
        if name and name not in village_names:
            result.errors.append((key, "village"))
        v[key] = name

    v["profession"] = _text(raw.get("profession"))[:64]
    v["employer"] = _text(raw.get("employer"))[:128]
    v["expertise"] = [t for t in TAG_SPLIT_RE.split(_text(raw.get("expertise"))) if t][:10]

    for key, default in (("is_party_committee", False), ("in_office", True)):
        flag = _flag(raw.get(key), default=default)
        if flag is None:
            result.errors.append((key, "flag"))
        v[key] = flag
    return result


def roster_duplicate_rows(rows: list[tuple[int, str, str]]) -> list[tuple[int, int]]:
    """Given (row number, name, phone) triples, return (row, first row) for repeats in the file."""
    seen: dict[tuple[str, str], int] = {}
    repeats = []
    for number, name, phone in rows:
        key = (name, phone)
        if key in seen:
            repeats.append((number, seen[key]))
        else:
            seen[key] = number
    return repeats
