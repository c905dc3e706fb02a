from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "plenary.meetings"
    label = "meetings"
