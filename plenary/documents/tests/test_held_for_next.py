"""A contribution received after the deadline is held for the next meeting: left out of this
meeting's agenda, and carried over by the secretariat to the body's next meeting, where it keeps
its number and is on time."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from plenary.documents import services
from plenary.documents.models import Document
from plenary.meetings.models import Meeting
from plenary.meetings.selectors import meeting_deadlines

from .conftest import filled, register_contribution, upload


def _held(meeting, person) -> Document:
    cutoff = meeting_deadlines(meeting)["contributions"].cutoff
    document = register_contribution(meeting, person)
    upload(document, person, filled(document), now=cutoff + dt.timedelta(days=1))
    document.refresh_from_db()
    assert document.late and document.held_for_next
    return document


def _later(meeting: Meeting, days: int = 63) -> Meeting:
    later = Meeting.objects.get(pk=meeting.pk)
    later.pk = None
    later.slug = f"{meeting.slug}-later"
    later.title = "Virtual meeting of Working Party 1/11, later"
    later.start_date += dt.timedelta(days=days)
    later.end_date += dt.timedelta(days=days)
    later.save()
    return later


def test_a_held_contribution_is_not_listed_under_this_meetings_agenda(
    client, media, next_meeting, delegate
):
    item = next_meeting.agenda_items.get(parent=None, position=4)
    held = _held(next_meeting, delegate)
    on_time = register_contribution(next_meeting, delegate, title="On time")
    upload(on_time, delegate, filled(on_time), now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Document.objects.filter(pk__in=[held.pk, on_time.pk]).update(agenda_item=item)
    allocated = dict(
        client.get(reverse("meetings:detail", args=[next_meeting.slug])).context["agenda_entries"]
    )
    listed = [d.pk for documents in allocated.values() for d in documents]
    assert on_time.pk in listed and held.pk not in listed


def test_the_secretariat_carries_a_held_contribution_over_to_the_next_meeting(
    client, media, next_meeting, delegate, secretariat
):
    held = _held(next_meeting, delegate)
    held.agenda_item = next_meeting.agenda_items.first()
    held.save(update_fields=["agenda_item"])
    with pytest.raises(services.DocumentRefused, match="no later meeting yet"):
        services.document_carry_over(document=held, actor=secretariat)
    later = _later(next_meeting)
    moved = services.document_carry_over(document=held, actor=secretariat)
    assert moved.meeting == later and moved.number == held.number
    assert not moved.late and not moved.held_for_next and moved.agenda_item is None
    event = moved.events.get(type="carried_over")
    assert event.actor == secretariat and later.title in event.detail
    assert moved.events.filter(type="late").exists()  # the history keeps the late mark

    def numbers(meeting):
        rows = client.get(reverse("documents:register", args=[meeting.slug])).context["rows"]
        return [row["document"].display_number for row in rows]

    assert held.display_number in numbers(later)
    assert held.display_number not in numbers(next_meeting)
    with pytest.raises(services.DocumentRefused, match="held for the next meeting"):
        services.document_carry_over(document=moved, actor=secretariat)


def test_a_contribution_is_not_carried_over_into_another_study_period(
    media, seed_meeting, delegate, secretariat
):
    """The seed meeting (2020) is followed by the demo's next meeting, in another study period:
    the contribution's number runs over its own period only."""
    held = _held(seed_meeting, delegate)
    with pytest.raises(services.DocumentRefused, match="another study period"):
        services.document_carry_over(document=held, actor=secretariat)
    held.refresh_from_db()
    assert held.meeting == seed_meeting and held.held_for_next


def test_an_admitted_contribution_is_not_carried_over(media, next_meeting, delegate, secretariat):
    held = _held(next_meeting, delegate)
    _later(next_meeting)
    services.document_admit(document=held, actor=secretariat)
    with pytest.raises(services.DocumentRefused):
        services.document_carry_over(document=held, actor=secretariat)


