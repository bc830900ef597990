from dataclasses import dataclass

import pytest
from django.test import Client

from congress.models import Role

from .factories import (
    CountyFactory,
    DeputyFactory,
    SessionFactory,
    TermFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    user_with_role,
)


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """Tests see the site as a user would: Simplified Chinese unless they switch."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _clear_axes_cache():
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception:  # pragma: no cover - Redis down in a fault drill
        pass


@dataclass
class World:
    """Two counties; county A has townships A1 and A2, county B has B1."""

    county: object
    township: object
    township_other: object
    county_other: object
    township_far: object
    village: object
    deputy: object
    deputy_other: object
    term: object
    session: object
    users: dict

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def world(db) -> World:
    county = CountyFactory(name="青山县", code="A")
    county_other = CountyFactory(name="白水县", code="B")
    township = TownshipFactory(county=county, name="青石镇")
    township_other = TownshipFactory(county=county, name="柳河乡")
    township_far = TownshipFactory(county=county_other, name="白水镇")
    village = VillageFactory(township=township, name="东河村")
    VillageFactory(township=township_other, name="柳河村")
    deputy_user = UserFactory(username="deputy_a")
    deputy = DeputyFactory(
        township=township,
        name="王建国",
        phone="13800000001",
        home_village=village,
        user=deputy_user,
    )
    deputy_other = DeputyFactory(township=township_other, name="李秀英", phone="13800000002")
    DeputyFactory.create_batch(3, township=township)
    term = TermFactory(township=township, county=county)
    session = SessionFactory(term=term, number=1)
    su = UserFactory(username="root", is_superuser=True, is_staff=True)
    users = {
        "anonymous": None,
        "deputy": deputy_user,
        "staff": user_with_role(Role.STAFF, township=township, username="staff_a"),
        "staff_other": user_with_role(Role.STAFF, township=township_other, username="staff_a2"),
        "teller": user_with_role(Role.TELLER, township=township, username="teller_a"),
        "scrutineer": user_with_role(Role.SCRUTINEER, township=township, username="scrut_a"),
        "government": user_with_role(Role.GOVERNMENT, township=township, username="gov_a"),
        "reviewer": user_with_role(Role.REVIEWER, county=county, username="rev_a"),
        "reviewer_other": user_with_role(Role.REVIEWER, county=county_other, username="rev_b"),
        "superuser": su,
    }
    return World(
        county=county,
        township=township,
        township_other=township_other,
        county_other=county_other,
        township_far=township_far,
        village=village,
        deputy=deputy,
        deputy_other=deputy_other,
        term=term,
        session=session,
        users=users,
    )
