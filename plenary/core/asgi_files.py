"""Stored files sent from the event loop, so that a slow download holds no page thread.

Pages run in a2wsgi's small thread pool (plenary/asgi.py). A download streamed from there would
keep its thread until the last byte reached the reader: twenty delegates on hotel Wi-Fi would
leave no thread for anyone's register page. So the view still decides everything (the access
rule, the byte range, the status, every header) but, when the request came through
`FileSender`, answers with the headers only and hands the file's byte range over; `FileSender`
then sends the bytes from the event loop in chunks, each read in a thread of its own pool,
waiting for the reader (backpressure) and stopping when the reader leaves.

The hand-over cannot be forged or leak: `FileSender` puts a `FileSend` in the request's ASGI
scope (a2wsgi passes the scope on to Django as ``environ["asgi.scope"]``), the view fills it in
through `offer()` and marks its response with a header holding the hand-over's random token;
`FileSender` sends the file only for a response carrying that exact token, and strips the header
from every response before it reaches the client. Without `FileSender` (Django's test client,
a WSGI server) `offer()` returns None and the view streams the body itself.

A body the view produces as it goes (a meeting's files as one ZIP, built while it streams) is
handed over the same way through `offer_stream()`: `FileSender` draws its chunks from the
iterator in its read pool, one at a time, as the reader takes them, so that a ZIP going out at a
reader's pace holds no page thread either.
"""

import asyncio
import os
import secrets
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SCOPE_KEY = "plenary.file_send"
MARK_HEADER = "X-Plenary-File-Send"
_MARK = MARK_HEADER.lower().encode("latin-1")
CHUNK = 256 * 1024
READ_THREADS = 4


@dataclass
class FileSend:
    """A byte range of a local file, to be sent as the body of the response marked with token.

    Made by `FileSender` for each request, filled in by the view's thread through `offer()`, read
    on the event loop once the view has returned.
    """

    token: str
    path: str = ""
    offset: int = 0
    length: int = 0
    chunks: Iterator[bytes] | None = None

    @property
    def handed_over(self) -> bool:
        return bool(self.path) or self.chunks is not None


def offer(request: Any, *, path: str, offset: int, length: int) -> str | None:
    """Hand a file's byte range to the server; the token to mark the response with, or None.

    None means the request did not come through `FileSender`: the caller sends the body itself.
    A marked response must have an empty body; the server sends ``length`` bytes of the file at
    ``path`` from ``offset`` in its place (none for HEAD).
    """
    scope = request.META.get("asgi.scope")
    handover = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
    if not isinstance(handover, FileSend):
        return None
    handover.path, handover.offset, handover.length = path, offset, length
    return handover.token


def offer_stream(request: Any, chunks: Iterator[bytes]) -> str | None:
    """Hand a body the view produces as it goes over to the server; the token to mark the
    response with, or None (the request did not come through `FileSender`: the caller streams
    ``chunks`` itself). A marked response must have an empty body and say its length; the server
    sends the chunks in its place, and closes the iterator when done or when the reader leaves.
    """
    scope = request.META.get("asgi.scope")
    handover = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
    if not isinstance(handover, FileSend):
        return None
    handover.chunks = chunks
    return handover.token


class FileSender:
    """ASGI middleware around the page application that sends offered files itself."""

    def __init__(self, app: ASGIApp, *, chunk: int = CHUNK, read_threads: int = READ_THREADS):
        self.app = app
        self.chunk = chunk
        self.reads = ThreadPoolExecutor(max_workers=read_threads, thread_name_prefix="file-read")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = FileSend(token=secrets.token_urlsafe(16))
        scope = {**scope, SCOPE_KEY: offered}
        held: Message | None = None

        async def intercept(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                marks = [value for name, value in headers if name.lower() == _MARK]
                if not marks:
                    await send(message)
                    return
                kept = [(name, value) for name, value in headers if name.lower() != _MARK]
                if marks != [offered.token.encode("latin-1")] or not offered.handed_over:
                    raise RuntimeError(
                        "A response is marked for a file send this request did not offer."
                    )
                held = {**message, "headers": kept}
            elif held is None:
                await send(message)
            # A marked response's own body is empty: the file takes its place below.

        try:
            await self.app(scope, receive, intercept)
            if held is not None and offered.chunks is not None:
                await self._send_chunks(scope, receive, send, held, offered.chunks)
            elif held is not None:
                await self._send_file(scope, receive, send, held, offered)
        finally:
            if offered.chunks is not None:
                close = getattr(offered.chunks, "close", None)
                if close is not None:
                    await asyncio.get_running_loop().run_in_executor(self.reads, close)

    async def _send_chunks(
        self, scope: Scope, receive: Receive, send: Send, start: Message, chunks: Iterator[bytes]
    ) -> None:
        await send(start)
        if scope["method"] == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        loop = asyncio.get_running_loop()
        gone = loop.create_task(_disconnected(receive))
        try:
            while not gone.done():
                data = await loop.run_in_executor(self.reads, next, chunks, None)
                if data is None:
                    await send({"type": "http.response.body", "body": b""})
                    return
                if data:
                    # Waits while the reader's socket is full (uvicorn's flow control).
                    await send({"type": "http.response.body", "body": data, "more_body": True})
        finally:
            gone.cancel()

    async def _send_file(
        self, scope: Scope, receive: Receive, send: Send, start: Message, offered: FileSend
    ) -> None:
        if scope["method"] == "HEAD" or offered.length == 0:
            await send(start)
            await send({"type": "http.response.body", "body": b""})
            return
        loop = asyncio.get_running_loop()
        # Opened before the headers go out: a file missing from storage is still a 500.
        fd = await loop.run_in_executor(self.reads, os.open, offered.path, os.O_RDONLY)
        gone = loop.create_task(_disconnected(receive))
        try:
            await send(start)
            position, left = offered.offset, offered.length
            while left > 0 and not gone.done():
                data = await loop.run_in_executor(
                    self.reads, os.pread, fd, min(self.chunk, left), position
                )
                if not data:
                    raise OSError(f"{offered.path} ended {left} bytes before the range's end")
                position += len(data)
                left -= len(data)
                # Waits while the reader's socket is full (uvicorn's flow control).
                await send({"type": "http.response.body", "body": data, "more_body": left > 0})
        finally:
            gone.cancel()
            os.close(fd)


async def _disconnected(receive: Receive) -> None:
    """Returns when the client has gone (or the response is complete)."""
    while (await receive())["type"] != "http.disconnect":
        pass
