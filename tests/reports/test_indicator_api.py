"""The county's indicators through /api/v1/: the dashboard's own figures, as of a date, with
each figure's definition; only the county's reviewers."""

import pytest
from django.urls import reverse

from cycle import indicators

pytestmark = pytest.mark.django_db


def test_the_api_gives_the_dashboards_figures_and_their_bases(report_world):
    w = report_world
    url = reverse("api:county-indicators-detail", args=[w.county.pk])
    body = w.client("reviewer").get(url, {"year": 2026}).json()
    expected = indicators.county_figures(w.county, 2026)
    assert expected.total.elected == 5  # 3 in 青石镇, 2 in 柳河乡
    assert body["year"] == 2026
    assert body["total"]["elected"] == expected.total.elected
    assert sum(t["figures"]["elected"] or 0 for t in body["townships"]) == expected.total.elected
    assert set(body["definitions"]) >= {"yes_share", "satisfaction", "handover_closure"}


def test_bad_query_values_are_a_clear_400(report_world):
    w = report_world
    url = reverse("api:county-indicators-detail", args=[w.county.pk])
    response = w.client("reviewer").get(url, {"year": "abc", "as_of": "2026-13-45"})
    assert response.status_code == 400
    assert {"year", "as_of"} <= set(response.json())
