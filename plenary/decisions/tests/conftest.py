"""Fixtures of the decisions tests: the shared personas and another working party's chairman."""

import pytest

from plenary.accounts.models import User
from plenary.groups.models import Body, Role


@pytest.fixture
def other_chair(demo) -> User:
    """The chairman of another working party of the same study group."""
    sg11 = Body.objects.get(acronym="SG11")
    wp2 = Body.objects.create(
        kind=Body.Kind.WORKING_PARTY, parent=sg11, number=2, acronym="WP2/11", title="Testing"
    )
    person = User.objects.create_user(email="wp2-chair@example.org", name="WP2/11 chairman")
    Role.objects.create(body=wp2, person=person, name=Role.Name.CHAIRMAN)
    return person
