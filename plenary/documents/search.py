"""Full-text search over documents: text extraction, indexing and ranked queries with snippets.

Everything that knows how the database searches lives here, behind three calls:

    extract_text(fileobj, content_type) -> str          the words of a .docx or .pdf
    index_document(document_id) -> DocumentText | None  (re)index one document
    search_documents(user, text) -> SearchResults       ranked hits, sliceable for a Paginator

SQLite searches an FTS5 table (``documents_search``, made by migration 0002) ranked by bm25() with
snippet(); PostgreSQL searches two stored tsvectors of DocumentText (GIN-indexed) with ts_rank and
ts_headline. Both apply the access rule the same way: a document's number, title, source and
abstract are public metadata that anyone may find it by, but its file's text is matched, ranked
and quoted only for people documents_with_readable_files() lets read the file. Snippets come back
with control characters around the matched words; highlight() escapes the text and only then turns
those into <mark> elements, so nothing a document says can become markup.
"""

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import docx
import pypdf
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from plenary.documents.models import Document, DocumentText, Revision
from plenary.documents.permissions import documents_with_readable_files
from plenary.meetings.permissions import meetings_visible_to

logger = logging.getLogger(__name__)

# PostgreSQL's text search configuration: documents are indexed and searched in English.
CONFIG = "english"
# Around matched words in raw snippets; stripped from everything indexed, so never ambiguous.
START, STOP = "\x02", "\x03"
ELLIPSIS = "\u2026"
SNIPPET_WORDS = 24
# Text past this is not indexed (it keeps a PostgreSQL tsvector well under its 1 MB limit).
MAX_TEXT_CHARS = 400_000
# Documents still in the secretariat's queue are nobody's search result.
DRAFT_STATES = (Document.State.SUBMITTED, Document.State.RETURNED)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_MARKED_RE = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')
_WORD_RE = re.compile(r"\w+")


# Extraction ------------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text without control characters (the snippet markers among them) or runs of blank lines."""
    text = _CONTROL_RE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _BLANK_LINES_RE.sub("\n\n", text).strip()[:MAX_TEXT_CHARS]


def _docx_paragraphs(fileobj: IO[bytes]) -> Iterator[str]:
    """Every paragraph of the body in reading order, those inside tables (and nested tables)
    included, since a Word document's cover and much of its content are tables."""
    document = docx.Document(fileobj)
    body = document.element.body
    for element in body.iter(qn("w:p")):
        text = Paragraph(element, document).text
        if text.strip():
            yield text


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


def revision_text(revision: Revision) -> str:
    """The words of one stored file."""
    with default_storage.open(revision.storage_name, "rb") as stream:
        return extract_text(stream, revision.content_type)


# Indexing --------------------------------------------------------------------------------------


def _metadata(document: Document) -> dict[str, str]:
    return {
        "number": document.display_number,
        "title": clean_text(document.title),
        "source": clean_text(document.source),
        "abstract": clean_text(document.abstract),
    }


