"""A congress body is a township or a county's own congress (issue 17): the services take
``township=`` or ``county=`` and work on the one given."""

from __future__ import annotations

from congress import selectors as congress_selectors
from congress.models import RuleSet

from ..models import body_fields


def body_of(*, township=None, county=None):
    """The one body given; a service called with both or neither is a programming error."""
    if (township is None) == (county is None):
        raise ValueError("give a township or a county")
    return township if township is not None else county


def ruleset_for_body(body) -> RuleSet:
    """The body's rule set (票决办法): the township's, or the county congress's."""
    return congress_selectors.ruleset_for(**body_fields(body))


def audit_body(body) -> dict:
    """The ``township=`` / ``county=`` keyword for ``audit_record``: a township's row is
    logged under the township (and its county), a county congress's under the county."""
    return body_fields(body)
