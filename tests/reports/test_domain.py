"""The report charts' pure rules (reports/domain.py): no database."""

import re

import pytest

from reports.domain import Bar, hbar_svg, text_width


def _value_texts(svg: str) -> list[tuple[float, str]]:
    """(x, text) of every text drawn left-aligned (the values right of the bars)."""
    return [
        (float(x), text)
        for x, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" font-size="10" fill="#222">([^<]*)</text>', svg
        )
    ]


@pytest.mark.parametrize(
    "bars",
    [
        # The quarterly report's funding chart: a project with no report yet has the
        # longest text and the longest (budget) bar.
        [
            Bar(label="大坝村饮用水管网改造", value=120, second=320, text="120 / 320 万元"),
            Bar(label="镇区污水管网延伸工程", value=0, second=680, text="— / 680 万元"),
        ],
        [Bar(label="甲", value=100, text="100.00%")],
        [Bar(label="乙", value=5, second=12345, text="12345.00 / 12345.00 万元")],
    ],
)
def test_value_text_stays_inside_the_chart(bars):
    width = 480
    svg = hbar_svg(bars, width=width)
    texts = _value_texts(svg)
    assert len(texts) == len(bars)
    for x, text in texts:
        assert x + text_width(text, 10) <= width, f"{text!r} runs off the chart at x={x}"


def test_labels_are_escaped_and_shortened():
    svg = hbar_svg([Bar(label="<script>很长很长很长很长的项目名称</script>", value=1, text="1")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "…" in svg


def test_no_bars_draw_a_no_data_line():
    assert "暂无数据" in hbar_svg([])


def test_text_width_counts_cjk_as_a_full_em():
    assert text_width("万元", 10) == 20
    assert text_width("12", 10) == pytest.approx(12)
