"""The .xlsx format for suggestions collected offline: template and reading rows."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (key, Chinese header). Keys are stable; the headers are what users see.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", "标题"),
    ("content", "内容"),
    ("channel", "渠道"),
    ("village", "村（社区）"),
    ("location", "具体位置"),
    ("category", "类别"),
    ("deputy", "接收代表"),
    ("estimated_investment", "估算投资（万元）"),
    ("funding_source", "资金来源"),
    ("implementing_body", "实施主体"),
    ("deadline", "完成时限"),
    ("necessity", "必要性和可行性"),
    ("proposer_name", "建议人姓名"),
    ("proposer_phone", "建议人电话"),
)
REQUIRED_HEADERS = ("title", "content", "channel")
HEADER_TO_KEY = {header: key for key, header in COLUMNS}
MAX_ROWS = 2000


class SuggestionFileError(ValueError):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


def template_bytes(example_village: str = "") -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "建议"
    ws.append([header for _key, header in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    ws.append(
        [
            "村道安装路灯",
            "村口至小学约800米道路没有路灯，夜间出行不便。",
            "村民会议",
            example_village,
            "村口至小学",
            "道路照明",
            "",
            30,
            "镇财政",
            "镇建设办",
            "2027-10-31",
            "学生和老人夜间出行安全",
            "",
            "",
        ]
    )
    for index, (_key, header) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SuggestionFileError("not_xlsx")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for damaged files
        raise SuggestionFileError("not_xlsx", str(exc)) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration as exc:
        raise SuggestionFileError("empty") from exc
    keys = [HEADER_TO_KEY.get(str(h).strip()) if h is not None else None for h in header]
    missing = [h for k, h in COLUMNS if k in REQUIRED_HEADERS and k not in keys]
    if missing:
        raise SuggestionFileError("header", "、".join(missing))
    out = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(out) >= MAX_ROWS:
            raise SuggestionFileError("too_many", str(MAX_ROWS))
        out.append((number, {k: v for k, v in zip(keys, values, strict=False) if k}))
    wb.close()
    if not out:
        raise SuggestionFileError("empty")
    return out


def column_letter(key: str) -> str:
    for index, (k, _header) in enumerate(COLUMNS, start=1):
        if k == key:
            return get_column_letter(index)
    return "?"


def column_header(key: str) -> str:
    return dict(COLUMNS).get(key, key)
