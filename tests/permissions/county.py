"""Permission rows for the county's own congress (issue 17): the county congress page, its
sessions, delegations (代表团) and their management.

The objects are created lazily on the world: county A's 17th county congress term, its 4th
session, and a delegation of township A1 seating one county deputy (its head). Of the twelve
roles only county A's reviewer reads these pages and only the superuser manages them: the
township's roles — its staff included — never reach the county's own congress (404), and a
reviewer is read-only (403 on every change).

The county roles are not among the twelve: ``EXTRA`` gives their outcome on the same rows,
checked by tests/congress/test_county_permissions.py with users built there —
``county_staff`` (县人大常委会工作人员 of county A), ``county_staff_other`` (of county B),
``county_teller`` (a teller of county A's congress) and ``prefecture_reviewer`` (reviewer of
青州市, which holds counties A and B)."""

from tests.permission_table import LOGIN, Row, expect


def county_objects(w):
    cached = getattr(w, "_county_objects", None)
    if cached is not None:
        return cached
    import datetime

    from congress.models import Delegation, DelegationMember, Session, Term
    from tests.factories import DeputyFactory

    term = Term.objects.create(
        level="county", county=w.county, number=17, start_year=2021, end_year=2026
    )
    session = Session.objects.create(term=term, number=4, date=datetime.date(2026, 12, 28))
    member = DeputyFactory(
        township=w.township, name="陈县代", is_county_deputy=True, is_township_deputy=False
    )
    DeputyFactory(
        township=w.township_other, name="孙县代", is_county_deputy=True, is_township_deputy=False
    )
    delegation = Delegation.objects.create(
        term=term, name="青石镇代表团", order=1, township=w.township
    )
    DelegationMember.objects.create(delegation=delegation, term=term, deputy=member)
    delegation.head = member
    delegation.save(update_fields=["head"])
    w._county_objects = (term, session, delegation, member)
    return w._county_objects


def county_projects(w):
    """County A's own congress's projects stage: a reserve project, a 2027 plan with its
    first round and candidate list, a suggestion in the county's intake; and a suggestion of
    the township for the referral (转县级) row."""
    cached = getattr(w, "_county_projects", None)
    if cached is not None:
        return cached
    from projects.models import (
        AnnualPlan,
        CandidateList,
        Project,
        ShortlistRound,
        Suggestion,
    )

    project = Project.objects.create(county=w.county, title="县城污水管网改造", content="管网")
    plan = AnnualPlan.objects.create(county=w.county, year=2027, slots=10)
    ShortlistRound.objects.create(plan=plan, position=0, name="政府常务会议")
    CandidateList.objects.create(plan=plan)
    suggestion = Suggestion.objects.create(
        county=w.county,
        receipt_code="CNTY0000001",
        title="县城至镇公路改造",
        content="拓宽",
        channel="village_meeting",
    )
    township_suggestion = Suggestion.objects.create(
        township=w.township,
        receipt_code="TWNS0000001",
        title="新建县级医院分院",
        content="投资大",
        channel="village_meeting",
    )
    w._county_projects = (project, plan, suggestion, township_suggestion)
    return w._county_projects


def _county_project(w):
    return {"pk": county_projects(w)[0].pk}


def _county_plan(w):
    return {"pk": county_projects(w)[1].pk}


def _county_round(w):
    return {"pk": county_projects(w)[1].pk, "position": 0}


def _county_suggestion(w):
    return {"pk": county_projects(w)[2].pk}


def _township_suggestion(w):
    return {"pk": county_projects(w)[3].pk}


def _county(w):
    return {"pk": w.county.pk}


def _term(w):
    return {"pk": county_objects(w)[0].pk}


def _session(w):
    return {"pk": county_objects(w)[1].pk}


def _delegation(w):
    return {"pk": county_objects(w)[2].pk}


def _delegation_member(w):
    _term_, _session_, delegation, member = county_objects(w)
    return {"pk": delegation.pk, "deputy_id": member.pk}


def _edit_data(w):
    return {"name": "青石镇代表团", "order": 2, "head": county_objects(w)[3].pk}


def _assign_data(w):
    return {"township": w.township_other.pk}


def _attendance(w):
    """The county session's roll, opened, so a deputy can be checked in."""
    from congress.models import Attendance

    _term_, session, _delegation_, member = county_objects(w)
    Attendance.objects.get_or_create(session=session, deputy=member)
    return {"pk": session.pk, "deputy_id": member.pk}


# Readers of the county's own congress: county A's reviewer (and the county's own roles).
COUNTY_READ = expect(404, anonymous=LOGIN, reviewer=200, superuser=200)
COUNTY_MANAGE = expect(404, anonymous=LOGIN, reviewer=403, superuser=200)
COUNTY_MANAGE_POST = expect(404, anonymous=LOGIN, reviewer=403, superuser=302)

