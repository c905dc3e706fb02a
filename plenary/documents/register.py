"""A meeting's register, built once and kept in the cache for every reader.

The register's rows are the same for everyone: a document's number, title, source, Questions,
agenda item, marks and language versions are public. What differs from one reader to the next is
whether the file is theirs to read, and that is asked of the one access rule
(permissions.documents_with_readable_files) on every request, for the documents of the page only.
So the page's filters and table, and the API's page of items, are built once with a slot where
each reader's part goes (a file link, or the item with ``readable`` true or false), and kept in
the process's memory (the ``pages`` cache) under a key made of:

- the register's version (register_version), read in one query of index look-ups whatever the
  register's size: the newest row of each table the register is read from (documents, their
  history, revisions, translation requests, Question links, Questions) and of the admin's log,
  and the meeting's agenda items (moving one renumbers the items documents are allocated to).
  Every write of documents.services records a history row (a bulk allocation one per document),
  an edit in the admin a log entry, and rows made in bulk a new id, so each of them changes the
  version at once, in every process;
- the meeting's slug and start date (a TD's file code carries the date), the time zone dates are
  shown in, the query string, and for the API the address its links start with.

Entries also expire after CACHE_SECONDS, which bounds how long a change the version cannot see
is missed: a row changed by raw SQL, or, on PostgreSQL, two writes committing out of the order of
their ids while the register is read between them.
"""

import hashlib
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, IntegerField, Model, Prefetch, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from plenary.documents import permissions
from plenary.documents.forms import RegisterFilterForm
from plenary.documents.models import (
    REVISION_LANGUAGE,
    Document,
    DocumentEvent,
    Revision,
    TranslationRequest,
)
from plenary.groups.models import Body
from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import agenda_rows

PAGE_SIZE = 100
CACHE_SECONDS = 120
# A page is built in tens of milliseconds. While one request builds it, the others wanting it
# look for it BUILD_POLLS times, BUILD_POLL_SECONDS apart (0.3 s in all), before building it
# themselves. The lock expires on its own after BUILD_LOCK_SECONDS (whole seconds: Redis takes
# no less), should the process holding it die mid-build.
BUILD_POLLS = 15
BUILD_POLL_SECONDS = 0.02
BUILD_LOCK_SECONDS = 5
# Documents in the secretariat's queue: not part of the register.
DRAFT_STATES = (Document.State.SUBMITTED, Document.State.RETURNED)
# Where a row's file link goes in the rendered table; user text is escaped, so it is never this.
FILE_SLOT = mark_safe("<!--file-->")  # noqa: S308 - a constant
# The page's query string names: those a kept page may have, and its free text.
QUERY_NAMES = frozenset({"kind", "question", "agenda_item", "late", "sort", "page"})
FREE_TEXT = frozenset({"source"})
_KEPT_VALUE = re.compile(r"^[-\w./]{0,80}$")


# The version and the key -----------------------------------------------------------------------

# (model, its timestamp field or None): the newest row of each, by primary key. The timestamp
# tells apart two states that reuse an id (SQLite gives a rolled-back id again).
_VERSIONED: tuple[tuple[type[Model], str | None], ...] = (
    (DocumentEvent, "at"),
    (Document, "created_at"),
    (Revision, "uploaded_at"),
    (TranslationRequest, "requested_at"),
    (Document.questions.through, None),
    (Body, None),
    (LogEntry, "action_time"),
)
_version_sql: dict[str, str] = {}


def _text(column: str) -> str:
    return f"COALESCE(CAST({column} AS TEXT), '')"


def _newest(model: type[Model], stamp: str | None) -> str:
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    value = _text(pk)
    if stamp:
        value += f" || ' ' || {_text(quote(model._meta.get_field(stamp).column))}"
    table = quote(model._meta.db_table)
    return f"(SELECT {value} FROM {table} ORDER BY {pk} DESC LIMIT 1)"  # noqa: S608 - names


def _agenda_items() -> str:
    """The meeting's agenda items (id, parent, position), joined into one value."""
    quote = connection.ops.quote_name
    table = quote(AgendaItem._meta.db_table)
    pk, parent, position, meeting = (
        quote(AgendaItem._meta.get_field(name).column)
        for name in ("id", "parent", "position", "meeting")
    )
    item = " || ':' || ".join(_text(column) for column in (pk, parent, position))
    if connection.vendor == "postgresql":
        return (
            f"(SELECT string_agg({item}, ',' ORDER BY {pk}) FROM {table} "  # noqa: S608
            f"WHERE {meeting} = %s)"
        )
    return (
        f"(SELECT group_concat(item, ',') FROM (SELECT {item} AS item FROM {table} "  # noqa: S608
        f"WHERE {meeting} = %s ORDER BY {pk}))"
    )


