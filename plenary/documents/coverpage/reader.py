"""Read a cover table into a CoverPage."""

import re
from dataclasses import dataclass

from plenary.documents.coverpage.model import Contact, CoverPage, CoverPageError
from plenary.documents.coverpage.wordml import (
    DOCNUMBER_STYLE,
    VENUE_STYLE,
    DocumentSource,
    Entry,
    Scan,
    clean,
    cover_tables,
    open_document,
    scan_tables,
)

# Fields whose cell may hold one item per line; the lines are joined with a comma.
_LIST_LIKE = {"source", "for_action", "for_comment", "for_information", "keywords"}

# Texts the official templates (and Word's content controls) ship as fill-in hints.
_GENERIC_PLACEHOLDERS = {
    "click here to enter text.",
    "click or tap here to enter text.",
    "click here to enter a date.",
    "click or tap to enter a date.",
    "enter text",
}
_CONTACT_PLACEHOLDERS = {
    "name",
    "organization",
    "organisation",
    "country",
    "insert contact name",
    "insert name",
    "insert organization",
    "insert organisation",
    "insert country",
}
_PHONE_PLACEHOLDERS = {"+", "+xx", "xx", "+xx xx", "+xxx"}
_EMAIL_PLACEHOLDERS = {"a@b.com", "xxx@xxx", "x@x.com"}

_NUMBER_RE = re.compile(
    r"""^(?:T\d{2}\s*-\s*)?
    (?:(?:SG\s*(?P<sg>\d{1,2})|(?P<tsag>TSAG))\s*[-–—]?\s*)?
    (?P<kind>C|TD|R)\s*-?\s*(?P<n>\d{1,4})
    (?:\s*[-/]?\s*(?:Rev\.?|R)\s*(?P<rev>\d{1,2}))?
    (?:\s*(?:/\s*(?P<level>PLEN|GEN|WP\s*\d{1,2})
        |\(\s*(?P<level2>PLEN|GEN|WP\s*\d{1,2})\s*(?:/\s*(?P<sg2>\d{1,2}))?\s*\)))?
    (?:\s*(?:Rev\.?|R)\s*(?P<rev2>\d{1,2}))?$""",
    re.IGNORECASE | re.VERBOSE,
)
# "SG12-Cn" as shipped: the study group is real, the number is still to be filled in.
_NUMBER_PLACEHOLDER_RE = re.compile(
    r"^(?:(?:SG\s*(?P<sg>\d{1,2})|(?P<tsag>TSAG))\s*[-–—]?\s*)?(?P<kind>C|TD|R)\s*"
    r"(?:n+|x+|\[[^\]]*\])?$",
    re.IGNORECASE,
)
STUDY_PERIOD_RE = re.compile(r"^STUDY PERIOD\s+(\d{4})\s*[-–—/]\s*(\d{4})$", re.IGNORECASE)
STUDY_GROUP_RE = re.compile(r"^STUDY GROUP\s+(\d{1,2})$", re.IGNORECASE)
_TSAG_RE = re.compile(r"^TELECOMMUNICATION STANDARDIZATION ADVISORY GROUP$", re.IGNORECASE)
ORIGINAL_RE = re.compile(r"^Original\s*:\s*(.*)$", re.IGNORECASE)
_QUESTION_RE = re.compile(
    r"(?<![A-Za-z0-9/])(?:Q(?:uestion)?s?\.?\s*)?(?P<q>\d{1,2}|all)(?:\s*/\s*(?P<sg>\d{1,2}))?(?!\d)",
    re.IGNORECASE,
)
_PLACE_DATE_RE = re.compile(r"^(?P<place>.*?\D)[,\s]+(?P<date>\d{1,2}\b.*\d{4})$")
_CONTACT_LINE_RE = re.compile(
    r"^(?P<label>telephone|tel|phone|mobile|mob|fax|e-mail address|e-mail|email|mail)\b"
    r"\s*\.?\s*:?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[^\s@<>()\[\],;:]+@[^\s@<>()\[\],;:]+\.[A-Za-z]{2,}")
_PHONE_RE = re.compile(r"^\+?[\d\s().\-/]{6,}$")


def _is_placeholder(text: str, extra: set[str] | frozenset[str] = frozenset()) -> bool:
    """True for fill-in hints: bracketed text, Word's defaults and the field's own `extra` words."""
    text = clean(text)
    if not text:
        return True
    if text.startswith("[") and text.endswith("]"):
        return True
    lowered = text.lower()
    return lowered in _GENERIC_PLACEHOLDERS or lowered in extra


def _value_lines(entry: Entry) -> list[str]:
    """The value of a labelled row, line by line, without the templates' placeholder lines."""
    lines = list(entry.inline)
    for cell in entry.cells:
        lines.extend(cell.lines)
    return [line for line in lines if not _is_placeholder(line)]


def _join(label: str, lines: list[str]) -> str | None:
    if not lines:
        return None
    if label == "abstract":
        return "\n".join(lines)
    if label in _LIST_LIKE:
        separator = "; " if label == "keywords" and any(";" in x for x in lines) else ", "
        return separator.join(line.rstrip(",;").strip() for line in lines)
    return " ".join(lines)


