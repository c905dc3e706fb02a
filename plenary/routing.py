"""WebSocket routes; each app adds its consumers here (the live room is the first)."""

websocket_urlpatterns: list = []
