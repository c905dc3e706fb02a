"""The per-process broadcaster: one encoding per event, every local socket of the room, a slow
socket closed rather than buffered, arrivals announced once per burst."""

import asyncio
import json
import threading

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from plenary.live import broadcast
from plenary.live.models import Attendance, RoomEvent
from plenary.routing import websocket_urlpatterns
from tests import servers


class Socket:
    """What a connection's ASGI send receives; `stuck` makes it never finish a write."""

    def __init__(self, stuck: bool = False):
        self.sent: list[dict] = []
        self.stuck = stuck
        self.arrived = asyncio.Event()

    async def __call__(self, message: dict) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.sent.append(message)
        self.arrived.set()

    def texts(self) -> list[str]:
        return [m["text"] for m in self.sent if m["type"] == "websocket.send"]


def _event(seq: int, text: str = "hello") -> dict:
    return {"seq": seq, "type": "chat", "payload": {"text": text}}


async def _settle():
    for _ in range(5):
        await asyncio.sleep(0)


def test_an_event_published_from_a_thread_reaches_each_socket_of_the_room_once(monkeypatch):
    encoded = []
    real_encode = broadcast.encode
    monkeypatch.setattr(broadcast, "encode", lambda e: encoded.append(e) or real_encode(e))

    async def scenario():
        here = [Socket() for _ in range(3)]
        elsewhere = Socket()
        connections = [await broadcast.join("live.room.1", s) for s in here]
        other = await broadcast.join("live.room.2", elsewhere)
        publisher = threading.Thread(target=broadcast.publish, args=("live.room.1", _event(1)))
        publisher.start()
        publisher.join()
        await asyncio.wait_for(asyncio.gather(*(s.arrived.wait() for s in here)), 2)
        await _settle()
        frames = [s.texts() for s in here]
        assert all(len(f) == 1 for f in frames)
        assert len({id(f[0]) for f in frames}) == 1  # the same encoded frame, written thrice
        frame = json.loads(frames[0][0])
        assert (frame["type"], frame["seq"], frame["event"]) == ("event", 1, "chat")
        assert frame["payload"] == {"text": "hello"} and frame["at"] > 0
        assert elsewhere.sent == []
        for connection in [*connections, other]:
            broadcast.leave(connection)
        assert asyncio.get_running_loop() not in broadcast._hubs  # nothing left behind

    async_to_sync(scenario)()
    assert len(encoded) == 1


def test_a_socket_that_has_left_hears_nothing_more():
    async def scenario():
        staying, leaving = Socket(), Socket()
        kept = await broadcast.join("live.room.1", staying)
        gone = await broadcast.join("live.room.1", leaving)
        broadcast.leave(gone)
        broadcast.publish("live.room.1", _event(1))
        await asyncio.wait_for(staying.arrived.wait(), 2)
        await _settle()
        assert leaving.sent == [] and len(staying.texts()) == 1
        broadcast.leave(kept)

    async_to_sync(scenario)()


def test_a_slow_socket_is_closed_instead_of_growing_the_servers_memory():
    async def scenario():
        slow, fast = Socket(stuck=True), Socket()
        stuck = await broadcast.join("live.room.1", slow)
        keeping_up = await broadcast.join("live.room.1", fast)
        for seq in range(1, broadcast.QUEUE_FRAMES + 3):
            broadcast.publish("live.room.1", _event(seq))
            await _settle()
        assert not stuck.open
        assert stuck not in stuck.hub.rooms["live.room.1"]
        # What was waiting is dropped: only the close is left for the writer.
        assert list(stuck.backlog) == [{"type": "websocket.close", "code": broadcast.SLOW_CLIENT}]
        assert stuck.queued_bytes == 0
        assert [json.loads(t)["seq"] for t in fast.texts()] == list(
            range(1, broadcast.QUEUE_FRAMES + 3)
        )
        broadcast.leave(stuck)
        broadcast.leave(keeping_up)

    async_to_sync(scenario)()


