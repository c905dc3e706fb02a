"""A meeting that has ended takes no more contributions, and its documents change no more but
by the secretariat: the rules, the pages and the API."""

import datetime as dt

import pytest
from django.urls import reverse

from plenary.api.tests.conftest import _token, bearer
from plenary.documents.models import Document
from plenary.documents.permissions import change_refusal, may_contribute
from plenary.documents.tests.conftest import (
    filled,
    posted_contribution,
    upload_file,
)
from plenary.meetings.models import Meeting

ENDED = "meeting has ended"


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


# Changing a document once its meeting has ended --------------------------------------------


@pytest.fixture
def contribution(media, seed_meeting, delegate) -> Document:
    """The delegate's contribution to the seed meeting of 19 November 2020, uploaded."""
    return posted_contribution(seed_meeting, delegate)


def test_the_submitter_changes_a_document_until_the_meeting_ends(
    contribution, delegate, secretariat, seed_meeting
):
    ends = seed_meeting.ends_at
    assert change_refusal(delegate, contribution, now=ends - dt.timedelta(minutes=1)) is None
    assert ENDED in change_refusal(delegate, contribution, now=ends)
    # The secretariat keeps the record: it may still change it.
    assert change_refusal(secretariat, contribution, now=ends) is None


def test_the_page_offers_no_change_and_refuses_with_the_reason(
    client, contribution, delegate, secretariat
):
    client.force_login(delegate)
    page = client.get(reverse("documents:detail", args=[contribution.pk])).content.decode()
    assert reverse("documents:upload", args=[contribution.pk]) not in page
    assert reverse("documents:withdraw", args=[contribution.pk]) not in page
    for name in ("upload", "withdraw"):
        response = client.post(reverse(f"documents:{name}", args=[contribution.pk]))
        assert response.status_code == 403 and ENDED in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.state == Document.State.POSTED
    assert contribution.revisions.count() == 1
    client.force_login(secretariat)
    page = client.get(reverse("documents:detail", args=[contribution.pk])).content.decode()
    assert reverse("documents:upload", args=[contribution.pk]) in page


def test_the_api_refuses_an_upload_with_the_reason(client, contribution, delegate):
    response = client.post(
        f"/api/v1/documents/{contribution.file_code}/upload",
        {"file": upload_file(filled(contribution)), "language": "E"},
        headers=bearer(_token(delegate)),
    )
    assert response.status_code == 403 and ENDED in response.json()["message"]
    assert contribution.revisions.count() == 1
