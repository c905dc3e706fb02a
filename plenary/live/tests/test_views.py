"""The room's page, its snapshot and the attendance export: who gets in and what they see."""

import csv
import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from plenary.live import services
from plenary.live.models import Attendance


def _page(meeting):
    return reverse("live:room", kwargs={"slug": meeting.slug})


def _state(meeting):
    return reverse("live:state", kwargs={"slug": meeting.slug})


def test_it_shows_the_room_to_an_approved_participant(client, seed_meeting, participant):
    client.force_login(participant)
    response = client.get(_page(seed_meeting))
    assert response.status_code == 200
    assert b'aria-live="assertive"' in response.content
    assert b"live/room.js" in response.content
    assert b"Give the floor to the next" not in response.content


def test_it_shows_the_chair_the_chair_controls(client, seed_meeting, chair):
    client.force_login(chair)
    response = client.get(_page(seed_meeting))
    assert response.status_code == 200
    assert b"Give the floor to the next" in response.content


def test_it_refuses_a_delegate_without_an_approved_registration(client, seed_meeting, delegate):
    client.force_login(delegate)
    response = client.get(_page(seed_meeting))
    assert response.status_code == 403
    assert b"You cannot enter this live room" in response.content
    assert client.get(_state(seed_meeting)).status_code == 403


def test_it_sends_the_anonymous_to_sign_in(client, seed_meeting):
    response = client.get(_page(seed_meeting))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(_state(seed_meeting)).status_code == 403


def test_it_refuses_other_methods(client, seed_meeting, participant):
    client.force_login(participant)
    assert client.post(_page(seed_meeting)).status_code == 405
    assert client.post(_state(seed_meeting)).status_code == 405


def test_it_gives_the_snapshot_with_the_last_number(client, seed_meeting, room, participant):
    services.floor_request(room=room, person=participant)
    client.force_login(participant)
    snapshot = client.get(_state(seed_meeting)).json()
    assert snapshot["seq"] == 1
    assert snapshot["floor"]["queue"][0]["person"]["name"] == participant.display_name


def test_it_links_the_room_from_the_meeting_page_for_admitted_people_only(
    client, seed_meeting, participant, outsider
):
    client.force_login(participant)
    assert _page(seed_meeting).encode() in client.get(seed_meeting.get_absolute_url()).content
    client.force_login(outsider)
    assert _page(seed_meeting).encode() not in client.get(seed_meeting.get_absolute_url()).content


def test_it_exports_attendance_for_the_secretariat(
    client, seed_meeting, room, participant, secretariat
):
    t0 = dt.datetime(2020, 11, 19, 12, 0, tzinfo=dt.UTC)
    Attendance.objects.create(
        room=room,
        person=participant,
        channel_name="a",
        joined_at=t0,
        left_at=t0 + dt.timedelta(minutes=30),
    )
    Attendance.objects.create(
        room=room,
        person=participant,
        channel_name="b",
        joined_at=t0 + dt.timedelta(minutes=20),
        left_at=t0 + dt.timedelta(minutes=50),
    )
    url = reverse("live:attendance_csv", kwargs={"slug": seed_meeting.slug})
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    response = client.get(url, {"room": room.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == participant.display_name
    assert rows[1][2:] == ["2020-11-19T12:00:00+00:00", "2020-11-19T12:50:00+00:00", "50"]
    assert client.get(url, {"room": 10**9}).status_code == 404

    xlsx = client.get(reverse("live:attendance_xlsx", kwargs={"slug": seed_meeting.slug}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == participant.display_name and sheet["E2"].value == 50


def _second_session(meeting):
    first = meeting.slots.get()
    return meeting.slots.create(
        date=first.date, start=dt.time(16, 0), end=dt.time(17, 0), title="Evening session"
    )


def test_a_participant_chooses_another_session_of_the_time_plan(client, seed_meeting, participant):
    evening = _second_session(seed_meeting)
    client.force_login(participant)
    afternoon = seed_meeting.slots.exclude(pk=evening.pk).get()
    # The meeting is over: its current room is its last session's, and the other is a link.
    page = client.get(_page(seed_meeting)).content.decode()
    assert f'href="?session={afternoon.pk}"' in page and 'aria-current="page"' in page
    response = client.get(_page(seed_meeting), {"session": evening.pk})
    assert response.status_code == 200
    room = response.context["room"]
    assert room.slot == evening
    assert response.context["config"]["socket"] == (
        f"/ws/live/{seed_meeting.slug}/?session={evening.pk}"
    )
    # The evening's own queue: a request there is not in the afternoon's room.
    services.floor_request(room=room, person=participant)
    evening_state = client.get(_state(seed_meeting), {"session": evening.pk}).json()
    assert len(evening_state["floor"]["queue"]) == 1
    afternoon_state = client.get(_state(seed_meeting), {"session": afternoon.pk}).json()
    assert afternoon_state["floor"]["queue"] == []


def test_a_session_of_another_meeting_is_not_found(client, seed_meeting, next_meeting, chair):
    other = next_meeting.slots.first()
    client.force_login(chair)
    assert client.get(_page(seed_meeting), {"session": other.pk}).status_code == 404
    assert client.get(_state(seed_meeting), {"session": other.pk}).status_code == 404
