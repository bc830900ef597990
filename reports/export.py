"""Excel exports (openpyxl) of every table a dashboard shows."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from livelihood import xlsx

from . import domain

# (attribute of Figures, column heading)
COUNTY_COLUMNS = [
    ("suggestions", gettext_lazy("Suggestions")),
    ("candidates", gettext_lazy("Candidates")),
    ("elected", gettext_lazy("Elected")),
    ("investment", gettext_lazy("Investment (10,000 yuan)")),
    ("percent_complete", gettext_lazy("% complete")),
    ("on_time_rate", gettext_lazy("On-time rate")),
    ("budget_execution", gettext_lazy("Budget execution")),
    ("handover_closure", gettext_lazy("Hand-over closure rate")),
    ("overdue", gettext_lazy("Overdue hand-overs")),
    ("satisfaction", gettext_lazy("Satisfaction rate")),
]
PERCENT = {
    "percent_complete",
    "on_time_rate",
    "budget_execution",
    "handover_closure",
    "satisfaction",
}


def heading(name, label) -> str:
    """A column heading that says what the column holds: percentages say so (the cells are
    numbers like 84.31, meaning 84.31%)."""
    text = str(label)
    return text if name not in PERCENT or "%" in text else f"{text} (%)"


def _headings(columns) -> list[str]:
    return [heading(n, label) for n, label in columns]


def _definitions_sheet(wb, as_of, *, bodies: bool = False) -> None:
    """Every figure's numerator, base and rounding (cycle/indicators.py), and the date the
    workbook counts as of. With ``bodies`` also what a county's rows and totals are made of
    (the county congress's own plan, the townships' total, the whole)."""
    from cycle.indicators import COUNTY_DEFINITIONS, DEFINITIONS

    definitions = COUNTY_DEFINITIONS if bodies else DEFINITIONS
    rows = [[str(d.label), str(d.text)] for d in definitions.values()]
    rows.append([_("As of"), as_of.isoformat()])
    _sheet(wb, _("Definitions"), [_("Indicator"), _("What it counts")], rows)


def cell(figures, name):
    """A figure as a spreadsheet value: numbers stay numbers, unknown is empty."""
    value = getattr(figures, name)
    if value is None:
        return None
    if name == "investment":
        return float(value)
    if name in PERCENT:
        return float(value)
    return value


def _sheet(wb, title, header, rows, *, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = xlsx.sheet_title(title)
    # Project titles and names are typed by users: written as text, never as formulas.
    xlsx.append_row(ws, [str(h) for h in header])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in rows:
        xlsx.append_row(ws, row)
    ws.freeze_panes = "A2"
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column) + 4
        ws.column_dimensions[column[0].column_letter].width = min(40, max(10, width))
    return ws


def _bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _figures_row(label, figures) -> list:
    return [str(label)] + [cell(figures, n) for n, _l in COUNTY_COLUMNS]


def county_congress_label(county) -> str:
    return _("%(county)s people's congress (county level)") % {"county": county.name}


def county_workbook(dash) -> bytes:
    """The county congress's own plan first (县本级), then every township, the townships'
    total and the county's total (both together), the trend, the funnel, the definitions."""
    wb = Workbook()
    header = [_("Township")] + _headings(COUNTY_COLUMNS)
    rows = []
    if dash.county_row is not None:
        rows.append(_figures_row(county_congress_label(dash.county), dash.county_row.figures))
    rows += [_figures_row(r.township.name, r.figures) for r in dash.rows]
    rows.append(_figures_row(_("Townships' total"), dash.townships_total))
    rows.append(_figures_row(_("Total"), dash.total))
    _sheet(wb, f"{dash.county.name} {dash.year}", header, rows, first=True)
    trend_cols = COUNTY_COLUMNS[:4] + COUNTY_COLUMNS[-1:]
    _sheet(
        wb,
        _("Trend"),
        [_("Year")] + _headings(trend_cols),
        [[y] + [cell(f, n) for n, _l in trend_cols] for y, f in dash.trend],
    )
    _sheet(
        wb,
        _("Funnel"),
        [_("Stage"), _("Count")],
        [
            [str(label), v]
            for label, v in zip(FUNNEL_LABELS, [v for _k, v in dash.funnel], strict=True)
        ],
    )
    _definitions_sheet(wb, dash.as_of, bodies=True)
    return _bytes(wb)


