"""End-to-end tests in Debian's Chromium through Playwright's sync API.

Every test here is marked ``browser``. The ``page`` fixture records console errors, uncaught
page errors, failed requests and same-origin responses with status >= 400; the test fails
if any occurred (the site sends a strict Content-Security-Policy, so a CSP violation is a
console error and fails the test too). A test that expects an error response declares it
with ``browser_errors.expect_status(404, "/path/")``.

Screenshots: ``shot(page, "step")`` writes ``test-artifacts/screenshots/<test>-<step>.png``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCREENSHOT_DIR = BASE_DIR / "test-artifacts" / "screenshots"
E2E_DIR = Path(__file__).resolve().parent

CHROMIUM = os.environ.get("LIVELIHOOD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "pw-12345678"


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/e2e as ``browser``."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def viewport() -> dict:
    """Override in a test module, or parametrize indirectly, for another window size."""
    return dict(DESKTOP)


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (Accept-Language). A user in mainland China sends zh-CN."""
    return "zh-CN"


@dataclass
class BrowserErrors:
    """What went wrong in the browser during one test."""

    origin: str
    errors: list[str] = field(default_factory=list)
    # (status, path) pairs a test declared it expects, e.g. a 404 page it asserts on
    expected: set[tuple[int, str]] = field(default_factory=set)

    def expect_status(self, status: int, path: str) -> None:
        self.expected.add((status, path))

    def _is_expected(self, status: int, url: str) -> bool:
        parts = urlsplit(url)
        return (status, parts.path) in self.expected and url.startswith(self.origin)

    def _same_origin(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")

    def _is_automatic_favicon(self, url: str) -> bool:
        # Chromium fetches /favicon.ico by itself, once per browser rather than per test, so
        # whichever test happens to run first would fail. test_site_declares_an_icon checks
        # the icon deterministically instead.
        return self._same_origin(url) and urlsplit(url).path == "/favicon.ico"

    # --- event handlers -------------------------------------------------------------
    def on_console(self, msg) -> None:
        if msg.type != "error":
            return
        location = msg.location or {}
        url = location.get("url", "")
        if self._is_automatic_favicon(url):
            return
        # Chromium logs a console error for every error response; an expected one is fine.
        status = re.search(r"status of (\d{3})", msg.text)
        if status and self._is_expected(int(status.group(1)), url):
            return
        self.errors.append(f"console error: {msg.text} (at {url or '?'})")

    def on_pageerror(self, error) -> None:
        self.errors.append(f"uncaught page error: {error}")

    def on_requestfailed(self, request) -> None:
        if self._is_automatic_favicon(request.url):
            return
        # A navigation cancels the loads still in flight on the page it leaves (a favicon,
        # an HTMX poll): Chromium reports them as ERR_ABORTED. That is not a failure.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.errors.append(
            f"request failed: {request.method} {request.url} "
            f"({request.resource_type}): {request.failure}"
        )

    def on_response(self, response) -> None:
        if response.status < 400 or not self._same_origin(response.url):
            return
        if self._is_expected(response.status, response.url):
            return
        if self._is_automatic_favicon(response.url):
            return
        request = response.request
        self.errors.append(
            f"HTTP {response.status}: {request.method} {response.url} ({request.resource_type})"
        )


def _flush_events(page: Page) -> None:
    """Let Playwright deliver events still in flight (they arrive during sync calls)."""
    try:
        if not page.is_closed():
            page.wait_for_timeout(100)
    except Exception:  # noqa: BLE001 - the page may already be gone
        pass


@pytest.fixture
def browser_errors(live_server) -> BrowserErrors:
    return BrowserErrors(origin=live_server.url.rstrip("/"))


@pytest.fixture
def page(
    request, browser, live_server, transactional_db, viewport, browser_locale, browser_errors
) -> Page:
    """A fresh browser context per test; fails the test on any browser-side error."""
    context = browser.new_context(
        viewport=viewport,
        locale=browser_locale,
        base_url=live_server.url,
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    page = context.new_page()
    page.on("console", browser_errors.on_console)
    page.on("pageerror", browser_errors.on_pageerror)
    page.on("requestfailed", browser_errors.on_requestfailed)
    page.on("response", browser_errors.on_response)
    request.node._browser_page = page
    request.node._browser_errors = browser_errors
    try:
        yield page
    finally:
        # Close before the database is flushed so no request is left holding a lock.
        _flush_events(page)
        context.close()
    # Errors after the test body (or missed by the call-phase check) fail at teardown.
    reported = getattr(request.node, "_browser_errors_reported", 0)
    if len(browser_errors.errors) > reported:
        late = browser_errors.errors[reported:]
        pytest.fail("Browser errors:\n  " + "\n  ".join(late), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not just its teardown) when the browser recorded errors."""
    recorder = getattr(item, "_browser_errors", None)
    try:
        result = yield
    except BaseException:
        # The test failed on its own: show what the browser saw next to that failure.
        if recorder is not None:
            _flush_events(item._browser_page)
            item._browser_errors_reported = len(recorder.errors)
            if recorder.errors:
                item.add_report_section("call", "browser errors", "\n".join(recorder.errors))
        raise
    if recorder is not None:
        _flush_events(item._browser_page)
        item._browser_errors_reported = len(recorder.errors)
        if recorder.errors:
            pytest.fail("Browser errors:\n  " + "\n  ".join(recorder.errors), pytrace=False)
    return result


def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "test")
    name = current.split("::")[-1].rsplit(" (", 1)[0]
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "test"


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<test-name>-<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    step = re.sub(r"[^\w.-]+", "_", name)
    path = SCREENSHOT_DIR / f"{_test_name()}-{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def settle(page: Page) -> None:
    """Let the page finish its own requests (the icon too) before navigating away, so
    Chromium does not report them as aborted."""
    page.wait_for_load_state("networkidle")


def open_page(browser: Browser, live_server, browser_errors: BrowserErrors, **options):
    """Another person's browser (a context of its own), watched for errors like ``page``;
    dialogs (data-confirm) are accepted. Returns (context, page); close the context."""
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", browser_errors.on_console)
    page.on("pageerror", browser_errors.on_pageerror)
    page.on("response", browser_errors.on_response)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def jpeg_file(path: Path, size=(2000, 1500), color=(90, 140, 60)) -> Path:
    """A real JPEG on disk, for photo uploads."""
    from PIL import Image

    Image.new("RGB", size, color).save(path, "JPEG")
    return path


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form and wait until the site lets us in."""
    page.goto("/accounts/login/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
