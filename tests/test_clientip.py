"""Behind the shipped nginx every request comes from 127.0.0.1: rate limits and login
throttling must key on the client address nginx passes in X-Real-IP, and believe it only
from a trusted proxy (livelihood/clientip.py)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from livelihood.clientip import client_ip
from projects.models import Suggestion
from tests.projects import factories as f

PROXY = "127.0.0.1"


def _request(remote, real_ip=None):
    extra = {"REMOTE_ADDR": remote}
    if real_ip is not None:
        extra["HTTP_X_REAL_IP"] = real_ip
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "header", "expected"),
    [
        ([PROXY], PROXY, "203.0.113.5", "203.0.113.5"),  # through nginx
        ([PROXY], PROXY, "2001:db8::7", "2001:db8::7"),
        ([PROXY], PROXY, None, PROXY),  # nginx without the header: the proxy itself
        ([PROXY], PROXY, "not-an-address", PROXY),
        ([PROXY], "198.51.100.9", "203.0.113.5", "198.51.100.9"),  # straight to the app: forged
        ([], PROXY, "203.0.113.5", PROXY),  # development: no proxy is trusted
    ],
)
def test_client_ip(settings, trusted, remote, header, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(_request(remote, header)) == expected


def _private_cache(settings):
    # A private in-memory cache: other test runs clear the shared Redis at any moment.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ip"}
    }


def _submit(link, remote, real_ip):
    client = Client(REMOTE_ADDR=remote, HTTP_X_REAL_IP=real_ip)
    payload = {"title": "村里道路安装路灯", "content": "晚上出行不安全"}
    return client.post(reverse("projects:intake", args=[link.token]), payload)


def test_residents_behind_the_proxy_have_their_own_submission_limit(world, settings):
    _private_cache(settings)
    settings.TRUSTED_PROXIES = [PROXY]
    settings.PROJECTS_SUBMIT_LIMIT = (2, 600)
    link = f.deputy_link(world)
    assert _submit(link, PROXY, "203.0.113.1").status_code == 302
    assert _submit(link, PROXY, "203.0.113.1").status_code == 302
    assert _submit(link, PROXY, "203.0.113.1").status_code == 429
    # Another resident on another network, through the same nginx, is not held up.
    assert _submit(link, PROXY, "203.0.113.2").status_code == 302
    assert Suggestion.objects.count() == 3


def test_a_client_cannot_escape_the_limit_by_forging_the_header(world, settings):
    _private_cache(settings)
    settings.TRUSTED_PROXIES = [PROXY]
    settings.PROJECTS_SUBMIT_LIMIT = (2, 600)
    link = f.deputy_link(world)
    codes = [_submit(link, "198.51.100.9", f"203.0.113.{i}").status_code for i in range(1, 4)]
    assert codes == [302, 302, 429]


def test_login_throttling_locks_the_client_not_everyone_behind_the_proxy(world, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    url = reverse("login")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="203.0.113.66")
    for _attempt in range(4):
        attacker.post(url, {"username": "staff_a", "password": "wrong"})
    assert attacker.post(url, {"username": "staff_a", "password": "wrong"}).status_code == 429
    # The real staff member, in the township office behind the same nginx, still logs in.
    office = Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.20")
    response = office.post(url, {"username": "staff_a", "password": "pw-12345678"})
    assert response.status_code == 302