def _parse_questions(text: str) -> list[str]:
    """ "Q1/11, Q2/11", "1, 3/11", "Questions 1 and 2/11" -> ["1/11", "2/11", ...].

    In ITU usage a trailing "/11" belongs to every Question listed before it.
    """
    text = re.sub(r"\((?:[^()]*)\)", " ", text)  # "(WP1/11)" is not a Question
    found: list[tuple[str, str | None]] = []
    pending: list[int] = []
    last_sg: str | None = None
    for match in _QUESTION_RE.finditer(text):
        q = "All" if match.group("q").lower() == "all" else str(int(match.group("q")))
        sg = match.group("sg")
        found.append((q, sg))
        if sg:
            for i in pending:
                found[i] = (found[i][0], sg)
            pending.clear()
            last_sg = sg
        elif last_sg is None:
            pending.append(len(found) - 1)
        else:
            found[-1] = (q, last_sg)
    result: list[str] = []
    for q, sg in found:
        item = f"{q}/{int(sg)}" if sg else q
        if item not in result:
            result.append(item)
    return result


def _parse_contact(lines: list[str]) -> Contact:
    """Name, organization and country by position; Tel and E-mail by their labels."""
    contact = Contact()
    positional: list[str | None] = []
    for line in lines:
        match = _CONTACT_LINE_RE.match(line)
        if match:
            label, value = match.group("label").lower(), match.group("value").strip()
            if "mail" in label:
                email = _EMAIL_RE.search(value)
                if email and value.lower() not in _EMAIL_PLACEHOLDERS and not contact.email:
                    contact.email = email.group(0)
            elif label != "fax" and value and not _is_placeholder(value, _PHONE_PLACEHOLDERS):
                contact.tel = contact.tel or value
            continue
        if _EMAIL_RE.fullmatch(line):
            if line.lower() not in _EMAIL_PLACEHOLDERS:
                contact.email = contact.email or line
            continue
        if _PHONE_RE.match(line) and line.startswith("+"):
            contact.tel = contact.tel or line
            continue
        # A placeholder keeps its place so that a filled country is not read as the name.
        positional.append(None if _is_placeholder(line, _CONTACT_PLACEHOLDERS) else line)
    if positional:
        contact.name = positional[0]
    if len(positional) >= 3:
        contact.country = positional[-1]
        middle = [x for x in positional[1:-1] if x]
        contact.organization = ", ".join(middle) or None
    elif len(positional) == 2:
        contact.organization = positional[1]
    return contact


@dataclass
class DocumentNumber:
    """What the number cell says: "SG11-C123", "C 123", "TD 53 Rev.1 (WP1/11)", or "SG12-Cn"."""

    kind: str | None = None  # "C", "TD" or "R"
    serial: int | None = None  # None while the template's "n" is still there
    study_group: str | None = None
    tsag: bool = False
    level: str | None = None  # a TD's PLEN, GEN or WPn
    revision: int | None = None
    written: str | None = None  # text that is not a number, kept so a mismatch can be shown

    def compose(self, header_study_group: str | None) -> str | None:
        """The number as Plenary writes it: SG11-C123, SG11-TD53/WP1, SG11-R5."""
        if self.written:
            return self.written
        if self.serial is None:
            return None
        # The study group written in the number wins over the header's: a mismatch stays visible.
        study_group = self.study_group or header_study_group
        body = "TSAG" if self.tsag or study_group == "TSAG" else None
        if body is None and study_group:
            body = f"SG{study_group}"
        number = f"{self.kind}{self.serial}" + (f"/{self.level}" if self.level else "")
        return f"{body}-{number}" if body else number


def parse_number(text: str) -> DocumentNumber | None:
    """Parse a document number cell; None when the text is not a document number at all."""
    text = clean(text)
    if placeholder := _NUMBER_PLACEHOLDER_RE.match(text):
        sg = placeholder.group("sg")
        return DocumentNumber(
            kind=placeholder.group("kind").upper(),
            study_group=str(int(sg)) if sg else None,
            tsag=bool(placeholder.group("tsag")),
        )
    match = _NUMBER_RE.match(text)
    if not match:
        return None
    sg = match.group("sg") or match.group("sg2")
    level = match.group("level") or match.group("level2")
    rev = match.group("rev") or match.group("rev2")
    return DocumentNumber(
        kind=match.group("kind").upper(),
        serial=int(match.group("n")),
        study_group=str(int(sg)) if sg else None,
        tsag=bool(match.group("tsag")),
        level=level.upper().replace(" ", "") if level else None,
        revision=int(rev) if rev else None,
    )


def _study_group_value(text: str) -> str | None:
    if re.search(r"\bTSAG\b", text, re.IGNORECASE):
        return "TSAG"
    match = re.search(r"(\d{1,2})", text)
    return str(int(match.group(1))) if match else None


