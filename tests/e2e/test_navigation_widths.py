"""The navigation fits every window width in both languages: English labels are longer, so
the bar collapses behind the menu button below 1,200 px (it ran off the side at 768–1,199 px
before)."""

import pytest

from tests.e2e.conftest import login, shot

WIDTHS = (1400, 1280, 1200, 1199, 1100, 992, 800, 390)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_navigation_never_scrolls_sideways(page, world, language, live_server):
    staff = world.users["staff"]
    staff.first_name, staff.last_name = "陈敏", "青石镇人大办"  # a long name, as in the demo
    staff.save()
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    login(page, "staff_a")
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700})
        page.goto("/")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            too_wide.append((width, scroll))
        if width in (1200, 1199):
            shot(page, f"{language}-{width}")
    assert too_wide == [], f"(window, page) widths: {too_wide}"
