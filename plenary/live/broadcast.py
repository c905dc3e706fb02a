"""Each server process delivers the live rooms' events to its own WebSockets.

An event is encoded to JSON once, where it is published, and reaches each server process once:
directly when there is one process (no `REDIS_URL`), else through one Redis pub/sub subscription
per process. The process then writes the same frame to each of its sockets in the room: at once
when the socket can take it, else through a bounded backlog per socket; a client that falls too
far behind is closed with `SLOW_CLIENT` (it reconnects and fetches the snapshot again) rather than
held in the server's memory.

Consumers only register and unregister their sockets here; the services publish after commit.
"""

import asyncio
import contextlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

SLOW_CLIENT = 4408  # close code: the client read too slowly; it reconnects and starts again
LOST = 1012  # close code ("service restart"): the process lost its subscription; reconnect
QUEUE_FRAMES = 64  # frames waiting for one socket before it is given up ...
QUEUE_BYTES = 1 << 20  # ... or bytes (frames are shared, so this bounds what one socket holds)
CHANNEL_PREFIX = "plenary:live:"
PROCESS = f"{socket.gethostname()}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


def connection_id() -> str:
    """A name for one connection, unique across processes (kept on its attendance row)."""
    return f"{PROCESS}!{uuid.uuid4().hex}"


