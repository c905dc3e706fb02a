"""Full-text search over documents: indexing and ranked queries with snippets.

Everything that knows how the database searches lives here, behind three calls:

    index_document(document_id) -> DocumentText | None  (re)index one document
    index_documents(document_ids) -> int                many, in batches (reindex_all)
    search_documents(user, text) -> SearchResults       ranked hits, sliceable for a Paginator

A file's words come from plenary.documents.extraction (extract_text; re-exported here).

SQLite searches FTS5 tables (``documents_search``, made by migration 0002, and the metadata's
own ``documents_search_metadata``, made by 0004) ranked by bm25() with snippet(); PostgreSQL
searches two stored tsvectors of DocumentText (GIN-indexed) with ts_rank and ts_headline. Both
apply the access rule the same way: a document's number, title, source and abstract are public
metadata that anyone may find it by, but its file's text is matched, ranked and quoted only for
people documents_with_readable_files() lets read the file. Only the page's hits are quoted.
Snippets come back with control characters around the matched words; highlight() escapes the
text and only then turns those into <mark> elements, so nothing a document says can become
markup.
"""

import datetime as dt
import functools
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plenary.core.db import unflushed_transaction
from plenary.documents.extraction import (
    clean_text,
    extract_files,
    extract_text,
    extraction_pool,
)
from plenary.documents.models import Document, DocumentText, Revision
from plenary.documents.permissions import documents_with_readable_files
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import meetings_visible_to

# PostgreSQL's text search configuration: documents are indexed and searched in English.
CONFIG = "english"
# Around matched words in raw snippets; stripped from everything indexed, so never ambiguous.
START, STOP = "\x02", "\x03"
ELLIPSIS = "\u2026"
SNIPPET_WORDS = 24
# How much of a file's text its snippet is made from on PostgreSQL, whose ts_headline parses all
# the text it is given (a few pages; see _TsVector.snippets).
SNIPPET_TEXT_CHARS = 20_000
# Of those, only the tightest stretch that holds the query's words is parsed, with this many
# characters before and after it (a headline is at most SNIPPET_WORDS words).
SNIPPET_CONTEXT_CHARS = 300
# The query's words count as found together within this many characters of each other: the
# tightest stretch holding them is at most this long (besides its context).
SNIPPET_STRETCH_CHARS = 1_000
# Documents still in the secretariat's queue are nobody's search result.
DRAFT_STATES = (Document.State.SUBMITTED, Document.State.RETURNED)
# What a hit shows of its document, and all its number and file code are made from (the page's
# template and the API read no other field; a test counts the queries of both).
HIT_FIELDS = (
    "kind",
    "number",
    "level",
    "title",
    "source",
    "abstract",
    "state",
    "study_group__number",
    "study_period__code",
    "meeting__slug",
    "meeting__title",
    "meeting__start_date",
)
# How many of a query's matches are ranked by relevance: its newest ones (see SearchResults).
RANKED_MATCHES = 500
# On PostgreSQL, a query's newest matches are looked for among this many newest documents first
# (by the metadata; by the files' text), then further back, as far as the matches found so far
# suggest (see _TsVector.newest).
METADATA_WINDOW = 2_000
FILE_WINDOW = 500
# The planner settings of those statements.
PLANNER_SETTINGS = {
    "enable_indexscan": "off",
    "enable_seqscan": "off",
    "max_parallel_workers_per_gather": "0",
}
# The rank of the matches past those (ranks are lower-is-better, every ranked one below 0).
UNRANKED = 0.0
# bm25 weights of documents_search's columns: number, title, source, abstract, the file's text.
BM25_WEIGHTS = "10.0, 10.0, 2.0, 5.0, 1.0"
# The same for documents_search_metadata's: number, title, source, abstract.
BM25_METADATA_WEIGHTS = "10.0, 10.0, 2.0, 5.0"
# The public metadata's columns, as an FTS5 column filter.
METADATA_COLUMNS = "{number title source abstract}"

_MARKED_RE = re.compile(f"{START}(.*?){STOP}", re.DOTALL)
_TERM_RE = re.compile(r'"([^"]*)"|(\S+)')
_WORD_RE = re.compile(r"\w+")
_WORD_CHAR_RE = re.compile(r"\w")

# Documents indexed together by index_documents (one transaction and a few statements each).
INDEX_BATCH = 200
# A list of more documents than this is indexed with its files read in a pool of processes,
# the next batch's while the database writes the one before (see index_documents).
POOLED_FROM = 2 * INDEX_BATCH


# Extraction ------------------------------------------------------------------------------------


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
    planned = _plan([document_id])
    _extract_here(planned)
    return _write(planned).get(document_id)


def index_documents(document_ids: Iterable[int]) -> int:
    """index_document for many documents, INDEX_BATCH at a time, each batch in one transaction
    and a few statements; returns how many were indexed (deleted ones are skipped).

    Reading a file's words is Python's work and vectorizing them the database's, each about
    half of a document's cost. For more than POOLED_FROM documents (reindex_all, a restore),
    the files are read in a pool of processes, one per core: a batch's files while the
    database writes the batch before, so that both cores work. Storage without local paths,
    or a process running threads (a server), reads them here, one batch after the other."""
    ids = list(document_ids)
    batches = [ids[at : at + INDEX_BATCH] for at in range(0, len(ids), INDEX_BATCH)]
    pooled = len(ids) > POOLED_FROM and _local_paths()
    pool = extraction_pool(os.cpu_count() or 2) if pooled else None
    if pool is None:
        count = 0
        for batch in batches:
            planned = _plan(batch)
            _extract_here(planned)
            count += len(_write(planned))
        return count
    count = 0
    with pool:
        planned = _plan(batches[0])
        texts = _extract_in(pool, planned)
        for batch in [*batches[1:], None]:
            following = _plan(batch) if batch is not None else None
            following_texts = _extract_in(pool, following) if following is not None else None
            for (_, entry), text in zip(planned.to_read, texts, strict=True):
                entry.text = text
            count += len(_write(planned))
            planned, texts = following, following_texts
    return count


