"""Fill the official templates the way people do in Word, with python-docx, for the tests."""

import copy
import io
from pathlib import Path

import docx
import pytest
from django.conf import settings
from docx.table import _Row
from docx.text.paragraph import Paragraph


def templates_dir() -> Path:
    """The official templates beside the checkout; a missing template fails the test run."""
    path = Path(settings.BASE_DIR).parent / "shared" / "reference" / "itu-templates"
    for name in ("contribution-template.docx", "liaison-statement-template.docx"):
        if not (path / name).is_file():
            pytest.fail(f"official template missing: {path / name}")
    return path


def contribution_template() -> Path:
    return templates_dir() / "contribution-template.docx"


def liaison_template() -> Path:
    return templates_dir() / "liaison-statement-template.docx"


def open_template(path: Path):
    return docx.Document(str(path))


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def unique_cells(row) -> list:
    """The cells of a row once each (python-docx repeats a cell for every grid column it spans)."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def rows_with_label(document, label: str) -> list:
    """Rows whose first cell reads `label` (compared without case and trailing colon)."""
    wanted = label.lower().rstrip(":")
    return [
        row
        for table in document.tables
        for row in table.rows
        if row.cells[0].text.strip().lower().rstrip(":").strip() == wanted
    ]


def row_with_label(document, label: str):
    rows = rows_with_label(document, label)
    assert rows, f"no {label!r} row in the template"
    return rows[0]


def type_into(cell, text: str) -> None:
    """Replace a cell's text keeping its first paragraph's style, as Word's typing over does.

    A blank line in `text` starts a new paragraph; a single newline is a manual line break.
    """
    paragraphs = cell.paragraphs
    first = paragraphs[0]
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    _clear(first._p)
    chunks = text.split("\n\n")
    first.add_run(chunks[0])
    anchor = first
    for chunk in chunks[1:]:
        new_p = copy.deepcopy(first._p)
        _clear(new_p)
        anchor._p.addnext(new_p)
        anchor = Paragraph(new_p, first._parent)
        anchor.add_run(chunk)


def _clear(p) -> None:
    """Remove a paragraph's runs, keeping its properties (style, alignment)."""
    for child in list(p):
        if child is not p.pPr:
            p.remove(child)


def type_into_label(document, label: str, text: str, index: int = 0) -> None:
    """Type `text` into the value cell of the first row labelled `label`."""
    type_into(unique_cells(row_with_label(document, label))[1 + index], text)


def clone_row_after(row, label: str | None = None, value: str | None = None):
    """Copy a row below itself (Word's copy-and-paste of a row); optionally relabel and fill it."""
    new_tr = copy.deepcopy(row._tr)
    row._tr.addnext(new_tr)
    new_row = _Row(new_tr, row._parent)
    cells = unique_cells(new_row)
    if label is not None:
        type_into(cells[0], label)
    if value is not None:
        type_into(cells[1], value)
    return new_row


def fill_contact(row, identity: str, reach: str) -> None:
    cells = unique_cells(row)
    type_into(cells[1], identity)
    type_into(cells[2], reach)


def set_number(document, text: str) -> None:
    """Type over the document number cell (the one in the Docnumber style)."""
    for cell in unique_cells(document.tables[0].rows[0]):
        if any(p.style.style_id == "Docnumber" for p in cell.paragraphs):
            type_into(cell, text)
            return
    raise AssertionError("no Docnumber cell")


def set_header_line(document, startswith: str, text: str) -> None:
    """Type over a header paragraph such as "STUDY GROUP 12" or "STUDY PERIOD 2025-2028"."""
    for row in document.tables[0].rows[:3]:
        for cell in unique_cells(row):
            for paragraph in cell.paragraphs:
                if paragraph.text.strip().upper().startswith(startswith):
                    for run in paragraph.runs:
                        run._r.getparent().remove(run._r)
                    paragraph.add_run(text)
                    return
    raise AssertionError(f"no header line starting {startswith!r}")
