from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "plenary.documents"
    label = "documents"
    verbose_name = "Documents"
