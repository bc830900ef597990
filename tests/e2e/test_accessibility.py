"""axe-core (vendored) over every HTML page of the permission table, at desktop and phone
width, plus the keyboard focus ring of the ballot and the chart data tables of the dashboards.

Deputies include older people reading a phone in a hall: every page a role can open must have
no axe violation of impact "serious" or "critical". One world is built per test, the objects
that the permission rows' kwargs create are added to it, and every page is visited in one
browser context (the session cookie of the role that opens it is swapped in), so the whole
sweep takes a minute or two per width.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from congress.services import audit_record
from tests.e2e.conftest import DESKTOP, PHONE, open_page, shot
from tests.factories import SessionFactory, TermFactory
from tests.permission_table import ROWS
from tests.reports.factories import published_plan

# The role that opens each page: the first of these that gets 200 (others are refused or
# see another page).
ROLE_PREFERENCE = (
    "staff",
    "teller",
    "scrutineer",
    "government",
    "deputy",
    "reviewer",
    "anonymous",
)
DASHBOARD_YEAR = 2026
# Pages worth looking at after a run (test-artifacts/screenshots/).
SCREENSHOTS = {"voting:results", "voting:public_results", "congress:audit_log"}
BAD_IMPACTS = ("serious", "critical")
AXE = Path(settings.BASE_DIR, "static/vendor/axe-core/axe.min.js")
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
  }));
}"""


def _build_objects(world) -> None:
    """Everything the rows' kwargs create, in one world. The projects rows and the
    supervision rows each make the township's 2027 plan: the projects one moves to 2025 first
    (pages address plans by pk, so nothing else changes)."""
    from projects.models import AnnualPlan
    from tests.permissions import projects as projects_rows

    plan = projects_rows._objects(world)["plan"]
    AnnualPlan.objects.filter(pk=plan.pk).update(year=2025)
    # Dashboards with figures: published 2026 plans in two townships of the county.
    published_plan(world.township, world.session, year=DASHBOARD_YEAR, suggestions=5)
    term_other = TermFactory(township=world.township_other, county=world.county)
    published_plan(
        world.township_other,
        SessionFactory(term=term_other, number=1),
        year=DASHBOARD_YEAR,
        titles=["柳河村桥梁修缮", "柳河小学操场改造", "柳河村垃圾分类站"],
        elected=2,
        suggestions=2,
    )
    for row in _get_rows():
        if row.kwargs:
            row.kwargs(world)
    # The audit row that certifying writes: its 64-character digest cannot wrap, so the audit
    # log scrolls sideways on a phone (as it does with real data).
    vote = world.published_vote
    audit_record(
        actor=world.users["scrutineer"],
        action="vote.certify",
        obj=vote,
        township=world.township,
        county=world.county,
        after={"digest": vote.box_digest},
    )


def _get_rows():
    return [r for r in ROWS if r.method == "get" and not r.name.startswith(("api:", "admin:"))]


