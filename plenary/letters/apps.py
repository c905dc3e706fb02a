from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "plenary.letters"
    label = "letters"
    verbose_name = "Collective letters"