def index_document(document_id: int) -> DocumentText | None:
    """Bring one document's search entry up to date: its metadata always, its text when its
    current file changed since the last extraction. Returns None for a deleted document."""
    document = (
        Document.objects.select_related("study_group", "current_revision")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        return None
    entry, _ = DocumentText.objects.get_or_create(document=document)
    revision = document.current_revision
    if revision is None:
        entry.revision, entry.text = None, ""
    elif entry.revision_id != revision.pk:
        entry.revision, entry.text = revision, revision_text(revision)
    entry.save()
    _write_index(document, entry)
    return entry


def _write_index(document: Document, entry: DocumentText) -> None:
    metadata = _metadata(document)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM documents_search WHERE rowid = %s", [document.pk])
            cursor.execute(
                "INSERT INTO documents_search (rowid, number, title, source, abstract, body) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [document.pk, *metadata.values(), entry.text],
            )
    elif connection.vendor == "postgresql":

        def part(value: str, weight: str) -> SearchVector:
            text = Value(value, output_field=TextField())
            return SearchVector(text, weight=weight, config=CONFIG)

        public = (
            part(metadata["number"], "A")
            + part(metadata["title"], "A")
            + part(metadata["abstract"], "B")
            + part(metadata["source"], "C")
        )
        DocumentText.objects.filter(pk=entry.pk).update(
            metadata_vector=public, full_vector=public + part(entry.text, "D")
        )


def reindex_all() -> int:
    """Index every document (after a restore, or for documents from before search existed)."""
    count = 0
    for pk in Document.objects.order_by("pk").values_list("pk", flat=True).iterator():
        index_document(pk)
        count += 1
    return count


# Querying --------------------------------------------------------------------------------------


def highlight(raw: str) -> SafeString:
    """A raw snippet as safe HTML: escaped first, then its marked words wrapped in <mark>."""
    parts = []
    position = 0
    for match in _MARKED_RE.finditer(raw):
        parts.append(escape(raw[position : match.start()].replace(START, "").replace(STOP, "")))
        parts.append(f"<mark>{escape(match.group(1))}</mark>")
        position = match.end()
    parts.append(escape(raw[position:].replace(START, "").replace(STOP, "")))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def fts5_query(text: str) -> str:
    """The person's words as an FTS5 query: every term (or "quoted phrase") required, each
    quoted so that nothing they type is read as FTS5 syntax. Empty when there are no words."""
    terms = []
    for phrase, bare in _TERM_RE.findall(text):
        words = _WORD_RE.findall(phrase or bare)
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " ".join(terms)


@dataclass(frozen=True)
class Hit:
    """One search result: the document, a highlighted snippet, and where the snippet is from."""

    document: Document
    snippet: SafeString
    from_file: bool
    rank: float


def _visible(user) -> QuerySet[Document]:
    """Documents whose metadata the person may find: not drafts, not of meetings hidden to them."""
    return Document.objects.exclude(state__in=DRAFT_STATES).filter(
        Q(meeting__isnull=True) | Q(meeting__in=meetings_visible_to(user))
    )


class SearchResults:
    """The ranked hits of one query, fetched a page at a time (a Paginator's object_list)."""

    def __init__(self, user, text: str):
        self.user = user
        self.text = text.strip()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._backend_count() if self.text else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Hit]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("search results are read a page (a slice) at a time")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        if not self.text or stop <= start:
            return []
        rows = self._backend_page(start, stop - start)
        documents = Document.objects.select_related(
            "study_group", "study_period", "meeting"
        ).in_bulk([row[0] for row in rows])
        hits = []
        for pk, rank, candidates in rows:
            document = documents[pk]
            # The first candidate that shows a match: the file's text (empty unless readable),
            # then the abstract, then the title; else the start of the public metadata.
            chosen = next((i for i, c in enumerate(candidates) if c and START in c), None)
            raw = candidates[chosen] if chosen is not None else document.abstract or document.title
            hits.append(Hit(document, highlight(raw[:600]), chosen == 0, rank))
        return hits

    # A backend's page is a list of (document id, rank, [file snippet, abstract snippet, title
    # snippet]), best (lowest rank) first; the file snippet is empty where the file is not
    # readable by the person.

    def _backend_count(self) -> int:
        if connection.vendor == "postgresql":
            return self._postgres_entries().count()
        sql, params = self._sqlite_sql(with_snippets=False)
        if not sql:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql})", params)  # noqa: S608
            return cursor.fetchone()[0]

    def _backend_page(self, offset: int, limit: int) -> list[tuple[int, float, list[str]]]:
        if connection.vendor == "postgresql":
            return self._postgres_page(offset, limit)
        sql, params = self._sqlite_sql(with_snippets=True)
        if not sql:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} ORDER BY score, id LIMIT %s OFFSET %s",  # noqa: S608
                [*params, limit, offset],
            )
            return [
                (pk, score, [body, abstract, title])
                for pk, score, body, abstract, title in cursor.fetchall()
            ]

    # SQLite: FTS5 ---------------------------------------------------------------------------

    def _sqlite_sql(self, *, with_snippets: bool) -> tuple[str, list]:
        """One SELECT of both halves: readable documents matched on every column, the others
        matched (and quoted) on their metadata columns only."""
        match = fts5_query(self.text)
        if not match:
            return "", []
        visible = _visible(self.user)
        readable_sql, readable_params = (
            documents_with_readable_files(self.user, visible).values("pk").query.sql_with_params()
        )
        visible_sql, visible_params = visible.values("pk").query.sql_with_params()
        score = "bm25(documents_search, 10.0, 10.0, 2.0, 5.0, 1.0)"

        def snippet(column: int) -> tuple[str, list]:
            if not with_snippets:
                return "''", []
            return (
                "snippet(documents_search, %s, %s, %s, %s, %s)",
                [column, START, STOP, ELLIPSIS, SNIPPET_WORDS],
            )

        body, body_params = snippet(4)
        abstract, abstract_params = snippet(3)
        title, title_params = snippet(1)
        # Only compiled SQL and constants are formatted in; every value is a parameter.
        sql = (
            f"SELECT rowid AS id, {score} AS score, {body} AS s1, {abstract} AS s2, "  # noqa: S608
            f"{title} AS s3 FROM documents_search "
            f"WHERE documents_search MATCH %s AND rowid IN ({readable_sql}) "
            f"UNION ALL "
            f"SELECT rowid AS id, {score} AS score, '' AS s1, {abstract} AS s2, "
            f"{title} AS s3 FROM documents_search "
            f"WHERE documents_search MATCH %s AND rowid IN ({visible_sql}) "
            f"AND rowid NOT IN ({readable_sql})"
        )
        params = [
            *body_params,
            *abstract_params,
            *title_params,
            match,
            *readable_params,
            *abstract_params,
            *title_params,
            "{number title source abstract} : (" + match + ")",
            *visible_params,
            *readable_params,
        ]
        return sql, params

    # PostgreSQL: tsvector -------------------------------------------------------------------

    def _query(self) -> SearchQuery:
        return SearchQuery(self.text, config=CONFIG, search_type="websearch")

    def _postgres_entries(self) -> QuerySet[DocumentText]:
        """Entries matching on their metadata, or on their text too where the file is readable."""
        query = self._query()
        readable = documents_with_readable_files(
            self.user, Document.objects.filter(pk=OuterRef("document_id"))
        )
        return (
            DocumentText.objects.filter(document__in=_visible(self.user))
            .annotate(readable=Exists(readable))
            .filter(Q(metadata_vector=query) | Q(readable=True, full_vector=query))
        )

    def _postgres_page(self, offset: int, limit: int) -> list[tuple[int, float, list[str]]]:
        query = self._query()
        ranked = list(
            self._postgres_entries()
            .annotate(
                rank=Case(
                    When(readable=True, then=SearchRank(F("full_vector"), query)),
                    default=SearchRank(F("metadata_vector"), query),
                    output_field=FloatField(),
                )
            )
            .order_by("-rank", "document_id")
            .values_list("document_id", "rank", "readable")[offset : offset + limit]
        )
        readable_ids = [pk for pk, _, readable in ranked if readable]
        options = {
            "config": CONFIG,
            "start_sel": START,
            "stop_sel": STOP,
            "max_words": SNIPPET_WORDS,
            "min_words": 8,
        }
        headlines = {
            pk: (text, abstract, title)
            for pk, text, abstract, title in DocumentText.objects.filter(
                pk__in=[pk for pk, _, _ in ranked]
            )
            .annotate(
                text_headline=Case(
                    When(
                        pk__in=readable_ids,
                        then=SearchHeadline(
                            "text",
                            query,
                            max_fragments=2,
                            fragment_delimiter=f" {ELLIPSIS} ",
                            **options,
                        ),
                    ),
                    default=Value(""),
                    output_field=TextField(),
                ),
                abstract_headline=SearchHeadline("document__abstract", query, **options),
                title_headline=SearchHeadline(
                    "document__title", query, highlight_all=True, **options
                ),
            )
            .values_list("pk", "text_headline", "abstract_headline", "title_headline")
        }
        return [(pk, -rank, list(headlines[pk])) for pk, rank, _ in ranked if pk in headlines]


def search_documents(user, text: str) -> SearchResults:
    """Documents matching ``text`` for this person, best first, with highlighted snippets."""
    return SearchResults(user, text)
