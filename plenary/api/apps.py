from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "plenary.api"
    label = "api"
    verbose_name = "HTTP API"
