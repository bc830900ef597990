"""Pure rules of the stations app: points, frequency, calendar dates, swaps, codes."""

import datetime

import pytest

from stations import domain


def test_defaults_apply_where_the_township_sets_nothing():
    points = domain.item_points({"inspection": 5})
    assert points["inspection"] == 5
    assert points["session_attendance"] == domain.AUTO_ITEMS["session_attendance"]
    assert list(points) == list(domain.AUTO_ITEMS)


def test_points_are_count_times_points_each_summed_with_manual_items():
    points = domain.item_points({})
    lines = domain.point_lines({"station_duty": 3, "suggestion": 4}, points)
    by_code = {line.code: line for line in lines}
    assert by_code["station_duty"].points == 3 * 2
    assert by_code["suggestion"].points == 4 * 1
    assert by_code["inspection"].points == 0
    assert domain.total_points(lines, manual_points=5) == 6 + 4 + 5


def test_an_unknown_item_is_refused():
    with pytest.raises(domain.StationRuleError) as exc:
        domain.point_lines({"how_they_voted": 1}, domain.item_points({}))
    assert exc.value.code == "unknown_item"


def test_no_item_reads_how_a_deputy_voted():
    """Attendance only: no item is about ballots or votes."""
    assert not any("vote" in code or "ballot" in code for code in domain.AUTO_ITEMS)


@pytest.mark.parametrize(
    ("attended", "as_of", "expected"),
    [
        (4, datetime.date(2026, 3, 1), domain.OK),  # minimum reached
        (0, datetime.date(2026, 1, 20), domain.OK),  # due 4 × 20 // 365 = 0
        (0, datetime.date(2026, 4, 1), domain.OK),  # due 4 × 91 // 365 = 0
        (0, datetime.date(2026, 4, 2), domain.BEHIND),  # due 4 × 92 // 365 = 1
        (1, datetime.date(2026, 7, 2), domain.BEHIND),  # due 4 × 183 // 365 = 2
        (2, datetime.date(2026, 7, 2), domain.OK),
        (3, datetime.date(2026, 12, 31), domain.MISSED),
        (3, datetime.date(2027, 2, 1), domain.MISSED),
        (0, datetime.date(2025, 12, 1), domain.OK),  # the year has not begun
    ],
)
def test_minimum_station_frequency(attended, as_of, expected):
    assert domain.frequency_status(attended=attended, minimum=4, year=2026, as_of=as_of) == expected


def test_monthly_dates_plan_a_year_ahead():
    dates = domain.monthly_dates(2027, weekday=0, nth=1)
    assert len(dates) == 12
    assert dates[0] == datetime.date(2027, 1, 4)
    assert all(d.weekday() == 0 and d.day <= 7 for d in dates)
    last = domain.monthly_dates(2027, weekday=4, nth=-1)
    assert last[0] == datetime.date(2027, 1, 29)
    with pytest.raises(domain.StationRuleError):
        domain.monthly_dates(2027, weekday=7, nth=1)


def test_weekly_dates():
    dates = domain.weekly_dates(
        datetime.date(2027, 1, 1), datetime.date(2027, 1, 31), weekday=2, every=2
    )
    assert dates == [datetime.date(2027, 1, 6), datetime.date(2027, 1, 20)]


def test_deputies_take_turns():
    rota = domain.rotate_deputies(["d1", "d2", "d3"], [1, 2, 3], per_day=2)
    assert rota == [[1, 2], [3, 1], [2, 3]]
    with pytest.raises(domain.StationRuleError):
        domain.rotate_deputies(["d1"], [], per_day=2)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"from_id": 9}, "not_on_duty"),
        ({"to_id": 2}, "already_on_duty"),
        ({"to_id": 7}, "not_assigned"),
        ({"has_begun": True}, "duty_begun"),
    ],
)
def test_swap_refusals(kwargs, code):
    args = {
        "on_duty": {1, 2},
        "from_id": 1,
        "to_id": 3,
        "assigned": {1, 2, 3},
        "has_begun": False,
    }
    args.update(kwargs)
    with pytest.raises(domain.StationRuleError) as exc:
        domain.check_swap(**args)
    assert exc.value.code == code


def test_booking_and_cancel_until_the_day_begins():
    start = datetime.datetime(2027, 1, 4, 9, tzinfo=datetime.UTC)
    before = start - datetime.timedelta(minutes=1)
    assert domain.can_book(duty_start=start, now=before, published=True)
    assert not domain.can_book(duty_start=start, now=before, published=False)
    assert not domain.can_book(duty_start=start, now=start, published=True)
    assert domain.can_cancel(status="booked", duty_start=start, now=before)
    assert not domain.can_cancel(status="cancelled", duty_start=start, now=before)
    assert not domain.can_cancel(status="booked", duty_start=start, now=start)


def test_receipt_codes():
    code = domain.code_from_bytes(bytes(range(8)))
    assert len(code) == domain.CODE_LENGTH
    assert set(code) <= set(domain.CODE_ALPHABET)
    assert domain.normalise_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert domain.format_code(code) == f"{code[:4]}-{code[4:]}"
