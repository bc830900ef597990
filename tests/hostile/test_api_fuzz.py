"""Fuzz the JSON API from its own OpenAPI schema with schemathesis: anonymous and staff
callers, every operation. No server error, and every response matches the schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", app)

FUZZ = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the database connection at each request boundary; the
    test client avoids that, and so must we, or the test's transaction is lost."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = ("staff", "teller", "scrutineer", "government", "deputy", "reviewer")
CALLS: dict[str, int] = {}  # requests sent per role


@pytest.fixture(autouse=True, scope="module")
def _report_calls():
    """The number of requests per role, kept in var/ for the record (the fuzz's reach)."""
    yield
    import json
    from pathlib import Path

    out = Path(__file__).resolve().parents[2] / "var" / "api-fuzz-calls.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(CALLS, indent=1, sort_keys=True))


@pytest.fixture(params=ROLES)
def role_token(request, world):
    from rest_framework.authtoken.models import Token

    return request.param, Token.objects.create(user=world.users[request.param]).key


# DRF is deliberately lenient with some malformed query parameters (a bad offset means the
# first page) and business rules refuse some schema-valid requests (unknown ids): those two
# checks are not failures here. Server errors, undocumented statuses or content types and
# responses that break the schema are.
EXCLUDED = [negative_data_rejection, positive_data_acceptance]


@schema.parametrize()
@FUZZ
def test_api_as_anonymous(case, world):
    CALLS["anonymous"] = CALLS.get("anonymous", 0) + 1
    case.call_and_validate(excluded_checks=EXCLUDED)


@schema.parametrize()
@FUZZ
def test_api_as_each_role(case, role_token):
    """Staff, teller, scrutineer, government liaison, deputy and reviewer: no server error,
    every response as the schema says, over every operation."""
    role, token = role_token
    CALLS[role] = CALLS.get(role, 0) + 1
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, excluded_checks=EXCLUDED)
