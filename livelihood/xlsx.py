"""The .xlsx plumbing every import and export shares: styled sheets with Chinese headers,
reading rows by header, and the row/column errors an all-or-nothing import reports.

Each format (the deputy roster, offline suggestions) only declares its columns.

An uploaded workbook is a zip of XML parts, and a 1 MB upload can unpack to gigabytes. So before
openpyxl parses anything, `_check_archive` looks at the zip's directory (part count, declared
sizes, compression ratio) and then reads every part in bounded chunks — declared sizes can be
forged — refusing XML that declares a DTD (entity expansion) or an encoding other than UTF-8.
Exports write every text that a spreadsheet would take for a formula as plain text."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Columns = tuple[tuple[str, str], ...]  # (stable key, Chinese header)

# Limits on an uploaded workbook. A real 2,000-row file unpacks to 1–3 MB (its sheet compresses
# about 16:1); 2,000 suggestions of 2,000 Chinese characters each would be ~12 MB of text.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # all parts together
MAX_PART_BYTES = 16 * 1024 * 1024  # any one part
MAX_PARTS = 200
# XML tags ("<") in all parts together: what parsing costs (~4 µs a tag). A full 2,000-row file
# has ~170,000; this leaves room for empty formatted cells (one tag each) and keeps parsing
# under ~1.5 s.
MAX_XML_TAGS = 300_000
# Tags in one row of a sheet: openpyxl holds a whole row in memory (~600 bytes a cell). A row of
# the formats has at most 14 cells of a few tags each.
MAX_ROW_TAGS = 4000
MAX_RATIO = 100  # unpacked / packed, for a part of at least RATIO_FROM_BYTES
RATIO_FROM_BYTES = 1024 * 1024
MAX_COLUMNS = 64  # columns read per row; the formats have at most 14
MAX_CELL_CHARS = 2000  # the longest text any format takes (a suggestion's content)
EXCEL_MAX_ROWS = 1_048_576  # no spreadsheet program writes a row below this
_CHUNK = 64 * 1024
_ROW_TAG_RE = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]{0,20}:)?(row|sheetData)[\s>/]")
_GUARD = 40  # longer than any match of _ROW_TAG_RE
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_XML_ENCODING_RE = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# Characters that make a spreadsheet read a typed text as a formula (or as a DDE call).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_BAD_RE = re.compile(r"[\\*?:/\[\]]")


class XlsxFileError(ValueError):
    """The upload is not a readable workbook of this format at all (not row-level).

    Codes: not_xlsx, damaged (a broken or forged zip, or XML parts no spreadsheet writes),
    unpacked (detail: the limit in MB), parts (detail: the limit), compression, cells,
    empty, header (detail: missing headers), too_many (detail: the limit),
    cell_too_long (detail: the cells, e.g. "C5 (内容)")."""

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


# ---------------------------------------------------------------------------------------------
# Writing


def safe_value(value):
    """A value openpyxl can write: control characters no spreadsheet accepts are dropped (they
    would make the whole export fail)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def safe_cell(cell) -> None:
    """Text that starts like a formula is written as text, never as a formula: stored as a
    string with Excel's quote prefix (the text shown is unchanged; editing the cell keeps it
    text). Numbers stay numbers."""
    value = cell.value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts (no []:*?/\\, at most 31 characters) from a user's text."""
    return (_SHEET_TITLE_BAD_RE.sub(" ", safe_value(str(title))).strip() or "Sheet")[:31]


def append_row(ws, values) -> None:
    """Append one row of an export, every cell through safe_value and safe_cell."""
    ws.append([safe_value(v) for v in values])
    for cell in ws[ws.max_row]:
        safe_cell(cell)


