"""What a delegate is told around the contribution deadline: before registering, on the upload
form, after a late upload; and a meeting in one language offers no translation."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from plenary.meetings.models import DeadlineOverride

from .conftest import filled, register_contribution, upload_file


def _deadline_passed(meeting, secretariat):
    day = timezone.localdate() - dt.timedelta(days=2)
    DeadlineOverride.objects.create(
        meeting=meeting,
        key="contributions",
        date=day,
        cutoff=dt.datetime.combine(day, dt.time(23, 59), tzinfo=dt.UTC),
        reason="Moved for the test",
        set_by=secretariat,
    )


def test_before_the_deadline_the_delegate_is_told_its_date(client, media, next_meeting, delegate):
    client.force_login(delegate)
    response = client.post(
        reverse("documents:contribution_new", args=[next_meeting.slug]),
        {"title": "Signalling for Z", "source": "Demo Sector Member Telecom"},
        follow=True,
    )
    text = response.content.decode()
    assert "Upload it by the contribution deadline, " in text
    assert "has passed" not in text


def test_after_the_deadline_the_delegate_is_warned_before_and_after_uploading(
    client, media, next_meeting, delegate, secretariat
):
    _deadline_passed(next_meeting, secretariat)
    client.force_login(delegate)
    response = client.post(
        reverse("documents:contribution_new", args=[next_meeting.slug]),
        {"title": "Signalling for Z", "source": "Demo Sector Member Telecom"},
        follow=True,
    )
    text = response.content.decode()
    assert "has passed: uploaded now, it is marked late and held for the next meeting" in text
    document = response.context["document"]
    page = client.get(document.get_absolute_url()).content.decode()
    assert "a file uploaded now makes the contribution late" in page
    response = client.post(
        reverse("documents:upload", args=[document.pk]),
        {"file": upload_file(filled(document)), "language": "E"},
        follow=True,
    )
    text = response.content.decode()
    assert "is posted, after the contribution deadline" in text
    assert "it is not considered at this meeting unless the secretariat admits it" in text
    assert "a revision uploaded now is recorded as after the deadline" in text


def test_a_meeting_in_one_language_offers_no_translation(client, media, next_meeting, delegate):
    next_meeting.languages = ["en"]
    next_meeting.save(update_fields=["languages"])
    document = register_contribution(next_meeting, delegate)
    client.force_login(delegate)
    assert "<h2>Translation</h2>" not in client.get(document.get_absolute_url()).content.decode()
    next_meeting.languages = ["en", "fr"]
    next_meeting.save(update_fields=["languages"])
    assert "<h2>Translation</h2>" in client.get(document.get_absolute_url()).content.decode()


def test_the_document_page_reads_the_meetings_deadlines_once(client, media, next_meeting, delegate):
    """The upload section and the translation section share one reading of the deadlines."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    next_meeting.languages = ["en", "fr"]  # a translation section too
    next_meeting.save(update_fields=["languages"])
    document = register_contribution(next_meeting, delegate)
    client.force_login(delegate)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(document.get_absolute_url()).status_code == 200
    overrides = [q for q in captured if "deadlineoverride" in q["sql"]]
    assert len(overrides) == 1
