"""Hostile uploads and exports: workbooks that unpack to far more than they weigh, formulas
typed into names and titles, photos that cost hundreds of megabytes to decode.

The workbooks are real zips built here: a valid workbook from openpyxl whose sheet is replaced
by one written in chunks, so a 64 MB cell costs the test no more than a 64 KB upload."""

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from PIL import Image

from congress.domain import ROSTER_COLUMNS
from congress.models import AuditEvent, Deputy
from livelihood import xlsx
from projects import xlsx as suggestion_format
from projects.models import Suggestion
from supervision.models import Photo

from ..reports import conftest as reports_conftest
from ..supervision import conftest as supervision_conftest

pytestmark = pytest.mark.django_db

# Fixtures of other test packages used here.
report_world = reports_conftest.report_world
plan = supervision_conftest.plan
confirmed = supervision_conftest.confirmed

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Building workbooks


def _cell(ref: str, text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_xml(rows, *, big=None, head=""):
    """The sheet as chunks of bytes. `big` = (row, column, megabytes): that cell holds that many
    megabytes of "A", streamed, never held in memory whole."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>' + head + '<worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    ).encode()
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(values, start=1):
            ref = f"{xlsx.get_column_letter(c)}{r}"
            if big and (r, c) == big[:2]:
                yield (f'<row r="{r}">' + "".join(cells)).encode()
                yield f'<c r="{ref}" t="inlineStr"><is><t>'.encode()
                block = b"A" * MB
                for _ in range(big[2]):
                    yield block
                yield b"</t></is></c>"
                cells = []
                continue
            if value not in (None, ""):
                cells.append(_cell(ref, str(value)))
        if big and r == big[0]:
            yield ("".join(cells) + "</row>").encode()
        else:
            yield f'<row r="{r}">{"".join(cells)}</row>'.encode()
    yield b"</sheetData></worksheet>"


def workbook(sheet_chunks, *, extra=()) -> bytes:
    """A valid workbook (openpyxl's parts) with its sheet replaced and extra parts added."""
    base = io.BytesIO()
    Workbook().save(base)
    src = zipfile.ZipFile(base)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == SHEET:
                part = zipfile.ZipInfo(SHEET)
                part.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(part, "w") as fh:
                    for chunk in sheet_chunks:
                        fh.write(chunk)
            else:
                dst.writestr(info.filename, src.read(info.filename))
        for name, content in extra:
            dst.writestr(name, content)
    return out.getvalue()


def forge_size(data: bytes, name: str, size: int) -> bytes:
    """The same zip, its central directory lying about the unpacked size of one part."""
    buf = bytearray(data)
    pos = 0
    while (pos := buf.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack_from("<H", buf, pos + 28)[0]
        if bytes(buf[pos + 46 : pos + 46 + name_len]).decode() == name:
            struct.pack_into("<I", buf, pos + 24, size)
        pos += 4
    return bytes(buf)


SUGGESTION_HEADERS = [h for _k, h in suggestion_format.COLUMNS]
SUGGESTION_ROW = ["修水渠", "灌溉用水不够", "村民会议"]
ROSTER_HEADERS = [h for _k, h in ROSTER_COLUMNS]
ROSTER_ROW = ["赵六", "女", "13900000009", "乡镇"]


def _suggestion_count(world):
    return Suggestion.objects.filter(township=world.township).count()


def _deputy_count(world):
    return Deputy.objects.filter(township=world.township).count()


IMPORTS = {
    "suggestions": (
        "projects:suggestion_import",
        SUGGESTION_HEADERS,
        SUGGESTION_ROW,
        _suggestion_count,
        "suggestion.import",
    ),
    "roster": (
        "congress:roster_import",
        ROSTER_HEADERS,
        ROSTER_ROW,
        _deputy_count,
        "roster.import",
    ),
}


def _post(world, url_name, data: bytes):
    client = world.client("staff")
    client.cookies["django_language"] = "en"
    return client.post(
        reverse(url_name, args=[world.township.pk]),
        {"file": SimpleUploadedFile("导入.xlsx", data)},
    )


# The hostile files, each with what the page must say. The good row comes after the hostile
# one, so a reader that skipped the bad row would import it.
def _bomb(headers, row):
    return workbook(sheet_xml([headers, row, row], big=(2, 1, 64)))


def _many_parts(headers, row):
    return workbook(
        sheet_xml([headers, row]), extra=[(f"customXml/item{i}.xml", "<a/>") for i in range(250)]
    )


def _absurd_ratio(headers, row):
    return workbook(sheet_xml([headers, row]), extra=[("xl/media/pad.xml", "<a>" + "A" * 2 * MB)])


def _forged_size(headers, row):
    return forge_size(_bomb(headers, row), SHEET, 5000)


def _entities(headers, row):
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    return workbook(sheet_xml([headers, row], head=laughs))


def _utf7(headers, row):
    data = b"".join(sheet_xml([headers, row])).replace(b'encoding="UTF-8"', b'encoding="UTF-7"')
    return workbook([data])


def _fat_row(headers, row):
    return workbook(sheet_xml([headers, list(row) + ["x"] * 3000]))


def _long_cell(headers, row):
    long_row = list(row)
    long_row[1] = "长" * 2001  # content (suggestions) / gender (roster): column B
    return workbook(sheet_xml([headers, row, long_row]))


HOSTILE = {
    "bomb": (_bomb, "too large when unpacked (over 20 MB)"),
    "many parts": (_many_parts, "too many parts (over 200)"),
    "absurd ratio": (_absurd_ratio, "more than 100 times its size"),
    "forged size": (_forged_size, "damaged"),
    "entities": (_entities, "damaged"),
    "utf-7": (_utf7, "damaged"),
    "fat row": (_fat_row, "too many cells"),
    "long cell": (_long_cell, "at most 2000 characters; too long: B3"),
}


@pytest.mark.parametrize("kind", list(IMPORTS))
def test_the_builder_makes_workbooks_that_import(world, kind):
    """Control: the workbook these tests build imports when nothing in it is hostile, so the
    refusals below come from the limits."""
    url_name, headers, row, count, _action = IMPORTS[kind]
    before = count(world)
    response = _post(world, url_name, workbook(sheet_xml([headers, row])))
    assert response.status_code == 302
    assert count(world) == before + 1


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("kind", list(IMPORTS))
def test_a_hostile_workbook_is_refused_clearly_and_imports_nothing(world, kind, case):
    url_name, headers, row, count, action = IMPORTS[kind]
    build, message = HOSTILE[case]
    data = build(headers, row)
    assert len(data) < 2 * MB  # under the upload limit: the form lets it through
    before = count(world)
    audits = AuditEvent.objects.filter(action=action).count()
    response = _post(world, url_name, data)
    assert response.status_code == 400  # the form again, with the reason; not a 500
    assert "<form" in response.content.decode()
    errors = response.context["errors"]
    assert len(errors) == 1 and errors[0].row is None
    assert message in errors[0].message, errors[0].message
    assert message.split(" (")[0] in response.content.decode()
    assert count(world) == before
    assert AuditEvent.objects.filter(action=action).count() == audits


def test_the_bomb_is_refused_before_it_is_unpacked():
    """The declared sizes are read, not the contents: a 256 MB cell in a 256 KB upload is
    refused without unpacking it (a 1 GiB one took 18 s and 2 GB before; building that here
    would take the test 7 s)."""
    data = workbook(sheet_xml([SUGGESTION_HEADERS, SUGGESTION_ROW], big=(2, 2, 256)))
    assert len(data) < 2 * MB
    with pytest.raises(xlsx.XlsxFileError) as exc:
        suggestion_format.read_rows(data)
    assert exc.value.code == "unpacked"


def test_a_long_cell_names_its_row_and_column():
    data = workbook(sheet_xml([SUGGESTION_HEADERS, SUGGESTION_ROW, ["x", "长" * 2001, "来信"]]))
    with pytest.raises(xlsx.XlsxFileError) as exc:
        suggestion_format.read_rows(data)
    assert exc.value.code == "cell_too_long"
    assert exc.value.detail == "B3 (内容)"
    ok = workbook(sheet_xml([SUGGESTION_HEADERS, ["x", "长" * 2000, "来信"]]))
    assert len(suggestion_format.read_rows(ok)[0][1]["content"]) == 2000


def test_a_far_row_and_a_lying_dimension_lose_nothing():
    """openpyxl trusts the sheet's <dimension>; the reader does not, so no row is cut off."""
    chunks = b"".join(sheet_xml([SUGGESTION_HEADERS, SUGGESTION_ROW]))
    chunks = chunks.replace(b"<sheetData>", b'<dimension ref="A1:A1"/><sheetData>')
    far = b'<row r="60000">' + _cell("A60000", "修桥").encode() + b"</row></sheetData>"
    chunks = chunks.replace(b"</sheetData>", far)
    rows = suggestion_format.read_rows(workbook([chunks]))
    assert [number for number, _values in rows] == [2, 60000]


# ---------------------------------------------------------------------------------------------
# Exports: text that looks like a formula stays text

# A carriage return comes back from the file as a line feed (XML normalises line ends).
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _assert_text(cell, text):
    assert cell.value == text.replace("\r", "\n")
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_shared_writer_keeps_formulas_as_text_and_numbers_as_numbers():
    columns = tuple((f"k{i}", f"H{i}") for i in range(len(FORMULAS) + 2))
    data = xlsx.styled_sheet(columns, [[*FORMULAS, -5, "平常文字"]], title="t")
    cells = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))[0]
    for cell, text in zip(cells, FORMULAS, strict=False):
        _assert_text(cell, text)
    assert cells[-2].value == -5 and cells[-2].data_type == "n"
    assert cells[-1].value == "平常文字" and not cells[-1].quotePrefix


def test_roster_export_writes_a_formula_profession_as_text(world):
    profession = FORMULAS[0]
    Deputy.objects.filter(pk=world.deputy.pk).update(profession=profession, employer="-5")
    response = world.client("staff").get(
        reverse("congress:roster_export", args=[world.township.pk])
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == world.deputy.name)
    _assert_text(row[6], profession)  # 职业
    _assert_text(row[7], "-5")  # 工作单位: text typed as "-5" stays that text


def test_report_exports_write_formula_titles_and_names_as_text(report_world):
    from voting.models import VoteCandidate

    w = report_world
    title = '=HYPERLINK("http://example.invalid","x")'
    VoteCandidate.objects.filter(title="东河村道路路灯安装").update(title=title)
    w.township.__class__.objects.filter(pk=w.township.pk).update(name="@青石镇")
    response = w.client("staff").get(f"/dashboard/townships/{w.township.pk}/2026.xlsx")
    assert response.status_code == 200
    first = load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in first.iter_rows(min_row=2) if r[0].value == title)
    _assert_text(row[0], title)
    assert row[1].data_type == "n"  # votes for: still a number
    response = w.client("reviewer").get(f"/dashboard/counties/{w.county.pk}/2026.xlsx")
    assert response.status_code == 200
    first = load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in first.iter_rows(min_row=2) if r[0].value == "@青石镇")
    _assert_text(row[0], "@青石镇")
    assert row[3].value == 3 and row[3].data_type == "n"  # elected


