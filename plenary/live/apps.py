from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "plenary.live"
    verbose_name = "Live room"
