"""The permission table: every URL name (and API operation) × every role, with the expected
outcome. tests/test_permissions.py fails when a URL has no row here, so every new view must
add one.

The twelve roles (users built by the ``world`` fixture in tests/conftest.py; "the township" is
township A1 of county A):

- ``anonymous``: no account, no session;
- ``resident``: no account, but the phone has sent a suggestion through a deputy's QR form
  (``projects:intake``) and carries the session that remembers its receipt;
- ``deputy``: a deputy of the township with an account, in no supervision group;
- ``group_member``: another deputy of the township, leader of the confirmed supervision group
  of the project in tests/permissions/supervision.py;
- ``staff``: presidium staff of the township; ``staff_other``: staff of township A2;
- ``teller``, ``scrutineer``, ``government``: those roles in the township;
- ``reviewer``: reviewer of county A; ``reviewer_other``: reviewer of county B;
- ``superuser``.

Outcomes: an HTTP status, or LOGIN (redirect to the login page).
"""

from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"

ROLES = (
    "anonymous",
    "resident",
    "deputy",
    "group_member",
    "staff",
    "staff_other",
    "teller",
    "scrutineer",
    "government",
    "reviewer",
    "reviewer_other",
    "superuser",
)


def expect(default, **overrides) -> dict:
    """One row's outcomes: ``default`` for every role not named. Unless named, a resident gets
    what ``anonymous`` gets (no account: the session only remembers receipts) and a group
    member what ``deputy`` gets (a deputy of the township). Build every shape with this
    function rather than by merging dicts, so those two roles follow."""
    overrides.setdefault("resident", overrides.get("anonymous", default))
    overrides.setdefault("group_member", overrides.get("deputy", default))
    out = dict.fromkeys(ROLES, default)
    out.update(overrides)
    return out


# Common shapes ---------------------------------------------------------------------------------
PUBLIC = expect(200)
LOGGED_IN = expect(200, anonymous=LOGIN)
# A township page any role in the township (or its county's reviewer) may see.
TOWNSHIP_VIEW = expect(200, anonymous=LOGIN, staff_other=404, reviewer_other=404)
# The roster: township roles and reviewers; deputies are refused.
ROSTER_VIEW = expect(200, anonymous=LOGIN, deputy=403, staff_other=404, reviewer_other=404)
# Staff of the township only (superuser too); others in scope 403, out of scope 404.
TOWNSHIP_MANAGE = expect(
    403, anonymous=LOGIN, staff=200, superuser=200, staff_other=404, reviewer_other=404
)
AUDIT_VIEW = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    reviewer=200,
    superuser=200,
    staff_other=404,
    reviewer_other=404,
)
# A deputy's own page: roster readers only; a plain deputy does not see other deputies.
DEPUTY_VIEW = expect(200, anonymous=LOGIN, deputy=404, staff_other=404, reviewer_other=404)
DEPUTY_MANAGE = expect(
    403,
    anonymous=LOGIN,
    staff=200,
    superuser=200,
    deputy=404,
    staff_other=404,
    reviewer_other=404,
)
SESSION_VIEW = TOWNSHIP_VIEW
SESSION_MANAGE_POST = expect(
    403, anonymous=LOGIN, staff=302, superuser=302, staff_other=404, reviewer_other=404
)
# The API answers 401 (WWW-Authenticate: Token) to anonymous callers.
API_LIST = expect(200, anonymous=401)
API_TOWNSHIP_DETAIL = expect(200, anonymous=401, staff_other=404, reviewer_other=404)
API_DEPUTY_DETAIL = expect(200, anonymous=401, deputy=404, staff_other=404, reviewer_other=404)
API_ATTENDANCE_PATCH = expect(
    403, anonymous=401, staff=200, superuser=200, staff_other=404, reviewer_other=404
)


@dataclass
class Row:
    name: str
    kwargs: Any = None  # callable(world) -> dict of URL kwargs
    expected: dict = field(default_factory=dict)
    method: str = "get"
    data: Any = None  # callable(world) -> request data
    content_type: str | None = None


def _t(w):
    return {"pk": w.township.pk}


def _deputy_without_account(w):
    return {"pk": w.township.deputies.filter(user__isnull=True).order_by("pk").first().pk}