# ---------------------------------------------------------------------------------------------
# Photos: pixel budgets read from the header, before anything is decoded


def _image(size, fmt, mode="L") -> bytes:
    """A large image that weighs little: one colour compresses to almost nothing."""
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def _report_post(world, project, photos):
    client = world.client("government")
    client.cookies["django_language"] = "en"
    return client.post(
        reverse("supervision:report_create", args=[project.pk]),
        {
            "period": "2027-Q1",
            "reported_on": timezone.localdate().isoformat(),
            "invested": "10",
            "percent_complete": "10",
            "status": "on_track",
            "photos": [
                SimpleUploadedFile(f"p{i}.{ext}", data, content_type=f"image/{ext}")
                for i, (data, ext) in enumerate(photos)
            ],
        },
    )


def test_a_photo_over_the_pixel_budget_is_refused_from_its_header(world, plan, confirmed):
    project = confirmed[0].project
    bomb = _image((7000, 7000), "PNG", mode="1")
    assert len(bomb) < 200 * 1024
    response = _report_post(world, project, [(bomb, "png")])
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["photos"])
    assert "p0.png has 49 megapixels; a PNG photo may have at most 24" in message
    assert not project.progress_reports.exists()
    assert not Photo.objects.exists()


def test_photos_over_the_budget_of_one_form_are_refused_together(world, plan, confirmed):
    project = confirmed[0].project
    photo = _image((6000, 4000), "JPEG")  # 24 MP each: fine alone, 120 MP for five
    response = _report_post(world, project, [(photo, "jpeg")] * 5)
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["photos"])
    assert "120 megapixels together; at most 100" in message
    assert not project.progress_reports.exists()
    assert not Photo.objects.exists()