def encode(event: dict[str, Any]) -> str:
    """The frame every client of the room receives for a numbered event. `at` is when the event
    was accepted (committed), in seconds since the epoch."""
    return json.dumps(
        {
            "type": "event",
            "seq": event["seq"],
            "event": event["type"],
            "payload": event["payload"],
            "at": round(time.time(), 6),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


class Connection:
    """One local socket. A frame is written at once when the socket can take it; while it
    cannot, frames wait in a bounded backlog that a task writes out, in order."""

    __slots__ = ("group", "hub", "send", "backlog", "queued_bytes", "writer", "open")

    def __init__(self, hub: "Hub", group: str, send: Callable[[dict], Awaitable[None]]):
        self.hub, self.group, self.send = hub, group, send
        self.backlog: deque[str | dict] = deque()
        self.queued_bytes = 0
        self.writer: asyncio.Task | None = None
        self.open = True

    def push(self, frame: str) -> None:
        """Write a frame to this socket; a socket that cannot keep up is closed instead."""
        if not self.open:
            return
        if self.writer is None:
            self._write_now({"type": "websocket.send", "text": frame})
            return
        if len(self.backlog) >= QUEUE_FRAMES or self.queued_bytes + len(frame) > QUEUE_BYTES:
            self.close(SLOW_CLIENT)
            return
        self.queued_bytes += len(frame)
        self.backlog.append(frame)

    def close(self, code: int) -> None:
        """Stop delivering, drop what is waiting and close the socket with the code."""
        if not self.open:
            return
        self.hub.discard(self)
        self.backlog.clear()
        self.queued_bytes = 0
        message = {"type": "websocket.close", "code": code}
        if self.writer is None:
            self._write_now(message)
        else:
            self.backlog.append(message)

    def _write_now(self, message: dict) -> None:
        # The ASGI send of a socket that can take the frame completes without suspending: run
        # it here rather than through a task per frame (this is most of the cost of a delivery).
        # If it does suspend (the socket's buffer is full), a task finishes it and the backlog.
        write = self.send(message)
        try:
            blocker = write.send(None)
        except StopIteration:
            return
        except Exception:  # the socket went away; its consumer unregisters it
            self.hub.discard(self)
            return
        self.writer = self.hub.loop.create_task(self._write_later(write, blocker))

    async def _write_later(self, write, blocker) -> None:
        try:
            await _finish(write, blocker)
            while self.backlog:
                item = self.backlog.popleft()
                if isinstance(item, str):
                    self.queued_bytes -= len(item)
                    await self.send({"type": "websocket.send", "text": item})
                else:
                    await self.send(item)
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away
            self.hub.discard(self)
        finally:
            self.writer = None


async def _finish(coroutine, blocker) -> None:
    """Run to its end a coroutine that was started by hand and suspended on `blocker` (what it
    yielded: an asyncio future, or None for a bare yield)."""
    while True:
        try:
            if blocker is None:
                await asyncio.sleep(0)
            else:
                await asyncio.wait((blocker,))
        except asyncio.CancelledError:
            coroutine.close()
            raise
        try:
            blocker = coroutine.send(None)
        except StopIteration:
            return


class Hub:
    """The rooms' sockets of one event loop (one per server process), and its subscription."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.rooms: dict[str, set[Connection]] = {}
        self.pending: dict[Any, bool] = {}  # throttled jobs: key -> asked again meanwhile
        self.subscriber: asyncio.Task | None = None
        self.subscribed: asyncio.Future | None = None
        self.joining = 0  # joins waiting for the subscription
        self.memo: dict[Any, tuple[float, Any]] = {}  # key -> (expires, value); see `remember`

    def fanout(self, group: str, frame: str) -> None:
        for connection in tuple(self.rooms.get(group, ())):
            connection.push(frame)

    def discard(self, connection: Connection) -> None:
        connection.open = False
        members = self.rooms.get(connection.group)
        if members is not None:
            members.discard(connection)
            if not members:
                del self.rooms[connection.group]
        self._retire_if_idle()

    def _retire_if_idle(self) -> None:
        if self.rooms or self.pending or self.joining:
            return
        with _lock:
            if _hubs.get(self.loop) is self:
                del _hubs[self.loop]
        if self.subscriber is not None:
            self.subscriber.cancel()
            self.subscriber = None

    async def subscribe(self) -> None:
        """With Redis: make sure this process hears every room's events before going on."""
        if not settings.REDIS_URL:
            return
        if self.subscribed is None:
            self.subscribed = self.loop.create_future()
            self.subscriber = self.loop.create_task(self._listen(self.subscribed))
        await asyncio.shield(self.subscribed)

    async def _listen(self, subscribed: asyncio.Future) -> None:
        import redis.asyncio as redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, max_connections=settings.LIVE_REDIS_POOL_SIZE
        )
        pubsub = client.pubsub(ignore_subscribe_messages=False)
        try:
            await pubsub.psubscribe(CHANNEL_PREFIX + "*")
            while True:
                message = await pubsub.get_message(timeout=None)
                if message is None:
                    continue
                if message["type"] == "psubscribe":
                    if not subscribed.done():
                        subscribed.set_result(None)
                    continue
                if message["type"] == "pmessage":
                    group = message["channel"].decode()[len(CHANNEL_PREFIX) :]
                    self.fanout(group, message["data"].decode())
        except asyncio.CancelledError:
            raise
        except Exception as error:
            # Events may have been missed: every client here reconnects and fetches the snapshot.
            log.warning("live rooms lost their Redis subscription: %s", error)
            if not subscribed.done():
                subscribed.set_exception(error)
            self.subscribed, self.subscriber = None, None
            for members in tuple(self.rooms.values()):
                for connection in tuple(members):
                    connection.close(LOST)
        finally:
            if not subscribed.done():
                subscribed.cancel()
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()

    def throttle(self, key: Any, job: Callable[[], Awaitable[None]], interval: float) -> None:
        """Run `job` now, unless it ran for this key less than `interval` ago: then once more
        when the interval is over, however many times it was asked for meanwhile."""
        if key in self.pending:
            self.pending[key] = True
            return
        self.pending[key] = False

        async def run():
            try:
                while True:
                    self.pending[key] = False
                    try:
                        await job()
                    except Exception:
                        log.exception("a throttled room job failed")
                    await asyncio.sleep(interval)
                    if not self.pending[key]:
                        return
            finally:
                del self.pending[key]
                self._retire_if_idle()

        self.loop.create_task(run())


_lock = threading.Lock()
_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_redis = None


def _hub() -> Hub:
    loop = asyncio.get_running_loop()
    with _lock:
        for other in [other for other in _hubs if other.is_closed()]:
            del _hubs[other]
        hub = _hubs.get(loop)
        if hub is None:
            hub = _hubs[loop] = Hub(loop)
        return hub


async def join(group: str, send: Callable[[dict], Awaitable[None]]) -> Connection:
    """Register a socket of this process in a room: from the moment this returns, every event
    published for the room reaches it. `send` is the socket's ASGI send."""
    hub = _hub()
    hub.joining += 1
    try:
        await hub.subscribe()
    finally:
        hub.joining -= 1
    connection = Connection(hub, group, send)
    hub.rooms.setdefault(group, set()).add(connection)
    return connection


def leave(connection: Connection) -> None:
    """Unregister a socket (it closed); what was waiting for it is dropped."""
    if connection.open:
        connection.hub.discard(connection)
    connection.backlog.clear()
    if connection.writer is not None:
        connection.writer.cancel()


def remember(key: Any, value: Any, seconds: float) -> None:
    """Keep a value for this process's sockets for a few seconds (e.g. the room a burst of
    arrivals enters, rather than looking it up for each of them)."""
    _hub().memo[key] = (time.monotonic() + seconds, value)


def recall(key: Any) -> Any:
    """A value kept by `remember`, while it lasts; else None."""
    hub = _hub()
    kept = hub.memo.get(key)
    if kept is None:
        return None
    if kept[0] < time.monotonic():
        del hub.memo[key]
        return None
    return kept[1]


def local_count(group: str) -> int:
    """How many sockets of this process are in the room."""
    return len(_hub().rooms.get(group, ()))


def throttle(key: Any, job: Callable[[], Awaitable[None]], interval: float) -> None:
    """See `Hub.throttle`; for the running event loop."""
    _hub().throttle(key, job, interval)


def _redis_client():
    global _redis
    with _lock:
        if _redis is None:
            import redis

            pool = redis.BlockingConnectionPool.from_url(
                settings.REDIS_URL, max_connections=settings.LIVE_REDIS_POOL_SIZE, timeout=10
            )
            _redis = redis.Redis(connection_pool=pool)
        return _redis


def publish(group: str, event: dict[str, Any]) -> None:
    """Send a numbered event to every socket of the room, in every server process; callable from
    any thread (the services call it once their transaction has committed)."""
    frame = encode(event)
    if settings.REDIS_URL:
        import redis

        try:
            _redis_client().publish(CHANNEL_PREFIX + group, frame)
        except redis.RedisError as error:
            # The change is committed and numbered; clients find it in the snapshot when they
            # next see a gap or reconnect (every process closes its sockets on losing Redis).
            log.warning("a live room event could not be published: %s", error)
        return
    with _lock:
        hubs = [hub for hub in _hubs.values() if group in hub.rooms]
    for hub in hubs:
        with contextlib.suppress(RuntimeError):  # its loop has just closed
            hub.loop.call_soon_threadsafe(hub.fanout, group, frame)