def test_a_slow_socket_gets_the_closing_code_once_it_can_be_written_to():
    async def scenario():
        gate = asyncio.Event()
        sent = []

        async def send(message):
            await gate.wait()
            sent.append(message)

        connection = await broadcast.join("live.room.1", send)
        for seq in range(1, broadcast.QUEUE_FRAMES + 3):
            broadcast.publish("live.room.1", _event(seq))
            await _settle()
        writer = connection.writer
        assert writer is not None and len(connection.backlog) == 1
        gate.set()
        await asyncio.wait_for(writer, 2)
        assert connection.writer is None
        # The frame being written when it fell behind, then the close: nothing queued after.
        assert [m["type"] for m in sent] == ["websocket.send", "websocket.close"]
        assert sent[-1]["code"] == broadcast.SLOW_CLIENT
        broadcast.leave(connection)

    async_to_sync(scenario)()


def test_a_throttled_job_runs_at_once_then_once_more_for_a_burst():
    runs = []

    async def scenario():
        async def job():
            runs.append(asyncio.get_running_loop().time())

        for _ in range(20):
            broadcast.throttle("presence", job, 0.5)
            await asyncio.sleep(0)
        await asyncio.sleep(1.5)

    async_to_sync(scenario)()
    assert len(runs) == 2
    assert runs[1] - runs[0] >= 0.5


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_arrivals_is_announced_once_with_everyone_present(
    seed_meeting, participant, second_participant, chair
):
    application = URLRouter(websocket_urlpatterns)
    headers = []
    for user in (participant, second_participant, chair):
        client = Client()
        client.force_login(user)
        headers.append([(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())])
    path = f"/ws/live/{seed_meeting.slug}/"

    async def scenario():
        sockets = [WebsocketCommunicator(application, path, headers=h) for h in headers]
        for s in sockets:
            assert (await s.connect())[0]
            assert await s.receive_json_from(timeout=5) == {"type": "ready"}
        present = []
        while True:  # the first arrival at once, the two others together a moment later
            message = await sockets[0].receive_json_from(timeout=5)
            assert message["event"] == "presence"
            present.append([p["id"] for p in message["payload"]["present"]])
            if len(present[-1]) == 3:
                break
        assert len(present) <= 2
        assert sorted(present[-1]) == sorted([participant.pk, second_participant.pk, chair.pk])
        for s in sockets:
            await s.disconnect()

    async_to_sync(scenario)()
    assert Attendance.objects.filter(left_at__isnull=True).count() == 0
    assert RoomEvent.objects.filter(type="presence").count() <= 2


@pytest.fixture
def redis_url(settings):
    with servers.redis_server() as url:
        settings.REDIS_URL = url
        broadcast._redis = None
        try:
            yield url
        finally:
            broadcast._redis = None


def test_with_redis_an_event_reaches_the_sockets_through_one_subscription(redis_url):
    import redis

    async def scenario():
        sockets = [Socket() for _ in range(3)]
        connections = [await broadcast.join("live.room.1", s) for s in sockets]
        info = redis.Redis.from_url(redis_url).pubsub_numpat()
        assert info == 1  # one subscription for the process, not one per socket
        await asyncio.to_thread(broadcast.publish, "live.room.1", _event(1))
        await asyncio.to_thread(broadcast.publish, "live.room.2", _event(1))
        await asyncio.wait_for(asyncio.gather(*(s.arrived.wait() for s in sockets)), 5)
        await asyncio.sleep(0.1)
        assert [len(s.texts()) for s in sockets] == [1, 1, 1]
        assert json.loads(sockets[0].texts()[0])["seq"] == 1
        for connection in connections:
            broadcast.leave(connection)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_without_its_redis_a_process_closes_the_socket_for_a_retry(
    settings, seed_meeting, participant
):
    settings.REDIS_URL = f"redis://127.0.0.1:{servers.free_port()}/0"  # nothing listens there
    broadcast._redis = None
    client = Client()
    client.force_login(participant)
    headers = [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]

    async def scenario():
        socket = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/live/{seed_meeting.slug}/", headers=headers
        )
        assert (await socket.connect())[0]
        assert await socket.receive_output(timeout=5) == {
            "type": "websocket.close",
            "code": broadcast.LOST,
        }
        await socket.disconnect()

    try:
        async_to_sync(scenario)()
    finally:
        broadcast._redis = None
    attendance = Attendance.objects.get()
    assert attendance.left_at is not None  # the arrival was recorded, and so was the departure
