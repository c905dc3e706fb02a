from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plenary.letters.selectors import LetterTemplateMissing
from plenary.letters.services import letter_compose, letter_to_docx, letter_to_html
from plenary.meetings.models import Meeting

FORMATS = ("docx", "html")


class Command(BaseCommand):
    help = "Write a meeting's collective letter as a Word file or an HTML document."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="The meeting's slug.")
        parser.add_argument(
            "--format", dest="file_format", default="docx", help="docx (default) or html."
        )
        parser.add_argument("-o", "--output", required=True, help="The file to write.")

    def handle(self, *args, meeting, file_format, output, **options):
        if file_format not in FORMATS:
            raise CommandError(f"Unknown format {file_format!r}: use docx or html.", returncode=2)
        found = Meeting.objects.select_related("body").filter(slug=meeting).first()
        if found is None:
            raise CommandError(f"No meeting with the slug {meeting!r}.", returncode=2)
        try:
            letter = letter_compose(meeting=found)
        except LetterTemplateMissing as error:
            raise CommandError(str(error), returncode=2) from error
        if file_format == "docx":
            content = letter_to_docx(letter=letter)
        else:
            content = letter_to_html(letter=letter).encode()
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                f"Cannot write {path}: {error.strerror or error}.", returncode=2
            ) from error
        self.stdout.write(f"Wrote the letter of {found.slug} to {path} ({len(content)} bytes).")
