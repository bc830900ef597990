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
