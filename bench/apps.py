"""ASGI applications that exist only for the serving-layout comparison (`--layouts`).

Plenary's own application is `plenary.asgi:application` (a2wsgi for pages, Channels for
WebSockets); `plenary-serve` runs it exactly as `make run` does. The same pair is built here so that
the comparison does not depend on the product's settings of the day:

- `a2wsgi_asgi`: pages to Django's WSGI handler through a2wsgi's thread pool;
- `django_asgi`: the layout Channels' documentation shows, Django's own ASGI handler for pages.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_http = get_asgi_application()

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from plenary.env import env_int  # noqa: E402
from plenary.routing import websocket_urlpatterns  # noqa: E402


def _with_websockets(http):
    return ProtocolTypeRouter(
        {
            "http": http,
            "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
        }
    )


django_asgi = _with_websockets(django_http)
a2wsgi_asgi = _with_websockets(
    WSGIMiddleware(get_wsgi_application(), workers=env_int("PLENARY_HTTP_THREADS", 16, minimum=1))
)
