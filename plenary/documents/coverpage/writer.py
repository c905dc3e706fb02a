"""Write cover fields into the official contribution template."""

import copy
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plenary.documents.coverpage.model import Contact, CoverPageError
from plenary.documents.coverpage.reader import (
    ORIGINAL_RE,
    STUDY_GROUP_RE,
    STUDY_PERIOD_RE,
    parse_number,
)
from plenary.documents.coverpage.wordml import (
    DOCNUMBER_STYLE,
    W_P,
    W_R,
    W_T,
    Scan,
    cell_paragraphs,
    clean,
    cover_tables,
    open_document,
    paragraph_lines,
    paragraph_style,
    row_cells,
    scan_tables,
)

# The fields a caller may give fill_contribution_template().
WRITABLE_FIELDS = frozenset(
    {
        "number",
        "study_group",
        "study_period",
        "original_language",
        "questions",
        "place_and_date",
        "source",
        "title",
        "contacts",
        "abstract",
    }
)


def fill_contribution_template(template_path: str | Path, fields: Mapping[str, Any]) -> bytes:
    """Fill the cover of the official contribution template; return the new .docx as bytes.

    `fields` takes any of WRITABLE_FIELDS: number ("SG11-C123"), study_group ("11"),
    study_period ("2025-2028"), original_language, questions (a list or text), place_and_date,
    source, title, contacts (Contact objects or dicts with name, organization, country, tel,
    email) and abstract (paragraphs separated by newlines). A field left out or None keeps the
    template's placeholder; a value field given empty ("" or an empty list) empties its cell, so
    no "[1/12, 2/12, etc.]" is left behind, and so does a contact's part given as "" (a part
    left out or None keeps its hint). The header's number, study group, study period and
    language are only rewritten when given a value. Filled text loses the template's yellow
    "fill me in" highlight.
    """
    unknown = set(fields) - WRITABLE_FIELDS
    if unknown:
        raise ValueError(f"unknown cover fields: {', '.join(sorted(unknown))}")
    document = open_document(template_path)
    scan = scan_tables(cover_tables(document))
    if scan.kind != "CONTRIBUTION":
        raise CoverPageError("not a contribution template: its cover has no CONTRIBUTION row")
    if not scan.first("source") or not scan.first("title"):
        raise CoverPageError("not a contribution template: its cover has no Source: or Title: row")

    def given(name: str) -> Any:
        value = fields.get(name)
        return None if value in (None, "", []) else value

    def stated(name: str) -> bool:
        """Given, even empty ("" or []): its cell is rewritten, emptied if need be."""
        return fields.get(name) is not None

    if number := given("number"):
        _write_number(document, scan, str(number))
    header_lines = {
        STUDY_GROUP_RE: given("study_group") and f"STUDY GROUP {given('study_group')}",
        STUDY_PERIOD_RE: given("study_period") and f"STUDY PERIOD {given('study_period')}",
        ORIGINAL_RE: given("original_language") and f"Original: {given('original_language')}",
    }
    for pattern, text in header_lines.items():
        if text:
            _write_header_line(scan, pattern, text)
    questions_entry = scan.first("questions")
    if questions_entry and questions_entry.cells:
        if stated("questions"):
            questions = fields["questions"]
            text = questions if isinstance(questions, str) else ", ".join(questions)
            _set_cell_text(questions_entry.cells[0].tc, _lines(text))
        if stated("place_and_date") and len(questions_entry.cells) > 1:
            _set_cell_text(questions_entry.cells[1].tc, _lines(fields["place_and_date"]))
    for name in ("source", "title"):
        entry = scan.first(name)
        if stated(name) and entry and entry.cells:
            _set_cell_text(entry.cells[0].tc, _lines(fields[name]))
    if stated("abstract") and (entry := scan.first("abstract")) and entry.cells:
        paragraphs = [[line] for line in str(fields["abstract"]).split("\n") if line.strip()]
        _set_cell_text(entry.cells[0].tc, paragraphs)
    if contacts := given("contacts"):
        _write_contacts(scan, [c if isinstance(c, Contact) else Contact(**c) for c in contacts])
    elif stated("contacts"):
        # No one to name: one row is kept, empty, for whoever completes the document.
        _write_contacts(scan, [Contact(name="", organization="", country="", tel="", email="")])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _write_number(document: Any, scan: Scan, number: str) -> None:
    cell = next((c for c in scan.free if c.lines_with_style(DOCNUMBER_STYLE)), None)
    if cell is None:
        cell = next((c for c in scan.free if parse_number(c.text)), None)
    if cell is None:
        raise CoverPageError("not a contribution template: no document number cell")
    paragraphs = list(cell_paragraphs(cell.tc))
    paragraph = next(
        (p for p in paragraphs if paragraph_style(p) == DOCNUMBER_STYLE), paragraphs[0]
    )
    _set_paragraph_text(paragraph, [number])
    # The page header repeats the number through a STYLEREF field; Word refreshes it on its own,
    # but other readers show the cached result, so that is updated too.
    for part in document.part.package.iter_parts():
        if re.fullmatch(r"/word/header\d*\.xml", str(part.partname)):
            _update_styleref_results(part.element, number)