@dataclass
class _Planned:
    """A batch of documents, their entries as they will be written, and the entries whose text
    is to be read from their current file (with that file)."""

    documents: list[Document]
    entries: dict[int, DocumentText]
    to_read: list[tuple[Revision, DocumentText]]
    indexed_at: dt.datetime


def _plan(document_ids: list[int]) -> _Planned:
    # Each document with what its entry holds now (if it has one), in one query.
    documents = list(
        Document.objects.select_related("study_group", "current_revision")
        .annotate(
            indexed_revision_id=F("searchable__revision_id"), indexed_text=F("searchable__text")
        )
        .filter(pk__in=document_ids)
        .order_by()
    )
    gone = set(document_ids) - {document.pk for document in documents}
    if gone and connection.vendor == "sqlite":
        # A deleted document's entries (PostgreSQL's go with its DocumentText row).
        with connection.cursor() as cursor:
            for table in ("documents_search", "documents_search_metadata"):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608
                    [[pk] for pk in gone],
                )
    now = timezone.now()
    planned = _Planned(documents, {}, [], now)
    for document in documents:
        revision_id, text = document.indexed_revision_id, document.indexed_text or ""
        revision = document.current_revision
        if revision is None:
            revision_id, text = None, ""
        entry = DocumentText(document=document, revision_id=revision_id, text=text, indexed_at=now)
        if revision is not None and revision_id != revision.pk:
            entry.revision_id, entry.text = revision.pk, ""
            planned.to_read.append((revision, entry))
        planned.entries[document.pk] = entry
    return planned


def _extract_here(planned: _Planned) -> None:
    # The files are read before the transaction starts: no lock is held meanwhile.
    for revision, entry in planned.to_read:
        entry.text = revision_text(revision)


def _local_paths() -> bool:
    try:
        default_storage.path("")
    except NotImplementedError:
        return False
    return True


def _extract_in(pool, planned: _Planned) -> Iterator[str]:
    """The texts of the batch's files to read, in order, read in the pool (started now)."""
    return extract_files(
        pool,
        [
            (default_storage.path(revision.storage_name), revision.content_type)
            for revision, _ in planned.to_read
        ],
    )


def _write(planned: _Planned) -> dict[int, DocumentText]:
    if not planned.documents:
        return {}
    # The index is derived data (reindex_all rebuilds it): its commit need not wait for the disk.
    with unflushed_transaction():
        if connection.vendor == "postgresql":
            _write_vectors(planned.documents, planned.entries, planned.indexed_at)
        else:
            DocumentText.objects.bulk_create(
                list(planned.entries.values()),
                update_conflicts=True,
                unique_fields=["document"],
                update_fields=["revision", "text", "indexed_at"],
            )
            _write_fts5(planned.documents, planned.entries)
    return planned.entries


def _write_fts5(documents: list[Document], entries: dict[int, DocumentText]) -> None:
    rows = [
        [document.pk, *_metadata(document).values(), entries[document.pk].text]
        for document in documents
    ]
    with connection.cursor() as cursor:
        for table in ("documents_search", "documents_search_metadata"):
            cursor.executemany(
                f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608
                [[row[0]] for row in rows],
            )
        cursor.executemany(
            "INSERT INTO documents_search (rowid, number, title, source, abstract, body) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO documents_search_metadata (rowid, number, title, source, abstract) "
            "VALUES (%s, %s, %s, %s, %s)",
            [row[:5] for row in rows],
        )


def _write_vectors(
    documents: list[Document], entries: dict[int, DocumentText], indexed_at: dt.datetime
) -> None:
    """The entries and their vectors, in one statement for the batch (each row written once),
    with the weights the query ranks by: number and title A, abstract B, source C (the public
    metadata), and the file's text D."""
    rows, values = [], []
    for document in documents:
        entry, metadata = entries[document.pk], _metadata(document)
        rows.append("(%s::bigint, %s::bigint, %s, %s, %s, %s, %s::text)")
        values += [
            document.pk,
            entry.revision_id,
            metadata["number"],
            metadata["title"],
            metadata["abstract"],
            metadata["source"],
            entry.text,
        ]
    table = connection.ops.quote_name(DocumentText._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS t "  # noqa: S608
            "(document_id, revision_id, text, indexed_at, metadata_vector, full_vector) "
            "SELECT v.id, v.revision_id, v.body, %s::timestamptz, v.public, "
            "v.public || setweight(to_tsvector(%s::regconfig, v.body), 'D') "
            "FROM (SELECT r.id, r.revision_id, r.body, "
            "setweight(to_tsvector(%s::regconfig, r.number), 'A') "
            "|| setweight(to_tsvector(%s::regconfig, r.title), 'A') "
            "|| setweight(to_tsvector(%s::regconfig, r.abstract), 'B') "
            "|| setweight(to_tsvector(%s::regconfig, r.source), 'C') AS public "
            f"FROM (VALUES {', '.join(rows)}) "
            "AS r(id, revision_id, number, title, abstract, source, body)) AS v "
            "ON CONFLICT (document_id) DO UPDATE SET revision_id = EXCLUDED.revision_id, "
            "text = EXCLUDED.text, indexed_at = EXCLUDED.indexed_at, "
            "metadata_vector = EXCLUDED.metadata_vector, full_vector = EXCLUDED.full_vector",
            [indexed_at, *[CONFIG] * 5, *values],
        )


def reindex_all() -> int:
    """Index every document (after a restore, or for documents from before search existed)."""
    return index_documents(Document.objects.order_by("pk").values_list("pk", flat=True))


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


