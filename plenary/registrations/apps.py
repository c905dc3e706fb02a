from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "plenary.registrations"
    label = "registrations"
