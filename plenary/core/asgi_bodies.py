"""Request bodies received on the event loop, so that a slow upload holds no page thread.

Pages run in a2wsgi's small thread pool (plenary/asgi.py), and a2wsgi hands a view its request
body as the client sends it: the view's thread blocks for every piece that has not arrived yet.
A delegate uploading a 40 MB contribution over hotel Wi-Fi the evening before the deadline would
hold a thread for minutes, and a handful of them would leave none for anyone's register page.

`RequestBodyBuffer` receives the whole body first, on the event loop, the way a reverse proxy
buffers requests: in memory up to `memory` bytes, past that in an unnamed temporary file (it has
no name on disk, so nothing is left behind, whatever happens to the process), written and read
back in a small pool of its own so that the disk never blocks the loop. Only then does the
request go to the application, which reads the body back at memory speed in large pieces.

What it does not change:
- A request without a body goes straight through.
- A body that says it is larger than `limit` (the upload size limit plus room for the form's
  other fields), or turns out to be while it arrives, is handed over as it is: the application
  refuses it with its own message (413 and the limit, as a page or as JSON), as it always did.
  Such a request may hold a thread while its body arrives; it is refused on arrival.
- A client that leaves before its body is complete is dropped here: the application never sees
  a request it could not have answered, so it saves nothing and keeps no file.

A body that stops arriving for `idle` seconds is answered 408 and dropped the same way, so that a
stalled connection does not keep its part of a body forever.
"""

import asyncio
import functools
import tempfile
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The size of the pieces the application is given back, and of the writes to the temporary file.
CHUNK = 1024 * 1024
SPOOL_THREADS = 2
IDLE_SECONDS = 120.0


def _body_length(scope: Scope) -> int | None:
    """The body's declared length: 0 for none, None when it is sent in chunks of unsaid length
    (Transfer-Encoding) or its Content-Length is not a number."""
    chunked = False
    for name, value in scope.get("headers", ()):
        name = name.lower()
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
        chunked = chunked or name == b"transfer-encoding"
    return None if chunked else 0


class _Spool:
    """A body kept in memory while it is small, in an unnamed temporary file once it is not."""

    def __init__(self, memory: int, directory: str | None, io: ThreadPoolExecutor):
        self.memory = memory
        self.directory = directory
        self.io = io
        self.size = 0
        self.parts: list[bytes] = []  # in memory: the whole body; on disk: what is not yet written
        self.pending = 0
        self.file: IO[bytes] | None = None

    async def _run(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.io, function, *args)

    async def write(self, data: bytes) -> None:
        if not data:
            return
        self.size += len(data)
        self.parts.append(data)
        self.pending += len(data)
        if self.file is None and self.size > self.memory:
            self.file = await self._run(
                functools.partial(tempfile.TemporaryFile, prefix="body-", dir=self.directory)
            )
        if self.file is not None and self.pending >= CHUNK:
            await self._flush()

    async def _flush(self) -> None:
        if self.file is None or not self.parts:
            return
        data = b"".join(self.parts)
        self.parts, self.pending = [], 0
        await self._run(self.file.write, data)

    async def pieces(self):
        """The body back, in pieces of at most CHUNK bytes."""
        if self.file is None:
            view = memoryview(b"".join(self.parts))
            self.parts = []
            for start in range(0, len(view), CHUNK):
                yield bytes(view[start : start + CHUNK])
            return
        await self._flush()
        await self._run(self.file.seek, 0)
        while data := await self._run(self.file.read, CHUNK):
            yield data

    async def close(self) -> None:
        self.parts = []
        if self.file is not None:
            await self._run(self.file.close)
            self.file = None


class RequestBodyBuffer:
    """ASGI middleware around the page application that receives each body before handing it on."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        memory: int,
        directory: str | None = None,
        idle: float = IDLE_SECONDS,
        spool_threads: int = SPOOL_THREADS,
    ):
        self.app = app
        self.limit = limit
        self.memory = memory
        self.directory = directory
        self.idle = idle
        self.io = ThreadPoolExecutor(max_workers=spool_threads, thread_name_prefix="body-spool")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _body_length(scope) if scope["type"] == "http" else 0
        # Nothing to receive, or too much: the view refuses the latter with its own message.
        if declared == 0 or (declared is not None and declared > self.limit):
            await self.app(scope, receive, send)
            return
        spool = _Spool(self.memory, self.directory, self.io)
        try:
            complete = False
            while not complete and spool.size <= self.limit:
                try:
                    message = await asyncio.wait_for(receive(), self.idle)
                except TimeoutError:
                    await _timed_out(send, self.idle)
                    return
                if message["type"] == "http.disconnect":
                    return
                await spool.write(message.get("body", b""))
                complete = not message.get("more_body", False)
            await self.app(scope, _replay(spool, complete, receive), send)
        finally:
            await spool.close()


async def _timed_out(send: Send, idle: float) -> None:
    text = f"The request's body stopped arriving for {idle:.0f} seconds; send it again.\n"
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(text)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": text.encode()})


def _replay(spool: _Spool, complete: bool, receive: Receive) -> Receive:
    """A receive that gives the kept body back, then (for a body that went past the limit while
    it arrived) the rest as it comes, then whatever the client sends next (its disconnect)."""
    pieces = spool.pieces()
    replaying = True

    async def replayed() -> Message:
        nonlocal replaying
        if replaying:
            data = await anext(pieces, None)
            if data is not None:
                return {"type": "http.request", "body": data, "more_body": True}
            replaying = False
            if complete:
                return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return replayed
