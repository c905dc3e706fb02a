from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plenary.core"
    label = "core"
