"""Document files sent by the server from its event loop, driven through plenary.asgi itself.

Each test calls the real ASGI application with a scope, a receive and a send of its own, as
uvicorn would, so that the view runs in a2wsgi's thread pool and the file is sent by
`FileSender`; the people and the file are real (a contribution uploaded by a delegate).
"""

import asyncio
import contextlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.signals import request_finished
from django.db import connections
from django.test import Client
from django.urls import reverse

from plenary.api.services import token_create
from plenary.asgi import application
from plenary.core import asgi_files
from plenary.documents import files
from plenary.documents.models import Document
from plenary.documents.tests.conftest import (
    posted_contribution,
)

pytestmark = pytest.mark.django_db(transaction=True)

MARK = asgi_files.MARK_HEADER.lower().encode()


class Exchange:
    """One request through the application: what it sent, and when the reader left."""

    def __init__(self, method: str, path: str, headers: dict[str, str], leave_after: int | None):
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.messages: list[dict] = []
        self.leave_after = leave_after
        self.finished_before_first_byte: bool | None = None
        self._requested = False
        self._gone: asyncio.Event | None = None

    async def receive(self) -> dict:
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        self.messages.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            if self.finished_before_first_byte is None:
                self.finished_before_first_byte = bool(_finished)
            if self.leave_after is not None and len(self.body) >= self.leave_after:
                self._gone.set()

    async def run(self) -> "Exchange":
        self._gone = asyncio.Event()
        await application(self.scope, self.receive, self.send)
        return self

    @property
    def start(self) -> dict:
        return self.messages[0]

    @property
    def status(self) -> int:
        return self.start["status"]

    @property
    def headers(self) -> dict[bytes, bytes]:
        return dict(self.start["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages[1:])

    @property
    def complete(self) -> bool:
        return any(
            m["type"] == "http.response.body" and not m.get("more_body") for m in self.messages
        )


_finished: list[bool] = []


def _on_request_finished(**kwargs):
    _finished.append(True)


@pytest.fixture(autouse=True)
def _requests_close_their_connections(monkeypatch):
    """The views run in a2wsgi's threads: their database connections close with each request,
    so that PostgreSQL can drop the test database at the end."""
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)


@pytest.fixture(autouse=True)
def _finished_requests_noted():
    """Django's request_finished is sent when the view's thread lets the response go."""
    _finished.clear()
    request_finished.connect(_on_request_finished)
    yield
    request_finished.disconnect(_on_request_finished)


def call(
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    leave_after: int | None = None,
) -> Exchange:
    return asyncio.run(Exchange(method, path, headers or {}, leave_after).run())


@pytest.fixture
def posted(next_meeting, delegate) -> Document:
    return posted_contribution(next_meeting, delegate)


@pytest.fixture
def content(posted) -> bytes:
    with default_storage.open(posted.current_revision.storage_name) as stored:
        return stored.read()


def _page(document: Document) -> str:
    return reverse("documents:download", args=[document.pk, document.current_revision_id])


def _signed_in(person) -> dict[str, str]:
    client = Client()
    client.force_login(person)
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def _no_mark(exchange: Exchange) -> None:
    assert all(name.lower() != MARK for name, _ in exchange.start["headers"])


def test_it_sends_the_whole_file_after_the_view_has_let_its_thread_go(posted, content, academic):
    exchange = call(_page(posted), headers=_signed_in(academic))
    assert exchange.status == 200
    assert exchange.body == content
    assert exchange.complete
    assert exchange.headers[b"content-length"] == str(len(content)).encode()
    assert exchange.headers[b"etag"] == f'"{posted.current_revision.sha256}"'.encode()
    assert b"attachment" in exchange.headers[b"content-disposition"]
    assert exchange.finished_before_first_byte is True
    _no_mark(exchange)


def test_the_api_file_route_is_sent_the_same_way(posted, content, academic):
    secret = token_create(user=academic, name="test", scope="read")[1]
    code = posted.file_code
    exchange = call(f"/api/v1/documents/{code}/file", headers={"Authorization": f"Bearer {secret}"})
    assert exchange.status == 200
    assert exchange.body == content
    assert exchange.finished_before_first_byte is True
    _no_mark(exchange)


def test_it_sends_one_range(posted, content, academic):
    exchange = call(_page(posted), headers={**_signed_in(academic), "Range": "bytes=10-1033"})
    assert exchange.status == 206
    assert exchange.body == content[10:1034]
    assert exchange.headers[b"content-range"] == f"bytes 10-1033/{len(content)}".encode()
    assert exchange.headers[b"content-length"] == b"1024"
    assert exchange.complete
    _no_mark(exchange)


def test_it_refuses_a_range_past_the_end(posted, content, academic):
    headers = {**_signed_in(academic), "Range": f"bytes={len(content)}-"}
    exchange = call(_page(posted), headers=headers)
    assert exchange.status == 416
    assert exchange.headers[b"content-range"] == f"bytes */{len(content)}".encode()
    assert exchange.body == b""
    _no_mark(exchange)


def test_head_gets_the_headers_and_no_body(posted, content, academic):
    exchange = call(_page(posted), method="HEAD", headers=_signed_in(academic))
    assert exchange.status == 200
    assert exchange.headers[b"content-length"] == str(len(content)).encode()
    assert exchange.body == b""
    assert exchange.complete
    _no_mark(exchange)


def _descriptors_on(path: str) -> int:
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd) == path
    return count


