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
    start: dict[str, Any] | None = None  # the status and headers, until they are handed over

    def start_response(self, status: str, response_headers, exc_info=None):
        self.exc_info = exc_info
        if not self.response_started:
            self.response_started = True
            self.start = {
                "type": "http.response.start",
                "status": int(status.split(" ", 1)[0]),
                "headers": [
                    (name.strip().encode("latin1").lower(), value.strip().encode("latin1"))
                    for name, value in response_headers
                ],
            }
        return self._write

    def _hand_over_start(self) -> None:
        if self.start is not None:
            start, self.start = self.start, None
            self.send(start)

    def _write(self, chunk: bytes) -> None:
        self._hand_over_start()
        self.send({"type": "http.response.body", "body": chunk, "more_body": True})

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
                and self.start is not None
            ):
                start, self.start = self.start, None
                body = {"type": "http.response.body", "body": iterable.content}
                self.loop.call_soon_threadsafe(self._queue, [start, body])
                return
            self._hand_over_start()
            for chunk in iterable:
                self.send({"type": "http.response.body", "body": chunk, "more_body": True})
            self._hand_over_start()  # a body of no piece at all
            self.send({"type": "http.response.body", "body": b""})
        finally:
            getattr(iterable, "close", lambda: None)()