READ = {
    "county_staff": 200,
    "county_teller": 200,
    "county_staff_other": 404,
    "prefecture_reviewer": 200,
}
MANAGE = {
    "county_staff": 200,
    "county_teller": 403,
    "county_staff_other": 404,
    "prefecture_reviewer": 403,
}
MANAGE_POST = {
    "county_staff": 302,
    "county_teller": 403,
    "county_staff_other": 404,
    "prefecture_reviewer": 403,
}
# A county congress's suggestion pages (proposer data): its staff only, 404 to every other.
COUNTY_STAFF_ONLY = expect(404, anonymous=LOGIN, superuser=200)
STAFF_ONLY = {
    "county_staff": 200,
    "county_teller": 404,
    "county_staff_other": 404,
    "prefecture_reviewer": 404,
}
# Referring a township's suggestion to the county (转县级): the township's staff only.
REFER = expect(404, anonymous=LOGIN, staff=302, superuser=302)
NOBODY = dict.fromkeys(
    ("county_staff", "county_teller", "county_staff_other", "prefecture_reviewer"), 404
)

ROWS = [
    Row("congress:county_congress", _county, COUNTY_READ),
    Row("congress:county_session_create", _county, COUNTY_MANAGE),
    Row("congress:term_delegations", _term, COUNTY_READ),
    Row("congress:delegation_create", _term, COUNTY_MANAGE),
    Row(
        "congress:delegations_by_township",
        _term,
        COUNTY_MANAGE_POST,
        method="post",
    ),
    Row("congress:delegation_detail", _delegation, COUNTY_READ),
    Row(
        "congress:delegation_edit",
        _delegation,
        COUNTY_MANAGE_POST,
        method="post",
        data=_edit_data,
    ),
    Row(
        "congress:delegation_assign",
        _delegation,
        COUNTY_MANAGE_POST,
        method="post",
        data=_assign_data,
    ),
    Row(
        "congress:delegation_remove",
        _delegation_member,
        COUNTY_MANAGE_POST,
        method="post",
    ),
    # The county session through the session pages: township staff cannot see or manage it.
    Row("congress:session_detail", _session, COUNTY_READ),
    Row("congress:session_headcount", _session, COUNTY_READ),
    Row("congress:session_open_roll", _session, COUNTY_MANAGE_POST, method="post"),
    Row(
        "congress:attendance_set",
        _attendance,
        COUNTY_MANAGE_POST,
        method="post",
        data=lambda w: {"status": "present"},
    ),
    # The county congress's projects stage (issue 17): the same views under /counties/<pk>/
    # and the county's own plan, project and suggestion pages. Township roles: 404.
    Row("projects:county_project_list", _county, COUNTY_READ),
    Row("projects:county_project_create", _county, COUNTY_MANAGE),
    Row("projects:county_plan_list", _county, COUNTY_READ),
    Row("projects:county_suggestion_list", _county, COUNTY_MANAGE),
    Row("projects:county_suggestion_create", _county, COUNTY_MANAGE),
    Row("projects:county_suggestion_decide", _county, COUNTY_MANAGE_POST, method="post"),
    Row("projects:project_detail", _county_project, COUNTY_READ),
    Row("projects:project_edit", _county_project, COUNTY_MANAGE),
    Row("projects:plan_detail", _county_plan, COUNTY_READ),
    Row("projects:round_detail", _county_round, COUNTY_READ),
    Row("projects:candidate_list", _county_plan, COUNTY_READ),
    Row("projects:candidate_pdf", _county_plan, COUNTY_READ),
    Row("projects:suggestion_detail", _county_suggestion, COUNTY_STAFF_ONLY),
    Row("projects:suggestion_refer", _township_suggestion, REFER, method="post"),
]

# (method, URL name, kwargs helper) -> outcome for the county roles.
EXTRA = {
    (row.method, row.name, row.kwargs): outcome
    for row, outcome in zip(
        ROWS,
        [
            READ,
            MANAGE,
            READ,
            MANAGE,
            MANAGE_POST,
            READ,
            MANAGE_POST,
            MANAGE_POST,
            MANAGE_POST,
            READ,
            READ,
            MANAGE_POST,
            MANAGE_POST,
            READ,
            MANAGE,
            READ,
            MANAGE,
            MANAGE,
            MANAGE_POST,
            READ,
            MANAGE,
            READ,
            READ,
            READ,
            READ,
            STAFF_ONLY,
            NOBODY,
        ],
        strict=True,
    )
}


