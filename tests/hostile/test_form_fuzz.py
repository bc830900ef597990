"""Property: nothing a person can type into any form answers with a server error.

Every page in the permission table is opened as a role it lets in; every POST form found on
the page is filled with hostile strings drawn by Hypothesis (NUL, over-long text,
bidirectional and invisible characters, emoji, SQL-ish text, huge and odd numbers, dates
that do not exist) and posted. The POST rows of the table are posted the same way with their
own field names. The answer may be a form error, a refusal or a redirect — never a 5xx."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congress.models import Attendance
from tests.permission_table import LOGIN, ROWS

HOSTILE = [
    "\x00",
    "abc\x00def",
    "x" * 5000,
    "长" * 3000,
    "\u202e\u2066 reversed \u2069",
    "\u200b\u200b",
    "😀👨\u200d👩\u200d👧" * 40,
    "' OR 1=1 --",
    '"; DROP TABLE congress_deputy; --',
    "<script>alert(1)</script>",
    "%00",
    "../../../etc/passwd",
    "9" * 40,
    "-9223372036854775809",
    "9223372036854775808",
    "1e309",
    "NaN",
    "-0",
    "0x1F",
    "２０２６年",
    "2026-13-45",
    "0000-00-00",
    "9999-12-31T25:61",
    "",
    " ",
    "\r\n\t",
]

hostile = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

# The role that opens a page, in this order of preference: the one with most to fill in.
PREFERENCE = (
    "staff",
    "superuser",
    "teller",
    "scrutineer",
    "government",
    "group_member",
    "deputy",
    "reviewer",
    "resident",
    "anonymous",
)
# The log-out and language switch take no input worth fuzzing and end the session.
SKIP = {"logout", "set_language"}
POSTED: set[str] = set()  # URL names whose forms were posted, for the last test


class _Forms(HTMLParser):
    """The POST forms of a page: (action, [field names])."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[str]]] = []
        self._current: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = (attrs.get("action") or "", [])
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select") and self._current is not None:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower()
            if name and name != "csrfmiddlewaretoken" and kind not in ("submit", "button"):
                self._current[1].append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _allowed_role(row) -> str | None:
    for role in PREFERENCE:
        outcome = row.expected.get(role)
        if outcome != LOGIN and isinstance(outcome, int) and outcome < 400:
            return role
    return None


def _page_rows():
    for row in ROWS:
        if row.method != "get" or row.name.startswith("api:") or row.name in SKIP:
            continue
        role = _allowed_role(row)
        if role:
            yield pytest.param(row, role, id=f"{row.name}-{role}")


def _post_rows():
    for row in ROWS:
        if row.method != "post" or row.name.startswith("api:") or row.name in SKIP:
            continue
        role = _allowed_role(row)
        if role and row.data:
            yield pytest.param(row, role, id=f"{row.name}-{role}")


def _prepare(world):
    world.attendance = Attendance.objects.get_or_create(session=world.session, deputy=world.deputy)[
        0
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("row,role", list(_page_rows()))
@FUZZ
@given(data=st.data())
def test_every_form_survives_hostile_input(world, row, role, data):
    _prepare(world)
    client = world.client(role)
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(page.content.decode("utf-8", "replace"))
    for action, names in parser.forms:
        target = urlsplit(urljoin(url, action)).path if action else url
        if not target.startswith("/") or target.startswith(("/i18n/", "/accounts/logout/")):
            continue  # the language switch and the navigation's log-out form
        values = {name: data.draw(hostile, label=name) for name in dict.fromkeys(names)}
        response = client.post(target, values)
        assert response.status_code < 500, (target, values, response.status_code)
        POSTED.add(f"{row.name} -> {target}")


@pytest.mark.django_db
@pytest.mark.parametrize("row,role", list(_post_rows()))
@FUZZ
@given(data=st.data())
def test_every_post_action_survives_hostile_input(world, row, role, data):
    _prepare(world)
    client = world.client(role)
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    values = {name: data.draw(hostile, label=name) for name in row.data(world)}
    response = client.post(url, values)
    assert response.status_code < 500, (url, values, response.status_code)


def test_the_fuzz_reached_the_forms(request):
    """Guard against a fuzz that silently finds nothing to fill in (say, a page that stopped
    rendering its form for the world's data): the pages above hold at least this many forms."""
    ran = [i for i in request.session.items if i.name.startswith("test_every_form_survives")]
    if len(ran) < len(list(_page_rows())):
        pytest.skip("only part of the module ran")
    assert len(POSTED) >= 40, sorted(POSTED)
