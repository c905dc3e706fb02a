"""The room's WebSocket: who is admitted, and events reaching everyone in order."""

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from plenary.live.consumers import REFUSED
from plenary.live.models import Attendance, FloorRequest
from plenary.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)


def _cookie(user) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


def _sockets(meeting, *users):
    """A factory per user, with the user's session cookie made now (outside the event loop)."""
    headers = [_cookie(user) if user is not None else [] for user in users]
    path = f"/ws/live/{meeting.slug}/"
    return [lambda h=h: WebsocketCommunicator(application, path, headers=h) for h in headers]


async def _next(socket, kind: str) -> dict:
    """The next event of this kind ("floor", "chat" ...) or the next refusal ("refused")."""
    while True:
        message = await socket.receive_json_from(timeout=5)
        if message["type"] == "refused" and kind == "refused":
            return message
        if message["type"] == "event" and message["event"] == kind:
            return message


async def _refused(socket) -> dict:
    connected, _ = await socket.connect()
    assert connected
    return await socket.receive_output(timeout=5)


def test_it_closes_the_socket_of_the_non_admitted(seed_meeting, delegate, outsider):
    sockets = _sockets(seed_meeting, None, delegate, outsider)

    async def scenario():
        for socket in sockets:
            assert await _refused(socket()) == {"type": "websocket.close", "code": REFUSED}

    async_to_sync(scenario)()
    assert not Attendance.objects.exists()


def test_it_delivers_an_event_to_every_participant_in_order(
    seed_meeting, participant, second_participant, chair
):
    sockets = _sockets(seed_meeting, participant, second_participant, chair)

    async def scenario():
        first, second, chairing = (make() for make in sockets)
        for socket in (first, second, chairing):
            connected, _ = await socket.connect()
            assert connected
        await first.send_json_to({"action": "floor.request", "kind": "point_of_order"})
        seen = [await _next(socket, "floor") for socket in (first, second, chairing)]
        assert len({m["seq"] for m in seen}) == 1
        queue = seen[1]["payload"]["queue"]
        assert [q["person"]["id"] for q in queue] == [participant.pk]
        assert queue[0]["kind"] == "point_of_order"

        await chairing.send_json_to({"action": "floor.give"})
        given = await _next(second, "floor")
        assert given["seq"] == seen[0]["seq"] + 1
        assert given["payload"]["speaker"]["person"]["name"] == participant.display_name

        await second.send_json_to({"action": "chat.post", "text": "<b>Thank you</b>"})
        chat = await _next(first, "chat")
        assert chat["payload"]["text"] == "<b>Thank you</b>"  # the page shows it as text
        for socket in (first, second, chairing):
            await socket.disconnect()

    async_to_sync(scenario)()
    assert Attendance.objects.filter(left_at__isnull=True).count() == 0
    assert Attendance.objects.count() == 3


def test_it_refuses_a_chair_action_of_a_delegate(seed_meeting, participant):
    (make,) = _sockets(seed_meeting, participant)

    async def scenario():
        socket = make()
        await socket.connect()
        await socket.send_json_to({"action": "floor.request"})
        await _next(socket, "floor")
        await socket.send_json_to({"action": "floor.give", "ref": 7})
        refusal = await _next(socket, "refused")
        assert refusal == {"type": "refused", "message": "Only the chair can do that.", "ref": 7}
        await socket.disconnect()

    async_to_sync(scenario)()
    assert FloorRequest.objects.get().status == FloorRequest.Status.WAITING


def test_it_refuses_withdrawing_someone_elses_request(
    seed_meeting, participant, second_participant
):
    sockets = _sockets(seed_meeting, participant, second_participant)

    async def scenario():
        first, second = (make() for make in sockets)
        await first.connect()
        await second.connect()
        await first.send_json_to({"action": "floor.request"})
        request_id = (await _next(second, "floor"))["payload"]["queue"][0]["id"]
        await second.send_json_to({"action": "floor.withdraw", "request": request_id})
        assert "only your own" in (await _next(second, "refused"))["message"]
        await first.disconnect()
        await second.disconnect()

    async_to_sync(scenario)()
    assert FloorRequest.objects.get().status == FloorRequest.Status.WAITING


def test_a_socket_enters_the_session_it_names(seed_meeting, participant):
    first = seed_meeting.slots.get()
    evening = seed_meeting.slots.create(
        date=first.date, start=first.end, end=first.end.replace(hour=first.end.hour + 1), title="E"
    )
    other = seed_meeting.slots.model.objects.exclude(meeting=seed_meeting).first()
    [socket] = _sockets(seed_meeting, participant)
    cookie = socket().scope["headers"]
    path = f"/ws/live/{seed_meeting.slug}/"

    async def scenario():
        named = WebsocketCommunicator(application, f"{path}?session={evening.pk}", cookie)
        connected, _ = await named.connect()
        assert connected and (await named.receive_json_from(timeout=5))["type"] == "ready"
        await named.disconnect()
        foreign = WebsocketCommunicator(application, f"{path}?session={other.pk}", cookie)
        assert await _refused(foreign) == {"type": "websocket.close", "code": REFUSED}

    async_to_sync(scenario)()
    [attendance] = Attendance.objects.all()
    assert attendance.room.slot == evening
