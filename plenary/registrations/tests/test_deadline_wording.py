"""The registration deadline is printed as the day it ends, never as the cut-off's clock time.

A whole-day deadline's cut-off is the midnight that starts the next day (deadlines.py), so
printing "19 October 2020 (00:00 Geneva time)" told delegates the wrong moment.
"""

import datetime as dt
import zoneinfo

from django.urls import reverse

from plenary.meetings.deadlines import Deadline, end_of_day
from plenary.meetings.models import Meeting
from plenary.meetings.services.deadlines import deadline_override_set
from plenary.registrations.templatetags.registrations import deadline_closing

GENEVA = Meeting(time_zone="Europe/Zurich", time_zone_label="Geneva time")
UTC = zoneinfo.ZoneInfo("UTC")


def deadline(day: dt.date, cutoff: dt.datetime) -> Deadline:
    return Deadline(key="registration", label="Registration", date=day, cutoff=cutoff)


def test_a_whole_day_deadline_closes_at_the_end_of_its_day():
    day = dt.date(2020, 10, 19)
    text = deadline_closing(deadline(day, end_of_day(day, "Europe/Zurich")), GENEVA)
    assert text == "at the end of Monday, 19 October 2020, Geneva time"


def test_a_cutoff_read_back_in_utc_is_still_the_end_of_the_day():
    day = dt.date(2020, 10, 19)
    stored = end_of_day(day, "Europe/Zurich").astimezone(dt.UTC)
    assert deadline_closing(deadline(day, stored), GENEVA) == (
        "at the end of Monday, 19 October 2020, Geneva time"
    )


def test_a_policys_closing_time_in_the_meetings_zone_is_printed():
    day = dt.date(2020, 10, 16)
    cutoff = dt.datetime(2020, 10, 16, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))
    assert deadline_closing(deadline(day, cutoff), GENEVA) == (
        "at 12:00 Geneva time on Friday, 16 October 2020"
    )


def test_a_closing_time_in_another_zone_gives_the_meetings_time_beside_it():
    day = dt.date(2020, 10, 16)
    cutoff = dt.datetime(2020, 10, 16, 23, 59, tzinfo=UTC)
    assert deadline_closing(deadline(day, cutoff), GENEVA) == (
        "at 23:59 UTC on Friday, 16 October 2020 (01:59 Geneva time on Saturday, 17 October)"
    )
    noon = dt.datetime(2020, 10, 16, 12, 0, tzinfo=UTC)
    assert deadline_closing(deadline(day, noon), GENEVA) == (
        "at 12:00 UTC on Friday, 16 October 2020 (14:00 Geneva time)"
    )


def test_the_meeting_page_says_when_registration_closed(client, seed_meeting):
    html = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert "Registration closed at the end of Monday, 19 October 2020, Geneva time." in html
    assert "(00:00 Geneva time)" not in html


def test_the_register_page_says_when_registration_closes(client, delegate, next_meeting):
    client.force_login(delegate)
    url = reverse("registrations:register", kwargs={"slug": next_meeting.slug})
    html = client.get(url).content.decode()
    assert "Registration closes at the end of " in html
    assert ", Geneva time." in html
    assert "00:00" not in html


def test_a_moved_deadline_closes_at_the_end_of_its_new_day(client, secretariat, next_meeting):
    new_day = next_meeting.start_date - dt.timedelta(days=10)
    deadline_override_set(
        meeting=next_meeting, key="registration", date=new_day, reason="Late venue.", by=secretariat
    )
    html = client.get(next_meeting.get_absolute_url()).content.decode()
    expected = f"Registration closes at the end of {new_day:%A, %-d %B %Y}, Geneva time."
    assert expected in html


def test_a_weekday_cutoff_policy_prints_its_closing_time(client, next_meeting):
    Meeting.objects.filter(pk=next_meeting.pk).update(deadline_policy="weekday-cutoff")
    html = client.get(next_meeting.get_absolute_url()).content.decode()
    assert "Registration closes at 23:59 UTC on Friday, " in html
    assert "Geneva time" in html
