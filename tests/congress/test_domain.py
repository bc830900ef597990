"""Pure rules: quorum arithmetic, headcount, roster rows. No database."""

import pytest

from congress.domain import (
    headcount,
    parse_roster_row,
    quorum_met,
    quorum_needed,
    roster_duplicate_rows,
)


@pytest.mark.parametrize(
    ("present", "in_office", "met"),
    [
        (80, 120, True),  # exactly two thirds passes (S1)
        (79, 120, False),
        (120, 120, True),
        (34, 50, True),  # 34*3 = 102 >= 100
        (33, 50, False),
        (0, 0, False),  # nobody in office: no quorum
        (1, 1, True),
    ],
)
def test_quorum_two_thirds_inclusive(present, in_office, met):
    assert quorum_met(present=present, in_office=in_office) is met


def test_quorum_configurable_fraction():
    """A township may require more than half instead of two thirds."""
    assert quorum_met(present=26, in_office=51, numerator=1, denominator=2) is True
    assert quorum_met(present=25, in_office=51, numerator=1, denominator=2) is False


@pytest.mark.parametrize(("in_office", "needed"), [(120, 80), (50, 34), (51, 34), (3, 2), (0, 0)])
def test_quorum_needed_is_the_smallest_passing_count(in_office, needed):
    assert quorum_needed(in_office=in_office) == needed
    if in_office:
        assert quorum_met(present=needed, in_office=in_office)
        assert not quorum_met(present=needed - 1, in_office=in_office)


def test_headcount_counts_each_status():
    count = headcount(["present", "present", "leave", "absent", "present"])
    assert (count.due, count.present, count.on_leave, count.absent) == (5, 3, 1, 1)


VILLAGES = {"东河村", "西岭村"}


def test_roster_row_accepts_a_full_row():
    row = parse_roster_row(
        {
            "name": " 王建国 ",
            "gender": "男",
            "phone": 13800000001,
            "levels": "乡镇、县",
            "home_village": "东河村",
            "work_village": "",
            "profession": "农民",
            "expertise": "农业，水利、道路",
            "is_party_committee": "是",
            "in_office": None,
        },
        village_names=VILLAGES,
    )
    assert row.errors == []
    v = row.values
    assert v["name"] == "王建国"
    assert v["gender"] == "M"
    assert v["phone"] == "13800000001"  # an Excel number keeps no ".0"
    assert v["is_township_deputy"] and v["is_county_deputy"]
    assert v["expertise"] == ["农业", "水利", "道路"]
    assert v["is_party_committee"] is True
    assert v["in_office"] is True  # blank means in office


def test_roster_row_reports_each_bad_cell():
    row = parse_roster_row(
        {
            "name": "",
            "gender": "未知",
            "phone": "12345",
            "levels": "省",
            "home_village": "不存在村",
            "is_party_committee": "也许",
        },
        village_names=VILLAGES,
    )
    assert sorted(row.errors) == sorted(
        [
            ("name", "required"),
            ("gender", "gender"),
            ("phone", "phone"),
            ("levels", "levels"),
            ("home_village", "village"),
            ("is_party_committee", "flag"),
        ]
    )


def test_landline_phone_is_accepted():
    row = parse_roster_row(
        {"name": "李四", "gender": "女", "phone": "0571-88886666"}, village_names=set()
    )
    assert row.errors == []


def test_duplicate_rows_in_one_file_are_found():
    rows = [(2, "张三", "1"), (3, "李四", "2"), (4, "张三", "1"), (5, "张三", "3")]
    assert roster_duplicate_rows(rows) == [(4, 2)]