def _pages(world) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(row name, role, path) for every GET page of the table, and what was skipped and why."""
    pages, skipped, seen = [], [], set()
    clients = {}
    for row in _get_rows():
        path = reverse(row.name, kwargs=row.kwargs(world) if row.kwargs else None)
        if path in seen:
            continue
        seen.add(path)
        role = next((r for r in ROLE_PREFERENCE if row.expected.get(r) == 200), None)
        if role is None:
            skipped.append(f"{row.name}: no role of {ROLE_PREFERENCE} gets 200")
            continue
        client = clients.setdefault(role, world.client(role))
        response = client.get(path)
        assert response.status_code == 200, f"{row.name} as {role}: {response.status_code}"
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            skipped.append(f"{row.name}: {content_type.split(';')[0]}")
            continue
        body = b"".join(response) if response.streaming else response.content
        if b"<html" not in body[:500].lower():
            skipped.append(f"{row.name}: an HTML fragment (HTMX), not a page")
            continue
        pages.append((row.name, role, path))
    return pages, skipped


def _session_cookies(world, role: str, url: str) -> list[dict]:
    if role == "anonymous":
        return []
    client = world.client(role)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}]


def _sweep(browser, live_server, browser_errors, world, viewport, label):
    _build_objects(world)
    pages, skipped = _pages(world)
    axe = AXE.read_text()
    context, page = open_page(
        browser, live_server, browser_errors, viewport=viewport, bypass_csp=True
    )
    violations, counts, lesser = [], Counter(), set()
    try:
        current_role = None
        for name, role, path in pages:
            if role != current_role:
                context.clear_cookies()
                context.add_cookies(_session_cookies(world, role, live_server.url))
                current_role = role
            response = page.goto(path)
            assert response is not None and response.status == 200, (name, role, path)
            page.wait_for_load_state("load")
            if name in SCREENSHOTS:
                shot(page, name.replace(":", "-"))
            page.add_script_tag(content=axe)
            for v in page.evaluate(RUN_AXE):
                counts[v["impact"]] += 1
                if v["impact"] not in BAD_IMPACTS:
                    lesser.add(f"{v['impact']} {v['id']} on {name}")
                if v["impact"] in BAD_IMPACTS:
                    for target in v["targets"]:
                        violations.append(
                            f"{name} ({path}, as {role}): {v['impact']} {v['id']} "
                            f"at {target}: {v['help']}"
                        )
    finally:
        context.close()
    print(
        f"\naxe at {label}: {len(pages)} pages, violations by impact {dict(counts)};"
        f" skipped: {skipped}\nnot failing the test: {sorted(lesser)}"
    )
    assert len(pages) >= 40, [p[0] for p in pages]
    assert violations == [], (
        f"{len(violations)} serious or critical axe violations at {label}:\n  "
        + "\n  ".join(violations)
    )
    assert browser_errors.errors == [], browser_errors.errors


def test_every_page_passes_axe_at_desktop_width(browser, live_server, world, browser_errors):
    """Every HTML page of the permission table, opened by a role that may see it, has no
    serious or critical axe-core violation at 1280 px."""
    _sweep(browser, live_server, browser_errors, world, DESKTOP, "1280 px")


def test_every_page_passes_axe_at_phone_width(browser, live_server, world, browser_errors):
    """The same at 390 px, where wide tables scroll sideways and must be reachable by
    keyboard."""
    _sweep(browser, live_server, browser_errors, world, PHONE, "390 px")


# ---------------------------------------------------------------------------------------------
# What axe does not check: the focus ring.


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[int, int, int]:
    parts = re.findall(r"[\d.]+", css)
    return tuple(int(float(p)) for p in parts[:3])


FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  let node = el.parentElement, bg = 'rgb(255, 255, 255)';
  while (node) {
    const b = getComputedStyle(node).backgroundColor;
    if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') { bg = b; break; }
    node = node.parentElement;
  }
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          color: style.outlineColor, background: bg, focused: el.matches(':focus-visible')};
}"""


@pytest.mark.parametrize("viewport", [PHONE])
def test_keyboard_focus_on_the_ballot_page_is_clearly_visible(page, viewport):
    """Tabbing through the ballot code page at phone width, the language switch on the red
    header, the code field and the big button each show a solid ring of at least 2 px with
    3:1 contrast against what is around it."""
    page.goto("/ballot/")
    seen = {}
    for _ in range(8):
        page.keyboard.press("Tab")
        el = page.evaluate_handle("document.activeElement")
        key = page.evaluate("el => el.id || el.getAttribute('type') || el.localName", el)
        if key in ("lang", "id_code", "submit") and key not in seen:
            seen[key] = page.evaluate(FOCUS_STYLE, el)
            if key != "id_code":
                shot(page, f"focus-{key}")
    assert set(seen) == {"lang", "id_code", "submit"}, seen
    for key, s in seen.items():
        assert s["focused"], key
        assert s["style"] == "solid" and s["width"] >= 2, (key, s)
        ratio = _contrast(_rgb(s["color"]), _rgb(s["background"]))
        assert ratio >= 3, f"{key}: focus ring {s['color']} on {s['background']} is {ratio:.2f}:1"


