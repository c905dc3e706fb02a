"""The secretariat moves a meeting through its life from the meeting page: a draft is announced
(shown to everyone, open for registration), opened, closed, cancelled, and a slip undone."""

import pytest
from django.test import Client
from django.urls import reverse

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.meetings.models import Meeting


@pytest.fixture
def draft(next_meeting) -> Meeting:
    Meeting.objects.filter(pk=next_meeting.pk).update(status=Meeting.Status.DRAFT)
    next_meeting.refresh_from_db()
    return next_meeting


@pytest.fixture
def sg13_secretariat(demo) -> User:
    """The counsellor of another study group: secretariat, but not of this meeting's body."""
    person = User.objects.create_user(email="sg13-counsellor@example.org", name="SG13 counsellor")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=person, name="counsellor")
    return person


def _set(client, meeting, status, **kwargs):
    url = reverse("meetings:status", args=[meeting.slug])
    return client.post(url, {"status": status}, **kwargs)


def _status(meeting) -> str:
    meeting.refresh_from_db()
    return meeting.status


def test_a_draft_is_announced_and_then_seen_by_everyone(client, draft, secretariat):
    page = reverse("meetings:detail", args=[draft.slug])
    assert Client().get(page).status_code == 404
    client.force_login(secretariat)
    text = client.get(page).content.decode()
    assert "A draft is seen by the secretariat alone" in text
    assert 'value="announced">Announce the meeting</button>' in text
    response = _set(client, draft, "announced", follow=True)
    assert "The meeting is now announced." in response.content.decode()
    assert _status(draft) == Meeting.Status.ANNOUNCED
    assert Client().get(page).status_code == 200


def test_the_meeting_goes_through_its_life_and_a_slip_is_undone(client, draft, secretariat):
    client.force_login(secretariat)
    for status in ("announced", "in_progress", "closed", "in_progress", "closed"):
        _set(client, draft, status)
        assert _status(draft) == status
    Meeting.objects.filter(pk=draft.pk).update(status=Meeting.Status.ANNOUNCED)
    _set(client, draft, "cancelled")
    assert _status(draft) == Meeting.Status.CANCELLED
    text = client.get(reverse("meetings:detail", args=[draft.slug])).content.decode()
    assert "Announce the meeting again" in text
    _set(client, draft, "announced")
    assert _status(draft) == Meeting.Status.ANNOUNCED


@pytest.mark.parametrize("wanted", ["closed", "in_progress", "draft", "nonsense", ""])
def test_a_move_the_status_does_not_allow_is_refused_with_a_reason(
    client, draft, secretariat, wanted
):
    client.force_login(secretariat)
    response = _set(client, draft, wanted, follow=True)
    assert "A meeting that is draft cannot become" in response.content.decode()
    assert _status(draft) == Meeting.Status.DRAFT


@pytest.mark.parametrize("persona", ["chair", "delegate", "outsider", "sg13_secretariat"])
def test_only_the_bodys_secretariat_changes_the_status(client, next_meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert _set(client, next_meeting, "cancelled").status_code == 403
    assert _status(next_meeting) == Meeting.Status.ANNOUNCED
    page = client.get(reverse("meetings:detail", args=[next_meeting.slug])).content.decode()
    assert "Cancel the meeting" not in page


def test_anonymous_people_are_sent_to_sign_in_and_get_is_refused(client, next_meeting, secretariat):
    response = _set(client, next_meeting, "cancelled")
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(secretariat)
    assert client.get(reverse("meetings:status", args=[next_meeting.slug])).status_code == 405
    assert _status(next_meeting) == Meeting.Status.ANNOUNCED


def test_creating_a_meeting_says_how_to_announce_it(client, secretariat):
    wp1 = Body.objects.get(acronym="WP1/11")
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:new"),
        {
            "body": wp1.pk,
            "title": "Virtual meeting of Working Party 1/11",
            "slug": "",
            "start_date": "2027-06-10",
            "end_date": "2027-06-10",
            "daily_start": "12:00",
            "daily_end": "15:00",
            "time_zone": "Europe/Zurich",
            "mode": "virtual",
            "languages": ["en"],
            "deadline_policy": "itu-t",
        },
        follow=True,
    )
    text = response.content.decode()
    assert "announce it from this page when it is ready" in text
    assert 'value="announced">Announce the meeting</button>' in text
