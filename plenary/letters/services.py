"""The collective letter of a meeting: composed from its data and its body's wording."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from plenary.letters import word
from plenary.letters.markup import Block, Line, parse, render_section, spans
from plenary.letters.models import LetterTemplate
from plenary.letters.selectors import letter_context, letter_sections
from plenary.meetings.models import Meeting


@dataclass(frozen=True)
class Letter:
    """A letter ready to be drawn as a Word file or a page; the sections' text already rendered."""

    meeting: Meeting
    letterhead: tuple[Block, ...]
    dateline: str
    reference: tuple[Block, ...]
    to_label: str
    addressees: tuple[Line, ...]
    subject_label: str
    subject: str
    salutation: str
    main: tuple[Block, ...]
    signature: tuple[Block, ...]
    annexes: tuple[tuple[Block, ...], ...]

    @property
    def filename(self) -> str:
        """The download's name without its extension."""
        return f"{self.meeting.slug}-collective-letter"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def letter_compose(*, meeting: Meeting) -> Letter:
    """Render each section of the letter's templates with the meeting's data.

    Raises LetterTemplateMissing when no template (not even the default) words the letter.
    """
    sections = letter_sections(body=meeting.body)
    context = letter_context(meeting=meeting)
    text = {name: render_section(sections[name], context) for name in LetterTemplate.SECTIONS}
    addressees = tuple(
        spans(line.strip().removeprefix("- ").strip())
        for line in text["addressees"].splitlines()
        if line.strip()
    )
    annexes = tuple(
        blocks for blocks in (parse(text[name]) for name in LetterTemplate.ANNEXES) if blocks
    )
    return Letter(
        meeting=meeting,
        letterhead=parse(text["letterhead"]),
        dateline=_one_line(text["dateline"]),
        reference=parse(text["reference"]),
        to_label=_one_line(text["to_label"]),
        addressees=addressees,
        subject_label=_one_line(text["subject_label"]),
        subject=_one_line(text["subject"]),
        salutation=_one_line(text["salutation"]),
        main=parse(text["main_text"]),
        signature=parse(text["signature"]),
        annexes=annexes,
    )


def letter_to_docx(*, letter: Letter) -> bytes:
    """The letter as a Word file: A4, Times New Roman 12, the layout of an ITU letter."""
    return word.build(letter)


def letter_to_html(*, letter: Letter) -> str:
    """The letter as a standalone HTML document (for the command line and for e-mail)."""
    return render_to_string("letters/document.html", {"letter": letter})
