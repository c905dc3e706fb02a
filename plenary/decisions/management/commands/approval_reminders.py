import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from plenary.decisions.reminders import send_approval_reminders


class Command(BaseCommand):
    help = "E-mail each study group's secretariat the approval steps due within some days."

    def add_arguments(self, parser):
        parser.add_argument("--within", type=int, default=7, help="Days ahead (default 7).")
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, default=None, help="As of this date (YYYY-MM-DD)."
        )

    def handle(self, *args, within, on, **options):
        sent = send_approval_reminders(on or timezone.localdate(), within)
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")