def read_cover_page(source: DocumentSource) -> CoverPage:
    """Read the cover table of a contribution, TD or liaison statement (.docx).

    `source` is a path, the file's bytes, or a binary file object. Raises CoverPageError with a
    one-line message when the file is not a Word document, is damaged, or has no cover table.
    """
    document = open_document(source, text_only=True)
    tables = cover_tables(document)
    if not tables:
        raise CoverPageError("no cover table: the document has no table before its text")
    scan = scan_tables(tables)
    cover = CoverPage(kind=scan.kind)
    number_info = _read_header(scan, cover)
    if not scan.entries and number_info is None and scan.kind is None:
        raise CoverPageError(
            "no cover table: the first table has no Question(s):, Source:, Title: or Contact: "
            "labels and no document number"
        )
    _read_entries(scan, cover)
    if number_info:
        cover.study_group = cover.study_group or number_info.study_group
        cover.number = number_info.compose(cover.study_group)
        cover.revision = number_info.revision
    if cover.kind is None:
        cover.kind = _infer_kind(scan, number_info)
    if cover.study_group and cover.study_group != "TSAG":
        cover.questions = [q if "/" in q else f"{q}/{cover.study_group}" for q in cover.questions]
    return cover


def _read_header(scan: Scan, cover: CoverPage) -> DocumentNumber | None:
    """Number, study group, study period, original language and place/date from unlabelled cells."""
    number_info: DocumentNumber | None = None
    for cell in scan.free:
        for line in cell.lines:
            if match := STUDY_PERIOD_RE.match(line):
                cover.study_period = f"{match.group(1)}-{match.group(2)}"
            elif match := STUDY_GROUP_RE.match(line):
                cover.study_group = str(int(match.group(1)))
            elif _TSAG_RE.match(line):
                cover.study_group = "TSAG"
            elif (match := ORIGINAL_RE.match(line)) and not _is_placeholder(match.group(1)):
                cover.original_language = match.group(1).strip()
        if number_info is None:
            styled = cell.lines_with_style(DOCNUMBER_STYLE)
            text = " ".join(styled) if styled else cell.text
            parsed = parse_number(text) if text else None
            if parsed is None and styled and not _is_placeholder(text):
                parsed = DocumentNumber(written=text)
            if parsed is not None:
                number_info = parsed
        venue = cell.lines_with_style(VENUE_STYLE)
        if venue and cover.place_and_date is None:
            _set_place_and_date(cover, " ".join(x for x in venue if not _is_placeholder(x)))
    return number_info


def _read_entries(scan: Scan, cover: CoverPage) -> None:
    """Contacts one per row; the other fields gather the lines of every row with their label."""
    lines_by_label: dict[str, list[str]] = {}
    for entry in scan.entries:
        if entry.label == "contact":
            contact = _parse_contact(_value_lines(entry))
            if not contact.is_empty():
                cover.contacts.append(contact)
        elif entry.label == "questions":
            _read_questions(entry, cover)
        else:
            lines_by_label.setdefault(entry.label, []).extend(_value_lines(entry))
    for label, lines in lines_by_label.items():
        value = _join(label, lines)
        if label == "study_group":
            if cover.study_group is None and value:
                cover.study_group = _study_group_value(value)
        elif label == "place_and_date":
            _set_place_and_date(cover, value)
        elif label == "meeting":
            cover.meeting = value
            if cover.place_and_date is None:
                # The LS template's "Meeting:" cell is the place and date (style VenueDate).
                _set_place_and_date(cover, value)
        else:
            setattr(cover, label, value)


def _read_questions(entry: Entry, cover: CoverPage) -> None:
    """The Question(s) cell, and the place and date the contribution template puts beside it."""
    question_lines = list(entry.inline)
    venue_lines: list[str] = []
    for position, cell in enumerate(entry.cells):
        venue_lines.extend(cell.lines_with_style(VENUE_STYLE))
        other = cell.lines_without_style(VENUE_STYLE)
        if position == 0:
            question_lines.extend(other)
        else:
            venue_lines.extend(other)
    questions = " ".join(x for x in question_lines if not _is_placeholder(x))
    for question in _parse_questions(questions):
        if question not in cover.questions:
            cover.questions.append(question)
    venue = " ".join(x for x in venue_lines if not _is_placeholder(x))
    if venue and cover.place_and_date is None:
        _set_place_and_date(cover, venue)


def _set_place_and_date(cover: CoverPage, text: str | None) -> None:
    text = clean(text or "")
    if not text:
        return
    cover.place_and_date = text
    match = _PLACE_DATE_RE.match(text)
    if match:
        cover.place = match.group("place").strip(" ,") or None
        cover.date = match.group("date").strip()
    else:
        cover.place, cover.date = text, None


def _infer_kind(scan: Scan, number_info: DocumentNumber | None) -> str | None:
    ls_labels = {"for_action", "for_comment", "for_information", "approval", "deadline"}
    if any(e.label in ls_labels for e in scan.entries):
        return "LIAISON STATEMENT"
    kind = number_info.kind if number_info else None
    return {"C": "CONTRIBUTION", "TD": "TD"}.get(kind or "")
