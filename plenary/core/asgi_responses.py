"""Django's whole responses handed to the event loop in one step.

a2wsgi runs Django's WSGI handler in a page thread and gives the event loop each part of the
response as the thread produces it: the status and headers, each piece of the body, then the
end. Each part is a round trip between the page thread and the loop (the thread wakes the loop,
then waits for it to take the part), three for an ordinary page. Under load each of those waits
for the interpreter's lock on both sides: in a profile of the register's JSON served at c=32,
waking the loop was a quarter of the process's time (docs/benchmarks.md).

An ordinary Django response (not a streaming one) is whole when the handler returns it. So
`WholeResponses` holds the status and headers, and when the handler returns such a response
gives the loop the start and the body together, without waiting: the page thread is free at
once, and the loop sends both before the end of the request, which a2wsgi queues after them
once the thread's work is done. Streaming responses (a file, a ZIP, a feed of events) and
anything written through WSGI's ``write()`` go part by part as before.
"""

from typing import Any

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import WSGIResponder
from django.http import HttpResponseBase


class WholeResponses(WSGIMiddleware):
    """a2wsgi's WSGIMiddleware, with a whole Django response handed over at once."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            responder = _Responder(self.app, self.executor, self.send_queue_size)
            return await responder(scope, receive, send)
        return await super().__call__(scope, receive, send)


class _Responder(WSGIResponder):
    """a2wsgi's responder, holding the start (status and headers, which a2wsgi's start_response
    builds) until the body is known."""

    held_start: dict[str, Any] | None = None

    def send(self, message) -> None:
        if message is not None and message["type"] == "http.response.start":
            self.held_start = message
            return
        if self.held_start is not None:
            start, self.held_start = self.held_start, None
            super().send(start)
        super().send(message)

    def _queue(self, messages: list[dict[str, Any]]) -> None:
        # On the loop, before the end that a2wsgi queues once this request's thread returns
        # (both are called in the order they were handed to the loop). The queue is this
        # request's own and empty: two messages fit.
        for message in messages:
            self.send_queue.put_nowait(message)

    def wsgi(self, environ, start_response) -> None:
        iterable = self.app(environ, start_response)
        try:
            if (
                isinstance(iterable, HttpResponseBase)
                and not iterable.streaming
                and self.held_start is not None
            ):
                start, self.held_start = self.held_start, None
                body = {"type": "http.response.body", "body": iterable.content}
                self.loop.call_soon_threadsafe(self._queue, [start, body])
                return
            for chunk in iterable:
                self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.send({"type": "http.response.body", "body": b""})  # hands the start over first
        finally:
            getattr(iterable, "close", lambda: None)()
