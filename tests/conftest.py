import random
from dataclasses import dataclass, field

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
    """Two counties; county A has townships A1 and A2, county B has B1.

    Township A1 has five deputies: ``deputy`` and ``member_deputy`` have accounts (the
    permission table seats ``member_deputy``, not ``deputy``, in a supervision group)."""

    county: object
    township: object
    township_other: object
    county_other: object
    township_far: object
    village: object
    deputy: object
    member_deputy: object
    deputy_other: object
    term: object
    session: object
    users: dict
    _resident: Client | None = field(default=None, repr=False)

    def client(self, role: str) -> Client:
        if role == "resident":
            return self.resident_client()
        client = Client()
        user = self.users.get(role)
        if user is not None:
            client.force_login(user)
        return client

    def resident_client(self) -> Client:
        """A resident's phone: no account, but it has sent a suggestion through the QR form of
        the world's deputy, so it carries the session that remembers the receipt."""
        if self._resident is not None:
            return self._resident
        from django.conf import settings
        from django.urls import reverse

        from projects.models import IntakeLink

        link, _created = IntakeLink.objects.get_or_create(
            deputy=self.deputy, defaults={"token": "TESTQR1", "township": self.township}
        )
        # Its own address: the submit limit counts per address in the Redis that test runs
        # side by side share, so 127.0.0.1 could already be near the limit.
        address = "10.{}.{}.{}".format(*random.Random().randbytes(3))
        client = Client(REMOTE_ADDR=address)
        response = client.post(
            reverse("projects:intake", args=[link.token]),
            {"title": "村口安装路灯", "content": "晚上出行不安全", "website": ""},
        )
        assert response.status_code == 302, response.status_code
        assert settings.SESSION_COOKIE_NAME in client.cookies
        self._resident = client
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
    member_user = UserFactory(username="member_a")
    member_deputy = DeputyFactory(
        township=township,
        name="赵红梅",
        phone="13800000003",
        home_village=village,
        user=member_user,
    )
    DeputyFactory.create_batch(3, township=township)
    term = TermFactory(township=township, county=county)
    session = SessionFactory(term=term, number=1)
    su = UserFactory(username="root", is_superuser=True, is_staff=True)
    users = {
        "anonymous": None,
        "resident": None,  # no account; world.client("resident") has submitted a suggestion
        "deputy": deputy_user,
        "group_member": member_user,
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
        member_deputy=member_deputy,
        deputy_other=deputy_other,
        term=term,
        session=session,
        users=users,
    )
