"""WebSocket routes; each app adds its consumers here (the live room is the first)."""

from channels.auth import AuthMiddlewareStack
from django.urls import path

from plenary.live.consumers import RoomConsumer

websocket_urlpatterns: list = [
    path("ws/live/<slug:slug>/", AuthMiddlewareStack(RoomConsumer.as_asgi())),
]