def test_a_phone_photo_of_50_megapixels_is_still_accepted(
    world, plan, confirmed, settings, tmp_path
):
    """JPEG is decoded scaled down, so the 50 MP mode of today's phones still fits."""
    settings.MEDIA_ROOT = tmp_path
    project = confirmed[0].project
    response = _report_post(world, project, [(_image((8160, 6120), "JPEG"), "jpeg")])
    assert response.status_code == 302
    photo = Photo.objects.get(report__project=project)
    assert max(photo.width, photo.height) == 1600


def test_the_service_refuses_a_photo_over_budget_too(world, plan, confirmed):
    """Callers other than the form (the API, a script) meet the same per-photo budget."""
    from django.core.exceptions import ValidationError

    from supervision import services

    upload = SimpleUploadedFile("big.png", _image((5000, 5000), "PNG", mode="1"), "image/png")
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=world.users["deputy"],
            project=confirmed[0].project,
            date=timezone.localdate(),
            attendees=[world.deputy],
            notes="现场查看",
            photos=[upload],
        )
    assert "百万像素" in " ".join(exc.value.messages)
    assert not Photo.objects.exists()


def test_a_photo_past_pillows_own_limit_is_too_large_not_unreadable(world, plan, confirmed):
    project = confirmed[0].project
    response = _report_post(world, project, [(_image((15000, 15000), "PNG", mode="1"), "png")])
    assert response.status_code == 200
    assert response.context["form"].errors["photos"] == ["This photo is too large."]
    assert not project.progress_reports.exists()
