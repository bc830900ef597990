"""Permission rows for a county congress's supervision through /api/v1/ (issue 17): its
concentrated supervisions (集中督查) and hearings (听取审议) — read by the county's roles and
reviewers, recorded by its staff —, the 督办 assignment of a county project and the deputies'
inspections (视察) a committee organises.

Of the twelve roles, county A's reviewer reads and is refused every write (403); the
superuser writes; the township's roles — its staff included — see an empty list and get 404
for a record or a county project. A POST on a list names its county in the body: a caller on
no county's staff is refused before the body is read, 403 when it reads some county (county
B's reviewer too), else 404.

The county roles are not among the twelve: ``EXTRA`` gives their outcome on the same rows,
checked by tests/supervision/test_county_api.py."""

import datetime

from tests.permission_table import Row, expect
from tests.permissions.county import county_objects, county_supervision

JSON = "application/json"


def _days_ago(n: int) -> str:
    from django.utils import timezone

    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def _project(w):
    return {"pk": county_supervision(w)[0].pk}


def _round(w):
    return {"pk": county_supervision(w)[2].pk}


def _hearing(w):
    return {"pk": county_supervision(w)[3].pk}


def _round_data(w):
    project = county_supervision(w)[0]
    return {
        "county": w.county.pk,
        "date": _days_ago(3),
        "projects": [project.pk],
        "notes": "管网施工进度正常",
        "findings": [{"project": project.pk, "title": "部分路段围挡不规范"}],
    }


def _hearing_data(w):
    project = county_supervision(w)[0]
    return {
        "county": w.county.pk,
        "date": _days_ago(5),
        "body": "directors",
        "projects": [project.pk],
        "opinions": "加强资金监管，按期完工",
        "follow_ups": [
            {
                "project": project.pk,
                "title": "补报资金使用明细",
                "department": "县住建局",
                "deadline": (
                    datetime.date.fromisoformat(_days_ago(0)) + datetime.timedelta(days=30)
                ).isoformat(),
            }
        ],
    }


def _oversight_data(w):
    unit = county_supervision(w)[1]
    return {"leader_name": "王副主任", "unit": unit.pk}


def _inspection_data(w):
    unit = county_supervision(w)[1]
    member = county_objects(w)[3]  # a county deputy of county A, in office
    return {
        "date": _days_ago(2),
        "unit": unit.pk,
        "attendees": [member.pk],
        "notes": "察看管网施工现场",
        "problems": "管材进场检验记录不全",
    }


# Every caller gets a list (the township's roles an empty one); anonymous 401.
LIST = expect(200, anonymous=401)
# A county record: its readers (county A's reviewer) and the superuser.
READ = expect(404, anonymous=401, reviewer=200, superuser=200)
# Recording for county A: readers of a county are refused (403), everyone else 404.
CREATE = expect(404, anonymous=401, reviewer=403, reviewer_other=403, superuser=201)
# A write on county A's project: its reviewer 403, the others do not see the project (404).
PROJECT_POST = expect(404, anonymous=401, reviewer=403, superuser=200)
PROJECT_CREATE = expect(404, anonymous=401, reviewer=403, superuser=201)

# The county roles' outcomes, in the order of ROWS.
_LIST = dict.fromkeys(
    ("county_staff", "county_teller", "county_staff_other", "prefecture_reviewer"), 200
)
_READ = {
    "county_staff": 200,
    "county_teller": 200,
    "county_staff_other": 404,
    "prefecture_reviewer": 200,
}
_CREATE = {
    "county_staff": 201,
    "county_teller": 403,
    "county_staff_other": 404,
    "prefecture_reviewer": 403,
}
_PROJECT_POST = {
    "county_staff": 200,
    "county_teller": 403,
    "county_staff_other": 404,
    "prefecture_reviewer": 403,
}
_PROJECT_CREATE = {**_PROJECT_POST, "county_staff": 201}

_ROWS = [
    (Row("api:county-round-list", expected=LIST), _LIST),
    (
        Row(
            "api:county-round-list",
            expected=CREATE,
            method="post",
            data=_round_data,
            content_type=JSON,
        ),
        _CREATE,
    ),
    (Row("api:county-round-detail", _round, READ), _READ),
    (Row("api:hearing-list", expected=LIST), _LIST),
    (
        Row(
            "api:hearing-list",
            expected=CREATE,
            method="post",
            data=_hearing_data,
            content_type=JSON,
        ),
        _CREATE,
    ),
    (Row("api:hearing-detail", _hearing, READ), _READ),
    (
        Row(
            "api:supervised-project-oversight",
            _project,
            PROJECT_POST,
            method="post",
            data=_oversight_data,
            content_type=JSON,
        ),
        _PROJECT_POST,
    ),
    (
        Row(
            "api:supervised-project-inspections",
            _project,
            PROJECT_CREATE,
            method="post",
            data=_inspection_data,
            content_type=JSON,
        ),
        _PROJECT_CREATE,
    ),
]

ROWS = [row for row, _outcome in _ROWS]
EXTRA = [(row, outcome) for row, outcome in _ROWS]
