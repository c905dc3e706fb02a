import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plenary.documents.coverpage import CoverPageError, read_cover_page

_CONTACT_PARTS = ("name", "organization", "country", "tel", "email")
_LABELS = {
    "questions": "Question(s)",
    "for_action": "For action to",
    "for_comment": "For comment to",
    "for_information": "For information to",
    "email": "E-mail",
}


class Command(BaseCommand):
    help = "Read the cover table of a contribution, TD or liaison statement (.docx)."

    # A file tool: it reads no models, so it should run even where the database is not set up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="The Word (.docx) file to read.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print the fields as one JSON object.",
        )

    def handle(self, *args, file, as_json, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        try:
            cover = read_cover_page(path)
        except CoverPageError as exc:
            raise CommandError(f"{file}: {exc}", returncode=2) from exc
        data = cover.to_dict()
        self.stdout.write(
            json.dumps(data, ensure_ascii=False, indent=2) if as_json else _listing(data)
        )


def _listing(data):
    """Label: value lines for a person; blank fields are left out, contacts indented."""
    lines = []
    for key, value in data.items():
        if key == "contacts" or value in (None, []):
            continue
        label = _LABELS.get(key) or key.replace("_", " ").capitalize()
        if key == "questions":
            value = ", ".join(value)
        if key == "abstract":
            value = value.replace("\n", "\n    ")
        lines.append(f"{label}: {value}")
    for index, contact in enumerate(data["contacts"], start=1):
        lines.append(f"Contact {index}:")
        for part in _CONTACT_PARTS:
            if contact[part]:
                label = _LABELS.get(part) or part.capitalize()
                lines.append(f"    {label}: {contact[part]}")
    return "\n".join(lines) if lines else "(the cover table is empty)"