def register_version(meeting: Meeting) -> tuple:
    """The version of the meeting's register: one query of index look-ups."""
    sql = _version_sql.get(connection.vendor)
    if sql is None:
        newest = [_newest(model, stamp) for model, stamp in _VERSIONED]
        sql = _version_sql[connection.vendor] = "SELECT " + ", ".join([*newest, _agenda_items()])
    with connection.cursor() as cursor:
        cursor.execute(sql, [meeting.pk])
        return tuple(cursor.fetchone())


def cache_key(kind: str, meeting: Meeting, params: Iterable) -> str:
    """The key of one page of the meeting's register, as ``params`` (query and base) ask."""
    raw = repr(
        (
            register_version(meeting),
            meeting.slug,
            meeting.start_date,
            timezone.get_current_timezone_name(),
            tuple(params),
        )
    )
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"documents:register:{kind}:{meeting.pk}:{digest}"


def is_kept(params, names: frozenset[str], free_text: frozenset[str]) -> bool:
    """Whether a page with this query string is kept in the cache: known names, each once,
    short values of a few characters, and free text (a source to look for) empty: a page that
    looks for text is built for its request only."""
    for name, values in params.lists():
        if len(values) != 1 or not _KEPT_VALUE.match(values[0]):
            return False
        if name not in names and not (name in free_text and not values[0]):
            return False
    return True


def agenda_numbers(meeting: Meeting) -> dict[int, str]:
    """The meeting's agenda items by primary key, numbered as the agenda shows them (2.1)."""
    items = (
        AgendaItem.objects.filter(meeting_id=meeting.pk)
        .order_by()
        .values_list("pk", "parent_id", "position", "title", "description", named=True)
    )
    return {row.pk: row.number for row in agenda_rows(items) if row.pk}


def readable_among(user, pks: Sequence[int], *, kept_as: str | None = None) -> set[int]:
    """Those of these documents whose files the person may read, by the one access rule.

    ``kept_as`` is the key of the kept page the documents come from. The rule's answer is then
    kept too, under that key and the reader's grounds (permissions.readable_grounds), for as
    long as the page: the page's key changes with every change of its documents, and the
    grounds with every change of the person's access or roles. Building and compiling the
    rule's query cost more than the rest of a kept page's request."""
    if not pks:
        return set()
    grounds = permissions.readable_grounds(user) if kept_as else None
    if grounds is not None:
        digest = hashlib.blake2b(repr(grounds).encode(), digest_size=16).hexdigest()
        key = f"{kept_as}:readable:{digest}"
        kept = caches["readable"].get(key)
        if kept is not None:
            return kept
    readable = permissions.documents_with_readable_files(user, Document.objects.filter(pk__in=pks))
    found = set(readable.order_by().values_list("pk", flat=True))
    if grounds is not None:
        caches["readable"].set(key, found, CACHE_SECONDS)
    return found


@dataclass(frozen=True)
class Slotted:
    """Text built once for every reader: ``parts`` between ``slots``, each slot a document and
    the text it takes when the reader may read its file and when they may not."""

    parts: list[str]
    slots: list[tuple[int, str, str]]

    def for_reader(self, user, kept_as: str | None = None) -> str:
        """The text as this person is to see it, the access rule asked once for the page
        (``kept_as``: the key the page is kept under, see readable_among)."""
        readable = readable_among(user, [pk for pk, _, _ in self.slots], kept_as=kept_as)
        out = [self.parts[0]]
        for (pk, if_readable, if_not), part in zip(self.slots, self.parts[1:], strict=True):
            out.append(if_readable if pk in readable else if_not)
            out.append(part)
        return "".join(out)


def _pause() -> None:
    """The wait between two looks for a page that another request is building."""
    time.sleep(BUILD_POLL_SECONDS)


def cached(key: str | None, build: Callable[[], Slotted]) -> Slotted:
    """The entry under ``key``, built and kept if missing (no key: built for this request).

    When a kept page expires or the register's version changes, every request that wants it at
    that moment would build it. So the one that adds the build lock (``cache.add``: atomic in
    Redis and in the local-memory cache alike) builds it and keeps it; the others look for it
    again every BUILD_POLL_SECONDS, take the lock over if it is let go without the page (the
    build raised), and after BUILD_POLLS looks build it themselves: a reader waits a few hundred
    milliseconds at most and never fails because another request did.
    """
    if key is None:
        return build()
    cache = caches["pages"]
    lock = f"{key}:building"
    for look in range(BUILD_POLLS + 1):
        entry = cache.get(key)
        if entry is not None:
            return entry
        if cache.add(lock, True, BUILD_LOCK_SECONDS):
            try:
                entry = build()
                cache.set(key, entry, CACHE_SECONDS)
            finally:
                cache.delete(lock)
            return entry
        if look < BUILD_POLLS:
            _pause()
    entry = build()
    cache.set(key, entry, CACHE_SECONDS)
    return entry


# The page --------------------------------------------------------------------------------------