def snippet_terms(text: str) -> list[str]:
    """The query's terms as a file's snippet looks for them, lower-cased, each once: its words,
    and a quoted phrase's words also as they read together; but a word written with hyphens
    only whole, since its parts alone ("e" of "e-mail") would be found nearly everywhere."""
    terms: list[str] = []
    for phrase, bare in _TERM_RE.findall(text):
        words = [word.lower() for word in _WORD_RE.findall(phrase or bare)]
        if len(words) > 1 and phrase:
            words.insert(0, " ".join(words))
        elif len(words) > 1 and re.fullmatch(r"\w+(?:-\w+)+", bare.strip("-")):
            words = ["-".join(words)]
        terms += [word for word in words if word not in terms]
    return terms


@dataclass(frozen=True)
class Hit:
    """One search result: the document, a highlighted snippet, and where the snippet is from.
    ``rank`` is the relevance score, lower is better (UNRANKED past the ranked matches)."""

    document: Document
    snippet: SafeString
    from_file: bool
    rank: float


def _hidden_meetings(user) -> QuerySet[Meeting]:
    return Meeting.objects.exclude(pk__in=meetings_visible_to(user))


def _hidden_ids(user) -> list[int]:
    """The documents the person may not find even by their metadata: drafts, and those of
    meetings hidden to them. A short list found through indexes, where the documents they may
    find are nearly the whole archive: every query excludes these rather than listing those."""
    meetings = list(_hidden_meetings(user).values_list("pk", flat=True))
    drafts = Document.objects.filter(state__in=DRAFT_STATES).order_by().values("pk")
    if meetings:
        # Each half by its own index (as one OR, the planner scans the whole index instead).
        drafts = drafts.union(Document.objects.filter(meeting__in=meetings).order_by().values("pk"))
    return [row["pk"] for row in drafts]


class SearchResults:
    """The ranked hits of one query, fetched a page at a time (a Paginator's object_list).

    A document is found by its metadata by anyone who may see it, and by its file's text only
    by people who may read the file. The query's newest RANKED_MATCHES matches (all of them,
    most often) are its candidates, ranked by relevance; when a query matches more documents
    than that (a word found in most of the archive), the older ones follow the ranked ones,
    newest first, unranked. Ranking every match of such a word costs time in proportion to the
    archive, and a word that common says little about which of its documents is the best.
    """

    def __init__(self, user, text: str):
        self.user = user
        self.text = text.strip()
        self._count: int | None = None
        self._backend: _Fts5 | _TsVector | None = None
        # (document id, readable) of the newest matches, newest first; one more than ranked
        # when there are more.
        self._newest: list[tuple[int, bool]] | None = None

    @property
    def backend(self) -> "_Fts5 | _TsVector":
        if self._backend is None:
            kind = _TsVector if connection.vendor == "postgresql" else _Fts5
            self._backend = kind(self.user, self.text)
        return self._backend

    @property
    def searchable(self) -> bool:
        return bool(self.text) and self.backend.ok

    def _candidates(self) -> tuple[list[tuple[int, bool]], bool]:
        """The ranked candidates, and whether older matches follow them."""
        if self._newest is None:
            self._newest = self.backend.newest(0, RANKED_MATCHES + 1)
        return self._newest[:RANKED_MATCHES], len(self._newest) > RANKED_MATCHES

    def ranked_count(self) -> tuple[int, bool]:
        """How many matches are ranked, and whether older ones follow them unranked."""
        if not self.searchable:
            return 0, False
        candidates, more = self._candidates()
        return len(candidates), more

    def count(self) -> int:
        if self._count is None:
            if not self.searchable:
                self._count = 0
            else:
                candidates, more = self._candidates()
                self._count = self.backend.count() if more else len(candidates)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def goes_past(self, stop: int) -> bool:
        """Whether any match follows the first ``stop`` (a next page), known without quoting
        or even ranking it."""
        if not self.searchable:
            return False
        candidates, more = self._candidates()
        if stop < len(candidates):
            return True
        return more and bool(self.backend.newest(stop, 1))

    def __getitem__(self, key: slice) -> list[Hit]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("search results are read a page (a slice) at a time")
        start = key.start or 0
        stop = key.stop if key.stop is not None else self.count()
        if stop <= start or not self.searchable:
            return []
        candidates, more = self._candidates()
        readable = {pk for pk, can_read in candidates if can_read}
        rows: list[tuple[int, float]] = []
        if start < len(candidates):
            rows = self.backend.ranked(
                [pk for pk, can_read in candidates if can_read],
                [pk for pk, can_read in candidates if not can_read],
                start,
                min(stop, len(candidates)) - start,
            )
        if more and stop > RANKED_MATCHES:
            at = max(start, RANKED_MATCHES)
            older = self.backend.newest(at, stop - at)
            rows += [(pk, UNRANKED) for pk, _ in older]
            readable.update(pk for pk, can_read in older if can_read)
        if not rows:
            return []
        ids = [pk for pk, _ in rows]
        # Only the page's hits are quoted, and only readable ones from their file.
        snippets = self.backend.snippets(ids, readable=readable.intersection(ids))
        documents = (
            Document.objects.select_related("study_group", "study_period", "meeting")
            .only(*HIT_FIELDS)
            .in_bulk(ids)
        )
        hits = []
        for pk, rank in rows:
            document = documents.get(pk)
            if document is None:  # deleted since it was indexed
                continue
            quotes = snippets.get(pk, ("", "", ""))
            # The first quote that shows a match: the file's text (empty unless readable),
            # then the abstract, then the title; else the start of the public metadata.
            chosen = next((i for i, c in enumerate(quotes) if c and START in c), None)
            raw = quotes[chosen] if chosen is not None else document.abstract or document.title
            hits.append(Hit(document, highlight(raw[:600]), chosen == 0, rank))
        return hits


