from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "plenary.decisions"
    label = "decisions"