def styled_sheet(columns: Columns, rows: list[list], *, title: str, min_width: int = 10) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    ws.append([header for _key, header in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        append_row(ws, row)
    for index, (_key, header) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(min_width, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading


def _check_xml_head(head: bytes) -> None:
    """Excel and WPS write every XML part in UTF-8. XML in another encoding (UTF-16, UTF-7, …)
    could hide a DTD from the byte scan in _read_part, so it is refused. Binary parts (printer
    settings, images) do not start like XML and pass."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        raise XlsxFileError("damaged")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if head.startswith(b"<?xml"):
        declaration = head.split(b"?>", 1)[0]
        match = _XML_ENCODING_RE.search(declaration)
        if match and match.group(1).decode("ascii").lower() not in _UTF8_NAMES:
            raise XlsxFileError("damaged")


def _check_archive(data: bytes) -> None:
    """Refuse a zip that would cost too much to unpack, before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxFileError("not_xlsx", str(exc)) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise XlsxFileError("parts", str(MAX_PARTS))
        mb = MAX_UNPACKED_BYTES // (1024 * 1024)
        if sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
            raise XlsxFileError("unpacked", str(mb))
        for part in parts:
            if part.file_size > MAX_PART_BYTES:
                raise XlsxFileError("unpacked", str(MAX_PART_BYTES // (1024 * 1024)))
            if part.file_size >= RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
                part.compress_size, 1
            ):
                raise XlsxFileError("compression")
        # The sizes above are what the zip declares. Read every part for real, in chunks, and
        # stop as soon as the total passes the limit: a forged size cannot get past this.
        counts = [0, 0]  # bytes, tags
        for part in parts:
            if part.is_dir():
                continue
            try:
                _read_part(archive, part, counts)
            except XlsxFileError:
                raise
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                raise XlsxFileError("damaged", str(exc)) from exc


def _read_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, counts: list[int]) -> None:
    """Read one part in chunks (a bad CRC raises), adding to the running [bytes, tags]."""
    scan = _PartScan(counts)
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            scan.feed(chunk)
    scan.feed(b"", final=True)


class _PartScan:
    """The checks on one part's bytes, fed chunk by chunk: totals, DTDs, and tags per row (one
    row's cells are all held in memory by openpyxl at once)."""

    def __init__(self, counts: list[int]):
        self.counts = counts
        self.carry = b""  # the end of the previous chunk, so a tag cut in two is still seen
        self.first = True
        self.in_rows = False
        self.row_tags = 0

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if self.first and chunk:
            _check_xml_head(chunk)
            self.first = False
        self.counts[0] += len(chunk)
        self.counts[1] += chunk.count(b"<")
        if self.counts[0] > MAX_UNPACKED_BYTES:
            raise XlsxFileError("unpacked", str(MAX_UNPACKED_BYTES // (1024 * 1024)))
        if self.counts[1] > MAX_XML_TAGS:
            raise XlsxFileError("cells")
        buf = self.carry + chunk
        if b"<!DOCTYPE" in buf or b"<!ENTITY" in buf:
            raise XlsxFileError("damaged")
        # Tags starting before `end` are complete in buf (_GUARD is longer than any match).
        end = len(buf) if final else max(len(buf) - _GUARD, 0)
        pos = 0
        for match in _ROW_TAG_RE.finditer(buf):
            if match.start() >= end:
                break
            self._count(buf.count(b"<", pos, match.start()))
            pos = match.start()
            closing, name = match.group(1), match.group(2)
            if name == b"row" and not closing:
                self.in_rows, self.row_tags = True, 0
            elif name == b"sheetData" and closing:
                self.in_rows = False
        self._count(buf.count(b"<", pos, end))
        self.carry = buf[end:]

    def _count(self, tags: int) -> None:
        if self.in_rows:
            self.row_tags += tags
            if self.row_tags > MAX_ROW_TAGS:
                raise XlsxFileError("cells")


def read_rows(
    data: bytes, columns: Columns, *, required: tuple[str, ...], max_rows: int = 2000
) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {column key: value}) for every non-empty row.

    Nothing is dropped silently: a workbook that is too costly to unpack, a cell longer than
    MAX_CELL_CHARS and more than max_rows rows are refused with an XlsxFileError."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise XlsxFileError("not_xlsx")
    _check_archive(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise XlsxFileError("not_xlsx", str(exc)) from exc
    try:
        return _rows(wb, columns, required=required, max_rows=max_rows)
    except XlsxFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - a sheet damaged past its first rows
        raise XlsxFileError("not_xlsx", str(exc)) from exc
    finally:
        wb.close()


def _rows(wb, columns: Columns, *, required, max_rows: int) -> list[tuple[int, dict]]:
    header_to_key = {header: key for key, header in columns}
    if not wb.worksheets:
        raise XlsxFileError("empty")
    # max_row is given so openpyxl does not trust the sheet's declared dimension (which could
    # cut rows off, or pad millions of empty ones); max_col bounds every row read.
    rows = wb.worksheets[0].iter_rows(
        min_row=1, max_row=EXCEL_MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
    )
    try:
        header = next(rows)
    except StopIteration as exc:
        raise XlsxFileError("empty") from exc
    keys = [header_to_key.get(str(h).strip()) if h is not None else None for h in header]
    missing = [h for k, h in columns if k in required and k not in keys]
    if missing:
        raise XlsxFileError("header", "、".join(missing))
    blank = (None,) * MAX_COLUMNS
    long_cells: list[str] = []
    out = []
    for number, values in enumerate(rows, start=2):
        if values == blank:
            continue
        if number > EXCEL_MAX_ROWS:
            raise XlsxFileError("damaged")
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= max_rows:
            raise XlsxFileError("too_many", str(max_rows))
        row = {}
        for index, (key, value) in enumerate(zip(keys, values, strict=False), start=1):
            if not key:
                continue
            if isinstance(value, str) and len(value.strip()) > MAX_CELL_CHARS:
                long_cells.append(
                    f"{get_column_letter(index)}{number} ({column_header(columns, key)})"
                )
                value = None  # not kept: the file is refused below
            row[key] = value
        out.append((number, row))
    if long_cells:
        shown = "、".join(long_cells[:10]) + ("…" if len(long_cells) > 10 else "")
        raise XlsxFileError("cell_too_long", shown)
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
    if error.code == "damaged":
        return _(
            "The workbook is damaged or holds parts Excel does not write. Open it in Excel or "
            "WPS, save it again as .xlsx and upload that file."
        )
    if error.code == "unpacked":
        return _(
            "The workbook is too large when unpacked (over %(mb)s MB); split it into smaller files."
        ) % {"mb": error.detail}
    if error.code == "parts":
        return _(
            "The workbook has too many parts (over %(max)s). Copy the rows into the template "
            "and upload that file."
        ) % {"max": error.detail}
    if error.code == "compression":
        return _(
            "The workbook unpacks to more than %(ratio)s times its size, which spreadsheets "
            "never do. Open it in Excel or WPS, save it again as .xlsx and upload that file."
        ) % {"ratio": MAX_RATIO}
    if error.code == "cells":
        return _(
            "The workbook holds too many cells, counting empty formatted ones. Copy the rows "
            "into the template and upload that file."
        )
    if error.code == "cell_too_long":
        return _(
            "A cell may hold at most %(max)s characters; too long: %(cells)s. Shorten these cells."
        ) % {"max": MAX_CELL_CHARS, "cells": error.detail}
    if error.code == "header":
        return _("The first row must hold the template's headers; missing: %(missing)s") % {
            "missing": error.detail
        }
    if error.code == "too_many":
        return _("Too many rows: at most %(max)s per file.") % {"max": error.detail}
    return empty
