"""The services keep the room's state in the database and number its events."""

import datetime as dt

import pytest
from django.db import transaction

from plenary.live import services
from plenary.live.floor import FloorError
from plenary.live.models import ChatMessage, FloorRequest, Intervention, RoomEvent
from plenary.live.selectors import room_snapshot

T0 = dt.datetime(2020, 11, 19, 12, 0, tzinfo=dt.UTC)


def test_it_gives_each_session_its_room(room, seed_meeting):
    assert room.slot == seed_meeting.slots.get()
    assert services.room_current(meeting=seed_meeting) == room


def test_it_keeps_the_queue_in_the_database_with_points_of_order_first(
    room, participant, second_participant
):
    services.floor_request(room=room, person=participant, now=T0)
    services.floor_request(room=room, person=second_participant, kind="point_of_order", now=T0)
    queue = room_snapshot(room)["floor"]["queue"]
    assert [q["person"]["id"] for q in queue] == [second_participant.pk, participant.pk]
    assert queue[1]["person"]["affiliation"] == str(participant.organization)


def test_it_records_an_interrupted_intervention_with_its_reason(room, participant, chair):
    services.floor_request(room=room, person=participant, for_delegation=True, now=T0)
    services.floor_give(room=room, by=chair, now=T0)
    speaker = room_snapshot(room)["floor"]["speaker"]
    assert speaker["person"]["id"] == participant.pk
    assert speaker["delegation"] == str(participant.organization)
    services.floor_interrupt(
        room=room, by=chair, reason="insufficient audio", now=T0 + dt.timedelta(minutes=2)
    )
    intervention = Intervention.objects.get()
    assert intervention.interrupted and intervention.reason == "insufficient audio"
    assert intervention.ended_at - intervention.started_at == dt.timedelta(minutes=2)
    assert intervention.affiliation == str(participant.organization)
    assert FloorRequest.objects.get().status == FloorRequest.Status.DONE


def test_it_refuses_the_floor_to_a_held_person_and_writes_nothing(room, participant, chair):
    services.floor_request(room=room, person=participant)
    request = FloorRequest.objects.get()
    services.floor_hold(room=room, by=chair, person_id=participant.pk, reason="no audio")
    seq = room.__class__.objects.get(pk=room.pk).last_seq
    with pytest.raises(FloorError, match="on hold"):
        services.floor_give(room=room, by=chair, request_id=request.pk)
    assert room.__class__.objects.get(pk=room.pk).last_seq == seq
    assert not Intervention.objects.exists()
    services.floor_release(room=room, by=chair, person_id=participant.pk)
    services.floor_give(room=room, by=chair, request_id=request.pk)
    assert Intervention.objects.get().person == participant


def test_it_refuses_a_second_request_without_creating_a_row(room, participant):
    services.floor_request(room=room, person=participant)
    with pytest.raises(FloorError, match="already asked"):
        services.floor_request(room=room, person=participant, kind="point_of_order")
    assert FloorRequest.objects.count() == 1


def test_it_numbers_events_one_by_one(room, participant, chair):
    services.floor_request(room=room, person=participant)
    services.chat_post(room=room, person=participant, text="Good afternoon")
    services.floor_close(room=room, by=chair)
    assert list(RoomEvent.objects.values_list("seq", "type")) == [
        (1, "floor"),
        (2, "chat"),
        (3, "floor"),
    ]
    assert room_snapshot(room)["seq"] == 3


def test_it_publishes_only_on_commit(room, participant, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "publish", lambda group, event: sent.append(event))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.chat_post(room=room, person=participant, text="rolled back")
        raise RuntimeError
    assert sent == []


def test_it_hides_a_message_but_keeps_it(room, participant, chair):
    message = services.chat_post(room=room, person=participant, text="see https://example.org")
    services.chat_hide(room=room, message_id=message.pk, by=chair)
    message = ChatMessage.objects.get()
    assert message.hidden and message.hidden_by == chair and message.text
    assert room_snapshot(room)["chat"][0]["text"] == ""


def test_it_limits_how_fast_one_person_chats(room, participant):
    for n in range(services.CHAT_RATE):
        services.chat_post(room=room, person=participant, text=f"message {n}", now=T0)
    with pytest.raises(services.RoomError, match="too quickly"):
        services.chat_post(room=room, person=participant, text="one more", now=T0)
    services.chat_post(
        room=room, person=participant, text="later", now=T0 + dt.timedelta(minutes=1)
    )


def test_it_reopens_the_list_when_the_item_changes(room, seed_meeting, chair):
    services.floor_close(room=room, by=chair)
    item = seed_meeting.agenda_items.order_by("position")[1]
    services.room_set_current(room=room, by=chair, agenda_item=item)
    snapshot = room_snapshot(room)
    assert snapshot["current"]["item"] == {"id": item.pk, "number": "2", "title": item.title}
    assert snapshot["floor"]["closed"] is False
