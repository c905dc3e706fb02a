"""ASGI entry point: one server process answers pages and WebSockets.

Pages go to Django's WSGI handler through a2wsgi's thread pool rather than Django's ASGI handler:
Django's async path hops between the event loop and a worker thread for every sync middleware and
view, which measured several times slower per page here (docs/benchmarks.md). An ordinary
response is handed back to the loop whole, in one step (plenary/core/asgi_responses.py). A
document's file is sent from the event loop by `FileSender` once the view has answered with its
headers, so that a slow download does not hold one of those threads (plenary/core/asgi_files.py),
and a request's body is received whole on the event loop before the request gets a thread, so
that a slow upload does not either (plenary/core/asgi_bodies.py). The page threads thus only
compute, so there are few of them (PLENARY_HTTP_THREADS, default 4; measured in
docs/benchmarks.md). WebSockets go to Channels on the event loop.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
django.setup()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from plenary.core.asgi_bodies import RequestBodyBuffer  # noqa: E402
from plenary.core.asgi_files import FileSender  # noqa: E402
from plenary.core.asgi_responses import WholeResponses  # noqa: E402
from plenary.core.heap import settle  # noqa: E402
from plenary.env import env_int  # noqa: E402
from plenary.routing import websocket_urlpatterns  # noqa: E402

# What a request may carry beside its largest file (the form's other fields, multipart framing)
# and still be received whole before it reaches a page thread (plenary/core/asgi_bodies.py).
BODY_ROOM = 1024 * 1024

application = ProtocolTypeRouter(
    {
        "http": FileSender(
            RequestBodyBuffer(
                WholeResponses(
                    get_wsgi_application(), workers=env_int("PLENARY_HTTP_THREADS", 4, minimum=1)
                ),
                limit=settings.PLENARY_UPLOAD_MAX_BYTES + BODY_ROOM,
                memory=settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
                directory=settings.FILE_UPLOAD_TEMP_DIR,
            )
        ),
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# Build what Django builds on first use, and keep the long-lived objects out of the collector's
# walks (plenary/core/heap.py): no request waits for a pause of the whole heap.
settle()
