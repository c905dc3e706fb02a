"""The words of a stored file: text extracted from a .docx (its main part, streamed) or a .pdf
(pypdf), for search. Pure: no database and no settings, so that a pool of processes can extract
many files at once (extract_files) while the database writes what was extracted before.
"""

import logging
import multiprocessing
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import IO

import pypdf
from lxml import etree

logger = logging.getLogger(__name__)

# Text past this is not indexed (it keeps a PostgreSQL tsvector well under its 1 MB limit).
MAX_TEXT_CHARS = 400_000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")

# WordprocessingML: the parts of a paragraph that carry its text, as python-docx reads them.
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_R, _W_HYPERLINK = f"{_W}p", f"{_W}r", f"{_W}hyperlink"
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_W_T, _W_BR, _W_BR_TYPE = f"{_W}t", f"{_W}br", f"{_W}type"
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# How much of a Word document's XML is parsed at a time.
XML_CHUNK = 1024 * 1024


def clean_text(text: str) -> str:
    """Text without control characters (the snippet markers among them) or runs of blank lines."""
    text = _CONTROL_RE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES_RE.sub("\n\n", text).strip()[:MAX_TEXT_CHARS]


def _main_part(package: zipfile.ZipFile) -> str:
    """The name of the package's main document part (word/document.xml as Word writes it)."""
    try:
        rels = etree.fromstring(
            package.read("_rels/.rels"),
            etree.XMLParser(resolve_entities=False, no_network=True),
        )
    except KeyError:
        return "word/document.xml"
    for relation in rels.iter(_RELATIONSHIP):
        if relation.get("Type") == _OFFICE_DOCUMENT:
            return relation.get("Target", "").lstrip("/")
    return "word/document.xml"


def _run_text(run) -> str:
    parts = []
    for child in run:
        if child.tag == _W_T:
            parts.append(child.text or "")
        elif child.tag == _W_BR:
            parts.append("\n" if child.get(_W_BR_TYPE, "textWrapping") == "textWrapping" else "")
        else:
            parts.append(_RUN_TEXT.get(child.tag, ""))
    return "".join(parts)


def _paragraph_text(paragraph) -> str:
    """A paragraph's text as python-docx gives it: its runs and its hyperlinks' runs."""
    parts = []
    for child in paragraph:
        if child.tag == _W_R:
            parts.append(_run_text(child))
        elif child.tag == _W_HYPERLINK:
            parts.extend(_run_text(run) for run in child if run.tag == _W_R)
    return "".join(parts)


def _docx_paragraphs(fileobj: IO[bytes]) -> Iterator[str]:
    """Every paragraph of the body, those inside tables (and nested tables) included, since a
    Word document's cover and much of its content are tables. Only the main document part is
    read, as a stream: pictures and other parts of the package are never loaded, and reading
    stops once the text is past what is indexed."""
    with zipfile.ZipFile(fileobj) as package, package.open(_main_part(package)) as part:
        parser = etree.XMLPullParser(
            events=("end",), tag=_W_P, resolve_entities=False, no_network=True
        )
        length = 0
        while chunk := part.read(XML_CHUNK):
            parser.feed(chunk)
            for _, element in parser.read_events():
                text = _paragraph_text(element)
                element.clear(keep_tail=True)
                if text.strip():
                    yield text
                    length += len(text) + 1
                    if length > MAX_TEXT_CHARS:
                        return
        parser.close()


def _pdf_pages(fileobj: IO[bytes]) -> Iterator[str]:
    reader = pypdf.PdfReader(fileobj)
    for page in reader.pages:
        yield page.extract_text() or ""


def extract_text(fileobj: IO[bytes], content_type: str) -> str:
    """The words of a .docx or .pdf file; empty for anything else or a file that cannot be read
    (the document stays findable by its metadata)."""
    try:
        if content_type == "application/pdf":
            parts = list(_pdf_pages(fileobj))
        elif content_type.startswith("application/vnd.openxmlformats-officedocument"):
            parts = list(_docx_paragraphs(fileobj))
        else:
            return ""
    except Exception:  # noqa: BLE001 - any damage in a file only means no text to search
        logger.warning("text extraction failed", exc_info=True)
        return ""
    return clean_text("\n".join(parts))


def extract_path(path: str, content_type: str) -> str:
    """The words of the file at ``path`` (what a pool's process is given)."""
    with open(path, "rb") as stream:
        return extract_text(stream, content_type)


def extraction_pool(processes: int) -> Executor | None:
    """A pool of ``processes`` processes for extract_path, or None where one cannot safely be
    made. The processes are forked (a started one would import the caller's main module
    again, which a script need not allow), so only from a process running one thread: a fork
    copies no other thread, nor any lock one of them held. They never touch the database
    connections they inherit, and end without closing them."""
    if threading.active_count() != 1:
        return None
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))


def extract_files(pool: Executor, files: Sequence[tuple[str, str]]) -> "Iterator[str]":
    """The words of each (path, content type), in order, extracted in the pool's processes."""
    chunk = max(1, len(files) // 16)
    return pool.map(extract_path, *zip(*files, strict=True), chunksize=chunk) if files else iter(())