class Listed:
    """What the search page lists: the ranked candidates of a SearchResults (a Paginator's
    object_list), with ``more`` when the query matched more documents than it ranks.

    The page says "more than N found" rather than counting every match of a word found in most
    of the archive, which would cost an access look-up for each; the API pages through all of
    them by cursor.
    """

    def __init__(self, results: SearchResults):
        self.results = results
        self.total, self.more = results.ranked_count()

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[Hit]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("search results are read a page (a slice) at a time")
        stop = min(key.stop if key.stop is not None else self.total, self.total)
        return self.results[slice(key.start, stop)]


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps(list(ids))


def _pg_array(ids: Iterable[int]) -> str:
    """Document keys as a PostgreSQL array's text, to be cast (``%s::bigint[]``): psycopg
    adapts a list of 500 integers one by one, at about twice the cost of the round trip."""
    return "{" + ",".join(str(int(pk)) for pk in ids) + "}"


class _Fts5:
    """SQLite: documents_search (metadata and file text) and documents_search_metadata (the
    metadata alone), both FTS5. The access rule is tested on the matching rows, never as a list
    of the archive's documents built for each query: the hidden documents are a short list,
    and readability is asked of a document's own row (by its key), only for the rows that need
    it, and only until the newest candidates are found."""

    def __init__(self, user, text: str):
        self.match = fts5_query(text)
        self.ok = bool(self.match)
        if not self.ok:
            return
        self.metadata_match = f"{METADATA_COLUMNS} : ({self.match})"
        # Every word somewhere, but not every word in the metadata: found by the file's text.
        self.file_only_match = f"({self.match}) NOT ({self.metadata_match})"
        self.hidden = _json_ids(_hidden_ids(user))
        readable_sql, self.readable_params = (
            documents_with_readable_files(user, Document.objects.order_by())
            .values("pk")
            .query.sql_with_params()
        )
        # Compiled SQL only; every value is a parameter.
        self.readable_sql = (
            f"EXISTS (SELECT 1 FROM ({readable_sql}) AS r "  # noqa: S608
            "WHERE r.pk = {key})"
        )

    def _found(self, *, with_readable: bool) -> tuple[str, list]:
        """Every document the person finds, one row each: by the metadata if they may see it
        (documents_search_metadata), by the file's text if they may also read it; as `id` and,
        ``with_readable``, `readable`."""
        meta, full = "documents_search_metadata", "documents_search"
        flag = ", " + self.readable_sql.format(key=f"{meta}.rowid") if with_readable else ""
        flag_params = self.readable_params if with_readable else []
        not_hidden = "+{table}.rowid NOT IN (SELECT value FROM json_each(%s))"
        sql = (
            f"SELECT {meta}.rowid AS id{flag} FROM {meta} WHERE {meta} MATCH %s "  # noqa: S608
            f"AND {not_hidden.format(table=meta)} "
            f"UNION ALL SELECT {full}.rowid AS id{', 1' if with_readable else ''} FROM {full} "
            f"WHERE {full} MATCH %s AND {not_hidden.format(table=full)} "
            f"AND {self.readable_sql.format(key=f'{full}.rowid')}"
        )
        params = [
            *flag_params,
            self.match,
            self.hidden,
            self.file_only_match,
            self.hidden,
            *self.readable_params,
        ]
        return sql, params

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self) -> int:
        sql, params = self._found(with_readable=False)
        return self._fetch(f"SELECT count(*) FROM ({sql})", params)[0][0]  # noqa: S608

    def newest(self, offset: int, limit: int) -> list[tuple[int, bool]]:
        """The newest matches, as (id, readable), in one statement. The metadata's newest
        ``offset + limit`` matches come first; when there are that many, no match by the file's
        text older than the last of them can be among the newest, so the file's half reads only
        the matches above it (a rowid range FTS5 applies itself). For a common word the file's
        half then tests the access rule on a few rows, not on every match of the archive."""
        meta, full = "documents_search_metadata", "documents_search"
        not_hidden = "+{table}.rowid NOT IN (SELECT value FROM json_each(%s))"
        count = offset + limit
        sql = (
            f"WITH by_metadata AS MATERIALIZED (SELECT {meta}.rowid AS id FROM {meta} "  # noqa: S608
            f"WHERE {meta} MATCH %s AND {not_hidden.format(table=meta)} "
            f"ORDER BY {meta}.rowid DESC LIMIT %s) "
            f"SELECT id, {self.readable_sql.format(key='by_metadata.id')} "
            "FROM by_metadata "
            f"UNION ALL SELECT {full}.rowid AS id, 1 FROM {full} WHERE {full} MATCH %s "
            f"AND {full}.rowid > (SELECT CASE WHEN count(*) = %s THEN min(id) ELSE 0 END "
            "FROM by_metadata) "
            f"AND {not_hidden.format(table=full)} "
            f"AND {self.readable_sql.format(key=f'{full}.rowid')} "
            "ORDER BY id DESC LIMIT %s OFFSET %s"
        )
        params = [
            self.match,
            self.hidden,
            count,
            *self.readable_params,
            self.file_only_match,
            count,
            self.hidden,
            *self.readable_params,
            limit,
            offset,
        ]
        return [(pk, bool(readable)) for pk, readable in self._fetch(sql, params)]

    def ranked(
        self, readable: list[int], others: list[int], offset: int, limit: int
    ) -> list[tuple[int, float]]:
        """These candidates, best first by bm25: readable documents by their matches in every
        column, the others in the metadata's own table, by their metadata alone (its words and
        its length: nothing of the file, not even how long it is, moves them)."""
        parts, params = [], []
        for ids, table, weights in (
            (readable, "documents_search", BM25_WEIGHTS),
            (others, "documents_search_metadata", BM25_METADATA_WEIGHTS),
        ):
            if ids:
                parts.append(
                    f"SELECT rowid AS id, bm25({table}, {weights}) AS score "  # noqa: S608
                    f"FROM {table} WHERE {table} MATCH %s AND rowid >= %s "
                    "AND +rowid IN (SELECT value FROM json_each(%s))"
                )
                params += [self.match, min(ids), _json_ids(ids)]
        sql = " UNION ALL ".join(parts) + " ORDER BY score, id LIMIT %s OFFSET %s"
        return self._fetch(sql, [*params, limit, offset])

    def snippets(self, ids: list[int], *, readable: set[int]) -> dict[int, tuple[str, str, str]]:
        """(file, abstract, title) snippets of these documents: of the ``readable`` ones from
        documents_search, of the others from the metadata's own table, none of the file."""
        quotes = self._snippets([pk for pk in ids if pk in readable], readable=True)
        quotes.update(self._snippets([pk for pk in ids if pk not in readable], readable=False))
        return quotes

    def _snippets(self, ids: list[int], *, readable: bool) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        table = "documents_search" if readable else "documents_search_metadata"

        def snippet(column: int) -> str:
            return f"snippet({table}, {column}, %s, %s, %s, {SNIPPET_WORDS})"

        marks = [START, STOP, ELLIPSIS]
        body = snippet(4) if readable else "''"
        # The metadata's columns have the same places in both tables.
        sql = (
            f"SELECT rowid, {body}, {snippet(3)}, {snippet(1)} "  # noqa: S608
            f"FROM {table} WHERE {table} MATCH %s AND rowid >= %s "
            "AND +rowid IN (SELECT value FROM json_each(%s))"
        )
        params = [
            *(marks if readable else []),
            *marks,
            *marks,
            self.match,
            min(ids),
            _json_ids(ids),
        ]
        return {
            pk: (body, abstract, title) for pk, body, abstract, title in self._fetch(sql, params)
        }


