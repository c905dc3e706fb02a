"""A meeting that has ended takes no more contributions: the page, the button and the API."""

import datetime as dt

from django.urls import reverse

from plenary.api.tests.conftest import _token, bearer
from plenary.documents.models import Document
from plenary.documents.permissions import may_contribute
from plenary.meetings.models import Meeting

ENDED = "This meeting has ended"


def test_contributions_close_when_the_last_session_ends(delegate, seed_meeting):
    ends = seed_meeting.ends_at
    assert may_contribute(delegate, seed_meeting, now=ends - dt.timedelta(minutes=1)) is None
    assert ENDED in may_contribute(delegate, seed_meeting, now=ends)


def test_a_closed_meeting_takes_none_even_before_its_end(delegate, next_meeting):
    assert may_contribute(delegate, next_meeting) is None
    next_meeting.status = Meeting.Status.CLOSED
    assert ENDED in may_contribute(delegate, next_meeting)


def test_the_register_offers_no_button_and_the_page_refuses(client, delegate, seed_meeting):
    client.force_login(delegate)
    new = reverse("documents:contribution_new", args=[seed_meeting.slug])
    register = client.get(reverse("documents:register", args=[seed_meeting.slug]))
    assert register.status_code == 200 and new not in register.content.decode()
    response = client.post(new, {"title": "Signalling for X", "source": "DSMT"})
    assert response.status_code == 403 and ENDED in response.content.decode()
    assert not Document.objects.filter(title="Signalling for X").exists()


def test_the_api_refuses_with_the_reason(client, delegate, seed_meeting):
    response = client.post(
        f"/api/v1/meetings/{seed_meeting.slug}/contributions",
        {"title": "Signalling for X"},
        content_type="application/json",
        headers=bearer(_token(delegate)),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "may_not_contribute" and ENDED in response.json()["message"]
    assert not Document.objects.filter(title="Signalling for X").exists()
