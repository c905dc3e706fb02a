"""The cover page's fields, as the reader returns them and the writer takes them."""

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("CONTRIBUTION", "TD", "LIAISON STATEMENT")


class CoverPageError(ValueError):
    """The file is not a Word document, is damaged, or has no recognizable cover table."""


@dataclass
class Contact:
    """One "Contact:" row of a cover table."""

    name: str | None = None
    organization: str | None = None
    country: str | None = None
    tel: str | None = None
    email: str | None = None

    def is_empty(self) -> bool:
        """True when every part of the contact is missing (an untouched template row)."""
        return not any(asdict(self).values())


@dataclass
class CoverPage:
    """The fields of a cover table; None (or an empty list) where the document leaves one blank."""

    kind: str | None = None
    number: str | None = None
    revision: int | None = None
    study_group: str | None = None
    study_period: str | None = None
    original_language: str | None = None
    questions: list[str] = field(default_factory=list)
    place_and_date: str | None = None
    place: str | None = None
    date: str | None = None
    meeting: str | None = None
    working_party: str | None = None
    source: str | None = None
    title: str | None = None
    purpose: str | None = None
    keywords: str | None = None
    for_action: str | None = None
    for_comment: str | None = None
    for_information: str | None = None
    approval: str | None = None
    deadline: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    abstract: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-ready data: strings, None, an int and lists."""
        return asdict(self)
