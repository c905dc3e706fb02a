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
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

import pypdf
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.core.files.storage import default_storage
from django.db import connection, transaction
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
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from lxml import etree

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
# Documents indexed together by reindex_all (one transaction and a few statements each).
INDEX_BATCH = 200


# Extraction ------------------------------------------------------------------------------------


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
    return _index([document_id]).get(document_id)


def index_documents(document_ids: Iterable[int]) -> int:
    """index_document for many documents at once, in one transaction and a few statements;
    returns how many were indexed (deleted ones are skipped)."""
    return len(_index(list(document_ids)))


def _index(document_ids: list[int]) -> dict[int, DocumentText]:
    documents = list(
        Document.objects.select_related("study_group", "current_revision")
        .filter(pk__in=document_ids)
        .order_by()
    )
    if not documents:
        return {}
    known = {
        pk: (revision_id, text)
        for pk, revision_id, text in DocumentText.objects.filter(
            pk__in=[document.pk for document in documents]
        ).values_list("pk", "revision_id", "text")
    }
    now = timezone.now()
    entries: dict[int, DocumentText] = {}
    for document in documents:
        revision_id, text = known.get(document.pk, (None, ""))
        revision = document.current_revision
        if revision is None:
            revision_id, text = None, ""
        elif revision_id != revision.pk:
            # The file is read before the transaction starts: no lock is held meanwhile.
            revision_id, text = revision.pk, revision_text(revision)
        entries[document.pk] = DocumentText(
            document=document, revision_id=revision_id, text=text, indexed_at=now
        )
    with transaction.atomic():
        DocumentText.objects.bulk_create(
            list(entries.values()),
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=["revision", "text", "indexed_at"],
        )
        _write_index(documents, entries)
    return entries


def _write_index(documents: list[Document], entries: dict[int, DocumentText]) -> None:
    if connection.vendor == "sqlite":
        rows = [
            [document.pk, *_metadata(document).values(), entries[document.pk].text]
            for document in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "DELETE FROM documents_search WHERE rowid = %s", [[row[0]] for row in rows]
            )
            cursor.executemany(
                "INSERT INTO documents_search (rowid, number, title, source, abstract, body) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
    elif connection.vendor == "postgresql":
        # One UPDATE for the batch, with the weights the query ranks by: number and title A,
        # abstract B, source C (the public metadata), and the file's text D.
        rows, values = [], []
        for document in documents:
            metadata = _metadata(document)
            rows.append("(%s, %s, %s, %s, %s, %s)")
            values += [
                document.pk,
                metadata["number"],
                metadata["title"],
                metadata["abstract"],
                metadata["source"],
                entries[document.pk].text,
            ]
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET metadata_vector = v.public, "  # noqa: S608
                "full_vector = v.public || setweight(to_tsvector(%s::regconfig, v.body), 'D') "
                "FROM (SELECT id, setweight(to_tsvector(%s::regconfig, number), 'A') "
                "|| setweight(to_tsvector(%s::regconfig, title), 'A') "
                "|| setweight(to_tsvector(%s::regconfig, abstract), 'B') "
                "|| setweight(to_tsvector(%s::regconfig, source), 'C') AS public, body "
                f"FROM (VALUES {', '.join(rows)}) AS r(id, number, title, abstract, source, body)"
                ") AS v WHERE t.document_id = v.id",
                [CONFIG] * 5 + values,
            )


def reindex_all() -> int:
    """Index every document (after a restore, or for documents from before search existed)."""
    count = 0
    ids = Document.objects.order_by("pk").values_list("pk", flat=True)
    batch: list[int] = []
    for pk in ids.iterator():
        batch.append(pk)
        if len(batch) == INDEX_BATCH:
            count += index_documents(batch)
            batch = []
    return count + (index_documents(batch) if batch else 0)


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
        sql, params = self._sqlite_sql(with_snippets=False, with_score=False)
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

    def _sqlite_sql(self, *, with_snippets: bool, with_score: bool = True) -> tuple[str, list]:
        """One SELECT of both halves: readable documents matched on every column, the others
        matched (and quoted) on their metadata columns only. The access lists are unordered and
        tested on each match (`+rowid`: not handed to FTS5, which would otherwise look every
        listed document up in its index, seconds on a large archive)."""
        match = fts5_query(self.text)
        if not match:
            return "", []
        # Unordered: as IN (...) lists, a sort of every document (the model's ordering) is waste.
        visible = _visible(self.user).order_by()
        readable_sql, readable_params = (
            documents_with_readable_files(self.user, visible).values("pk").query.sql_with_params()
        )
        visible_sql, visible_params = visible.values("pk").query.sql_with_params()
        score = "bm25(documents_search, 10.0, 10.0, 2.0, 5.0, 1.0)" if with_score else "0"

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
            f"WHERE documents_search MATCH %s AND +rowid IN ({readable_sql}) "
            f"UNION ALL "
            f"SELECT rowid AS id, {score} AS score, '' AS s1, {abstract} AS s2, "
            f"{title} AS s3 FROM documents_search "
            f"WHERE documents_search MATCH %s AND +rowid IN ({visible_sql}) "
            f"AND +rowid NOT IN ({readable_sql})"
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
