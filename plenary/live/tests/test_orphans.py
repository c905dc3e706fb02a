"""Attendance a crashed server left open is closed when a server starts again."""

import datetime as dt
import os
import socket

import pytest
from django.core.management import call_command

from plenary.live import services
from plenary.live.models import Attendance

pytestmark = pytest.mark.django_db

AT = dt.datetime(2020, 11, 19, 12, 5, tzinfo=dt.UTC)


def _open(room, person, channel_name, joined=AT) -> Attendance:
    return Attendance.objects.create(
        room=room, person=person, channel_name=channel_name, joined_at=joined
    )


def test_rows_of_a_gone_process_of_this_host_are_closed_at_the_rooms_last_record(
    room, participant, chair
):
    gone = _open(room, participant, "hostA.4242.abcd!1")
    alive = _open(room, chair, f"hostA.{os.getpid()}.abcd!2")
    elsewhere = _open(room, chair, "hostB.4242.abcd!3")
    services.floor_request(room=room, person=participant, now=AT + dt.timedelta(minutes=7))
    closed = services.attendance_close_orphans(host="hostA", alive=lambda pid: pid != 4242)
    assert closed == 1
    for row in (gone, alive, elsewhere):
        row.refresh_from_db()
    assert gone.left_at == AT + dt.timedelta(minutes=7)
    assert alive.left_at is None and elsewhere.left_at is None


def test_a_row_with_nothing_recorded_after_it_ends_where_it_began(room, participant):
    row = _open(room, participant, "hostA.4242.abcd!1")
    assert services.attendance_close_orphans(host="hostA", alive=lambda pid: False) == 1
    row.refresh_from_db()
    assert row.left_at == row.joined_at
    # Run again, nothing is left to close.
    assert services.attendance_close_orphans(host="hostA", alive=lambda pid: False) == 0


def test_the_serve_command_closes_them_before_serving(room, participant, monkeypatch, capsys):
    row = _open(room, participant, f"{socket.gethostname()}.999999999.abcd!1")
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: None)
    call_command("serve", "--port", "8765")
    row.refresh_from_db()
    assert row.left_at is not None
    assert "Closed 1 attendance record(s)" in capsys.readouterr().out
