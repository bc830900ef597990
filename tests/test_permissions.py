"""Every URL name × every role answers as the permission table says."""

import json

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from congress.models import Attendance

from .permission_table import EXEMPT_PREFIXES, LOGIN, ROLES, ROWS


def _url_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_url_name_has_a_row():
    """A view added without a permission row fails the suite."""
    covered = {row.name for row in ROWS}
    missing = sorted(
        name
        for name in _url_names()
        if name not in covered
        and not any(name.startswith(p) for p in EXEMPT_PREFIXES)
        and not name.startswith("django.")
        and name != "admin:index"
    )
    assert missing == [], f"URL names with no permission row: {missing}"
    for row in ROWS:
        assert set(row.expected) == set(ROLES), f"{row.name}: a role is missing"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[f"{r.method}:{r.name}" for r in ROWS])
def test_permission(world, row, role):
    world.attendance = Attendance.objects.get_or_create(session=world.session, deputy=world.deputy)[
        0
    ]
    client = world.client(role)
    url = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
    data = row.data(world) if row.data else None
    if row.content_type == "application/json":
        response = getattr(client, row.method)(
            url, data=json.dumps(data), content_type=row.content_type
        )
    else:
        response = getattr(client, row.method)(url, data=data or {})
    expected = row.expected[role]
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("login")), response["Location"]
    else:
        assert response.status_code == expected, (
            f"{row.method.upper()} {row.name} as {role}: {response.status_code}, "
            f"expected {expected}"
        )