def test_the_secretariat_admits_or_carries_over_from_the_documents_page(
    client, media, next_meeting, delegate, secretariat
):
    held = _held(next_meeting, delegate)
    page = reverse("documents:detail", args=[held.pk])
    client.force_login(secretariat)
    text = client.get(page).content.decode()
    assert "Admit to this meeting" in text and "No later meeting of" in text
    later = _later(next_meeting)
    assert f"Carry over to {later.title}" in client.get(page).content.decode()
    response = client.post(reverse("documents:carry_over", args=[held.pk]), follow=True)
    assert f"is carried over to {later.title}" in response.content.decode()
    held.refresh_from_db()
    assert held.meeting == later and not held.held_for_next

    other = _held(later, delegate)
    response = client.post(reverse("documents:admit", args=[other.pk]), follow=True)
    assert "is admitted to the meeting" in response.content.decode()
    other.refresh_from_db()
    assert other.late and not other.held_for_next and other.admitted_by == secretariat
    assert "Admit to this meeting" not in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["delegate", "chair", "outsider"])
def test_only_the_secretariat_admits_or_carries_over(
    client, media, next_meeting, delegate, persona, request
):
    held = _held(next_meeting, delegate)
    _later(next_meeting)
    client.force_login(request.getfixturevalue(persona))
    for name in ("documents:carry_over", "documents:admit"):
        assert client.post(reverse(name, args=[held.pk])).status_code == 403
    assert "Carry over to" not in client.get(held.get_absolute_url()).content.decode()
    held.refresh_from_db()
    assert held.meeting == next_meeting and held.held_for_next


def test_a_refused_carry_over_says_why_on_the_page(
    client, media, next_meeting, delegate, secretariat
):
    held = _held(next_meeting, delegate)
    client.force_login(secretariat)
    response = client.post(reverse("documents:carry_over", args=[held.pk]), follow=True)
    assert "has no later meeting yet" in response.content.decode()
    assert client.get(reverse("documents:carry_over", args=[held.pk])).status_code == 405


def test_no_carry_over_into_a_draft_or_ended_meeting_nor_of_a_withdrawn_one(
    client, media, next_meeting, delegate, secretariat
):
    held = _held(next_meeting, delegate)
    later = _later(next_meeting)
    for status in (Meeting.Status.DRAFT, Meeting.Status.CANCELLED, Meeting.Status.CLOSED):
        Meeting.objects.filter(pk=later.pk).update(status=status)
        with pytest.raises(services.DocumentRefused, match="no later meeting yet"):
            services.document_carry_over(document=held, actor=secretariat)
    Meeting.objects.filter(pk=later.pk).update(status=Meeting.Status.ANNOUNCED)
    services.document_withdraw(document=held, actor=delegate, reason="superseded")
    with pytest.raises(services.DocumentRefused, match="Only a contribution held"):
        services.document_carry_over(document=held, actor=secretariat)
    with pytest.raises(services.DocumentRefused, match="nothing to admit"):
        services.document_admit(document=held, actor=secretariat)
    held.refresh_from_db()
    assert held.meeting == next_meeting


def test_admitting_what_is_no_longer_held_says_so(
    client, media, next_meeting, delegate, secretariat
):
    held = _held(next_meeting, delegate)
    _later(next_meeting)
    services.document_carry_over(document=held, actor=secretariat)
    client.force_login(secretariat)
    response = client.post(reverse("documents:admit", args=[held.pk]), follow=True)
    assert "nothing to admit" in response.content.decode()
    held.refresh_from_db()
    assert held.admitted_by is None


def test_the_next_meeting_is_one_that_has_not_ended(seed_meeting, next_meeting):
    """An announced meeting already over (after the seed meeting, in 2020) is passed by."""
    ended = _later(seed_meeting, days=21)
    Meeting.objects.filter(pk=ended.pk).update(status=Meeting.Status.ANNOUNCED)
    assert ended.end_date < timezone.localdate()
    assert services.next_meeting_of(seed_meeting) == next_meeting
