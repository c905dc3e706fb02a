"""The official Word templates Plenary fills in, and where they are found."""

from pathlib import Path

from plenary.documents.coverpage import fill_contribution_template

# A copy shipped with the product, so that a server needs nothing beside its code.
SHIPPED_DIR = Path(__file__).resolve().parent / "templates_docx"
CONTRIBUTION_TEMPLATE = "contribution-template.docx"


def official_templates_dir() -> Path | None:
    """The project's reference folder of official templates (beside the checkout), if present."""
    path = Path(__file__).resolve().parents[3] / "shared" / "reference" / "itu-templates"
    return path if path.is_dir() else None


def contribution_template_path() -> Path:
    """The contribution template as shipped with Plenary."""
    return SHIPPED_DIR / CONTRIBUTION_TEMPLATE


def filled_contribution(fields: dict) -> bytes:
    """The official contribution template with its cover table filled from ``fields``."""
    return fill_contribution_template(contribution_template_path(), fields)
