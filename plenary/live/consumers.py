"""The live room's WebSocket: admits, forwards numbered events, passes actions on. Nothing here
changes state; the services do, in a worker thread."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from plenary.live import actions, services
from plenary.live.models import Room
from plenary.live.permissions import can_enter_room
from plenary.meetings.models import Meeting

REFUSED = 4403  # the close code a client reads as "not admitted"; it does not reconnect


def _admit(user, slug: str) -> Room | None:
    meeting = Meeting.objects.select_related("body").filter(slug=slug).first()
    if meeting is None or not can_enter_room(user, meeting):
        return None
    room = services.room_current(meeting=meeting)
    room.meeting = meeting
    return room


class RoomConsumer(AsyncJsonWebsocketConsumer):
    room: Room | None = None

    async def connect(self):
        user = self.scope.get("user")
        slug = self.scope["url_route"]["kwargs"]["slug"]
        # Accept, then close with a code: a browser cannot read the reason of a refused handshake.
        await self.accept()
        room = None
        if user is not None and user.is_authenticated:
            room = await database_sync_to_async(_admit)(user, slug)
        if room is None:
            await self.close(code=REFUSED)
            return
        self.room = room
        await self.channel_layer.group_add(room.group_name, self.channel_name)
        await database_sync_to_async(services.room_join)(
            room=room, person=user, channel_name=self.channel_name
        )
        # From here on every event reaches this connection, so a snapshot the client fetches now
        # misses none: the client waits for this word before fetching it.
        await self.send_json({"type": "ready"})

    async def disconnect(self, code):
        if self.room is None:
            return
        await self.channel_layer.group_discard(self.room.group_name, self.channel_name)
        await database_sync_to_async(services.room_leave)(
            room=self.room, person=self.scope["user"], channel_name=self.channel_name
        )

    async def receive_json(self, content, **kwargs):
        if self.room is None or not isinstance(content, dict):
            return
        refusal = await database_sync_to_async(actions.perform)(
            user=self.scope["user"], room_id=self.room.pk, message=content
        )
        if refusal:
            await self.send_json({"type": "refused", "message": refusal, "ref": content.get("ref")})

    async def room_event(self, message):
        """An event of the room from the channel layer, passed to the browser as it is."""
        event = message["event"]
        await self.send_json(
            {
                "type": "event",
                "seq": event["seq"],
                "event": event["type"],
                "payload": event["payload"],
            }
        )
