"""Documents: a meeting's register, one document with its revisions, its file, and search.

Thin over plenary.documents: titles and metadata are public, files go through the one access
rule (permissions.documents_with_readable_files / can_read_document_file), downloads through the
same streaming code as the pages (files.file_response, byte ranges included), and search through
documents.search, which applies the rule to snippets itself. A document is addressed by its ITU
file code (T17-SG11-C-0123); a draft the caller may not see is 404, like an unknown code.
"""

import datetime as dt
import json
import re
from typing import Literal
from urllib.parse import urlencode

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from ninja import File, Form, Path, Query, Router, UploadedFile
from ninja.responses import NinjaJSONEncoder, Status
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from plenary.api.auth import MEMBERS
from plenary.api.errors import (
    Conflict,
    Error,
    FileRefused,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    TooLarge,
    map_error,
)
from plenary.api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Ordering,
    decode_cursor,
    encode_cursor,
    paginate,
)
from plenary.api.routes.common import ANONYMOUS_ALLOWED, ERRORS, RowRead, responses, visible_meeting
from plenary.api.schemas import (
    ContactIn,
    ContributionIn,
    DocumentDetail,
    DocumentPage,
    DocumentSummary,
    SearchPage,
)
from plenary.decisions.models import WorkItem
from plenary.documents import files, permissions, register, search, services
from plenary.documents.forms import CONTACT_PARTS, ContributionForm, TdForm, clean_contacts
from plenary.documents.models import DETAIL_RELATIONS, Document, LiaisonDetails, Revision
from plenary.groups.models import Body
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.selectors import agenda_rows

router = Router(tags=["documents"])

# A malformed multipart body (no boundary, cut short) is bad input, not a server error.
map_error(MultiPartParserError, status=400, code="invalid")

# Documents in the secretariat's queue: seen by their submitter and the secretariat only.
DRAFT_STATES = (Document.State.SUBMITTED, Document.State.RETURNED)

Slug = Path(
    ...,
    max_length=80,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The meeting's slug, as in its page's address.",
    example="sg11-wp1-2020-11-19",
)
Code = Path(
    ...,
    max_length=60,
    pattern=r"^[A-Za-z0-9-]+$",
    description="The document's ITU file code.",
    example="T17-SG11-C-0123",
)

_FILE_CONTENT = {
    kind.content_type: {"schema": {"type": "string", "format": "binary"}}
    for kind in files.KINDS.values()
}
UploadField = File(..., description="The finished .docx, its cover filled in.")

_CODE_RE = re.compile(
    r"^(?P<period>[A-Za-z0-9]{1,10})-SG(?P<sg>\d{1,4})-(?:"
    r"(?P<letter>C|R)-(?P<number>\d{1,9})"
    r"|(?P<date>\d{6})-TD-(?P<level>PLEN|GEN|WP\d{1,2})-(?P<td_number>\d{1,9})"
    r"|DRAFT-(?P<pk>\d{1,12}))$"
)
_KIND_OF_LETTER = {"C": Document.Kind.CONTRIBUTION, "R": Document.Kind.REPORT}