def _documents(
    meeting: Meeting, form: RegisterFilterForm, agenda: Mapping[int, str]
) -> QuerySet[Document]:
    """The register's documents, filtered and sorted as the form asks; the page's columns only.
    ``agenda`` is the meeting's agenda numbers in reading order (agenda_numbers)."""
    documents = Document.objects.filter(meeting=meeting).exclude(state__in=DRAFT_STATES)
    ordering: tuple[str, ...] = RegisterFilterForm.SORTS["number"]
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            documents = documents.filter(kind=data["kind"])
        if data["question"]:
            documents = documents.filter(questions=data["question"])
        if data["agenda_item"] is not None:
            documents = documents.filter(agenda_item_id=data["agenda_item"] or None)
        if data["source"]:
            documents = documents.filter(source__icontains=data["source"])
        if data["late"]:
            documents = documents.filter(late=True)
        ordering = form.ordering()
    if "agenda_order" in ordering:
        # Positions count among siblings only (4.1's item is first of its parent): the order
        # is the agenda's own, one rank per item in reading order.
        documents = documents.annotate(
            agenda_order=Case(
                *(When(agenda_item_id=pk, then=Value(rank)) for rank, pk in enumerate(agenda)),
                default=Value(len(agenda)),
                output_field=IntegerField(),
            )
        )
    return (
        documents.select_related("study_group", "current_revision")
        .only(
            "kind",
            "number",
            "level",
            "title",
            "source",
            "state",
            "late",
            "held_for_next",
            "posted_at",
            "agenda_item_id",
            "study_group__number",
            "current_revision__number",
        )
        .prefetch_related(
            Prefetch(
                "questions", queryset=Body.objects.only("pk", "acronym"), to_attr="question_list"
            ),
            Prefetch(
                "revisions",
                queryset=Revision.objects.only("pk", "document_id", "number", "language"),
                to_attr="revision_list",
            ),
            Prefetch(
                "translation_requests",
                queryset=TranslationRequest.objects.only("pk", "document_id", "language"),
                to_attr="translation_list",
            ),
        )
        .order_by(*ordering)
    )


def language_versions(
    revisions: Iterable[Revision], requests: Iterable[TranslationRequest]
) -> list[dict]:
    """Per language, in the official order: the latest revision in it, and whether its
    translation is requested."""
    latest: dict[str, int] = {}
    for revision in revisions:
        latest[revision.language] = max(latest.get(revision.language, 0), revision.number)
    requested = {r.revision_language for r in requests}
    return [
        {
            "code": code,
            "letter": letter,
            "revision": latest.get(letter),
            "requested": letter in requested,
        }
        for code, letter in REVISION_LANGUAGE.items()
        if letter in latest or letter in requested
    ]


def _rows(page: Page, agenda: Mapping[int, str]) -> tuple[list[dict], list[tuple[int, str, str]]]:
    rows, slots = [], []
    for document in page.object_list:
        current = document.current_revision
        if current is not None:
            url = reverse("documents:download", args=[document.pk, current.pk])
            slots.append((document.pk, format_html(' <a href="{}">file</a>', url), ""))
        rows.append(
            {
                "document": document,
                "questions": ", ".join(q.acronym for q in document.question_list),
                "agenda_number": agenda.get(document.agenda_item_id, ""),
                "versions": language_versions(document.revision_list, document.translation_list),
            }
        )
    return rows, slots


def _render(meeting: Meeting, params) -> Slotted:
    form = RegisterFilterForm(params or None, meeting=meeting)
    agenda = agenda_numbers(meeting)
    page = Paginator(_documents(meeting, form, agenda), PAGE_SIZE).get_page(params.get("page"))
    rows, slots = _rows(page, agenda)
    query = params.copy()
    query.pop("page", None)
    html = render_to_string(
        "documents/register_table.html",
        {
            "meeting": meeting,
            "form": form,
            "agenda": sorted(agenda.items(), key=lambda kv: [int(p) for p in kv[1].split(".")]),
            "rows": rows,
            "page": page,
            "query": query.urlencode(),
            "file_slot": FILE_SLOT,
        },
    )
    parts = html.split(FILE_SLOT)
    if len(parts) != len(slots) + 1:
        raise ImproperlyConfigured("documents/register_table.html shows one file slot per file.")
    return Slotted(parts=parts, slots=slots)


def register_page(meeting: Meeting, params, user) -> SafeString:
    """The register's filters, table and page links for the query string ``params``, with the
    file links this person may follow."""
    key = None
    if is_kept(params, QUERY_NAMES, FREE_TEXT):
        key = cache_key("page", meeting, [params.urlencode()])
    entry = cached(key, lambda: _render(meeting, params))
    # The parts are the template's output and the slots format_html's: both escaped.
    return mark_safe(entry.for_reader(user, kept_as=key))  # noqa: S308
