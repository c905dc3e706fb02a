"""The time plan of a meeting as an iCalendar file (RFC 5545)."""

import datetime as dt

import icalendar
from django.conf import settings

from plenary.meetings.models import Meeting


def meeting_calendar(meeting: Meeting, slots) -> bytes:
    """One VEVENT per time-plan slot (or per meeting day when the plan is empty), with VTIMEZONE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Plenary//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", meeting.title)
    cal.add("x-wr-timezone", meeting.time_zone)
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    location = meeting.place or meeting.remote_tool
    stamp = meeting.updated_at or meeting.created_at
    # A published slot is a snapshot without a database id, so a slot is known by its date and
    # start: the UID stays the same across versions of the time plan.
    sessions = [
        (slot.starts_at, slot.ends_at, slot.title, f"slot-{slot.date:%Y%m%d}-{slot.start:%H%M}")
        for slot in slots
    ]
    if not sessions:
        day = meeting.start_date
        while day <= meeting.end_date:
            sessions.append(
                (
                    meeting.local(day, meeting.daily_start),
                    meeting.local(day, meeting.daily_end),
                    meeting.title,
                    f"day-{day.isoformat()}",
                )
            )
            day += dt.timedelta(days=1)
    for start, end, title, key in sessions:
        event = icalendar.Event()
        event.add("uid", f"{meeting.slug}-{key}@plenary")
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", title if title == meeting.title else f"{meeting.body}: {title}")
        event.add("description", f"{meeting.title}\n{url}")
        event.add("url", url)
        if location:
            event.add("location", location)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
