"""What registering reads about the person's organization: its automatic approval, as it is now,
and its focal points, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.accounts.models import User
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations.models import Registration

State = Registration.State

pytestmark = pytest.mark.django_db


def _loaded(person: User) -> User:
    """The person as a request has them: with their organization."""
    return User.objects.select_related("organization").get(pk=person.pk)


def _organization_reads(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if '"membership_' in q["sql"]]


def test_the_organization_and_its_focal_points_are_one_query(register, delegate):
    person = _loaded(delegate)
    with CaptureQueriesContext(connection) as captured:
        registration = register(person)
    [read] = _organization_reads(captured)
    assert '"membership_focalpoint"' in read
    assert registration.state == State.PENDING
    assert registration.organization == delegate.organization


def test_the_setting_is_read_afresh_not_from_the_loaded_person(register, delegate):
    person = _loaded(delegate)
    Organization.objects.filter(pk=person.organization_id).update(automatic_approval=True)
    assert person.organization.automatic_approval is False  # what the request loaded
    registration = register(person)
    assert registration.state == State.APPROVED and registration.approved_automatically


def test_an_organization_with_several_focal_points(register, delegate, focal_point):
    """One row per focal point: the person among them is approved at once."""
    FocalPoint.objects.create(organization=delegate.organization, person=delegate)
    person = _loaded(delegate)
    assert FocalPoint.objects.filter(organization=person.organization).count() >= 2
    registration = register(person)
    assert registration.state == State.APPROVED and registration.approved_automatically
    assert "focal point" in registration.events.get().reason


def test_an_organization_without_focal_points_goes_to_the_secretariat(
    register, delegate, django_capture_on_commit_callbacks
):
    FocalPoint.objects.filter(organization=delegate.organization).delete()
    with django_capture_on_commit_callbacks() as callbacks:
        registration = register(_loaded(delegate))
    assert registration.state == State.PENDING
    assert any("send_request_to_secretariat" in repr(c) for c in callbacks), callbacks
