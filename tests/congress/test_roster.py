"""Roster import and export through the staff pages: row-level errors, all or nothing,
duplicates updated rather than doubled."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from congress.domain import ROSTER_COLUMNS
from congress.models import AuditEvent, Deputy

HEADERS = [header for _key, header in ROSTER_COLUMNS]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, township, data: bytes, name="名册.xlsx"):
    return client.post(
        reverse("congress:roster_import", args=[township.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


GOOD = ["赵六", "女", "13900000009", "乡镇", "东河村", "", "教师", "", "教育", "否", "是"]


def test_template_has_chinese_headers(world):
    response = world.client("staff").get(
        reverse("congress:roster_template", args=[world.township.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == HEADERS


def test_good_file_adds_deputies_and_is_audited(world):
    before = Deputy.objects.filter(township=world.township).count()
    second = ["钱七", "男", "", "乡镇、县", "", "", "", "", "", "是", ""]
    response = upload(world.client("staff"), world.township, xlsx([GOOD, second]))
    assert response.status_code == 302
    assert Deputy.objects.filter(township=world.township).count() == before + 2
    zhao = Deputy.objects.get(township=world.township, name="赵六")
    assert zhao.gender == "F" and zhao.home_village == world.village
    assert zhao.expertise == ["教育"]
    qian = Deputy.objects.get(township=world.township, name="钱七")
    assert qian.is_county_deputy and qian.is_party_committee
    event = AuditEvent.objects.get(action="roster.import")
    assert event.after == {"created": 2, "updated": 0, "unchanged": 0}
    assert event.actor == world.users["staff"]


def test_a_bad_row_is_named_and_nothing_is_written(world):
    """Row 3 has a bad gender and an unknown village: the page names row and column, and
    the good row 2 is not written either."""
    bad = ["孙八", "未知", "13900000010", "乡镇", "火星村", "", "", "", "", "否", "是"]
    before = Deputy.objects.count()
    response = upload(world.client("staff"), world.township, xlsx([GOOD, bad]))
    assert response.status_code == 400
    page = response.content.decode()
    errors = response.context["errors"]
    assert {(e.row, e.column) for e in errors} == {(3, "B"), (3, "E")}
    assert "性别" in page and "居住村（社区）" in page
    assert Deputy.objects.count() == before
    assert not AuditEvent.objects.filter(action="roster.import").exists()


def test_same_name_and_phone_updates_instead_of_doubling(world):
    client = world.client("staff")
    upload(client, world.township, xlsx([GOOD]))
    changed = list(GOOD)
    changed[6] = "校长"
    response = upload(client, world.township, xlsx([changed]))
    assert response.status_code == 302
    matches = Deputy.objects.filter(township=world.township, name="赵六")
    assert matches.count() == 1
    assert matches.get().profession == "校长"
    assert AuditEvent.objects.filter(action="roster.import").latest("id").after == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }


def test_repeated_row_within_the_file_is_an_error(world):
    response = upload(world.client("staff"), world.township, xlsx([GOOD, GOOD]))
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["errors"]] == [(3, "A")]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"name,gender\n", "roster.xlsx"),  # not a workbook at all
        (b"PK\x03\x04garbage", "roster.xlsx"),  # a damaged zip
        (xlsx([GOOD]), "roster.csv"),  # wrong extension
    ],
)
def test_files_that_are_not_rosters_are_refused_clearly(world, data, name):
    before = Deputy.objects.count()
    response = upload(world.client("staff"), world.township, data, name=name)
    assert response.status_code == 400
    assert Deputy.objects.count() == before
    page = response.content.decode()
    assert "xlsx" in page


def test_missing_header_is_reported(world):
    response = upload(world.client("staff"), world.township, xlsx([["x"]], headers=["名字"]))
    assert response.status_code == 400
    assert "姓名" in response.context["errors"][0].message


def test_oversize_upload_is_refused(world, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1024
    response = upload(world.client("staff"), world.township, xlsx([GOOD] * 50))
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_export_round_trips_through_import(world):
    client = world.client("staff")
    response = client.get(reverse("congress:roster_export", args=[world.township.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "王建国" in names and "李秀英" not in names  # only this township
    before = Deputy.objects.count()
    again = upload(client, world.township, response.content)
    assert again.status_code == 302
    assert Deputy.objects.count() == before
    assert AuditEvent.objects.filter(action="roster.import").latest("id").after["unchanged"] == len(
        names
    )


def test_other_townships_staff_cannot_import_here(world):
    response = upload(world.client("staff_other"), world.township, xlsx([GOOD]))
    assert response.status_code == 404
    assert not Deputy.objects.filter(name="赵六").exists()


def test_reviewer_cannot_import(world):
    response = upload(world.client("reviewer"), world.township, xlsx([GOOD]))
    assert response.status_code == 403
    assert not Deputy.objects.filter(name="赵六").exists()


@pytest.mark.parametrize(
    "row,column",
    [
        (["李\u202e四", *GOOD[1:]], "A"),  # a right-to-left override in the name
        ([*GOOD[:8], "水利" * 20, *GOOD[9:]], "I"),  # an expertise tag over 32 characters
    ],
    ids=["bidi name", "long expertise tag"],
)
def test_a_row_the_model_refuses_is_named_and_nothing_is_written(world, row, column):
    """Rules only the model knows (invisible characters, the tag length) are row errors too,
    never a server error, and the good row before it is not written."""
    second = ["钱七", "男", "13900000011", "乡镇", "", "", "", "", "", "否", "是"]
    before = Deputy.objects.count()
    response = upload(world.client("staff"), world.township, xlsx([second, row]))
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert Deputy.objects.count() == before
