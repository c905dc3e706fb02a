from django.core.management.base import BaseCommand

from plenary.core.demo import DEMO_MEETING, DEMO_PASSWORD, NEXT_MEETING, load_demo


class Command(BaseCommand):
    help = "Load the demo: the WP1/11 meeting of 19 November 2020 and its people (idempotent)."

    def handle(self, *args, **options):
        logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
        self.stdout.write(f"Meetings: /meetings/{DEMO_MEETING}/ and /meetings/{NEXT_MEETING}/")
        self.stdout.write(f"Demo logins (password for all, local use only: {DEMO_PASSWORD}):")
        for email, purpose in logins:
            self.stdout.write(f"  {email:<28} {purpose}")
