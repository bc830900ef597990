"""County deputies (县人大代表) enter the suggestions they collect at their county congress's
entry form on the phone, as the receiving deputy, the way a township's deputies do at the
township's form (issue 17). They reach no other county page: not the triage list, not a
suggestion's page (both show proposers' phones)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from congress.permissions import get_scope
from projects import services
from projects.models import Suggestion
from tests.factories import DeputyFactory, UserFactory

FORM = {"channel": "door_to_door", "title": "县城至柳河乡公路拓宽", "content": "道路狭窄，会车困难"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _county_deputy(township, username, **fields):
    fields.setdefault("is_county_deputy", True)
    fields.setdefault("is_township_deputy", False)
    return DeputyFactory(township=township, user=UserFactory(username=username), **fields)


@pytest.fixture
def county_deputy(world):
    """A county deputy of county A living in township A2, with no township seat."""
    return _county_deputy(world.township_other, "county_dep", name="陈县代")


def _form_url(county):
    return reverse("projects:county_suggestion_create", args=[county.pk])


def test_scope_knows_the_county_seat_in_one_query(world, county_deputy, django_assert_num_queries):
    with django_assert_num_queries(2):  # the roles, and the deputy joined to the township
        scope = get_scope(county_deputy.user)
    assert scope.deputy_id == county_deputy.pk
    assert scope.deputy_township_id == world.township_other.pk
    assert scope.deputy_county_id == world.county.pk
    # a township deputy holds no county seat; a county deputy out of office no longer does
    assert get_scope(world.users["deputy"]).deputy_county_id is None
    county_deputy.in_office = False
    county_deputy.save(update_fields=["in_office"])
    user = type(county_deputy.user).objects.get(pk=county_deputy.user_id)
    assert get_scope(user).deputy_county_id is None


def test_a_county_deputy_enters_a_suggestion_at_the_county_form(world, county_deputy):
    client = _client(county_deputy.user)
    url = _form_url(world.county)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="channel"' in html and 'name="title"' in html
    assert 'name="deputy"' not in html and 'name="station"' not in html
    # the deputy tells the proposer who will see their phone: the county's staff
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Only staff of the county congress see it" in english
    assert "Only staff of the township see it" not in english
    # no tabs to the county's triage list, reserve or plans (pages the deputy cannot read)
    for name in ("county_suggestion_list", "county_project_list", "county_plan_list"):
        assert f'href="{reverse(f"projects:{name}", args=[world.county.pk])}"' not in html

    response = client.post(url, FORM, follow=True)
    assert response.redirect_chain == [(url, 302)]
    suggestion = Suggestion.objects.get()
    assert suggestion.county == world.county and suggestion.township is None
    assert suggestion.deputy == county_deputy
    assert suggestion.channel == "door_to_door"
    assert suggestion.entered_by == county_deputy.user
    assert suggestion.receipt_display in response.content.decode()


def test_a_county_deputy_who_also_sits_in_the_township_uses_both_forms(world):
    world.deputy.is_county_deputy = True
    world.deputy.save(update_fields=["is_county_deputy"])
    client = world.client("deputy")
    client.post(_form_url(world.county), FORM)
    client.post(
        reverse("projects:suggestion_create", args=[world.township.pk]),
        {**FORM, "title": "东河村修桥"},
    )
    county_one = Suggestion.objects.get(county=world.county)
    township_one = Suggestion.objects.get(township=world.township)
    assert county_one.deputy == township_one.deputy == world.deputy


def test_a_deputy_cannot_name_another_receiving_deputy(world, county_deputy):
    other = DeputyFactory(township=world.township, name="另一县代", is_county_deputy=True)
    response = _client(county_deputy.user).post(
        _form_url(world.county), {**FORM, "deputy": other.pk}
    )
    assert response.status_code == 302
    assert Suggestion.objects.get().deputy == county_deputy
    # the service, called directly, records the deputy themselves too
    suggestion = services.suggestion_create(
        actor=county_deputy.user,
        county=world.county,
        channel="village_meeting",
        deputy=other,
        title="县医院扩建",
        content="床位不够",
    )
    assert suggestion.deputy == county_deputy


def test_a_township_only_deputy_is_refused_at_the_county_form(world):
    """The county congress is outside a township deputy's scope: 404, as the county's other
    pages answer them (tests/permissions/county.py), and the service refuses."""
    response = world.client("deputy").post(_form_url(world.county), FORM)
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        services.suggestion_create(actor=world.users["deputy"], county=world.county, **FORM)
    assert not Suggestion.objects.exists()


def test_another_countys_deputy_is_refused(world):
    far = _county_deputy(world.township_far, "county_dep_b", name="白水县代")
    client = _client(far.user)
    assert client.get(_form_url(world.county)).status_code == 404
    assert client.post(_form_url(world.county), FORM).status_code == 404
    with pytest.raises(PermissionDenied):
        services.suggestion_create(actor=far.user, county=world.county, **FORM)
    # their own county's form is open to them
    assert client.get(_form_url(world.county_other)).status_code == 200


def test_a_county_deputy_out_of_office_is_refused(world, county_deputy):
    county_deputy.in_office = False
    county_deputy.save(update_fields=["in_office"])
    response = _client(county_deputy.user).post(_form_url(world.county), FORM)
    assert response.status_code == 404
    assert not Suggestion.objects.exists()


def test_a_county_deputy_never_reaches_the_triage_list_or_a_suggestion(world, county_deputy):
    client = _client(county_deputy.user)
    client.post(_form_url(world.county), {**FORM, "proposer_phone": "13912345678"})
    mine = Suggestion.objects.get()
    for url in (
        reverse("projects:county_suggestion_list", args=[world.county.pk]),
        reverse("projects:suggestion_detail", args=[mine.pk]),
        reverse("projects:county_project_list", args=[world.county.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "13912345678" not in response.content.decode()
    decide = client.post(
        reverse("projects:county_suggestion_decide", args=[world.county.pk]),
        {"action": "reject", "ids": [mine.pk], "reason": "other"},
    )
    assert decide.status_code == 404
    mine.refresh_from_db()
    assert mine.status == "received"


def test_the_home_page_links_each_deputy_to_the_forms_they_may_use(world, county_deputy):
    county_form = _form_url(world.county)
    township_form = reverse("projects:suggestion_create", args=[world.township.pk])
    home = _client(county_deputy.user).get(reverse("home")).content.decode()
    assert f'href="{county_form}"' in home
    # a county-only deputy sits in no township congress: no township form
    assert 'data-testid="enter-suggestion"' not in home
    township_home = world.client("deputy").get(reverse("home")).content.decode()
    assert f'href="{township_form}"' in township_home
    assert 'data-testid="enter-county-suggestion"' not in township_home


def test_the_demo_has_a_county_deputy_login(db):
    """``deputy_qingshan`` (load_demo): a county deputy of 青山县 with no township seat, who
    reaches the county's entry form from the home page."""
    from congress.demo import load_demo
    from congress.models import County, Deputy

    accounts = dict(load_demo())
    assert "deputy_qingshan" in accounts
    deputy = Deputy.objects.select_related("township__county").get(user__username="deputy_qingshan")
    county = County.objects.get(name="青山县")
    assert deputy.is_county_deputy and deputy.in_office and not deputy.is_township_deputy
    assert deputy.township.county == county
    client = _client(deputy.user)
    assert f'href="{_form_url(county)}"' in client.get(reverse("home")).content.decode()
    assert client.get(_form_url(county)).status_code == 200
    # a second load keeps the same deputy
    load_demo()
    assert Deputy.objects.get(user__username="deputy_qingshan") == deputy
