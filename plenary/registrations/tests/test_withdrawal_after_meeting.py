"""A registration can be withdrawn until its meeting ends; afterwards it is part of the record."""

import datetime as dt

import pytest
from django.urls import reverse

from plenary.api.tests.conftest import _token, bearer
from plenary.registrations import services
from plenary.registrations.models import Registration
from plenary.registrations.permissions import can_withdraw_registration

UTC = dt.UTC
ENDED = "The meeting has ended"


@pytest.fixture
def attended(register, seed_meeting, delegate) -> Registration:
    """The delegate's registration for the seed meeting of 19 November 2020, made in time."""
    return register(delegate, meeting=seed_meeting, now=dt.datetime(2020, 10, 1, 12, tzinfo=UTC))


def test_withdrawal_is_open_until_the_last_session_ends(attended, delegate, seed_meeting):
    # The session ends at 15:00 Geneva time (14:00 UTC in November).
    assert seed_meeting.ends_at == dt.datetime(2020, 11, 19, 14, tzinfo=UTC)
    before = dt.datetime(2020, 11, 19, 13, 59, tzinfo=UTC)
    assert can_withdraw_registration(delegate, attended, now=before)
    assert not can_withdraw_registration(delegate, attended, now=seed_meeting.ends_at)


def test_the_service_refuses_after_the_meeting(attended, delegate):
    with pytest.raises(services.InvalidTransition, match=ENDED):
        services.registration_withdraw(registration=attended, by=delegate)
    attended.refresh_from_db()
    assert attended.state == Registration.State.PENDING
    assert attended.events.count() == 1


def test_my_meetings_offers_withdrawal_only_for_meetings_to_come(
    client, register, attended, delegate
):
    upcoming = register(delegate)
    client.force_login(delegate)
    html = client.get(reverse("registrations:mine")).content.decode()
    assert reverse("registrations:withdraw", args=[upcoming.pk]) in html
    assert reverse("registrations:withdraw", args=[attended.pk]) not in html


def test_the_page_says_why_and_changes_nothing(client, attended, delegate):
    client.force_login(delegate)
    response = client.post(reverse("registrations:withdraw", args=[attended.pk]), follow=True)
    assert ENDED in response.content.decode()
    attended.refresh_from_db()
    assert attended.state == Registration.State.PENDING


def test_the_api_answers_409_with_the_reason(client, attended, delegate):
    response = client.post(
        f"/api/v1/registrations/{attended.pk}/withdraw", headers=bearer(_token(delegate))
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert ENDED in response.json()["message"]
    attended.refresh_from_db()
    assert attended.state == Registration.State.PENDING