class _TsVector:
    """PostgreSQL: DocumentText's stored vectors, GIN-indexed (the metadata's, and the
    metadata's with the file's text), ranked with ts_rank and quoted with ts_headline. The
    access rule is tested as on SQLite: the hidden documents as a short array, readability of
    a document's own row, only where a match by the file's text needs it."""

    ok = True

    def __init__(self, user, text: str):
        self.query_params = [CONFIG, text]
        # What the snippets look for in a file's text (see snippets).
        self.terms = snippet_terms(text)
        # Whether the query may hold a phrase: quoted words, or a term of several words.
        self.phrase = '"' in text or any(len(_WORD_RE.findall(term)) > 1 for term in text.split())
        self.hidden = _pg_array(_hidden_ids(user))
        readable_sql, self.readable_params = (
            documents_with_readable_files(user, Document.objects.order_by())
            .values("pk")
            .query.sql_with_params()
        )
        self.readable_sql = (
            f"EXISTS (SELECT 1 FROM ({readable_sql}) AS r "  # noqa: S608
            "WHERE r.pk = {key})"
        )

    def _found(self) -> tuple[str, list]:
        """As _Fts5._found, without the readable flag: by the metadata, or by the file's text
        where it is readable. The metadata's test comes first, so that the file's larger vector
        is read only for the entries whose metadata does not match."""
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        query = "websearch_to_tsquery(%s::regconfig, %s)"
        sql = (
            f"SELECT t.document_id AS id FROM {table} AS t "  # noqa: S608
            f"WHERE t.metadata_vector @@ {query} AND t.document_id <> ALL(%s::bigint[]) "
            f"UNION ALL SELECT t.document_id AS id FROM {table} AS t "
            f"WHERE NOT (t.metadata_vector @@ {query}) AND t.full_vector @@ {query} "
            "AND t.document_id <> ALL(%s::bigint[]) "
            f"AND {self.readable_sql.format(key='t.document_id')}"
        )
        params = [
            *self.query_params,
            self.hidden,
            *self.query_params,
            *self.query_params,
            self.hidden,
            *self.readable_params,
        ]
        return sql, params

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    @contextmanager
    def _planned(self) -> Iterator[Any]:
        """A cursor whose statements are planned with PLANNER_SETTINGS. The settings are the
        transaction's own (set_config's local form): inside a caller's transaction they are
        put back afterwards."""
        nested = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join('current_setting(%s)' for _ in PLANNER_SETTINGS)}, "  # noqa: S608
                f"{', '.join('set_config(%s, %s, true)' for _ in PLANNER_SETTINGS)}",
                [*PLANNER_SETTINGS, *(v for pair in PLANNER_SETTINGS.items() for v in pair)],
            )
            row = cursor.fetchone()
            yield cursor
            if nested:
                cursor.execute(
                    f"SELECT {', '.join('set_config(%s, %s, true)' for _ in PLANNER_SETTINGS)}",  # noqa: S608
                    [
                        v
                        for pair in zip(PLANNER_SETTINGS, row[: len(PLANNER_SETTINGS)], strict=True)
                        for v in pair
                    ],
                )

    @staticmethod
    def _next_window(size: int, matched: int, wanted: int, rest: int) -> int:
        """How many keys the next window of a search back through the newest documents
        spans: as many as the matches still wanted took in the last window (``size`` keys,
        ``matched`` matches), and a quarter more; all the ``rest`` when none matched there."""
        return size * wanted * 5 // (4 * matched) + 1 if matched else rest

    def _first_file_window(self, cursor, count: int, top: int) -> int:
        """How many of the newest keys the first window of the matches by the file's text spans:
        enough to hold all ``count`` matches and a quarter more, by the planner's estimate of
        how many entries match the query (never fewer than FILE_WINDOW). Each window reads the
        query's words' entries in the GIN index in full, which for common words costs more
        than the rows found there: a first window sized for half the matches made a second
        reading of them (three common words: 6 to 9 ms each), where a window twice as long
        costs a few hundred more rows, read through the index's bitmap at about a microsecond
        each. A phrase (quoted words, or a word written with a hyphen) keeps FILE_WINDOW: the
        planner's estimate of it is a guess, and each of its matches is tested again on the
        row's vector, so a window larger than needed costs more than a second one."""
        if self.phrase:
            return FILE_WINDOW
        estimated = self._estimated_matches(cursor)
        return max(FILE_WINDOW, self._next_window(top, max(1, round(estimated)), count, top))

    def _estimated_matches(self, cursor) -> float:
        """How many entries the planner expects the query to match by their whole vector (from
        the statistics of the vectors' words, which ANALYZE keeps)."""
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        cursor.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} AS t "  # noqa: S608
            "WHERE t.full_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
            self.query_params,
        )
        (plan,) = cursor.fetchone()
        return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]

    def count(self) -> int:
        """Every match, counted through the vectors' GIN indexes: planned as the newest
        matches' windows are (see newest), since otherwise the planner prefers reading every
        row and, for the matches by the file's text, every file's vector from its TOAST storage
        (a word in most of 50,000 documents: about 450 ms, against 75-115 through the indexes)."""
        sql, params = self._found()
        with self._planned() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS found", params)  # noqa: S608
            return cursor.fetchone()[0]

    def newest(self, offset: int, limit: int) -> list[tuple[int, bool]]:
        """As _Fts5.newest: the metadata's newest ``offset + limit`` matches, then the matches
        by the file's text above the last of them (when there are that many), the only ones
        that can be among the newest; each half looked for among the newest documents first
        (METADATA_WINDOW, FILE_WINDOW), and further back only as far as the matches found so
        far suggest.

        Past the metadata's first window, each statement finds its matches through the GIN
        index of the vector it tests (and the primary key's range), planned with settings that
        rule out the other ways: testing the vectors row by row, walking the newest rows by key
        or reading every row, which the planner prefers for a query with a limit and prices
        without the reading of each vector (the files' from their TOAST storage). A word in a
        few percent of the files cost hundreds of milliseconds that way, against a few through
        the index. The settings hold for these statements alone."""
        count = offset + limit
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        query = "websearch_to_tsquery(%s::regconfig, %s)"
        in_range = (
            "t.document_id > %s AND t.document_id <= %s AND t.document_id <> ALL(%s::bigint[])"
        )
        by_metadata_sql = (
            f"SELECT t.document_id FROM {table} AS t WHERE {in_range} "  # noqa: S608
            f"AND t.metadata_vector @@ {query} ORDER BY t.document_id DESC LIMIT %s"
        )
        by_file = (
            f"FROM {table} AS t WHERE {in_range} "  # noqa: S608
            f"AND NOT (t.metadata_vector @@ {query}) AND t.full_vector @@ {query}"
        )
        # The newest matches first, and the access rule asked of them alone; once it refuses
        # one (a person who may read few files), of every match of the rest.
        newest_then_rule = (
            f"SELECT f.id, {self.readable_sql.format(key='f.id')} FROM "  # noqa: S608
            f"(SELECT t.document_id AS id {by_file} ORDER BY t.document_id DESC LIMIT %s) AS f "
            "ORDER BY f.id DESC"
        )
        rule_then_newest = (
            f"SELECT t.document_id {by_file} "  # noqa: S608
            f"AND {self.readable_sql.format(key='t.document_id')} "
            "ORDER BY t.document_id DESC LIMIT %s"
        )
        top = self._fetch(f"SELECT max(document_id) FROM {table}", [])[0][0] or 0  # noqa: S608
        # The newest documents' metadata first, as the planner likes (for a common word,
        # walking the newest rows by key stops after a few hundred).
        low = max(0, top - METADATA_WINDOW)
        by_metadata = [
            pk
            for (pk,) in self._fetch(
                by_metadata_sql, [low, top, self.hidden, *self.query_params, count]
            )
        ]
        found: list[int] = []
        with self._planned() as cursor:
            high = low
            size = self._next_window(top - low, len(by_metadata), count - len(by_metadata), high)
            while high > 0 and len(by_metadata) < count:
                low = max(0, high - size)
                need = count - len(by_metadata)
                cursor.execute(by_metadata_sql, [low, high, self.hidden, *self.query_params, need])
                more = [pk for (pk,) in cursor.fetchall()]
                by_metadata += more
                size = self._next_window(high - low, len(more), need - len(more), low)
                high = low
            above = by_metadata[-1] if len(by_metadata) == count else 0
            high, size, strict = top, self._first_file_window(cursor, count, top), False
            while high > above:
                # Enough once the matches newer than this window are: nothing in it or further
                # back can be among the newest.
                newer = len(found) + sum(pk > high for pk in by_metadata)
                if newer >= count:
                    break
                low = max(above, high - size)
                need = count - len(found)
                matches = [low, high, self.hidden, *self.query_params, *self.query_params]
                matched = 0
                if not strict:
                    cursor.execute(newest_then_rule, [*self.readable_params, *matches, need])
                    rows = cursor.fetchall()
                    found += [pk for pk, readable in rows if readable]
                    matched = len(rows)
                    if len(rows) == need and not all(readable for _, readable in rows):
                        strict = True
                        matches[1] = rows[-1][0] - 1  # the rest of the window
                if strict:
                    cursor.execute(
                        rule_then_newest, [*matches, *self.readable_params, count - len(found)]
                    )
                    rows = cursor.fetchall()
                    found += [pk for (pk,) in rows]
                    matched += len(rows)
                wanted = count - len(found) - sum(pk > low for pk in by_metadata)
                size = self._next_window(high - low, matched, wanted, low)
                high = low
        ids = sorted(by_metadata + found, reverse=True)[offset:count]
        # The matches by the file's text were found readable; the metadata's are asked, these
        # entries alone and each by its key (within the query above, the planner would hash
        # the rule over every document).
        readable = set(found).intersection(ids)
        asked = [pk for pk in ids if pk not in readable]
        if asked:
            readable.update(
                pk
                for (pk,) in self._fetch(
                    "SELECT t.document_id FROM unnest(%s::bigint[]) AS t(document_id) "  # noqa: S608
                    f"WHERE {self.readable_sql.format(key='t.document_id')}",
                    [_pg_array(asked), *self.readable_params],
                )
            )
        return [(pk, pk in readable) for pk in ids]

    def ranked(
        self, readable: list[int], others: list[int], offset: int, limit: int
    ) -> list[tuple[int, float]]:
        """These candidates, best first by ts_rank: readable documents by their whole vector,
        the others by their metadata's. The candidates go in as two array parameters (their
        text, see _pg_array): as lists of literals (the ORM's ``__in``), 500 keys cost more to
        build, send and parse than the ranking itself."""
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        sql = (
            "SELECT t.document_id, CASE WHEN t.document_id = ANY(%s::bigint[]) "  # noqa: S608
            "THEN ts_rank(t.full_vector, q.query) ELSE ts_rank(t.metadata_vector, q.query) "
            f"END AS rank FROM {table} AS t, "
            "websearch_to_tsquery(%s::regconfig, %s) AS q(query) "
            "WHERE t.document_id = ANY(%s::bigint[]) "
            "ORDER BY rank DESC, t.document_id LIMIT %s OFFSET %s"
        )
        rows = self._fetch(
            sql,
            [
                _pg_array(readable),
                *self.query_params,
                _pg_array([*readable, *others]),
                limit,
                offset,
            ],
        )
        return [(pk, -rank) for pk, rank in rows]

    # The strings each term is found by, but for the stop words the query leaves out: the term
    # as typed and its lexemes (of a hyphenated word, those of the whole), each in lower case
    # and capitalized (a word written otherwise, in capitals, is looked for only by the headline
    # of all the characters); not a string that starts with another (the other finds it).
    _TERM_STRINGS = (
        "SELECT DISTINCT v.term, c.string "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS v(word, term), "
        "to_tsvector(%s::regconfig, v.word) AS l(lexemes), "
        "unnest(array_prepend(v.word, tsvector_to_array(l.lexemes))) AS x(string), "
        "unnest(ARRAY[x.string, upper(left(x.string, 1)) || substr(x.string, 2)]) AS c(string) "
        "WHERE l.lexemes <> ''::tsvector AND (v.word !~ '\\W' OR x.string ~ '\\W') "
        "AND NOT EXISTS (SELECT 1 FROM unnest(tsvector_to_array(l.lexemes)) AS k(lexeme) "
        "WHERE k.lexeme <> x.string AND starts_with(x.string, k.lexeme) "
        "AND (v.word !~ '\\W' OR k.lexeme ~ '\\W'))"
    )

    def _stretches(self, readable: list[int]) -> dict[int, str]:
        """The stretch of each readable file's first SNIPPET_TEXT_CHARS characters that its
        headline is made from (see snippets), for the files where a term is found. One
        statement reads the strings the terms are found by and those characters; the stretch
        is then found here, where looking for a string costs a fraction of what splitting the
        text around it does in SQL (about 0.4 ms a hit for three words)."""
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        rows = self._fetch(
            f"SELECT NULL::bigint, s.term::integer, s.string FROM ({self._TERM_STRINGS}) AS s "  # noqa: S608
            "UNION ALL SELECT t.document_id, NULL, substr(t.text, 1, %s) "
            f"FROM {table} AS t WHERE t.document_id = ANY(%s::bigint[])",
            [self.terms, CONFIG, SNIPPET_TEXT_CHARS, _pg_array(readable)],
        )
        strings = [(term, string) for pk, term, string in rows if pk is None]
        if not strings:
            return {}
        stretches = {}
        for pk, _, head in rows:
            if pk is None:
                continue
            found = tightest_stretch(head, strings)
            if found is not None:
                low, high = found
                low = max(0, low - SNIPPET_CONTEXT_CHARS)
                stretches[pk] = head[low : high + SNIPPET_CONTEXT_CHARS]
        return stretches

    def snippets(self, ids: list[int], *, readable: set[int]) -> dict[int, tuple[str, str, str]]:
        """(file, abstract, title) headlines of these documents; the file's only for the
        ``readable`` ones (for the others their text is not even read), and each only while
        those before it show no match (the page shows the first that does).

        ts_headline parses and stems every word it is given, which makes the file's headline the
        costliest part of a page of hits: about 0.1 ms for each 1,000 characters. So it is given
        only the tightest stretch of the file's first SNIPPET_TEXT_CHARS characters (a document
        matched only further on is still found and ranked, quoted by its metadata) that holds
        all the query's terms, or as many of them as are found together anywhere (within
        SNIPPET_STRETCH_CHARS), with SNIPPET_CONTEXT_CHARS around it (see tightest_stretch and
        _stretches). A term is found as a plain string at the start of a word: as typed, or as
        one of its lexemes (the stem, which starts most of the word's forms), in lower case or
        capitalized. The stretch is headlined with the query; when that highlights nothing (it
        holds only some of the terms, or a phrase's words in another order), with any of the
        query's lexemes, so that a file whose words are never found together still shows those
        it has. Only when that too highlights nothing (no term found, or found in a word of
        another stem) is the headline made from all those characters."""
        if not ids:
            return {}
        table = connection.ops.quote_name(DocumentText._meta.db_table)
        documents = connection.ops.quote_name(Document._meta.db_table)
        stretches = self._stretches(list(readable)) if readable and self.terms else {}
        text_options = _headline_options(MaxFragments=2, FragmentDelimiter=f" {ELLIPSIS} ")
        sql = (
            # The query, and any of its lexemes.
            "WITH w AS MATERIALIZED (SELECT websearch_to_tsquery(%s::regconfig, %s) AS query, "  # noqa: S608
            "(SELECT string_agg(DISTINCT quote_literal(l.lexeme), ' | ') "
            "FROM unnest(%s::text[]) AS v(word), "
            "unnest(tsvector_to_array(to_tsvector(%s::regconfig, v.word))) AS l(lexeme)"
            ")::tsquery AS any) "
            # A quote the page will not show (the file's shows a match, or the abstract's)
            # is not made.
            "SELECT t.document_id, h.quote, a.quote, CASE WHEN strpos(h.quote, %s) > 0 "
            "OR strpos(a.quote, %s) > 0 THEN '' "
            "ELSE ts_headline(%s::regconfig, d.title, w.query, %s) END "
            f"FROM {table} AS t JOIN {documents} AS d ON d.id = t.document_id CROSS JOIN w "
            "LEFT JOIN unnest(%s::bigint[], %s::text[]) AS x(id, stretch) ON x.id = t.document_id "
            # The stretch headlined with the query (OFFSET 0 keeps the planner from repeating
            # an expression wherever its result is used).
            "CROSS JOIN LATERAL (SELECT CASE WHEN x.stretch IS NOT NULL "
            "THEN ts_headline(%s::regconfig, x.stretch, w.query, %s) END AS near OFFSET 0) AS n "
            # Else with any of its lexemes.
            "CROSS JOIN LATERAL (SELECT CASE WHEN strpos(n.near, %s) > 0 THEN n.near "
            "WHEN x.stretch IS NOT NULL THEN ts_headline(%s::regconfig, x.stretch, w.any, %s) "
            "END AS quote OFFSET 0) AS m "
            # Else from all the characters (read from storage only then).
            "CROSS JOIN LATERAL (SELECT CASE WHEN NOT t.document_id = ANY(%s::bigint[]) THEN '' "
            "WHEN strpos(m.quote, %s) > 0 THEN m.quote "
            "ELSE ts_headline(%s::regconfig, substr(t.text, 1, %s), w.query, %s) END AS quote "
            "OFFSET 0) AS h "
            "CROSS JOIN LATERAL (SELECT CASE WHEN strpos(h.quote, %s) > 0 THEN '' "
            "ELSE ts_headline(%s::regconfig, d.abstract, w.query, %s) END AS quote "
            "OFFSET 0) AS a "
            "WHERE t.document_id = ANY(%s::bigint[])"
        )
        params = [
            *self.query_params,
            self.terms,
            CONFIG,
            START,
            START,
            CONFIG,
            _headline_options(HighlightAll=True),
            _pg_array(stretches),
            list(stretches.values()),
            CONFIG,
            text_options,
            START,
            CONFIG,
            text_options,
            _pg_array(readable),
            START,
            CONFIG,
            SNIPPET_TEXT_CHARS,
            text_options,
            START,
            CONFIG,
            _headline_options(),
            _pg_array(ids),
        ]
        return {
            pk: (text, abstract, title) for pk, text, abstract, title in self._fetch(sql, params)
        }


