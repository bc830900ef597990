"""projects.services.reserve: what it refuses."""

import pytest
from django.core.exceptions import ValidationError

from .. import factories as f

pytestmark = pytest.mark.django_db


def test_a_negative_investment_is_refused(world):
    with pytest.raises(ValidationError):
        f.project(world, estimated_investment=-1)
