"""What a browser may ask over the WebSocket, checked before any service runs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.live import services
from plenary.live.actions import perform
from plenary.live.models import ChatMessage, FloorRequest
from plenary.live.selectors import room_snapshot


def test_it_lets_the_chair_reorder_and_hide(room, chair, participant, second_participant):
    assert perform(user=participant, room_id=room.pk, message={"action": "floor.request"}) is None
    perform(user=second_participant, room_id=room.pk, message={"action": "floor.request"})
    first, second = FloorRequest.objects.order_by("position")
    order = [second.pk, first.pk]
    reorder = {"action": "floor.reorder", "order": order}
    assert perform(user=chair, room_id=room.pk, message=reorder) is None
    assert [q["id"] for q in room_snapshot(room)["floor"]["queue"]] == order
    message = services.chat_post(room=room, person=participant, text="hello")
    hide = {"action": "chat.hide", "message": message.pk}
    assert perform(user=chair, room_id=room.pk, message=hide) is None
    assert ChatMessage.objects.get().hidden_by == chair


def test_it_refuses_bad_input_with_a_reason(room, chair, participant):
    refusals = [
        perform(user=participant, room_id=room.pk, message={"action": "no.such"}),
        perform(user=chair, room_id=room.pk, message={"action": "floor.hold", "person": "x"}),
        perform(user=chair, room_id=room.pk, message={"action": "floor.end"}),
        perform(user=participant, room_id=room.pk, message={"action": "chat.post", "text": " "}),
        perform(user=chair, room_id=room.pk, message={"action": "room.current", "item": 10**9}),
    ]
    assert refusals == [
        "Unknown action.",
        "The action needs a number for 'person'.",
        "Nobody has the floor.",
        "Write a message first.",
        "That agenda item or document is not known.",
    ]


def test_it_refuses_someone_no_longer_admitted(room, participant):
    participant.registrations.update(state="withdrawn")
    refusal = perform(user=participant, room_id=room.pk, message={"action": "floor.request"})
    assert refusal == "You are not admitted to this room."


def test_the_snapshot_costs_the_same_queries_however_full_the_room(
    room, chair, participant, second_participant, secretariat
):
    services.floor_request(room=room, person=participant)
    services.floor_request(room=room, person=secretariat)  # affiliation from the profile
    services.floor_give(room=room, by=chair)
    services.chat_post(room=room, person=participant, text="first")
    with CaptureQueriesContext(connection) as small:
        room_snapshot(room)
    services.floor_request(room=room, person=second_participant, kind="point_of_order")
    for n in range(4):
        services.chat_post(room=room, person=second_participant, text=f"message {n}")
    with CaptureQueriesContext(connection) as full:
        room_snapshot(room)
    assert len(full) == len(small)
