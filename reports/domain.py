"""Pure rules for reports: quarters, rates, report state transitions, SVG charts.

No ORM, no settings, no clock: ``today`` is passed in.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from cycle import domain as cycle_domain
from livelihood.transitions import Machine, move

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"

# The report's machine (livelihood.transitions); reports.services.REPORT_MACHINE applies it
# and writes the audit event, the report's history.
REPORT = Machine(
    "report",
    [
        # A worker takes it; from RUNNING: a retry after a worker died mid-report.
        move("start", {QUEUED, RUNNING}, RUNNING),
        move("finish", {RUNNING}, DONE),
        # The last attempt failed (or the task could not start it).
        move("fail", {QUEUED, RUNNING}, FAILED),
        # Asked again by hand: a failed report, or a queued one the broker lost.
        move("retry", {FAILED, QUEUED}, QUEUED),
    ],
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def valid_quarter(quarter: int) -> bool:
    return 1 <= quarter <= 4


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(today: datetime.date) -> tuple[int, int]:
    """The quarter that ended before ``today``'s quarter began (beat runs on its first day)."""
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, quarter * 3 - 2, 1)


def quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    """2026年第二季度 (the PDF is an official Chinese document)."""
    return f"{year}年第{'一二三四'[quarter - 1]}季度"


# Ratios are the cycle's (one definition: cycle/domain.py): two decimals, half up, Decimal.
rate = cycle_domain.rate


def pct(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{Decimal(value):.2f}%"


def money(value: Decimal | None) -> str:
    """万元 without trailing zeros: 120.00 → 120, 35.50 → 35.5."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".rstrip("0").rstrip(".")


# What the download's name says after the body (a township's report: 季度报告).
FILENAME_SUFFIX = {"county": "县级汇总", "congress": "县本级项目季度报告"}


def report_filename(*, body: str, year: int, quarter: int, kind: str) -> str:
    suffix = FILENAME_SUFFIX.get(kind, "季度报告")
    return f"{body}{year}年第{quarter}季度民生实事{suffix}.pdf"


# ---------------------------------------------------------------------------------------------
# SVG charts for the PDF (WeasyPrint draws inline SVG; no JavaScript in a PDF)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # the bar's length, in the chart's unit
    text: str  # what is printed at the end of the bar
    second: float | None = None  # an optional second, thinner bar (e.g. invested vs budget)


def text_width(text: str, size: float) -> float:
    """A generous estimate of a text's drawn width: CJK, full-width and ambiguous (—)
    characters take a full em, the rest about 0.6 em (Noto Sans digits are narrower)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WFA" else size * 0.6 for ch in text)


def hbar_svg(
    bars: list[Bar],
    *,
    width: int = 480,
    max_value: float | None = None,
    color: str = "#a4161a",
    second_color: str = "#9aa5b1",
    row: int = 22,
    label_width: int = 150,
) -> str:
    """A horizontal bar chart as an SVG string. Labels are escaped; an empty list draws a
    one-line 'no data' chart."""
    if not bars:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="24" '
            f'viewBox="0 0 {width} 24"><text x="0" y="16" font-size="11" fill="#666">'
            "暂无数据</text></svg>"
        )
    top = max_value or max([b.value for b in bars] + [b.second or 0 for b in bars] + [1])
    # The value text sits right of the longest bar: keep room for the widest one.
    room = max(text_width(bar.text, 10) for bar in bars) + 8
    plot = max(40, width - label_width - room)
    height = row * len(bars) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    for i, bar in enumerate(bars):
        y = i * row + 3
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row * 0.62:.1f}" font-size="10" '
            f'text-anchor="end" fill="#222">{escape(label)}</text>'
        )
        if bar.second is not None:
            w2 = max(0.0, min(1.0, bar.second / top)) * plot
            parts.append(
                f'<rect x="{label_width}" y="{y + 2}" width="{w2:.1f}" height="{row - 8}" '
                f'fill="{second_color}"/>'
            )
        w = max(0.0, min(1.0, bar.value / top)) * plot
        inner = 6 if bar.second is not None else 4
        parts.append(
            f'<rect x="{label_width}" y="{y + inner}" width="{w:.1f}" '
            f'height="{row - 2 * inner}" fill="{color}"/>'
        )
        end = max(w, (bar.second or 0) / top * plot if bar.second is not None else 0)
        parts.append(
            f'<text x="{label_width + end + 4:.1f}" y="{y + row * 0.62:.1f}" font-size="10" '
            f'fill="#222">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
