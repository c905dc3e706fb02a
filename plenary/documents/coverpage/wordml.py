"""WordprocessingML plumbing shared by the reader and the writer.

Opens a .docx safely, extracts the visible text of table cells (line breaks, tabs, content
controls, tracked changes, merged cells), finds the cover tables at the top of the body, and sorts
their cells into labelled entries ("Source:" and its value cells), the row naming the kind of
document, and free cells (the header with number, study group and study period).
"""

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml import etree

from plenary.documents.coverpage.model import CoverPageError

DocumentSource = str | Path | bytes | IO[bytes]

_LABELS = {
    "question": "questions",
    "questions": "questions",
    "meeting": "meeting",
    "study group": "study_group",
    "working party": "working_party",
    "source": "source",
    "sources": "source",
    "title": "title",
    "purpose": "purpose",
    "keywords": "keywords",
    "keyword": "keywords",
    "key words": "keywords",
    "abstract": "abstract",
    "summary": "abstract",
    "contact": "contact",
    "contacts": "contact",
    "contact person": "contact",
    "for action to": "for_action",
    "for action": "for_action",
    "for comment to": "for_comment",
    "for comments to": "for_comment",
    "for comment": "for_comment",
    "for information to": "for_information",
    "for information": "for_information",
    "for info to": "for_information",
    "approval": "approval",
    "deadline": "deadline",
    "place and date": "place_and_date",
    "place/date": "place_and_date",
    "venue": "place_and_date",
}


_KIND_RE = re.compile(
    r"^(?:(?P<c>contribution)|(?P<td>td|temporary document)"
    r"|(?P<ls>(?:incoming |outgoing )?liaison statement))$",
    re.IGNORECASE,
)


# Paragraph styles of the templates that say which field a label-less cell holds.
DOCNUMBER_STYLE = "Docnumber"
VENUE_STYLE = "VenueDate"
_WHITESPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

W_P, W_R, W_T = qn("w:p"), qn("w:r"), qn("w:t")
W_TBL, W_TR, W_TC = qn("w:tbl"), qn("w:tr"), qn("w:tc")


# The parts the cover page is read from are XML; pictures, fonts and embedded objects are not
# read, so the slim copy python-docx opens holds them empty (a 50 MB picture costs nothing).
_XML_PART = re.compile(r"(\.xml|\.rels)$", re.IGNORECASE)