def tightest_stretch(text: str, strings: list[tuple[int, str]]) -> tuple[int, int] | None:
    """Where, in ``text``, the tightest stretch holding the most terms starts and ends (a
    slice's bounds), or None when no term is found. ``strings`` are (term, string) pairs: a
    term is found where one of its strings starts a word (the character before it, if any, is
    not a letter, digit or underscore), each occurrence after the last one of that string.
    From each occurrence on, a term counts as held by the stretch when its first occurrence
    from there ends within SNIPPET_STRETCH_CHARS of its start; of those stretches, the one
    holding the most terms wins, then the shortest, then the first."""
    occurrences: list[tuple[int, int, int]] = []  # (start, end, term)
    for term, string in strings:
        size, at = len(string), text.find(string)
        while at >= 0:
            if at == 0 or not _WORD_CHAR_RE.match(text, at - 1):
                occurrences.append((at, at + size, term))
            at = text.find(string, at + size)
    if not occurrences:
        return None
    occurrences.sort(reverse=True)
    first_end: dict[int, int] = {}
    best: tuple[int, int, int] | None = None  # (-held, length, start)
    high_of_best = 0
    at = 0
    while at < len(occurrences):
        start = occurrences[at][0]
        # Occurrences at the same place hold the same terms from there.
        group = at
        while group < len(occurrences) and occurrences[group][0] == start:
            _, end, term = occurrences[group]
            if end < first_end.get(term, end + 1):
                first_end[term] = end
            group += 1
        held = [end for end in first_end.values() if end - start <= SNIPPET_STRETCH_CHARS]
        if held:
            key = (-len(held), max(held) - start, start)
            if best is None or key < best:
                best, high_of_best = key, max(held)
        at = group
    if best is None:
        return None
    return best[2], high_of_best


@functools.cache
def _headline_options(**options: Any) -> str:
    """ts_headline's options as one string, each value quoted (as SearchHeadline does)."""
    options = {
        "StartSel": START,
        "StopSel": STOP,
        "MaxWords": SNIPPET_WORDS,
        "MinWords": 8,
        **options,
    }
    return ", ".join(
        connection.ops.compose_sql(f"{name}=%s", [value]) for name, value in options.items()
    )


def search_documents(user, text: str) -> SearchResults:
    """Documents matching ``text`` for this person, best first, with highlighted snippets."""
    return SearchResults(user, text)