# ---------------------------------------------------------------------------------------------
# The county congress's supervision of its own elected projects (issue 17): 督办领导 and
# committees, concentrated supervision (集中督查), hearings (听取审议), the county's ledger.


def county_supervision(w):
    """An elected project of county A's congress, a special committee, a concentrated
    supervision and a hearing that concern it, and a hand-over item of the county."""
    cached = getattr(w, "_county_supervision", None)
    if cached is not None:
        return cached
    import datetime

    from projects.models import Project
    from supervision.models import Hearing, LedgerItem, SupervisionRound, SupervisionUnit

    project = Project.objects.create(
        county=w.county, title="县城供水管网改造", content="管网", status="elected"
    )
    unit = SupervisionUnit.objects.create(county=w.county, name="城建环资委", position=1)
    rnd = SupervisionRound.objects.create(county=w.county, date=datetime.date(2026, 3, 15))
    rnd.projects.set([project])
    hearing = Hearing.objects.create(
        county=w.county, date=datetime.date(2026, 7, 20), body="directors", opinions="加快进度"
    )
    hearing.projects.set([project])
    item = LedgerItem.objects.create(
        county=w.county, project=project, title="管材质量抽检", source="round"
    )
    w._county_supervision = (project, unit, rnd, hearing, item)
    return w._county_supervision


def _supervised_project(w):
    return {"pk": county_supervision(w)[0].pk}


def _supervision_round(w):
    return {"pk": county_supervision(w)[2].pk}


def _hearing(w):
    return {"pk": county_supervision(w)[3].pk}


def _county_item(w):
    return {"pk": county_supervision(w)[4].pk}


def _oversight_data(w):
    project, unit, *_rest = county_supervision(w)
    return {"leader_name": "王副主任", "unit": unit.pk}


def _settings_data(w):
    return {"every_months": 3, "first_month": 3, "day_of_month": 10, "remind_days_before": 5}


def _no_findings(prefix="f"):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }


def _round_data(w):
    project = county_supervision(w)[0]
    return {"date": "2026-05-15", "projects": [project.pk], "notes": "进度正常", **_no_findings()}


def _hearing_data(w):
    project = county_supervision(w)[0]
    return {
        "date": "2026-10-20",
        "body": "directors",
        "projects": [project.pk],
        "opinions": "加强资金监管",
        **_no_findings(),
    }


SUPERVISION_ROWS = [
    (Row("supervision:county_overview", _county, COUNTY_READ), READ),
    (Row("supervision:county_ledger", _county, COUNTY_READ), READ),
    (Row("supervision:hearing_list", _county, COUNTY_READ), READ),
    (Row("supervision:county_units", _county, COUNTY_MANAGE), MANAGE),
    (
        Row(
            "supervision:county_units",
            _county,
            COUNTY_MANAGE_POST,
            method="post",
            data=lambda w: {"action": "defaults"},
        ),
        MANAGE_POST,
    ),
    (Row("supervision:county_settings", _county, COUNTY_MANAGE), MANAGE),
    (
        Row(
            "supervision:county_settings",
            _county,
            COUNTY_MANAGE_POST,
            method="post",
            data=_settings_data,
        ),
        MANAGE_POST,
    ),
    (Row("supervision:round_create", _county, COUNTY_MANAGE), MANAGE),
    (
        Row(
            "supervision:round_create",
            _county,
            COUNTY_MANAGE_POST,
            method="post",
            data=_round_data,
        ),
        MANAGE_POST,
    ),
    (Row("supervision:hearing_create", _county, COUNTY_MANAGE), MANAGE),
    (
        Row(
            "supervision:hearing_create",
            _county,
            COUNTY_MANAGE_POST,
            method="post",
            data=_hearing_data,
        ),
        MANAGE_POST,
    ),
    (Row("supervision:round_detail", _supervision_round, COUNTY_READ), READ),
    (Row("supervision:hearing_detail", _hearing, COUNTY_READ), READ),
    # The county's project on supervision's own pages, its 督办 assignment and its items.
    (Row("supervision:project_detail", _supervised_project, COUNTY_READ), READ),
    (Row("supervision:oversight_edit", _supervised_project, COUNTY_MANAGE), MANAGE),
    (
        Row(
            "supervision:oversight_edit",
            _supervised_project,
            COUNTY_MANAGE_POST,
            method="post",
            data=_oversight_data,
        ),
        MANAGE_POST,
    ),
    (Row("supervision:item_detail", _county_item, COUNTY_READ), READ),
]

ROWS += [row for row, _outcome in SUPERVISION_ROWS]
EXTRA.update({(row.method, row.name, row.kwargs): outcome for row, outcome in SUPERVISION_ROWS})
