"""The live room's WebSocket: admits, registers the socket with the process's broadcaster, passes
actions on. Nothing here changes state (the services do, in a worker thread) and nothing here
sends events (plenary/live/broadcast.py writes them to the socket)."""

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from plenary.live import actions, broadcast, services
from plenary.live.models import Room
from plenary.live.permissions import can_enter_room
from plenary.meetings.models import Meeting

REFUSED = 4403  # the close code a client reads as "not admitted"; it does not reconnect
READY = json.dumps({"type": "ready"})
ROOM_MEMO = 5.0  # seconds a process keeps the room a burst of arrivals enters


def presence_interval(present: int) -> float:
    """Seconds between announcements of who is present: the list grows with the room, so a
    large room hears it less often."""
    return 1.0 if present <= 100 else 3.0


def _enter(
    user, slug: str, session: int | None, channel_name: str, known: Room | None
) -> Room | None:
    """The room the person is admitted to, with their arrival recorded; None if refused.
    `session` names a session of the time plan (else the current one); `known` is the room
    found for an arrival a moment ago."""
    if known is not None:
        meeting, room = known.meeting, known
    else:
        meeting = Meeting.objects.select_related("body__parent__parent").filter(slug=slug).first()
    if meeting is None or not can_enter_room(user, meeting):
        return None
    if known is None:
        room = services.room_of_session(meeting=meeting, session=session)
        if room is None:
            return None
        room.meeting = meeting
    services.room_join(room=room, person=user, channel_name=channel_name, announce=False)
    return room


def _announce(room: Room) -> None:
    """Who is present, once for a burst of arrivals and departures (from any connection)."""

    async def job():
        await database_sync_to_async(services.room_presence)(room=room)

    interval = presence_interval(broadcast.local_count(room.group_name))
    broadcast.throttle(("presence", room.pk), job, interval)


class RoomConsumer(AsyncJsonWebsocketConsumer):
    room: Room | None = None
    connection: broadcast.Connection | None = None

    async def connect(self):
        user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        # Accept, then close with a code: a browser cannot read the reason of a refused handshake.
        await self.accept()
        self.connection_id = broadcast.connection_id()
        room = None
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        session = services.session_param((query.get("session") or [""])[0])
        if user is not None and user.is_authenticated:
            key = ("room", slug, session)
            known = broadcast.recall(key)
            room = await database_sync_to_async(_enter)(
                user, slug, session, self.connection_id, known
            )
            if room is not None and known is None:
                broadcast.remember(key, room, ROOM_MEMO)
        if room is None:
            await self.close(code=REFUSED)
            return
        self.room = room
        try:
            self.connection = await broadcast.join(room.group_name, self.base_send)
        except Exception:
            # This process cannot hear the room (its Redis is unreachable): the client retries.
            await self.close(code=broadcast.LOST)
            return
        # From here on every event reaches this connection, so a snapshot the client fetches now
        # misses none: the client waits for this word before fetching it.
        self.connection.push(READY)
        _announce(room)

    async def disconnect(self, code):
        if self.room is None:
            return
        if self.connection is not None:
            broadcast.leave(self.connection)
        await database_sync_to_async(services.room_leave)(
            room=self.room,
            person=self.scope["user"],
            channel_name=self.connection_id,
            announce=False,
        )
        _announce(self.room)

    async def receive_json(self, content, **kwargs):
        if self.room is None or not isinstance(content, dict):
            return
        refusal = await database_sync_to_async(actions.perform)(
            user=self.scope["user"], room_id=self.room.pk, message=content
        )
        if refusal and self.connection is not None:
            self.connection.push(
                json.dumps({"type": "refused", "message": refusal, "ref": content.get("ref")})
            )
