from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "plenary.groups"
    label = "groups"
