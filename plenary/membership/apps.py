from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "plenary.membership"
    label = "membership"