def _cursor_int(value) -> int:
    """An integer a cursor may carry: one the database can compare (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**62:
        raise ValueError(value)
    return value


# The register's order: type, then number (unnumbered first), then id to make it unique.
_BY_NUMBER = Ordering("documents", ("kind", "sort_number", "id"), (str, _cursor_int, _cursor_int))
_SEARCH = Ordering("search", ("offset",), (_cursor_int,))
# The register's query string names: those a page kept in the cache may have, and free text.
_REGISTER_QUERY = frozenset({"type", "question", "agenda_item", "late", "limit", "cursor"})
_REGISTER_FREE_TEXT = frozenset({"source"})
JSON = "application/json; charset=utf-8"
# Search pages are offsets into the ranked hits; deeper than this is refused.
MAX_SEARCH_OFFSET = 10_000


def _lookup(code: str) -> QuerySet[Document]:
    """The documents that may bear this file code (at most one does, checked by the caller)."""
    match = _CODE_RE.match(code)
    if match is None:
        return Document.objects.none()
    parts = match.groupdict()
    documents = Document.objects.filter(
        study_period__code=parts["period"], study_group__number=int(parts["sg"])
    )
    if parts["pk"]:
        return documents.filter(pk=int(parts["pk"]))
    if parts["letter"]:
        return documents.filter(kind=_KIND_OF_LETTER[parts["letter"]], number=int(parts["number"]))
    try:
        digits = parts["date"]
        date = dt.date(2000 + int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    except ValueError:
        return Document.objects.none()
    return documents.filter(
        kind=Document.Kind.TD,
        level=parts["level"],
        number=int(parts["td_number"]),
        meeting__start_date=date,
    )


def _document(request: HttpRequest, code: str) -> Document:
    """The document with this file code, if the caller may know it exists; else 404."""
    candidates = _lookup(code).select_related(*DETAIL_RELATIONS)
    for document in candidates[:10]:
        if document.file_code != code:
            continue
        if document.state in DRAFT_STATES and not permissions.can_edit_document(
            request.user, document
        ):
            break
        if document.meeting is not None and not can_view_meeting(request.user, document.meeting):
            break
        return document
    raise NotFound("No document matches that code.")


def _agenda_numbers(meeting: Meeting | None) -> dict[int, str]:
    if meeting is None:
        return {}
    return {row.pk: row.number for row in agenda_rows(meeting.agenda_items.all()) if row.pk}


def _summary(
    request: HttpRequest, document: Document, *, readable: bool, agenda: dict[int, str]
) -> dict:
    code = document.file_code
    current = document.current_revision
    languages = sorted(
        r.language for r in document.revisions.all() if current and r.number == current.number
    )
    has_file = current is not None
    return {
        "code": code,
        "number": document.display_number,
        "kind": document.kind,
        "state": document.state,
        "title": document.title,
        "source": document.source,
        "questions": sorted(q.acronym for q in document.questions.all()),
        "agenda_item": agenda.get(document.agenda_item_id) if document.agenda_item_id else None,
        "posted_at": document.posted_at,
        "revision": current.number if current else None,
        "late": document.late,
        "languages": languages,
        "readable": readable,
        "meeting": document.meeting.slug if document.meeting else None,
        "api_url": request.build_absolute_uri(reverse("api-v1:document", kwargs={"code": code})),
        "file_url": request.build_absolute_uri(
            reverse("api-v1:document_file", kwargs={"code": code})
        )
        if readable and has_file
        else None,
    }


def _detail(request: HttpRequest, document: Document) -> dict:
    readable = permissions.can_read_document_file(request.user, document)
    revisions = list(document.revisions.order_by("number", "language")) if readable else []
    file_url = request.build_absolute_uri(
        reverse("api-v1:document_file", kwargs={"code": document.file_code})
    )
    for revision in revisions:
        revision.document = document
    return {
        **_summary(request, document, readable=readable, agenda=_agenda_numbers(document.meeting)),
        "abstract": document.abstract,
        "purpose": document.purpose,
        "keywords": document.keywords,
        # Names, e-mails and telephones are the file's (its cover page), not public metadata.
        "contacts": [
            {key: contact.get(key) or "" for key in CONTACT_PARTS} for contact in document.contacts
        ]
        if readable
        else [],
        "liaison": _liaison(document),
        "held_for_next": document.held_for_next,
        "url": request.build_absolute_uri(document.get_absolute_url()),
        "revisions": [
            {
                "number": r.number,
                "language": r.language,
                "file_name": r.download_name,
                "size": r.size,
                "sha256": r.sha256,
                "content_type": r.content_type,
                "uploaded_at": r.uploaded_at,
                "file_url": f"{file_url}?"
                + urlencode({"revision": r.number, "language": r.language}),
            }
            for r in revisions
        ],
    }


def _liaison(document: Document) -> dict | None:
    """A liaison statement's own fields; None for any other document (and no query for one that
    is not a TD: _document reads the details with the document)."""
    if document.kind != Document.Kind.TD:
        return None
    liaison = getattr(document, "liaison", None)
    if liaison is None:
        return None
    return {name: getattr(liaison, name) for name in LiaisonDetails.FIELDS}


def _contacts(contacts: list[ContactIn]) -> list[dict[str, str]] | None:
    """The contact rows checked as the pages check them (a 400 naming the field); None when
    none are given, for the services to name the caller."""
    if not contacts:
        return None
    try:
        return clean_contacts(
            (f"Contact {number}", contact.model_dump())
            for number, contact in enumerate(contacts, start=1)
        )
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="contacts") from None


_CONTACT_LIST = TypeAdapter(list[ContactIn])


def _contacts_from_json(text: str) -> list[dict[str, str]] | None:
    """The contacts of a multipart form: a JSON array of contact objects in one field."""
    if not text.strip():
        return None
    try:
        contacts = _CONTACT_LIST.validate_json(text)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = " ".join(
            f"contact {part + 1}" if isinstance(part, int) else str(part) for part in first["loc"]
        )
        raise InvalidInput(
            "Give contacts as a JSON array of objects with name, organization, country, tel "
            f"and email ({where + ': ' if where else ''}{first['msg']}).",
            field="contacts",
        ) from None
    return _contacts(contacts)


@router.get(
    "/meetings/{slug}/documents",
    response=responses(DocumentPage),
    url_name="meeting_documents",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def list_documents(
    request: HttpRequest,
    slug: str = Slug,
    kind: Literal["contribution", "td", "report", "collective_letter"] | None = Query(
        None, alias="type", description="Only documents of this type."
    ),
    question: str | None = Query(
        None, max_length=30, pattern=r"^[A-Za-z0-9/._-]+$", description="e.g. Q2/11"
    ),
    agenda_item: str | None = Query(
        None,
        max_length=20,
        pattern=r"^(none|\d{1,3}(\.\d{1,3}){0,5})$",
        description="An agenda item's number ('2.1'), or 'none' for unallocated documents.",
    ),
    source: str | None = Query(None, max_length=100, description="Part of the source's name."),
    late: bool | None = Query(None, description="true: only documents received late."),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """The meeting's register, by type and number: the same rows and marks as its page, a page
    at a time, in a constant number of queries. A page is built once for every caller and kept
    in the cache; ``readable`` and ``file_url`` follow the access rule for each caller."""
    meeting = _register_meeting(request, slug)
    for name, value in (("question", question), ("source", source)):
        if value and "\x00" in value:  # PostgreSQL cannot hold one in a query's text
            raise InvalidInput("The value holds a NUL character.", field=name)
    key = None
    if register.is_kept(request.GET, _REGISTER_QUERY, _REGISTER_FREE_TEXT):
        base = request.build_absolute_uri("/")
        key = register.cache_key("api", meeting, [request.GET.urlencode(), base])
    page = register.cached(
        key,
        lambda: _register_page(
            request,
            meeting,
            kind=kind,
            question=question,
            agenda_item=agenda_item,
            source=source,
            late=late,
            limit=limit,
            cursor=cursor,
        ),
    )
    return HttpResponse(page.for_reader(request.user, kept_as=key), content_type=JSON)


_register_meeting_read = RowRead(Meeting, "slug")


def _register_meeting(request: HttpRequest, slug: str) -> Meeting:
    """The meeting without its body (read for a draft alone), in the register's every request."""
    meeting, _ = _register_meeting_read(slug)
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise NotFound("No meeting matches that slug.")
    return meeting


