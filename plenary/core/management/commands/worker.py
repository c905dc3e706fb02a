from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run background tasks (e-mail, text extraction, reminders) from the database queue."

    def handle(self, *args, **options):
        call_command("db_worker")
