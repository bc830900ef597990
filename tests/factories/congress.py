"""Congress records with a service behind them: a county congress's term and its delegations
(代表团) with deputies seated (congress.services.delegation_create / delegation_assign). The
plain rows (county, township, deputy, term, session, users with a role) and the session roll
(roll_call, or ``SessionFactory(roll={...})``) are in _core."""

from __future__ import annotations

import factory

from ._core import CountyFactory, DeputyFactory, TermFactory, _ServiceFactory, staff_of


class CountyTermFactory(TermFactory):
    """A term of a county's own congress (no township)."""

    level = "county"
    township = None
    county = factory.SubFactory(CountyFactory)
    number = 17


class DelegationFactory(_ServiceFactory):
    """A delegation of a county congress term (congress.services.delegation_create) with
    ``deputies`` seated (delegation_assign): three new county deputies of ``township`` (or of
    a new township of the county) unless given."""

    class Meta:
        model = "congress.Delegation"

    term = factory.SubFactory(CountyTermFactory)
    name = factory.Sequence(lambda n: f"第{n}代表团")
    order = factory.Sequence(lambda n: n)
    township = None
    deputies = None

    @classmethod
    def _make(cls, *, term, name, order, township, deputies):
        from congress import services

        from ._core import TownshipFactory

        staff = staff_of(term.county)
        delegation = services.delegation_create(
            actor=staff, term=term, name=name, order=order, township=township
        )
        if deputies is None:
            home = township or TownshipFactory(county=term.county)
            deputies = DeputyFactory.create_batch(3, township=home, is_county_deputy=True)
        if deputies:
            services.delegation_assign(
                actor=staff, delegation=delegation, deputy_ids=[d.pk for d in deputies]
            )
        delegation.refresh_from_db()
        return delegation


__all__ = ["CountyTermFactory", "DelegationFactory"]
