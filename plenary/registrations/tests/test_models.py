"""The database itself keeps one live registration per person and meeting."""

import pytest
from django.db import IntegrityError, transaction

from plenary.registrations.models import Registration


def _row(meeting, person, state):
    return Registration(
        meeting=meeting,
        person=person,
        mode="remote",
        delegation_role="delegate",
        organization=person.organization,
        state=state,
        registered_by=person,
    )


def test_it_refuses_a_second_live_registration_at_the_database(next_meeting, delegate):
    _row(next_meeting, delegate, "pending").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(next_meeting, delegate, "approved").save()


def test_it_refuses_two_pending_rows(next_meeting, delegate):
    _row(next_meeting, delegate, "pending").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(next_meeting, delegate, "pending").save()


@pytest.mark.parametrize("state", ["rejected", "withdrawn", "cancelled"])
def test_it_allows_a_new_registration_beside_closed_ones(next_meeting, delegate, state):
    _row(next_meeting, delegate, state).save()
    _row(next_meeting, delegate, state).save()
    _row(next_meeting, delegate, "pending").save()
    assert Registration.objects.filter(meeting=next_meeting, person=delegate).count() == 3


def test_it_allows_the_same_person_at_another_meeting(next_meeting, seed_meeting, delegate):
    _row(next_meeting, delegate, "approved").save()
    _row(seed_meeting, delegate, "approved").save()
