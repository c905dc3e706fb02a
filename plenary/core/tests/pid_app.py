"""An ASGI app that answers with the number of the process serving it (test_workers.py)."""

import os


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"connection", b"close")]}
    )
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
