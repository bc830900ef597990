"""The .xlsx roster format: template, reading rows, export. No database writes here."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .domain import ROSTER_COLUMNS

HEADER_TO_KEY = {header: key for key, header in ROSTER_COLUMNS}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterFileError(ValueError):
    """The upload is not a readable roster at all (not row-level)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


def _styled_sheet(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "代表名册"
    ws.append([header for _key, header in ROSTER_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append(row)
    for index, (_key, header) in enumerate(ROSTER_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(10, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


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
    """Return (spreadsheet row number, {column key: value}) for every non-empty row.

    Raises RosterFileError for a file that is not an .xlsx workbook, has no recognisable
    header row, or is too long.
    """
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RosterFileError("not_xlsx")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise RosterFileError("not_xlsx", str(exc)) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration as exc:
        raise RosterFileError("empty") from exc
    keys = [HEADER_TO_KEY.get(str(h).strip()) if h is not None else None for h in header]
    missing = [h for k, h in ROSTER_COLUMNS if k in ("name", "gender") and k not in keys]
    if missing:
        raise RosterFileError("header", "、".join(missing))
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= max_rows:
            raise RosterFileError("too_many", str(max_rows))
        out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    wb.close()
    if not out:
        raise RosterFileError("empty")
    return out


def column_letter(key: str) -> str:
    for index, (k, _header) in enumerate(ROSTER_COLUMNS, start=1):
        if k == key:
            return get_column_letter(index)
    return "?"


def column_header(key: str) -> str:
    return dict(ROSTER_COLUMNS).get(key, key)
