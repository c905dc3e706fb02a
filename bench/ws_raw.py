"""The baseline of the WebSocket room benchmark: a raw ASGI broadcast, served by uvicorn as
`plenary serve` serves Plenary.

Every WebSocket at /ws/ is kept; a text message received from any of them is stamped and sent,
encoded once, to all of them, one `send` after another: the least an ASGI server can do per
delivery. GET /ok answers the harness's readiness probe.

    python -m uvicorn bench.ws_raw:app --port 8001 --lifespan off --no-access-log
"""

import json
import time

CLIENTS: set = set()
_seq = 0


async def _http(scope, receive, send):
    ok = scope["path"] == "/ok"
    await send(
        {
            "type": "http.response.start",
            "status": 200 if ok else 404,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok" if ok else b"not found"})


async def _websocket(scope, receive, send):
    global _seq
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    CLIENTS.add(send)
    await send({"type": "websocket.send", "text": '{"type":"ready"}'})
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            _seq += 1
            frame = json.dumps(
                {
                    "type": "event",
                    "seq": _seq,
                    "event": "chat",
                    "payload": json.loads(message.get("text") or "{}"),
                    "at": round(time.time(), 6),
                },
                separators=(",", ":"),
            )
            for client in tuple(CLIENTS):
                try:
                    await client({"type": "websocket.send", "text": frame})
                except Exception:  # a client that went away
                    CLIENTS.discard(client)
    finally:
        CLIENTS.discard(send)


async def app(scope, receive, send):
    if scope["type"] == "http":
        await _http(scope, receive, send)
    elif scope["type"] == "websocket":
        await _websocket(scope, receive, send)