def prefecture_workbook(dash) -> bytes:
    """A row per county — its townships' total, its own congress's plan (县本级) and the
    whole county, one block of columns each — then the prefecture's totals, the trend, the
    funnel and the definitions."""
    wb = Workbook()
    parts = [
        (_("Townships"), "townships"),
        (_("County congress (county level)"), "county_congress"),
        (_("County total"), "total"),
    ]
    header = [_("County"), _("Townships (number)")] + [
        f"{part} · {heading(n, label)}" for part, _a in parts for n, label in COUNTY_COLUMNS
    ]

    def line(label, n_townships, figures_by_part) -> list:
        return [str(label), n_townships] + [
            cell(figures, n) for figures in figures_by_part for n, _l in COUNTY_COLUMNS
        ]

    rows = [
        line(r.county.name, r.n_townships, [getattr(r, attr) for _p, attr in parts])
        for r in dash.rows
    ]
    rows.append(
        line(
            _("Total"),
            sum(r.n_townships for r in dash.rows),
            [dash.townships_total, dash.county_congresses_total, dash.total],
        )
    )
    _sheet(wb, f"{dash.prefecture.name} {dash.year}", header, rows, first=True)
    trend_cols = COUNTY_COLUMNS[:4] + COUNTY_COLUMNS[-1:]
    _sheet(
        wb,
        _("Trend"),
        [_("Year")] + _headings(trend_cols),
        [[y] + [cell(f, n) for n, _l in trend_cols] for y, f in dash.trend],
    )
    _sheet(
        wb,
        _("Funnel"),
        [_("Stage"), _("Count")],
        [
            [str(label), v]
            for label, v in zip(FUNNEL_LABELS, [v for _k, v in dash.funnel], strict=True)
        ],
    )
    _definitions_sheet(wb, dash.as_of, bodies=True)
    return _bytes(wb)


FUNNEL_LABELS = [gettext_lazy("Suggestions"), gettext_lazy("Candidates"), gettext_lazy("Elected")]


def township_workbook(dash) -> bytes:
    wb = Workbook()
    _sheet(
        wb,
        f"{dash.township.name} {dash.year}",
        [
            _("Project"),
            _("Votes for"),
            _("Share of votes for (%)"),
            _("Investment (10,000 yuan)"),
            # xgettext:no-python-format
            _("% complete"),
            _("Invested (10,000 yuan)"),
            _("Open hand-overs"),
            _("Overdue hand-overs"),
            heading("satisfaction", _("Satisfaction rate")),
            _("Grade"),
        ],
        [
            [
                r.title,
                r.yes,
                float(r.yes_rate) if r.yes_rate is not None else None,
                float(r.investment) if r.investment is not None else None,
                (r.evidence or {}).get("percent_complete"),
                float(r.evidence["invested"]) if r.evidence and r.evidence["invested"] else None,
                (r.evidence or {}).get("open_handovers"),
                (r.evidence or {}).get("overdue_handovers"),
                float(r.satisfaction["rate"])
                if r.satisfaction and r.satisfaction["rate"] is not None
                else None,
                r.satisfaction["grade"] if r.satisfaction else None,
            ]
            for r in dash.projects
        ],
        first=True,
    )
    trend_cols = COUNTY_COLUMNS[:4] + COUNTY_COLUMNS[-1:]
    _sheet(
        wb,
        _("Trend"),
        [_("Year")] + _headings(trend_cols),
        [[y] + [cell(f, n) for n, _l in trend_cols] for y, f in dash.trend],
    )
    _sheet(
        wb,
        _("Figures"),
        [_("Indicator"), _("Value")],
        [[heading(n, label), cell(dash.figures, n)] for n, label in COUNTY_COLUMNS],
    )
    _definitions_sheet(wb, dash.as_of)
    return _bytes(wb)


def display(figures, name) -> str:
    """A figure for the page: percentages with two decimals, money without zeros, — unknown."""
    value = getattr(figures, name)
    if value is None:
        return "—"
    if name == "investment":
        return domain.money(value)
    if name in PERCENT:
        return domain.pct(value)
    return str(value)
