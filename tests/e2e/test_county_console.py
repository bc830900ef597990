"""A county plenary's console check-in and a teller pair's batch page in Chromium (issue 17,
usability): 120 deputies in four delegations of 30, 28 checked in each.

1. The console's check-in shows one block per delegation with 实到/应到 (28/30); typing part of
   a name leaves only the matching deputy; checking them in turns their block's count to
   29/30 without a reload; clearing the filter brings every block back.
2. A teller of the pair entering batch 1 sees its two delegations' paper ballots issued and
   returned and how many they and the other teller entered.

Screenshots at 1280 and 390 px go to test-artifacts/screenshots/.
"""

from playwright.sync_api import expect

from congress.models import DelegationMember, Deputy
from tests.e2e.conftest import DESKTOP, PHONE, login, open_page, shot
from tests.voting.test_county_vote import county_world, set_up_vote
from voting import services
from voting.services.delegations import paper_batch_assign, vote_record_delegation_counts


def test_county_check_in_by_delegation_with_a_name_filter(page, world):
    cw = county_world(world, per_delegation=30, present_each=28)
    vote = set_up_vote(cw)
    d3 = cw.delegations[2]
    seated = sorted(
        DelegationMember.objects.filter(delegation=d3).values_list("deputy_id", flat=True)
    )
    absent = Deputy.objects.get(pk=seated[-1])  # the last two of each delegation are absent

    login(page, "county_staff")
    page.goto(f"/votes/{vote.pk}/")
    groups = page.locator("[data-checkin-group]")
    expect(groups).to_have_count(4)
    for group, delegation in zip(groups.all(), cw.delegations, strict=True):
        expect(group.locator("summary")).to_contain_text(delegation.name)
        expect(group.locator("[data-checkin-count]")).to_contain_text("28/30")
    groups.nth(0).locator("summary").click()
    expect(groups.nth(0).locator("tbody tr").first).to_be_visible()
    shot(page, "checkin-1280")

    search = page.locator("#checkin-filter")
    expect(search).to_be_visible()
    search.fill(absent.name)
    rows = page.locator("[data-checkin] tbody tr:visible")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_id(f"att-{absent.pk}")
    expect(page.locator("[data-checkin-group]:visible")).to_have_count(1)
    shot(page, "checkin-filtered-1280")

    with page.expect_response(lambda r: f"/attendance/{absent.pk}/" in r.url):
        page.locator(f"#att-{absent.pk} button[value=present]").click()
    expect(page.locator(f"#att-{absent.pk} button[value=present]")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(groups.nth(2).locator("[data-present]")).to_have_text("29")

    search.fill("")
    expect(page.locator("[data-checkin-group]:visible")).to_have_count(4)
    expect(groups.nth(2)).not_to_have_attribute("open", "")  # closed again, as it was
    page.set_viewport_size(PHONE)
    shot(page, "checkin-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_teller_sees_the_batch_delegations_returns_and_entries(
    page, world, browser, live_server, browser_errors
):
    cw = county_world(world, per_delegation=30, present_each=28)
    vote = set_up_vote(cw)
    d1, d2 = cw.delegations[:2]
    t1, t2 = cw.tellers[:2]
    batch = paper_batch_assign(
        actor=cw.staff,
        vote=vote,
        number=1,
        first_teller=t1,
        second_teller=t2,
        delegation_ids=[d1.pk, d2.pk],
    )
    services.vote_switch_to_paper(actor=cw.staff, vote=vote)
    vote_record_delegation_counts(
        actor=cw.staff, vote=vote, counts={d1.pk: (0, 28, 28), d2.pk: (0, 28, 27)}
    )
    services.vote_open(actor=cw.staff, vote=vote)
    services.vote_close(actor=cw.staff, vote=vote)
    vote.refresh_from_db()
    for seq in range(1, 42):
        services.paper_entry_save(
            actor=t1, vote=vote, slot="A", sequence=seq, keys="1212", batch=batch
        )
    for seq in range(1, 40):
        services.paper_entry_save(
            actor=t2, vote=vote, slot="B", sequence=seq, keys="1212", batch=batch
        )

    login(page, t1.username)
    page.goto(f"/votes/{vote.pk}/paper/batch/1/A/")
    card = page.get_by_test_id("batch-returns")
    expect(card).to_have_attribute("data-stage", "entering")
    expect(card.locator(".batch-progress")).to_contain_text("55")
    expect(card.locator(".batch-progress")).to_contain_text("41")
    items = card.locator(".batch-delegations li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(d1.name)
    expect(items.nth(1)).to_contain_text("27")
    expect(card).to_contain_text("39")  # the other teller
    shot(page, "batch-1280")
    page.set_viewport_size(PHONE)
    shot(page, "batch-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    # The second teller's page counts the other way round.
    context, other = open_page(browser, live_server, browser_errors)
    try:
        login(other, t2.username)
        other.goto(f"/votes/{vote.pk}/paper/batch/1/B/")
        progress = other.get_by_test_id("batch-returns").locator(".batch-progress")
        expect(progress).to_contain_text("39")
        expect(other.get_by_test_id("batch-returns")).to_contain_text("41")
    finally:
        context.close()
