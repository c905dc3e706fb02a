"""Request bodies received whole on the event loop before a request takes a page thread."""

import asyncio
import hashlib
import socket
import threading
import urllib.request

import pytest
import uvicorn
from a2wsgi import WSGIMiddleware
from django.core.signals import request_started
from django.db import connections

from plenary.api.tests.conftest import _token
from plenary.asgi import application
from plenary.core.asgi_bodies import CHUNK, RequestBodyBuffer
from plenary.documents.models import Revision
from plenary.documents.tests.conftest import filled, register_contribution
from tests.servers import free_port


def _scope(method="POST", headers=()) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def _sized(body: bytes) -> tuple:
    return ((b"content-length", str(len(body)).encode()),)


CHUNKED = ((b"transfer-encoding", b"chunked"),)


class Client:
    """The client's side of one request: its body in pieces, then (when asked) its leaving."""

    def __init__(self, pieces: list[bytes], *, leave_after: int | None = None):
        self.pieces = pieces
        self.leave_after = leave_after
        self.delivered = 0
        self.gone = asyncio.Event()

    async def receive(self) -> dict:
        if self.leave_after is not None and self.delivered >= self.leave_after:
            return {"type": "http.disconnect"}
        if self.delivered < len(self.pieces):
            self.delivered += 1
            await asyncio.sleep(0)  # another piece, later
            more = self.delivered < len(self.pieces)
            return {
                "type": "http.request",
                "body": self.pieces[self.delivered - 1],
                "more_body": more,
            }
        await self.gone.wait()
        return {"type": "http.disconnect"}


class Reader:
    """An application that notes how much of the body had come when it was called, then reads it."""

    def __init__(self):
        self.called_after: int | None = None
        self.body = b""
        self.after_body: dict | None = None

    async def __call__(self, scope, receive, send):
        self.called_after = self.client.delivered
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.client.gone.set()
        self.after_body = await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read"})


def _run(pieces, headers, *, limit=1000, memory=100, directory=None, leave_after=None) -> Reader:
    client = Client(pieces, leave_after=leave_after)
    reader = Reader()
    reader.client = client
    buffered = RequestBodyBuffer(reader, limit=limit, memory=memory, directory=directory)

    async def send(message):
        pass

    asyncio.run(buffered(_scope(headers=headers), client.receive, send))
    return reader


def test_the_application_is_called_once_the_whole_body_has_arrived():
    pieces = [b"a" * 30, b"b" * 30, b"c" * 30]
    reader = _run(pieces, _sized(b"".join(pieces)))
    assert reader.called_after == 3
    assert reader.body == b"".join(pieces)
    # Past the body, the application hears what the client does next: here, that it left.
    assert reader.after_body == {"type": "http.disconnect"}


def test_a_body_past_the_memory_bound_goes_to_a_file_without_a_name(tmp_path):
    pieces = [bytes([n]) * 700_000 for n in range(4)]  # 2.8 MB: spooled, in several CHUNK writes
    seen_during: list[list] = []
    client = Client(pieces)
    reader = Reader()
    reader.client = client

    async def app(scope, receive, send):
        seen_during.append(list(tmp_path.iterdir()))
        await reader(scope, receive, send)

    buffered = RequestBodyBuffer(app, limit=10_000_000, memory=1000, directory=str(tmp_path))

    async def send(message):
        pass

    asyncio.run(buffered(_scope(headers=_sized(b"".join(pieces))), client.receive, send))
    assert reader.called_after == 4
    assert hashlib.sha256(reader.body).digest() == hashlib.sha256(b"".join(pieces)).digest()
    assert len(reader.body) > 2 * CHUNK
    assert seen_during == [[]] and list(tmp_path.iterdir()) == []


def test_a_client_that_leaves_before_its_body_is_complete_never_reaches_the_application(tmp_path):
    pieces = [b"x" * 600] * 5
    reader = _run(
        pieces, _sized(b"".join(pieces)), limit=10_000, directory=str(tmp_path), leave_after=3
    )
    assert reader.called_after is None and reader.body == b""
    assert list(tmp_path.iterdir()) == []


