"""The pure rules behind a county's .xlsx import (issue 17): which village names a county's
file may use, and how a row's village cell is judged."""

from projects import domain


def _county():
    return domain.county_village_names(
        [
            (1, "青石镇", "东河村"),
            (2, "柳河乡", "东河村"),
            (3, "柳河乡", "柳河村"),
        ]
    )


def test_qualified_names_always_work_and_bare_names_only_when_unique():
    names, ambiguous = _county()
    assert names == {"青石镇东河村": 1, "柳河乡东河村": 2, "柳河乡柳河村": 3, "柳河村": 3}
    assert ambiguous == {"东河村"}


def test_spaces_and_slashes_between_township_and_village_are_forgiven():
    for text in (
        "青石镇东河村",
        " 青石镇 东河村 ",
        "青石镇/东河村",
        "青石镇 ／ 东河村",
        "青石镇\u3000东河村",
    ):
        assert domain.compact_village_name(text) == "青石镇东河村"
    assert domain.compact_village_name(None) == ""


def test_an_ambiguous_bare_name_has_its_own_code():
    names, ambiguous = _county()
    base = {"title": "修桥", "content": "桥坏了", "channel": "来信"}
    row = domain.parse_suggestion_row(
        {**base, "village": "东河村"},
        village_names=names,
        deputy_names=set(),
        ambiguous_villages=ambiguous,
    )
    assert row.errors == [("village", "village_ambiguous")]
    row = domain.parse_suggestion_row(
        {**base, "village": "柳河村"},
        village_names=names,
        deputy_names=set(),
        ambiguous_villages=ambiguous,
    )
    assert row.errors == [] and row.values["village"] == "柳河村"
    row = domain.parse_suggestion_row(
        {**base, "village": "火星村"},
        village_names=names,
        deputy_names=set(),
        ambiguous_villages=ambiguous,
    )
    assert row.errors == [("village", "village")]