def _slim_package(archive: zipfile.ZipFile) -> bytes:
    """The package with every non-XML part emptied: what python-docx needs to read text."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as slim:
        for info in archive.infolist():
            keep = _XML_PART.search(info.filename) is not None
            slim.writestr(info.filename, archive.read(info) if keep else b"")
    return out.getvalue()


def open_document(source: DocumentSource, *, text_only: bool = False) -> Any:
    """Open a .docx with python-docx, turning every way it can fail into one CoverPageError.

    A file or file object is read in place (a file object is left where it was). With
    `text_only`, for reading, only its XML parts are inflated and the others are held empty:
    reading the cover of a large upload takes little memory (never save such a document)."""
    if isinstance(source, str | Path):
        try:
            with open(source, "rb") as stream:
                return _open_stream(stream, text_only)
        except OSError as exc:
            raise CoverPageError(f"cannot read the file: {exc.strerror or exc}") from exc
    if isinstance(source, bytes | bytearray):
        return _open_stream(io.BytesIO(bytes(source)), text_only)
    start = source.tell() if source.seekable() else None
    if start is None:
        return _open_stream(io.BytesIO(source.read()), text_only)
    try:
        return _open_stream(source, text_only)
    finally:
        source.seek(start)


def _open_stream(stream: IO[bytes], text_only: bool) -> Any:
    begin = stream.tell()
    head = stream.read(8)
    stream.seek(-len(head), io.SEEK_CUR)
    if not head:
        raise CoverPageError("not a Word document: the file is empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CoverPageError(
            "not a .docx document: the file is an OLE compound file (a legacy .doc, or encrypted)"
        )
    if not head.startswith(b"PK"):
        raise CoverPageError("not a Word document: the file is not a ZIP (Office Open XML) package")
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                raise CoverPageError("not a Word document: the ZIP has no [Content_Types].xml")
            if "word/document.xml" not in names:
                raise CoverPageError("not a Word document: the ZIP has no word/document.xml")
            if text_only:
                package = _slim_package(archive)
            else:
                stream.seek(begin)
                package = stream.read()
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise CoverPageError(f"damaged Word document: the ZIP package is corrupt ({exc})") from exc
    except (RuntimeError, NotImplementedError) as exc:
        # An encrypted member or an unknown compression method.
        raise CoverPageError(f"damaged Word document: {exc}") from exc
    try:
        return docx.Document(io.BytesIO(package))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise CoverPageError(f"damaged Word document: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        raise CoverPageError(f"damaged Word document: invalid XML ({exc})") from exc
    except (KeyError, OpcError) as exc:
        raise CoverPageError(f"damaged Word document: a package part is missing ({exc})") from exc
    except ValueError as exc:
        # python-docx refuses packages whose main part is not a WordprocessingML document
        # (.docm, .dotx, an .xlsx renamed); its message names the content type.
        raise CoverPageError(f"not a .docx document: {exc}") from exc


def clean(text: str) -> str:
    """Collapse every run of whitespace (tabs, no-break and zero-width spaces) to one space."""
    return _WHITESPACE_RE.sub(" ", text).strip()


def paragraph_lines(p: Any) -> list[str]:
    """The text of a paragraph, split at manual line breaks, skipping deleted text.

    Word keeps tracked deletions, moved-from text, fallback copies of text boxes and the
    placeholder of an untouched content control inside the paragraph; none of it is visible text.
    """
    skip = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), qn("w:instrText")}
    fallback = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
    parts: list[str] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in skip or tag == fallback:
                continue
            if tag == qn("w:sdt") and _shows_placeholder(child):
                continue
            if tag == W_T:
                parts.append(child.text or "")
            elif tag == qn("w:tab"):
                parts.append("\t")
            elif tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            elif tag == qn("w:noBreakHyphen"):
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts).split("\n")


def _shows_placeholder(sdt: Any) -> bool:
    """True for a content control still showing its "Click here to enter text." hint."""
    props = sdt.find(qn("w:sdtPr"))
    return props is not None and props.find(qn("w:showingPlcHdr")) is not None


def paragraph_style(p: Any) -> str | None:
    """The style id of a paragraph ("Docnumber", "VenueDate"), or None for the default."""
    props = p.find(qn("w:pPr"))
    style = props.find(qn("w:pStyle")) if props is not None else None
    return style.get(qn("w:val")) if style is not None else None


def cell_paragraphs(tc: Any) -> Iterator[Any]:
    """The paragraphs of a cell, looking inside content controls but not into nested tables."""
    for child in tc:
        if child.tag == W_P:
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None and not _shows_placeholder(child):
                yield from cell_paragraphs(content)


@dataclass
class Cell:
    """One table cell with its grid column and its visible text, paragraph by paragraph."""

    tc: Any
    col: int
    continues: bool  # a vertically merged cell below the one that holds the text
    paragraphs: list[tuple[str | None, list[str]]]  # (style, lines)

    @property
    def lines(self) -> list[str]:
        return [line for _, lines in self.paragraphs for line in lines if line]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def lines_with_style(self, style: str) -> list[str]:
        return [line for s, lines in self.paragraphs if s == style for line in lines if line]

    def lines_without_style(self, style: str) -> list[str]:
        return [line for s, lines in self.paragraphs if s != style for line in lines if line]


def row_cells(tr: Any) -> list[Cell]:
    """The cells of a row with their grid column; cells wrapped in content controls included."""
    cells: list[Cell] = []
    col = 0
    grid_before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
    if grid_before is not None:
        col = int(grid_before.get(qn("w:val"), "0"))
    for tc in _iter_children(tr, W_TC):
        props = tc.find(qn("w:tcPr"))
        span = 1
        continues = False
        if props is not None:
            grid_span = props.find(qn("w:gridSpan"))
            if grid_span is not None:
                span = int(grid_span.get(qn("w:val"), "1"))
            v_merge = props.find(qn("w:vMerge"))
            continues = v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue"
        paragraphs = [
            (paragraph_style(p), [clean(line) for line in paragraph_lines(p)])
            for p in cell_paragraphs(tc)
        ]
        cells.append(Cell(tc=tc, col=col, continues=continues, paragraphs=paragraphs))
        col += span
    return cells


def _iter_children(parent: Any, tag: str) -> Iterator[Any]:
    """Direct children with `tag`, also those wrapped in content controls; never nested ones."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _iter_children(content, tag)