def test_a_body_that_stops_arriving_is_answered_408_and_never_reaches_the_application():
    client = Client([b"x" * 100, b"y" * 100])
    called = []

    async def app(scope, receive, send):
        called.append(True)

    async def stalled():
        if client.delivered == 0:
            return await client.receive()
        await asyncio.Event().wait()  # the second piece never comes

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    buffered = RequestBodyBuffer(app, limit=1000, memory=10, idle=0.05)
    asyncio.run(buffered(_scope(headers=((b"content-length", b"200"),)), stalled, send))
    assert called == []
    assert sent[0]["status"] == 408 and b"stopped arriving" in sent[1]["body"]


def test_a_body_declared_too_large_is_handed_over_as_it_arrives():
    """The application refuses it with its own message (413 and the limit)."""
    pieces = [b"y" * 600] * 3
    reader = _run(pieces, _sized(b"".join(pieces)), limit=1000)
    assert reader.called_after == 0
    assert reader.body == b"".join(pieces)


def test_a_chunked_body_that_grows_past_the_limit_is_handed_over_with_what_was_kept():
    pieces = [b"1" * 600, b"2" * 600, b"3" * 600, b"4" * 600]
    reader = _run(pieces, CHUNKED, limit=1000)
    assert reader.called_after == 2  # 1,200 bytes > 1,000: the rest comes as it arrives
    assert reader.body == b"".join(pieces)


def test_a_request_without_a_body_goes_straight_through():
    calls = []

    async def app(scope, receive, send):
        calls.append(receive)

    async def receive():
        raise AssertionError("nothing is read on the application's behalf")

    async def send(message):
        pass

    buffered = RequestBodyBuffer(app, limit=10, memory=10)
    asyncio.run(buffered(_scope("GET"), receive, send))
    asyncio.run(buffered(_scope("POST", ((b"content-length", b"0"),)), receive, send))
    assert calls == [receive, receive]


# Through plenary.asgi, as uvicorn calls it: a real upload, its body in pieces.


@pytest.mark.django_db(transaction=True)
def test_an_upload_reaches_its_view_only_once_whole(next_meeting, delegate, monkeypatch):
    # The view runs in a2wsgi's thread: its connection closes with the request.
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    document = register_contribution(next_meeting, delegate)
    content = filled(document)
    boundary = "plenary-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="language"\r\n\r\nE\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="c.docx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    pieces = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    client = Client(pieces)
    started_after: list[int] = []

    def on_started(**kwargs):
        started_after.append(client.delivered)

    scope = _scope(
        headers=(
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {_token(delegate)}".encode()),
        )
    )
    scope["path"] = f"/api/v1/documents/{document.file_code}/upload"
    scope["raw_path"] = scope["path"].encode()
    sent: list[dict] = []

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            client.gone.set()

    request_started.connect(on_started)
    try:
        asyncio.run(application(scope, client.receive, send))
    finally:
        request_started.disconnect(on_started)
    assert sent[0]["status"] == 201, b"".join(m.get("body", b"") for m in sent[1:])
    assert started_after == [len(pieces)] and len(pieces) > 2
    revision = Revision.objects.get(document=document)
    assert revision.sha256 == hashlib.sha256(content).hexdigest()


# Served by uvicorn with one page thread: a paused upload leaves it free for everyone else.


def _echo_length(environ, start_response):
    size = len(environ["wsgi.input"].read()) if environ["REQUEST_METHOD"] == "POST" else 0
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(size).encode()]


@pytest.fixture
def served_with_one_thread():
    app = RequestBodyBuffer(WSGIMiddleware(_echo_length, workers=1), limit=10_000_000, memory=1000)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def test_a_paused_upload_holds_no_page_thread(served_with_one_thread):
    port = served_with_one_thread
    size = 2_000_000
    with socket.create_connection(("127.0.0.1", port), timeout=30) as upload:
        upload.sendall(
            f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n".encode()
            + b"z" * (size // 2)
        )
        # Half the body is in; the rest is late. The one page thread must still answer others.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ok", timeout=20) as response:  # noqa: S310
            assert response.status == 200 and response.read() == b"0"
        upload.sendall(b"z" * (size - size // 2))
        answer = b""
        while not answer.endswith(b"\r\n0\r\n\r\n"):  # the chunked body's end
            data = upload.recv(65536)
            assert data, answer
            answer += data
    assert answer.startswith(b"HTTP/1.1 200 OK")
    assert f"\r\n{size}\r\n".encode() in answer
