"""The .xlsx roster format: template, reading rows, export. No database writes here."""

from __future__ import annotations

from livelihood import xlsx
from livelihood.xlsx import XLSX_CONTENT_TYPE  # noqa: F401 - views import it from here

from .domain import ROSTER_COLUMNS

# The roster's file-level error is the shared one (its codes: livelihood.xlsx.XlsxFileError).
RosterFileError = xlsx.XlsxFileError


def _styled_sheet(rows: list[list]) -> bytes:
    return xlsx.styled_sheet(ROSTER_COLUMNS, rows, title="代表名册")


def template_bytes(example_village: str = "") -> bytes:
    """The downloadable template: Chinese headers and one example row to overwrite."""
    return _styled_sheet(
        [
            [
                "张三",
                "男",
                "13800000000",
                "乡镇",
                example_village,
                "",
                "农民",
                "",
                "农业，水利",
                "否",
                "是",
            ]
        ]
    )


def export_bytes(deputies) -> bytes:
    rows = []
    for d in deputies:
        levels = "、".join(
            [w for w, on in (("乡镇", d.is_township_deputy), ("县", d.is_county_deputy)) if on]
        )
        rows.append(
            [
                d.name,
                "男" if d.gender == "M" else "女",
                d.phone,
                levels,
                d.home_village.name if d.home_village_id else "",
                d.work_village.name if d.work_village_id else "",
                d.profession,
                d.employer,
                "，".join(d.expertise),
                "是" if d.is_party_committee else "否",
                "是" if d.in_office else "否",
            ]
        )
    return _styled_sheet(rows)


def read_rows(data: bytes, *, max_rows: int = 2000) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {column key: value}) for every non-empty row."""
    return xlsx.read_rows(data, ROSTER_COLUMNS, required=("name", "gender"), max_rows=max_rows)


def column_letter(key: str) -> str:
    return xlsx.column_letter(ROSTER_COLUMNS, key)


def column_header(key: str) -> str:
    return xlsx.column_header(ROSTER_COLUMNS, key)
