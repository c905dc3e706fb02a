"""The letter templates' text: rendered with Django's template engine, then read as simple markup.

A section is rendered once, as plain text (no HTML escaping), and its lines are read as blocks;
the Word writer and the HTML page both draw the same blocks, and the HTML page escapes the text
as it writes it, so the wording is escaped exactly once. No database here.

The markup, line by line (blank lines separate paragraphs, lists and tables):

- ``# ANNEX A``: the annex's number, centred; ``## Title``: a centred title;
  ``### HEADING``: a section heading.
- ``- item``: an item of a bulleted list.
- ``| cell | cell``: a table row; a row of dashes (``|---|---``) under the first row makes that
  row the header. A table with a header is drawn with rules, one without as plain columns
  (as the key deadlines are). Write ``\\|`` for a bar inside a cell.
- any other line: text; consecutive lines form one paragraph with line breaks between them.
- ``**bold**`` anywhere in text, list items and cells.
"""

import re
from dataclasses import dataclass

from django.template import Context, Engine, TemplateSyntaxError

MARKUP_HELP = __doc__.split("\n\n", 2)[2]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False


Line = tuple[Span, ...]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    kind = "heading"


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[Line, ...]
    kind = "paragraph"


@dataclass(frozen=True)
class BulletList:
    items: tuple[Line, ...]
    kind = "list"


@dataclass(frozen=True)
class Table:
    header: tuple[Line, ...] | None
    rows: tuple[tuple[Line, ...], ...]
    kind = "table"

    @property
    def columns(self) -> int:
        widths = [len(row) for row in self.rows]
        if self.header:
            widths.append(len(self.header))
        return max(widths, default=0)


Block = Heading | Paragraph | BulletList | Table


def _engine() -> Engine:
    # Templates come from the admin: no loaders, so {% include %} and {% extends %} find nothing.
    return Engine(loaders=[], autoescape=False)


def compile_section(text: str):
    """Compile a section's template text; ValueError with the engine's message if it is invalid."""
    try:
        return _engine().from_string(text)
    except TemplateSyntaxError as error:
        raise ValueError(f"Template error: {error}") from error


def render_section(text: str, context: dict) -> str:
    """The section's text for this context, as plain text."""
    return compile_section(text).render(Context(context, autoescape=False))


def spans(text: str) -> Line:
    """A line of text cut into runs at ``**bold**`` marks."""
    parts = _BOLD.split(text)
    return tuple(Span(part, bold=bool(index % 2)) for index, part in enumerate(parts) if part)


def _cells(line: str) -> list[str]:
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(body)]


def parse(text: str) -> tuple[Block, ...]:
    """The blocks of a rendered section, in reading order."""
    blocks: list[Block] = []
    paragraph: list[Line] = []
    items: list[Line] = []
    rows: list[list[str]] = []
    header: list[str] | None = None

    def flush():
        nonlocal header
        if paragraph:
            blocks.append(Paragraph(tuple(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(BulletList(tuple(items)))
            items.clear()
        if rows or header is not None:
            blocks.append(
                Table(
                    header=tuple(spans(cell) for cell in header) if header is not None else None,
                    rows=tuple(tuple(spans(cell) for cell in row) for row in rows),
                )
            )
            rows.clear()
            header = None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        heading = re.match(r"^(#{1,3})\s+(.*)$", line)
        if heading:
            flush()
            blocks.append(Heading(level=len(heading.group(1)), text=heading.group(2).strip()))
        elif line.startswith("|"):
            if paragraph or items:
                flush()
            if _SEPARATOR.match(line) and rows and header is None and len(rows) == 1:
                header = rows.pop()
            else:
                rows.append(_cells(line))
        elif line.startswith("- "):
            if paragraph or rows or header is not None:
                flush()
            items.append(spans(line[2:].strip()))
        else:
            if items or rows or header is not None:
                flush()
            paragraph.append(spans(line))
    flush()
    return tuple(blocks)


def plain(line: Line) -> str:
    """A line's text without its bold marks."""
    return "".join(span.text for span in line)