def test_ballot_code_example_describes_the_field(page, browser_errors):
    """A screen reader reads the example code with the field, and after a short code the
    error too."""
    page.goto("/ballot/")
    field = page.locator("#id_code")
    expect(field).to_have_accessible_description(re.compile("ABCDE-FGH12-34567"))
    field.fill("ABC")
    browser_errors.expect_status(400, "/ballot/")  # the form comes back with its error
    page.get_by_role("button", name="打开表决票").click()
    field = page.locator("#id_code")
    expect(field).to_have_attribute("aria-invalid", "true")
    # The error (it counts the 3 symbols typed) and the example.
    expect(field).to_have_accessible_description(re.compile("3.*ABCDE-FGH12-34567", re.S))


# ---------------------------------------------------------------------------------------------
# Charts: the figures reach a screen reader.


def _cell_number(text: str) -> float:
    """A figure as the tables show it (— for no record, which the chart draws as 0)."""
    text = text.strip().rstrip("%")
    return 0.0 if text in ("—", "") else float(text)


CHART_TABLES = """() => {
  const data = JSON.parse(document.getElementById('dashboard-data').textContent);
  const tables = {};
  for (const chart of document.querySelectorAll('.js-chart[role=img]')) {
    let table = chart.nextElementSibling;
    if (!table || table.localName !== 'table') { tables[chart.dataset.chart] = null; continue; }
    tables[chart.dataset.chart] = {
      hidden: table.classList.contains('visually-hidden'),
      kind: table.dataset.chart,
      caption: table.caption && table.caption.textContent.trim(),
      label: chart.getAttribute('aria-label'),
      rows: [...table.tBodies[0].rows].map(tr => [...tr.cells].map(c => c.textContent.trim())),
    };
  }
  return {data, tables};
}"""


def _chart_tables(page, path: str) -> tuple[dict, dict]:
    """The dashboard's chart data island, and each chart's table as {chart: rows}."""
    page.goto(path)
    out = page.evaluate(CHART_TABLES)
    tables = {}
    for kind, table in out["tables"].items():
        assert table is not None, f"{path}: the {kind} chart has no table after it"
        assert table["hidden"] and table["kind"] == kind, table
        assert table["caption"] == table["label"], table
        # It is in the accessibility tree, as a table named by its caption.
        expect(page.get_by_role("table", name=table["caption"], exact=True)).to_have_count(1)
        tables[kind] = table["rows"]
    return out["data"], tables


def test_dashboard_charts_carry_their_figures_in_hidden_tables(
    page, live_server, world, browser_errors
):
    """Every chart on the county and township dashboards is followed by a visually hidden
    table, captioned with the chart's name, holding the very figures the chart draws."""
    _build_objects(world)
    page.context.add_cookies(_session_cookies(world, "reviewer", live_server.url))
    year = DASHBOARD_YEAR
    data, tables = _chart_tables(
        page, reverse("reports:county_dashboard_year", args=[world.county.pk, year])
    )
    assert set(tables) == {"bars", "investment", "trend", "funnel"}
    assert [r[0] for r in tables["bars"]] == data["townships"]
    assert [_cell_number(r[1]) for r in tables["bars"]] == data["elected"]
    assert [_cell_number(r[1]) for r in tables["investment"]] == data["investment"]
    assert [int(r[0]) for r in tables["trend"]] == data["years"]
    assert [_cell_number(r[1]) for r in tables["trend"]] == data["trend_elected"]
    assert [_cell_number(r[2]) for r in tables["trend"]] == data["trend_investment"]
    assert [r[0] for r in tables["funnel"]] == data["funnel_labels"]
    assert [_cell_number(r[1]) for r in tables["funnel"]] == data["funnel_values"]
    assert sum(data["elected"]) >= 1  # the world has an elected project: real figures

    data, tables = _chart_tables(
        page, reverse("reports:township_dashboard_year", args=[world.township.pk, year])
    )
    assert set(tables) == {"yes_rate", "trend", "funnel"}
    assert [r[0] for r in tables["yes_rate"]] == data["projects"]
    assert [_cell_number(r[1]) for r in tables["yes_rate"]] == data["yes_rate"]
    assert [_cell_number(r[1]) for r in tables["trend"]] == data["trend_elected"]
    assert [_cell_number(r[1]) for r in tables["funnel"]] == data["funnel_values"]
