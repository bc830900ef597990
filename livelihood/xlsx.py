"""The .xlsx plumbing every import and export shares: styled sheets with Chinese headers,
reading rows by header, and the row/column errors an all-or-nothing import reports.

Each format (the deputy roster, offline suggestions) only declares its columns."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Columns = tuple[tuple[str, str], ...]  # (stable key, Chinese header)


class XlsxFileError(ValueError):
    """The upload is not a readable workbook of this format at all (not row-level).
    Codes: not_xlsx, empty, header (detail: missing headers), too_many (detail: the limit)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class RowError:
    row: int | None
    column: str  # spreadsheet letter, or "" for file-level errors
    header: str
    message: str


def styled_sheet(columns: Columns, rows: list[list], *, title: str, min_width: int = 10) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([header for _key, header in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        ws.append(row)
    for index, (_key, header) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(min_width, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(
    data: bytes, columns: Columns, *, required: tuple[str, ...], max_rows: int = 2000
) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {column key: value}) for every non-empty row."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise XlsxFileError("not_xlsx")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise XlsxFileError("not_xlsx", str(exc)) from exc
    header_to_key = {header: key for key, header in columns}
    rows = wb.worksheets[0].iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration as exc:
        raise XlsxFileError("empty") from exc
    keys = [header_to_key.get(str(h).strip()) if h is not None else None for h in header]
    missing = [h for k, h in columns if k in required and k not in keys]
    if missing:
        raise XlsxFileError("header", "、".join(missing))
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= max_rows:
            raise XlsxFileError("too_many", str(max_rows))
        out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    wb.close()
    if not out:
        raise XlsxFileError("empty")
    return out


def column_letter(columns: Columns, key: str) -> str:
    for index, (k, _header) in enumerate(columns, start=1):
        if k == key:
            return get_column_letter(index)
    return "?"


def column_header(columns: Columns, key: str) -> str:
    return dict(columns).get(key, key)


def cell_error(columns: Columns, row: int, key: str, message: str) -> RowError:
    return RowError(row, column_letter(columns, key), column_header(columns, key), message)


def file_error_message(error: XlsxFileError, *, empty: str) -> str:
    """The user's message for a file that is not a readable workbook of the format."""
    if error.code == "not_xlsx":
        return _("The file is not an Excel workbook (.xlsx). Download the template and fill it in.")
    if error.code == "header":
        return _("The first row must hold the template's headers; missing: %(missing)s") % {
            "missing": error.detail
        }
    if error.code == "too_many":
        return _("Too many rows: at most %(max)s per file.") % {"max": error.detail}
    return empty
