"""An ordinary response reaches the event loop whole, as one start and one body; a streaming one
and WSGI's write() go part by part, as a2wsgi sends them."""

import asyncio

from django.http import HttpResponse, StreamingHttpResponse

from plenary.core.asgi_responses import WholeResponses

SCOPE = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "GET",
    "scheme": "http",
    "path": "/",
    "raw_path": b"/",
    "query_string": b"",
    "root_path": "",
    "headers": [(b"host", b"testserver")],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


def _django_app(response_factory):
    """A WSGI app shaped as Django's handler: start_response, then the response object."""

    def app(environ, start_response):
        response = response_factory()
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response

    return app


def _serve(wsgi_app) -> list[dict]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    async def run():
        await WholeResponses(wsgi_app, workers=1)(dict(SCOPE), receive, send)

    asyncio.run(run())
    return sent


def test_an_ordinary_response_is_one_start_and_one_whole_body():
    sent = _serve(_django_app(lambda: HttpResponse(b'{"items": []}', status=201)))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 201
    assert (b"content-type", b"text/html; charset=utf-8") in sent[0]["headers"]
    assert sent[1]["body"] == b'{"items": []}' and not sent[1].get("more_body", False)


def test_a_streaming_response_goes_part_by_part():
    sent = _serve(_django_app(lambda: StreamingHttpResponse(iter([b"PK", b"\x03\x04"]))))
    assert [m["type"] for m in sent] == ["http.response.start"] + ["http.response.body"] * 3
    assert [(m["body"], m.get("more_body", False)) for m in sent[1:]] == [
        (b"PK", True),
        (b"\x03\x04", True),
        (b"", False),
    ]


def test_a_streaming_response_without_parts_still_starts_and_ends():
    sent = _serve(_django_app(lambda: StreamingHttpResponse(iter([]))))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[1]["body"] == b"" and not sent[1].get("more_body", False)


def test_what_a_wsgi_app_writes_goes_first():
    def app(environ, start_response):
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    sent = _serve(app)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"written returned"
    assert not sent[-1].get("more_body", False)
