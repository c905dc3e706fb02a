"""People and helpers for the registration tests (the personas come from tests/conftest.py)."""

import datetime as dt

import pytest

from plenary.accounts.models import User
from plenary.meetings.models import Meeting
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations import services
from plenary.registrations.models import Registration

UTC = dt.UTC


@pytest.fixture
def other_focal_point(demo) -> User:
    """The focal point of another Sector Member (Demo Sector Member Networks)."""
    org = Organization.objects.get(short_name="DSMN")
    person = User.objects.create_user(
        "focalpoint-dsmn@example.org", "x", name="Focal point of Demo Sector Member Networks"
    )
    person.organization = org
    person.save()
    FocalPoint.objects.create(organization=org, person=person)
    return person


@pytest.fixture
def other_delegate(demo) -> User:
    """A delegate of Demo Sector Member Networks (which has a focal point only with the fixture
    above)."""
    org = Organization.objects.get(short_name="DSMN")
    return User.objects.create_user(
        "delegate-dsmn@example.org", "x", name="Delegate of DSMN", organization=org, country="JP"
    )


@pytest.fixture
def register(next_meeting):
    """Self-registration of a person for the next meeting (remote delegate by default)."""

    def _register(person, *, meeting: Meeting | None = None, **kwargs) -> Registration:
        fields = {"mode": "remote", "delegation_role": "delegate", **kwargs}
        return services.registration_create(
            meeting=meeting or next_meeting, person=person, by=fields.pop("by", person), **fields
        )

    return _register


@pytest.fixture
def pending(register, delegate) -> Registration:
    """The delegate's pending request for the next meeting."""
    registration = register(delegate)
    assert registration.state == Registration.State.PENDING
    return registration


@pytest.fixture
def approved(pending, focal_point) -> Registration:
    return services.registration_approve(registration=pending, by=focal_point)
