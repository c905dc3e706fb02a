"""ASGI entry point: one server process answers pages and WebSockets.

Pages go to Django's WSGI handler through a2wsgi's thread pool rather than Django's ASGI handler:
Django's async path hops between the event loop and a worker thread for every sync middleware and
view, which measured several times slower per page here (docs/benchmarks.md). A document's file
is sent from the event loop by `FileSender` once the view has answered with its headers, so that
a slow download does not hold one of those threads (plenary/core/asgi_files.py). WebSockets go
to Channels on the event loop.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
django.setup()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from plenary.core.asgi_files import FileSender  # noqa: E402
from plenary.core.heap import settle  # noqa: E402
from plenary.env import env_int  # noqa: E402
from plenary.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": FileSender(
            WSGIMiddleware(
                get_wsgi_application(), workers=env_int("PLENARY_HTTP_THREADS", 16, minimum=1)
            )
        ),
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# Build what Django builds on first use, and keep the long-lived objects out of the collector's
# walks (plenary/core/heap.py): no request waits for a pause of the whole heap.
settle()