def test_it_stops_when_the_reader_leaves(posted, content, academic, monkeypatch):
    sender = application.application_mapping["http"]
    monkeypatch.setattr(sender, "chunk", 1024)
    assert len(content) > 10 * 1024
    exchange = call(_page(posted), headers=_signed_in(academic), leave_after=1024)
    assert content.startswith(exchange.body)
    assert 0 < len(exchange.body) <= 2 * 1024
    assert not exchange.complete
    assert _descriptors_on(default_storage.path(posted.current_revision.storage_name)) == 0


def test_an_outsider_is_refused_before_any_byte(posted, outsider):
    exchange = call(_page(posted), headers=_signed_in(outsider))
    assert exchange.status == 403
    assert b"PK\x03\x04" not in exchange.body  # no byte of the .docx (a ZIP package)
    _no_mark(exchange)
    anonymous = call(_page(posted))
    assert anonymous.status == 302
    assert anonymous.body == b""


class StorageWithoutPaths(FileSystemStorage):
    """A storage that, like a cloud bucket's, has no path on this machine."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _open(self, name, mode="rb"):
        return File(open(super().path(name), mode))  # noqa: SIM115 (closed by the response)


def test_a_storage_without_local_paths_streams_from_the_view(posted, content, academic, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.StorageWithoutPaths"},
    }
    exchange = call(_page(posted), headers=_signed_in(academic))
    assert exchange.status == 200
    assert exchange.body == content
    assert exchange.finished_before_first_byte is False
    _no_mark(exchange)


def test_a_mark_this_request_did_not_offer_is_never_obeyed():
    async def replayed(scope, receive, send):
        headers = [(b"content-length", b"0"), (MARK, b"a-token-of-another-request")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/"}
    with pytest.raises(RuntimeError, match="did not offer"):
        asyncio.run(asgi_files.FileSender(replayed)(scope, receive, send))
    assert sent == []


# A meeting's ZIP, built while it streams --------------------------------------------------------


def _zip_page(document: Document) -> str:
    return reverse("documents:zip", args=[document.meeting.slug])


def test_the_zip_is_sent_from_the_loop_after_the_view_has_let_its_thread_go(
    posted, content, academic
):
    exchange = call(_zip_page(posted), headers=_signed_in(academic))
    assert exchange.status == 200
    assert exchange.finished_before_first_byte is True
    assert exchange.complete
    assert exchange.headers[b"content-length"] == str(len(exchange.body)).encode()
    _no_mark(exchange)
    with zipfile.ZipFile(io.BytesIO(exchange.body)) as archive:
        [name] = archive.namelist()
        assert name == posted.current_revision.download_name
        assert archive.read(name) == content


def test_the_zip_stops_and_closes_its_files_when_the_reader_leaves(
    posted, content, academic, monkeypatch
):
    monkeypatch.setattr(files, "CHUNK", 1024)
    exchange = call(_zip_page(posted), headers=_signed_in(academic), leave_after=1)
    assert not exchange.complete
    assert 0 < len(exchange.body) < len(content)
    assert _descriptors_on(default_storage.path(posted.current_revision.storage_name)) == 0


def test_head_of_the_zip_gets_its_length_and_no_body(posted, academic):
    whole = call(_zip_page(posted), headers=_signed_in(academic))
    exchange = call(_zip_page(posted), method="HEAD", headers=_signed_in(academic))
    assert exchange.status == 200
    assert exchange.headers[b"content-length"] == str(len(whole.body)).encode()
    assert exchange.body == b"" and exchange.complete
    _no_mark(exchange)


def test_an_outsiders_zip_holds_none_of_the_members_files(posted, content, outsider):
    exchange = call(_zip_page(posted), headers=_signed_in(outsider))
    assert exchange.status == 200
    with zipfile.ZipFile(io.BytesIO(exchange.body)) as archive:
        assert archive.namelist() == []