def _register_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    kind: str | None,
    question: str | None,
    agenda_item: str | None,
    source: str | None,
    late: bool | None,
    limit: int,
    cursor: str | None,
) -> register.Slotted:
    """One page of the register as JSON text, each item in a slot: as a caller who may read
    its file sees it, and as one who may not."""
    agenda = register.agenda_numbers(meeting)
    documents = Document.objects.filter(meeting=meeting).exclude(state__in=DRAFT_STATES)
    if kind:
        documents = documents.filter(kind=kind)
    if question:
        documents = documents.filter(questions__acronym__iexact=question)
    if agenda_item == "none":
        documents = documents.filter(agenda_item__isnull=True)
    elif agenda_item:
        documents = documents.filter(
            agenda_item_id__in=[pk for pk, number in agenda.items() if number == agenda_item]
        )
    if source:
        documents = documents.filter(source__icontains=source)
    if late is not None:
        documents = documents.filter(late=late)
    # The page is found on narrow rows (sorting the whole register's joined rows cost more than
    # all the rest), then its documents are read in full by primary key.
    page, next_url = paginate(
        request,
        documents.annotate(sort_number=Coalesce("number", 0)).only("pk", "kind", "number"),
        ordering=_BY_NUMBER,
        limit=limit,
        cursor=cursor,
    )
    full = (
        Document.objects.select_related(
            "study_group", "study_period", "meeting", "current_revision"
        )
        .prefetch_related(
            Prefetch("questions", queryset=Body.objects.only("pk", "acronym")),
            Prefetch(
                "revisions",
                queryset=Revision.objects.only("pk", "document_id", "number", "language"),
            ),
        )
        .in_bulk([d.pk for d in page])
    )
    slots = []
    for d in page:
        if d.pk in full:
            item = _summary(request, full[d.pk], readable=True, agenda=agenda)
            unreadable = {**item, "readable": False, "file_url": None}
            slots.append((d.pk, _item_json(item), _item_json(unreadable)))
    end = "], " + json.dumps({"next": next_url}, cls=NinjaJSONEncoder)[1:]
    if not slots:
        return register.Slotted(parts=['{"items": [' + end], slots=[])
    return register.Slotted(parts=['{"items": [', *[", "] * (len(slots) - 1), end], slots=slots)