def cover_tables(document: Any) -> list[Any]:
    """The tables at the top of the body: the first one and those right below it.

    Paragraphs before the first table are skipped (some files start with an empty line or a
    note); after it, only blank paragraphs may separate the cover's tables, because the first
    paragraph of text starts the body of the document.
    """
    tables: list[Any] = []
    for element in _iter_blocks(document.element.body):
        if element.tag == W_TBL:
            tables.append(element)
        elif element.tag == W_P and tables and any(clean(x) for x in paragraph_lines(element)):
            break
    return tables


def _iter_blocks(container: Any) -> Iterator[Any]:
    for child in container:
        if child.tag in (W_P, W_TBL):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _iter_blocks(content)


def _match_label(cell: Cell) -> tuple[str | None, list[str]]:
    """The field a label cell names, and any value written after the colon in the same cell.

    Accepts "Title:", "title", "TITLE :", "Question(s):", and a merged cell that repeats its
    label ("Contact: Contact:"), and "Source: Demo Sector Member Telecom" in one cell.
    """
    lines = cell.lines
    if not lines:
        return None, []
    if label := _LABELS.get(_label_key(cell.text)):
        return label, []
    keys = {_label_key(line) for line in lines}
    if len(keys) == 1 and (label := _LABELS.get(keys.pop())):
        return label, []
    head, sep, rest = lines[0].partition(":")
    if sep and (label := _LABELS.get(_label_key(head))):
        return label, [x for x in [rest.strip(), *lines[1:]] if x]
    return None, []


def _label_key(text: str) -> str:
    return clean(text).lower().replace("(s)", "").rstrip(": ").strip()


@dataclass
class Entry:
    """A labelled row (or the labelled part of one): the field it names and its value cells."""

    label: str
    tr: Any
    cells: list[Cell]
    inline: list[str]  # value lines written inside the label cell itself


@dataclass
class Scan:
    """The cover tables sorted out: labelled entries, the kind row, and the unlabelled cells."""

    entries: list[Entry] = field(default_factory=list)
    free: list[Cell] = field(default_factory=list)  # header cells and cells of unknown rows
    kind: str | None = None

    def first(self, label: str) -> Entry | None:
        return next((e for e in self.entries if e.label == label), None)

    def all(self, label: str) -> list[Entry]:
        return [e for e in self.entries if e.label == label]


def scan_tables(tables: list[Any]) -> Scan:
    """Sort every cell of the cover tables into labelled entries, the kind row and free cells."""
    scan = Scan()
    for tbl in tables:
        label_at_col: dict[int, str] = {}
        previous: str | None = None
        for tr in _iter_children(tbl, W_TR):
            cells = row_cells(tr)
            filled = [c for c in cells if c.text]
            if len(filled) == 1 and (kind := _kind(filled[0].text)):
                scan.kind = kind
                previous = None
                continue
            previous = _scan_row(scan, tr, cells, label_at_col, previous)
    return scan


def _scan_row(
    scan: Scan, tr: Any, cells: list[Cell], label_at_col: dict[int, str], previous: str | None
) -> str | None:
    """Read one row; return the label a following row with a blank first cell continues."""
    entries: list[Entry] = []
    current: Entry | None = None
    for index, cell in enumerate(cells):
        if cell.continues:
            # The label cell is merged down over this row (e.g. one "Contact:" for two rows).
            if index == 0 and (label := label_at_col.get(cell.col)):
                current = Entry(label, tr, [], [])
                entries.append(current)
            continue
        label, inline = _match_label(cell)
        if label:
            label_at_col[cell.col] = label
            current = Entry(label, tr, [], inline)
            entries.append(current)
            continue
        label_at_col.pop(cell.col, None)
        if current is None and index == 0 and not cell.text and previous:
            # A blank first cell under a labelled row: people add a second contact that way.
            current = Entry(previous, tr, [], [])
            entries.append(current)
            continue
        if current is None:
            scan.free.append(cell)
        else:
            current.cells.append(cell)
    scan.entries.extend(entries)
    return entries[-1].label if entries else None


def _kind(text: str) -> str | None:
    match = _KIND_RE.match(clean(text))
    if not match:
        return None
    if match.group("c"):
        return "CONTRIBUTION"
    return "TD" if match.group("td") else "LIAISON STATEMENT"