def _update_styleref_results(root: Any, number: str) -> None:
    for p in root.iter(W_P):
        instruction, in_result, written = "", False, False
        for r in p.iter(W_R):
            char = r.find(qn("w:fldChar"))
            if char is not None:
                kind = char.get(qn("w:fldCharType"))
                if kind == "begin":
                    instruction, in_result, written = "", False, False
                elif kind == "separate":
                    in_result = "STYLEREF" in instruction and DOCNUMBER_STYLE in instruction
                elif kind == "end":
                    in_result = False
            for instr in r.findall(qn("w:instrText")):
                instruction += instr.text or ""
            if in_result:
                for t in r.findall(W_T):
                    t.text = "" if written else number
                    written = True


def _write_header_line(scan: Scan, pattern: re.Pattern[str], text: str) -> None:
    for cell in scan.free:
        for p in cell_paragraphs(cell.tc):
            if any(pattern.match(clean(line)) for line in paragraph_lines(p)):
                _set_paragraph_text(p, [text])
                return


def _write_contacts(scan: Scan, contacts: list[Contact]) -> None:
    """One "Contact:" row per contact, cloned from the template's row as its notes ask."""
    entries = scan.all("contact")
    if not entries:
        raise CoverPageError("not a contribution template: no Contact: row")
    rows = [e.tr for e in entries]
    while len(rows) < len(contacts):
        clone = copy.deepcopy(rows[-1])
        rows[-1].addnext(clone)
        rows.append(clone)
    for extra in rows[len(contacts) :]:
        extra.getparent().remove(extra)
    for tr, contact in zip(rows, contacts, strict=False):
        value_cells = [c for c in row_cells(tr)[1:] if not c.continues]
        # A part left out (None) keeps the template's hint; a part given empty ("") is left out,
        # hint and all.
        identity = [
            line
            for line in (
                _or_hint(contact.name, "Insert contact name"),
                _or_hint(contact.organization, "Insert organization"),
                _or_hint(contact.country, "Insert country"),
            )
            if line
        ]
        reach = [
            f"{label}\t{value}"
            for label, value in (
                ("Tel:", _or_hint(contact.tel, "+xx")),
                ("E-mail:", _or_hint(contact.email, "a@b.com")),
            )
            if value
        ]
        if len(value_cells) >= 2:
            _set_cell_text(value_cells[0].tc, [identity] if identity else [])
            _set_cell_text(value_cells[1].tc, [reach] if reach else [])
        elif value_cells:
            _set_cell_text(value_cells[0].tc, [identity + reach] if identity + reach else [])


def _or_hint(value: str | None, hint: str) -> str:
    return hint if value is None else value.strip()


def _lines(value: Any) -> list[list[str]]:
    """One paragraph holding the value, or none for an empty value."""
    text = str(value).strip()
    return [[text]] if text else []


def _set_cell_text(tc: Any, paragraphs: list[list[str]]) -> None:
    """Replace a cell's text: one paragraph per item, lines joined by manual line breaks.

    The first paragraph's style and the first run's font are kept so the cell looks as the
    template intends. No items leave the cell empty: one paragraph without text, as Word needs.
    """
    existing = list(cell_paragraphs(tc))
    model = existing[0] if existing else OxmlElement("w:p")
    for p in existing:
        p.getparent().remove(p)
    for lines in paragraphs or [[]]:
        p = copy.deepcopy(model)
        _set_paragraph_text(p, lines)
        tc.append(p)


def _set_paragraph_text(p: Any, lines: list[str]) -> None:
    props = p.find(qn("w:pPr"))
    first_run = next((r for r in p.iter(W_R) if r.find(W_T) is not None), None)
    run_props = None
    if first_run is not None and first_run.find(qn("w:rPr")) is not None:
        run_props = copy.deepcopy(first_run.find(qn("w:rPr")))
    for child in list(p):
        if child is not props:
            p.remove(child)
    if props is not None:
        for highlight in props.iter(qn("w:highlight")):
            highlight.getparent().remove(highlight)
    if run_props is not None:
        for highlight in run_props.findall(qn("w:highlight")):
            run_props.remove(highlight)
    for index, line in enumerate(lines):
        for position, part in enumerate(line.split("\t")):
            run = OxmlElement("w:r")
            if run_props is not None:
                run.append(copy.deepcopy(run_props))
            if index and position == 0:
                run.append(OxmlElement("w:br"))
            if position:
                run.append(OxmlElement("w:tab"))
            t = OxmlElement("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = part
            run.append(t)
            p.append(run)
