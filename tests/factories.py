import datetime

import factory
from django.contrib.auth import get_user_model

from congress.models import (
    County,
    Deputy,
    Role,
    RoleAssignment,
    Session,
    Term,
    Township,
    Village,
)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"测试{n}县")
    code = factory.Sequence(lambda n: f"C{n:04d}")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"测试{n}镇")
    code = factory.Sequence(lambda n: f"T{n:05d}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    gender = "M"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    profession = "农民"


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    level = "township"
    township = factory.SubFactory(TownshipFactory)
    county = factory.SelfAttribute("township.county")
    number = 19
    start_year = 2021
    end_year = 2026


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2026, 12, 20)
    place = "会议室"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "pw-12345678")
        if create:
            self.save(update_fields=["password"])


def user_with_role(role: str, *, township=None, county=None, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(
        user=user,
        role=role,
        township=township if role != Role.REVIEWER else None,
        county=county if role == Role.REVIEWER else None,
    )
    return user


def user_with_county_role(role: str, *, county=None, prefecture=None, **kwargs):
    """A role in a county's own congress (县人大常委会工作人员 and the county's officers), or
    a reviewer of a prefecture (市) when ``prefecture`` is given."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, county=county, prefecture=prefecture)
    return user
