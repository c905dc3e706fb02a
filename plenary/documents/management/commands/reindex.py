import time

from django.core.management.base import BaseCommand

from plenary.documents import search


class Command(BaseCommand):
    help = (
        "Rebuild every document's search entry (after a restore, or for documents from before "
        "search existed); a file is read again only where its current revision changed."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.reindex_all()
        seconds = time.perf_counter() - started
        rate = f" ({count / seconds:.0f} a second)" if count and seconds else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} document{'s' * (count != 1)} in {seconds:.1f} s{rate}."
            )
        )
