"""The .ics download is valid iCalendar with the meeting's real time zone."""

import datetime as dt
import zoneinfo

import icalendar
from django.urls import reverse

from plenary.meetings.models import TimePlanSlot


def _calendar(client, slug="sg11-wp1-2020-11-19"):
    response = client.get(reverse("meetings:ics", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f'filename="{slug}.ics"' in response["Content-Disposition"]
    return icalendar.Calendar.from_ical(response.content)


def test_it_parses_back_with_the_session_in_geneva_time(client, seed_meeting):
    cal = _calendar(client)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == dt.datetime(2020, 11, 19, 13, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))
    assert start.astimezone(dt.UTC) == dt.datetime(2020, 11, 19, 12, tzinfo=dt.UTC)
    assert end - start == dt.timedelta(hours=2)
    assert event["dtstart"].params["TZID"] == "Europe/Zurich"
    assert "WP1/11" in str(event["summary"])
    assert str(event["location"]) == "MyMeetings"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert str(cal["version"]) == "2.0"


def test_it_gives_one_event_per_slot_with_stable_uids(client, seed_meeting):
    TimePlanSlot.objects.create(
        meeting=seed_meeting,
        date=seed_meeting.start_date,
        start=dt.time(15, 30),
        end=dt.time(16, 30),
        title="Rapporteur group",
    )
    first = [str(e["uid"]) for e in _calendar(client).walk("VEVENT")]
    second = [str(e["uid"]) for e in _calendar(client).walk("VEVENT")]
    assert len(first) == 2 and first == second and len(set(first)) == 2


def test_it_falls_back_to_the_daily_hours_without_a_time_plan(client, seed_meeting):
    seed_meeting.slots.all().delete()
    events = _calendar(client).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart").hour == 13


def test_it_is_404_for_an_unknown_meeting(client, db):
    assert client.get("/meetings/nope/calendar.ics").status_code == 404


def test_it_carries_the_published_time_plan_not_the_working_copy(client, seed_meeting, chair):
    from plenary.meetings.services.agenda import slot_add, time_plan_publish

    time_plan_publish(meeting=seed_meeting, by=chair)
    published = [str(e["uid"]) for e in _calendar(client).walk("VEVENT")]
    slot_add(
        meeting=seed_meeting,
        date=seed_meeting.start_date,
        start=dt.time(15, 30),
        end=dt.time(16),
        title="Unpublished session",
    )
    events = _calendar(client).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == published
    assert all("Unpublished" not in str(e["summary"]) for e in events)
