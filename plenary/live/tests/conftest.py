"""Fixtures of the live-room tests: the shared personas and an approved delegate."""

import pytest

from plenary.accounts.models import User
from plenary.live.models import Room
from plenary.live.services import room_current
from plenary.registrations.models import Registration


def approve(meeting, person: User) -> Registration:
    return Registration.objects.create(
        meeting=meeting,
        person=person,
        mode=Registration.Mode.REMOTE,
        delegation_role=Registration.DelegationRole.DELEGATE,
        organization=person.organization,
        state=Registration.State.APPROVED,
        registered_by=person,
    )


@pytest.fixture
def participant(seed_meeting, delegate) -> User:
    """The delegate, with an approved registration for the seed meeting."""
    approve(seed_meeting, delegate)
    return delegate


@pytest.fixture
def second_participant(seed_meeting, focal_point) -> User:
    approve(seed_meeting, focal_point)
    return focal_point


@pytest.fixture
def room(seed_meeting) -> Room:
    return room_current(meeting=seed_meeting)
