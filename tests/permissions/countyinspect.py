"""Permission rows for deputies' inspections (视察) of a county congress's project, organised
by a special committee or office (issue 17): the project's list of inspections (the county's
readers) and the form that records one (the county's staff). Township roles, its staff
included, get 404; county A's reviewer reads the list and is refused the form (403).

The county roles (county staff, a teller of the county's congress, another county's staff,
the prefecture's reviewer) are checked in tests/supervision/test_county_inspections.py."""

from tests.permission_table import Row
from tests.permissions.county import (
    COUNTY_MANAGE,
    COUNTY_MANAGE_POST,
    COUNTY_READ,
    county_objects,
    county_supervision,
)


def _project(w):
    return {"pk": county_supervision(w)[0].pk}


def _inspection_data(w):
    _project_obj, unit, *_rest = county_supervision(w)
    member = county_objects(w)[3]  # a county deputy of county A, in office
    return {
        "date": "2026-06-10",
        "unit": unit.pk,
        "attendees": [member.pk],
        "notes": "察看管网施工现场",
        "problems": "",
    }


ROWS = [
    Row("supervision:county_inspections", _project, COUNTY_READ),
    Row("supervision:county_inspection_create", _project, COUNTY_MANAGE),
    Row(
        "supervision:county_inspection_create",
        _project,
        COUNTY_MANAGE_POST,
        method="post",
        data=_inspection_data,
    ),
]
