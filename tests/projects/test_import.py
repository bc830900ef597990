"""Importing suggestions collected offline from .xlsx: all or nothing, row-level errors."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from projects import services, xlsx
from projects.models import Suggestion

pytestmark = pytest.mark.django_db


def _workbook(rows, header=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header or [h for _k, h in xlsx.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(**values):
    keys = [k for k, _h in xlsx.COLUMNS]
    base = {"title": "修水渠", "content": "灌溉用水不够", "channel": "村民会议"}
    base.update(values)
    return [base.get(k, "") for k in keys]


def test_the_template_has_chinese_headers_and_an_example(world):
    data = xlsx.template_bytes("东河村")
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]][:3] == ["标题", "内容", "渠道"]
    assert ws.max_row == 2


def test_a_good_file_creates_every_suggestion(world):
    data = _workbook(
        [
            _row(village="东河村", deputy="王建国", estimated_investment=30, deadline="2027-10-31"),
            _row(title="修桥", channel="来信", proposer_phone="13900000000"),
        ]
    )
    created = services.suggestion_import(
        actor=world.users["staff"], township=world.township, data=data
    )
    assert len(created) == 2
    first = Suggestion.objects.get(title="修水渠")
    assert first.deputy == world.deputy and first.village == world.village
    assert first.channel == "village_meeting" and str(first.deadline) == "2027-10-31"
    assert Suggestion.objects.get(title="修桥").channel == "letter"


def test_one_bad_row_writes_nothing_and_names_row_and_column(world):
    data = _workbook(
        [
            _row(),
            _row(title="", channel="飞鸽传书", village="火星村", proposer_phone="123"),
        ]
    )
    with pytest.raises(services.SuggestionImportError) as exc:
        services.suggestion_import(actor=world.users["staff"], township=world.township, data=data)
    cells = {(e.row, e.column) for e in exc.value.errors}
    assert {(3, "A"), (3, "C"), (3, "D"), (3, "N")} <= cells
    assert not Suggestion.objects.exists()


def test_not_an_xlsx_is_explained(world):
    with pytest.raises(services.SuggestionImportError) as exc:
        services.suggestion_import(
            actor=world.users["staff"], township=world.township, data=b"hello"
        )
    assert exc.value.errors[0].row is None


def test_the_import_page_lists_errors(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("staff")
    upload = SimpleUploadedFile("s.xlsx", _workbook([_row(channel="")]))
    response = client.post(
        reverse("projects:suggestion_import", args=[world.township.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert response.context["errors"][0].column == "C"
    upload = SimpleUploadedFile("s.xlsx", _workbook([_row()]))
    response = client.post(
        reverse("projects:suggestion_import", args=[world.township.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert Suggestion.objects.count() == 1
