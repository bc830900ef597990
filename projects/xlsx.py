"""The .xlsx format for suggestions collected offline: template and reading rows."""

from __future__ import annotations

from livelihood import xlsx
from livelihood.xlsx import XLSX_CONTENT_TYPE  # noqa: F401 - views import it from here

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
MAX_ROWS = 2000

SuggestionFileError = xlsx.XlsxFileError


def template_bytes(example_village: str = "") -> bytes:
    example = [
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
    return xlsx.styled_sheet(COLUMNS, [example], title="建议", min_width=12)


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    return xlsx.read_rows(data, COLUMNS, required=REQUIRED_HEADERS, max_rows=MAX_ROWS)


def column_letter(key: str) -> str:
    return xlsx.column_letter(COLUMNS, key)


def column_header(key: str) -> str:
    return xlsx.column_header(COLUMNS, key)