def _item_json(item: dict) -> str:
    """An item as the API writes it: checked against its schema, then encoded as ninja does."""
    return json.dumps(DocumentSummary.model_validate(item).model_dump(), cls=NinjaJSONEncoder)


@router.get(
    "/documents/{code}",
    response=responses(DocumentDetail),
    url_name="document",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_document(request: HttpRequest, code: str = Code):
    """One document's metadata (public) and, for those who may read it, its revisions."""
    return _detail(request, _document(request, code))


@router.get(
    "/documents/{code}/file",
    response=ERRORS,
    url_name="document_file",
    openapi_extra={
        **ANONYMOUS_ALLOWED,
        "responses": {
            "200": {
                "description": "The file (.docx or .pdf), streamed; send Range to resume.",
                "content": _FILE_CONTENT,
            },
            "206": {"description": "The byte range asked for.", "content": _FILE_CONTENT},
            "416": {"description": "The range starts past the end of the file."},
        },
    },
)
def get_document_file(
    request: HttpRequest,
    code: str = Code,
    revision: int | None = Query(
        None, ge=0, le=999, description="A revision number; the latest by default."
    ),
    language: Literal["A", "C", "E", "F", "R", "S"] | None = Query(
        None, description="A language version; English first by default."
    ),
):
    """The file, for those the access rule lets read it: the same download as the page's."""
    document = _document(request, code)
    if not permissions.can_read_document_file(request.user, document):
        if not request.user.is_authenticated:
            raise NotAuthenticated("This file is for people with member-only access; sign in.")
        raise Forbidden("This file is for people with member-only access.", code="member_only")
    number = revision
    if number is None:
        if document.current_revision is None:
            raise NotFound("No file has been uploaded yet.", code="no_file")
        number = document.current_revision.number
    candidates = document.revisions.filter(number=number)
    if language:
        candidates = candidates.filter(language=language)
    chosen = sorted(candidates, key=lambda r: (r.language != "E", r.language))
    if not chosen:
        raise NotFound("No such revision or language of this document.", code="no_file")
    found = chosen[0]
    found.document = document
    return files.file_response(
        request,
        storage_name=found.storage_name,
        size=found.size,
        content_type=found.content_type,
        filename=found.download_name,
        etag=found.sha256,
    )


@router.get(
    "/search",
    response=responses(SearchPage),
    url_name="search",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def search_documents(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200, description='Words, or a "phrase".'),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """Ranked full-text search over titles, abstracts and (where the caller may read them) files,
    with highlighted snippets: the search page's results."""
    offset = decode_cursor(_SEARCH, cursor)[0] if cursor else 0
    if offset > MAX_SEARCH_OFFSET:
        raise InvalidInput(
            "Search results go no deeper; refine the words.", code="invalid_cursor", field="cursor"
        )
    results = search.search_documents(request.user, q)
    hits = results[offset : offset + limit]
    next_url = None
    if results.goes_past(offset + limit):
        params = request.GET.copy()
        params["cursor"] = encode_cursor(_SEARCH, [offset + limit])
        params["limit"] = str(limit)
        query = urlencode(sorted(params.lists()), doseq=True)
        next_url = request.build_absolute_uri(f"{request.path}?{query}")
    items = []
    for hit in hits:
        code = hit.document.file_code
        items.append(
            {
                "code": code,
                "number": hit.document.display_number,
                "title": hit.document.title,
                "source": hit.document.source,
                "meeting": hit.document.meeting.slug if hit.document.meeting else None,
                "snippet_html": str(hit.snippet),
                "from_file": hit.from_file,
                "api_url": request.build_absolute_uri(
                    reverse("api-v1:document", kwargs={"code": code})
                ),
            }
        )
    return {"items": items, "next": next_url}


def _work_item_ids(meeting: Meeting, acronyms: list[str]) -> list[int]:
    """The study group's work items by acronym; an unknown one is a 400 naming it."""
    if any("\x00" in acronym for acronym in acronyms):
        raise InvalidInput("The value holds a NUL character.", field="work_items")
    if not acronyms:
        return []
    wanted = Q()
    for acronym in acronyms:
        wanted |= Q(acronym__iexact=acronym)
    items = WorkItem.objects.filter(wanted, study_group=meeting.body.study_group).values_list(
        "acronym", "pk"
    )
    found = {acronym.lower(): pk for acronym, pk in items}
    unknown = [a for a in acronyms if a.lower() not in found]
    if unknown:
        raise InvalidInput(f"Unknown work item(s): {', '.join(unknown)}.", field="work_items")
    return [found[a.lower()] for a in acronyms]


@router.post(
    "/meetings/{slug}/contributions",
    response={201: DocumentDetail, **ERRORS, 409: Error},
    url_name="meeting_contributions",
    auth=MEMBERS,
)
def reserve_contribution(request: HttpRequest, payload: ContributionIn, slug: str = Slug):
    """Register a contribution and get its number at once (state: reserved, not yet uploaded),
    as the page does, for people with member-only access."""
    meeting = visible_meeting(request, slug)
    refusal = permissions.may_contribute(request.user, meeting)
    if refusal:
        raise Forbidden(refusal, code="may_not_contribute")
    if any(not _QUESTION_RE.match(q) for q in payload.questions):
        raise InvalidInput("A Question is named by its acronym, e.g. Q2/11.", field="questions")
    found = {
        b.acronym.lower(): b.pk
        for b in Body.objects.filter(kind=Body.Kind.QUESTION, acronym__in=payload.questions)
    }
    unknown = [q for q in payload.questions if q.lower() not in found]
    if unknown:
        raise InvalidInput(f"Unknown Question(s): {', '.join(unknown)}.", field="questions")
    organization = request.user.organization
    source = payload.source if payload.source is not None else ""
    if not source.strip() and organization is not None:
        source = organization.name
    form = ContributionForm(
        {
            "title": payload.title,
            "source": source,
            "questions": [found[q.lower()] for q in payload.questions],
            "abstract": payload.abstract,
            "work_items": _work_item_ids(meeting, payload.work_items),
        },
        meeting=meeting,
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(" ".join(errors), field=None if field == NON_FIELD_ERRORS else field)
    contacts = _contacts(payload.contacts)
    try:
        document = services.contribution_register(
            meeting=meeting,
            actor=request.user,
            title=form.cleaned_data["title"],
            source=form.cleaned_data["source"],
            questions=form.cleaned_data["questions"],
            abstract=form.cleaned_data["abstract"],
            contacts=contacts,
            work_items=form.cleaned_data.get("work_items", []),
        )
    except services.DocumentRefused as exc:
        raise Conflict(str(exc), code="refused") from None
    return Status(201, _detail(request, document))


@router.post(
    "/documents/{code}/upload",
    response={201: DocumentDetail, **ERRORS, 409: Error, 413: Error, 422: Error},
    url_name="document_upload",
    auth=MEMBERS,
)
def upload_document(
    request: HttpRequest,
    code: str = Code,
    file: UploadedFile = UploadField,
    language: Literal["A", "C", "E", "F", "R", "S"] = Form(
        "E", description="The language of this file."
    ),
):
    """Upload a contribution's file, or its next revision: its cover page must match the
    registration; refused files are 422 with the reason."""
    document = _document(request, code)
    refusal = permissions.change_refusal(request.user, document)
    if refusal:
        raise Forbidden(refusal)
    if file.size is not None and file.size > files.upload_max_bytes():
        raise TooLarge(files.too_large_message())
    try:
        services.revision_upload(
            document=document,
            actor=request.user,
            fileobj=file,
            filename=file.name or "upload",
            language=language,
        )
    except files.UploadRefused as exc:
        raise FileRefused(str(exc), field="file") from None
    except services.DocumentRefused as exc:
        raise Conflict(str(exc), code="refused") from None
    document.refresh_from_db()
    return Status(201, _detail(request, _document(request, document.file_code)))


_QUESTION_RE = re.compile(r"^[A-Za-z0-9/._-]{1,30}$")
TdFile = File(..., description="The draft TD, .docx or .pdf.")
TdQuestions = Form(
    [], max_length=20, description="Acronyms of the Questions, e.g. Q2/11 (repeat the field)."
)
LsDeadline = Form(None, description="An LS for action: the reply's deadline (required then).")
TdContacts = Form(
    "",
    max_length=20000,
    description="The cover page's contact rows, as a JSON array of objects (at most 10): "
    '[{"name": "...", "organization": "...", "country": "...", "tel": "...", "email": "..."}], '
    "only the name required; empty: the caller's own contact.",
)


@router.post(
    "/meetings/{slug}/tds",
    response={201: DocumentDetail, **ERRORS, 413: Error, 422: Error},
    url_name="meeting_tds",
    auth=MEMBERS,
)
def submit_td(
    request: HttpRequest,
    slug: str = Slug,
    file: UploadedFile = TdFile,
    title: str = Form(
        ..., min_length=1, max_length=500, description="An LS starts with LS/i or LS/o."
    ),
    source: str = Form(..., min_length=1, max_length=500, description="e.g. 'Chairman, WP1/11'."),
    level: str = Form(
        "PLEN", max_length=6, pattern=r"^[A-Za-z0-9 ]{1,6}$", description="PLEN, GEN or WPn."
    ),
    purpose: Literal["Discussion", "Information", "Decision", "Agreement", "Admin"] = Form(
        ..., description="As on the cover page."
    ),
    questions: list[str] = TdQuestions,
    keywords: str = Form("", max_length=300),
    abstract: str = Form("", max_length=10000),
    ls_for_action: str = Form("", max_length=1000, description="An LS: for action to whom."),
    ls_for_comment: str = Form("", max_length=1000),
    ls_for_information: str = Form("", max_length=1000),
    ls_approval: Literal["", "study_group", "working_party", "rapporteur_group"] = Form(
        "", description="An LS: who approved it."
    ),
    ls_deadline: dt.date | None = LsDeadline,
    contacts: str = TdContacts,
):
    """Submit a draft TD, its file and cover data, to the secretariat's queue, as the meeting's
    'Submit a TD' page does (chairs, rapporteurs, editors and the secretariat). It stays
    unnumbered (state submitted, code ...-DRAFT-id) until the secretariat posts it; refused
    files are 422 with the reason, files past the limit 413."""
    meeting = visible_meeting(request, slug)
    if not permissions.can_submit_td(request.user, meeting):
        raise Forbidden(
            "Chairs, rapporteurs, editors and the secretariat submit draft TDs.",
            code="may_not_submit_td",
        )
    if file.size is not None and file.size > files.upload_max_bytes():
        raise TooLarge(files.too_large_message())
    if any(not _QUESTION_RE.match(q) for q in questions):
        raise InvalidInput("A Question is named by its acronym, e.g. Q2/11.", field="questions")
    found = {
        b.acronym.lower(): b.pk
        for b in Body.objects.filter(kind=Body.Kind.QUESTION, acronym__in=questions)
    }
    unknown = [q for q in questions if q.lower() not in found]
    if unknown:
        raise InvalidInput(f"Unknown Question(s): {', '.join(unknown)}.", field="questions")
    form = TdForm(
        {
            "title": title,
            "source": source,
            "level": level,
            "purpose": purpose,
            "questions": [found[q.lower()] for q in questions],
            "keywords": keywords,
            "abstract": abstract,
            "ls_for_action": ls_for_action,
            "ls_for_comment": ls_for_comment,
            "ls_for_information": ls_for_information,
            "ls_approval": ls_approval,
            "ls_deadline": ls_deadline.isoformat() if ls_deadline else "",
        },
        {"file": file},
        meeting=meeting,
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(" ".join(errors), field=None if field == NON_FIELD_ERRORS else field)
    cover_contacts = _contacts_from_json(contacts)
    data = form.cleaned_data
    try:
        document = services.td_submit(
            meeting=meeting,
            actor=request.user,
            fileobj=data["file"],
            filename=data["file"].name or "upload",
            title=data["title"],
            source=data["source"],
            level=data["level"],
            questions=data["questions"],
            purpose=data["purpose"],
            keywords=data["keywords"],
            abstract=data["abstract"],
            contacts=cover_contacts,
            liaison=form.liaison(),
        )
    except files.UploadRefused as exc:
        raise FileRefused(str(exc), field="file") from None
    except services.DocumentRefused as exc:
        raise InvalidInput(str(exc)) from None
    return Status(201, _detail(request, _document(request, document.file_code)))