ROWS = [
    Row("home", expected=PUBLIC),
    Row("healthz", expected=PUBLIC),
    Row("login", expected=expect(302, anonymous=200)),
    Row("logout", method="post", expected=expect(302)),
    Row("password_change", expected=LOGGED_IN),
    Row("password_change_done", expected=LOGGED_IN),
    Row(
        "set_language",
        method="post",
        data=lambda w: {"language": "en", "next": "/"},
        expected=expect(302),
    ),
    Row("javascript-catalog", expected=PUBLIC),
    Row("congress:township_list", expected=LOGGED_IN),
    Row("congress:township_detail", _t, TOWNSHIP_VIEW),
    Row("congress:deputy_list", _t, ROSTER_VIEW),
    Row("congress:deputy_create", _t, TOWNSHIP_MANAGE),
    Row("congress:roster_import", _t, TOWNSHIP_MANAGE),
    Row("congress:roster_template", _t, TOWNSHIP_MANAGE),
    Row("congress:roster_export", _t, TOWNSHIP_MANAGE),
    Row("congress:ruleset_edit", _t, TOWNSHIP_VIEW),
    Row("congress:township_accounts", _t, TOWNSHIP_MANAGE),
    Row("congress:audit_log", _t, AUDIT_VIEW),
    Row("congress:session_create", _t, TOWNSHIP_MANAGE),
    Row("congress:deputy_detail", lambda w: {"pk": w.deputy.pk}, DEPUTY_VIEW),
    Row("congress:deputy_edit", lambda w: {"pk": w.deputy.pk}, DEPUTY_MANAGE),
    Row("congress:deputy_account_create", _deputy_without_account, DEPUTY_MANAGE),
    Row("congress:session_detail", lambda w: {"pk": w.session.pk}, SESSION_VIEW),
    Row("congress:session_headcount", lambda w: {"pk": w.session.pk}, SESSION_VIEW),
    Row(
        "congress:session_open_roll",
        lambda w: {"pk": w.session.pk},
        SESSION_MANAGE_POST,
        method="post",
    ),
    Row(
        "congress:attendance_set",
        lambda w: {"pk": w.session.pk, "deputy_id": w.deputy.pk},
        SESSION_MANAGE_POST,
        method="post",
        data=lambda w: {"status": "present"},
    ),
    Row("admin:index", expected=expect(302, superuser=200)),
    # JSON API operations
    Row("api:api-root", expected=API_LIST),
    Row("api:schema", expected=PUBLIC),
    Row("api:docs", expected=PUBLIC),
    Row("api:redoc", expected=PUBLIC),
    Row("api:township-list", expected=API_LIST),
    Row("api:township-detail", _t, API_TOWNSHIP_DETAIL),
    Row("api:village-list", expected=API_LIST),
    Row("api:village-detail", lambda w: {"pk": w.village.pk}, API_TOWNSHIP_DETAIL),
    Row("api:deputy-list", expected=API_LIST),
    Row("api:deputy-detail", lambda w: {"pk": w.deputy.pk}, API_DEPUTY_DETAIL),
    Row("api:session-list", expected=API_LIST),
    Row("api:session-detail", lambda w: {"pk": w.session.pk}, API_TOWNSHIP_DETAIL),
    Row("api:attendance-list", expected=API_LIST),
    Row("api:attendance-detail", lambda w: {"pk": w.attendance.pk}, API_TOWNSHIP_DETAIL),
    Row(
        "api:attendance-detail",
        lambda w: {"pk": w.attendance.pk},
        API_ATTENDANCE_PATCH,
        method="patch",
        data=lambda w: {"status": "leave"},
        content_type="application/json",
    ),
]


# Each app adds its rows in tests/permissions/<app>.py as a list named ROWS.
def _app_rows() -> list:
    import importlib
    import pkgutil

    from . import permissions as package

    out = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        out.extend(importlib.import_module(f"{package.__name__}.{info.name}").ROWS)
    return out


ROWS = ROWS + _app_rows()

# URL names deliberately outside the table, with the reason.
EXEMPT_PREFIXES = {
    # Django's admin guards every page itself (is_staff + model permissions); admin:index
    # above shows that non-superusers are turned away.
    "admin:": "Django admin",
}
