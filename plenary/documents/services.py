"""Every write to documents: numbers, uploads, posting, withdrawal, translation requests,
allocation. History recorded.

A service that stores a file does so before its transaction and deletes the file again if the
transaction fails, so that a refused or failed upload leaves neither a row nor an orphan file.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plenary.accounts.models import User
from plenary.core.tasks import enqueue_on_commit
from plenary.decisions.models import WorkItem
from plenary.documents import files, permissions, tasks
from plenary.documents.coverpage import CoverPage, CoverPageError, read_cover_page
from plenary.documents.models import (
    REVISION_LANGUAGE,
    Document,
    DocumentEvent,
    DocumentSettings,
    LiaisonDetails,
    NumberCounter,
    Revision,
    TranslationRequest,
    contact_of,
)
from plenary.documents.word import filled_contribution
from plenary.groups.models import Body, StudyPeriod
from plenary.meetings.models import LANGUAGES, AgendaItem, Meeting
from plenary.meetings.selectors import deadline_passed, meeting_deadlines, place_and_date

TD_LEVEL_RE = re.compile(r"^(PLEN|GEN|WP\d{1,2})$")


class DocumentRefused(Exception):
    """The action is not possible; the message says why, for the person who tried."""


# Numbering -------------------------------------------------------------------------------------


def study_period_of(meeting: Meeting) -> StudyPeriod:
    """The study period the meeting falls in."""
    period = StudyPeriod.for_year(meeting.start_date.year)
    if period is None:
        raise DocumentRefused(f"No study period covers {meeting.start_date.year}.")
    return period


def study_group_of(meeting: Meeting) -> Body:
    """The study group whose documents the meeting's are."""
    study_group = meeting.body.study_group
    if study_group is None or study_group.number is None:
        raise DocumentRefused(f"{meeting.body} belongs to no numbered study group.")
    return study_group


def td_scope_of(study_group: Body) -> str:
    """Whether the study group numbers its TDs per meeting or over the study period."""
    row = DocumentSettings.objects.filter(study_group=study_group).first()
    return row.td_scope if row else DocumentSettings.TdScope.MEETING


def next_number(
    *, study_group: Body, study_period: StudyPeriod, kind: str, meeting: Meeting | None = None
) -> int:
    """Take the next number of a sequence; must run inside the caller's transaction.

    The sequence's counter row is locked (SELECT ... FOR UPDATE) until the caller commits, so two
    reservations at once queue on it and never share a number; the documents' unique constraints
    are the last guard. A new counter starts after the highest number already given.
    """
    scope = {"study_group": study_group, "study_period": study_period, "kind": kind}
    existing = Document.objects.filter(**scope)
    if meeting is not None:
        existing = existing.filter(meeting=meeting, number_scope=Document.Scope.MEETING)
    else:
        existing = existing.filter(number_scope=Document.Scope.STUDY_PERIOD)
    counter, _ = NumberCounter.objects.get_or_create(
        **scope,
        meeting=meeting,
        defaults={"last": existing.aggregate(top=Max("number"))["top"] or 0},
    )
    counter = NumberCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _record(document: Document, type_: str, actor: User, detail: str = "") -> DocumentEvent:
    return DocumentEvent.objects.create(document=document, type=type_, actor=actor, detail=detail)


def _queue_indexing(document: Document) -> None:
    """Index the document for search (extracting its file's text) once the transaction commits."""
    enqueue_on_commit(tasks.index_document, document.pk)


def revision_create(
    *,
    document: Document,
    stored: files.StoredFile,
    by: User,
    number: int = 0,
    language: str = Revision.Language.ENGLISH,
) -> Revision:
    """A revision of the document holding a file stored by files.store_upload."""
    return Revision.objects.create(
        document=document,
        number=number,
        language=language,
        storage_name=stored.storage_name,
        original_name=stored.original_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        uploaded_by=by,
    )


# Contributions ---------------------------------------------------------------------------------


@transaction.atomic
def contribution_register(
    *,
    meeting: Meeting,
    actor: User,
    title: str,
    source: str,
    questions: Iterable[Body] = (),
    abstract: str = "",
    contacts: Sequence[Mapping[str, str]] | None = None,
    translations: Iterable[str] = (),
    work_items: Iterable[WorkItem] = (),
) -> Document:
    """Register a contribution to a meeting and give it its number at once (not yet uploaded);
    ``translations`` (meeting language codes) requests its translation at the same time, under
    the rules of translation_request (a refusal there registers nothing). ``work_items`` are
    the drafts of the study group's work programme it addresses (they count it as activity)."""
    title, source = title.strip(), source.strip()
    if not title or not source:
        raise DocumentRefused("A contribution needs a title and a source.")
    study_group = study_group_of(meeting)
    work_items = list(work_items)
    foreign = [item.acronym for item in work_items if item.study_group_id != study_group.pk]
    if foreign:
        raise DocumentRefused(
            f"Not a work item of {study_group.acronym}: {', '.join(sorted(foreign))}."
        )
    study_period = study_period_of(meeting)
    number = next_number(
        study_group=study_group, study_period=study_period, kind=Document.Kind.CONTRIBUTION
    )
    document = Document.objects.create(
        kind=Document.Kind.CONTRIBUTION,
        study_group=study_group,
        study_period=study_period,
        meeting=meeting,
        number=number,
        number_scope=Document.Scope.STUDY_PERIOD,
        title=title,
        source=source,
        abstract=abstract.strip(),
        contacts=list(contacts) if contacts is not None else [contact_of(actor)],
        state=Document.State.RESERVED,
        submitted_by=actor,
    )
    document.questions.set(questions)
    document.work_items.set(work_items)
    _record(document, DocumentEvent.Type.RESERVED, actor, document.display_number)
    translations = list(translations)
    if translations:
        translation_request(document=document, actor=actor, languages=translations)
    _queue_indexing(document)
    return document


def contribution_template(*, document: Document) -> bytes:
    """The official contribution template with this contribution's cover filled in."""
    meeting = document.meeting
    return filled_contribution(
        {
            "number": document.display_number,
            "study_group": str(document.study_group.number),
            "study_period": str(document.study_period),
            "questions": [q.acronym.removeprefix("Q") for q in document.questions.all()],
            "place_and_date": place_and_date(meeting) if meeting is not None else "",
            "source": document.source,
            "title": document.title,
            "contacts": document.contacts,
            "abstract": document.abstract,
        }
    )


def _normalized(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u2019", "'")).strip().rstrip(".").casefold()


def cover_mismatches(cover: CoverPage, document: Document) -> list[str]:
    """What the uploaded cover page says differently from the registered contribution."""
    problems = []
    number = document.display_number
    if not cover.number:
        problems.append(f"The cover page gives no document number; write {number} in it.")
    elif _normalized(cover.number) != _normalized(number):
        problems.append(
            f"The cover page gives the number {cover.number}; this contribution is {number}."
        )
    if _normalized(cover.title) != _normalized(document.title):
        problems.append(
            f"The cover page's title is \u201c{cover.title or ''}\u201d; the registered title is "
            f"\u201c{document.title}\u201d."
        )
    if _normalized(cover.source) != _normalized(document.source):
        problems.append(
            f"The cover page's source is \u201c{cover.source or ''}\u201d; the registered source "
            f"is \u201c{document.source}\u201d."
        )
    return problems


def _check_cover(fileobj: IO[bytes], document: Document) -> None:
    fileobj.seek(0)
    try:
        cover = read_cover_page(fileobj)
    except CoverPageError as exc:
        raise DocumentRefused(f"The cover page cannot be read: {exc}.") from None
    finally:
        fileobj.seek(0)
    problems = cover_mismatches(cover, document)
    if problems:
        raise DocumentRefused(" ".join(problems))


def _revision_slot(document: Document, language: str) -> int:
    """The revision number an upload in ``language`` takes: a new revision, or a language version
    of the latest one when that language is still missing from it."""
    latest = document.revisions.aggregate(top=Max("number"))["top"]
    if latest is None:
        return 0
    if document.revisions.filter(number=latest, language=language).exists():
        return latest + 1
    return latest


def revision_upload(
    *,
    document: Document,
    actor: User,
    fileobj: IO[bytes],
    filename: str,
    language: str = Revision.Language.ENGLISH,
    now: dt.datetime | None = None,
) -> Revision:
    """Upload a contribution's file (the original, then Rev.1, Rev.2) after checking its cover.

    Refused (DocumentRefused or files.UploadRefused) when the file is not a clean .docx, or when
    its cover page's number, title or source differ from the registration. After the meeting's
    contribution deadline the contribution is marked late and held for the next meeting unless
    the secretariat has admitted it.
    """
    if document.kind != Document.Kind.CONTRIBUTION:
        raise DocumentRefused("Only contributions are uploaded this way; TDs go to the queue.")
    if document.state == Document.State.WITHDRAWN:
        raise DocumentRefused(f"{document.display_number} was withdrawn.")
    files.check_content(fileobj, filename=filename, allowed=("docx",))
    _check_cover(fileobj, document)
    stored = files.store_upload(fileobj, filename=filename, allowed=("docx",))
    try:
        return _revision_record(
            document=document, actor=actor, stored=stored, language=language, now=now
        )
    except BaseException:
        files.discard_stored(stored)
        raise


@transaction.atomic
def _revision_record(
    *,
    document: Document,
    actor: User,
    stored: files.StoredFile,
    language: str,
    now: dt.datetime | None,
) -> Revision:
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=document.pk)
    )
    if document.state == Document.State.WITHDRAWN:
        raise DocumentRefused(f"{document.display_number} was withdrawn.")
    now = now or timezone.now()
    revision = revision_create(
        document=document,
        stored=stored,
        by=actor,
        number=_revision_slot(document, language),
        language=language,
    )
    fields = ["current_revision", "state"]
    current = document.current_revision
    if current is None or revision.number > current.number or language == Revision.Language.ENGLISH:
        document.current_revision = revision
    # The contribution is received with its first file; that file alone decides whether it is
    # late. A later revision or language version (the secretariat's translation, say) leaves
    # the mark as it is; a revision after the deadline says so in the history.
    received = document.state == Document.State.RESERVED
    after_deadline = document.meeting is not None and deadline_passed(
        document.meeting, "contributions", now
    )
    if received:
        document.state = Document.State.POSTED
        document.posted_at = now
        fields.append("posted_at")
    detail = DocumentEvent.upload_detail(
        revision.number,
        language,
        stored.original_name,
        late=after_deadline and not received and revision.number > 0,
    )
    _record(document, DocumentEvent.Type.UPLOADED, actor, detail)
    if received and after_deadline and document.admitted_by_id is None:
        _record(
            document,
            DocumentEvent.Type.MARKED_LATE,
            actor,
            "after the contribution deadline; held for the next meeting",
        )
        document.late = True
        document.held_for_next = True
        fields += ["late", "held_for_next"]
    document.save(update_fields=fields)
    _queue_indexing(document)
    return revision


@transaction.atomic
def document_withdraw(*, document: Document, actor: User, reason: str = "") -> Document:
    """Withdraw a document: its number stays taken (a visible gap) and its history is kept."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state == Document.State.WITHDRAWN:
        raise DocumentRefused(f"{document.display_number} is already withdrawn.")
    document.state = Document.State.WITHDRAWN
    document.save(update_fields=["state"])
    _record(document, DocumentEvent.Type.WITHDRAWN, actor, reason.strip())
    return document


@transaction.atomic
def document_admit(*, document: Document, actor: User) -> Document:
    """The secretariat admits a late document to its meeting after all."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if not document.held_for_next or document.state == Document.State.WITHDRAWN:
        raise DocumentRefused(
            f"{document.display_number} is not held for the next meeting: nothing to admit."
        )
    document.held_for_next = False
    document.admitted_by = actor
    document.admitted_at = timezone.now()
    document.save(update_fields=["held_for_next", "admitted_by", "admitted_at"])
    _record(document, DocumentEvent.Type.ADMITTED, actor)
    return document


@transaction.atomic
def document_access_set(*, document: Document, actor: User, public: bool) -> bool:
    """Open a document's files to everyone (public) or again to people with member-only access
    alone; returns whether that changed anything. The change is in the document's history,
    which also moves the register's version: kept register pages follow it at once."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.kind == Document.Kind.COLLECTIVE_LETTER:
        raise DocumentRefused("A collective letter is open to everyone whatever its mark.")
    if document.is_public == public:
        return False
    document.is_public = public
    document.save(update_fields=["is_public"])
    _record(
        document,
        DocumentEvent.Type.ACCESS,
        actor,
        "made public" if public else "made members-only",
    )
    return True


def next_meeting_of(meeting: Meeting) -> Meeting | None:
    """The body's next announced meeting after this one that has not ended: where a contribution
    held for the next meeting goes (a draft meeting is not shown to delegates yet)."""
    return (
        Meeting.objects.filter(
            body_id=meeting.body_id,
            start_date__gt=meeting.start_date,
            status__in=[Meeting.Status.ANNOUNCED, Meeting.Status.IN_PROGRESS],
            end_date__gte=timezone.localdate(),
        )
        .select_related("body")
        .order_by("start_date", "pk")
        .first()
    )


@transaction.atomic
def document_carry_over(*, document: Document, actor: User) -> Document:
    """Move a contribution held for the next meeting to the body's next meeting, where it is
    on time: it keeps its number (numbered over the study period), leaves this meeting's agenda
    and register, and its history says where it came from."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=document.pk)
    )
    if (
        document.kind != Document.Kind.CONTRIBUTION
        or not document.held_for_next
        or document.state == Document.State.WITHDRAWN
    ):
        raise DocumentRefused("Only a contribution held for the next meeting is carried over.")
    held_at = document.meeting
    following = next_meeting_of(held_at) if held_at is not None else None
    if following is None:
        raise DocumentRefused(
            f"{held_at.body if held_at else 'Its body'} has no later meeting yet: create it, "
            "then carry the contribution over."
        )
    if study_period_of(following).pk != document.study_period_id:
        raise DocumentRefused(
            f"The next meeting, {following.title}, is in another study period; a contribution "
            "keeps its number only within its own. Register it anew for that meeting."
        )
    document.meeting = following
    document.agenda_item = None
    document.late = False
    document.held_for_next = False
    document.save(update_fields=["meeting", "agenda_item", "late", "held_for_next"])
    _record(
        document,
        DocumentEvent.Type.CARRIED_OVER,
        actor,
        f"held at {held_at.title}; now for {following.title}",
    )
    return document


# Translation ------------------------------------------------------------------------------------


def original_language(document: Document) -> str:
    """The meeting language code of the document's own language: its first file's, else English."""
    first = document.revisions.order_by("number", "pk").values_list("language", flat=True).first()
    by_letter = {letter: code for code, letter in REVISION_LANGUAGE.items()}
    return by_letter.get(first or "E", "en")


def translatable_languages(meeting: Meeting, original: str = "en") -> list[str]:
    """The meeting's languages a document written in ``original`` may be translated into."""
    return [code for code in meeting.languages if code in LANGUAGES and code != original]


def _language_list(codes: Iterable[str]) -> str:
    return ", ".join(LANGUAGES[code] for code in codes)


@transaction.atomic
def translation_request(
    *,
    document: Document,
    actor: User,
    languages: Iterable[str],
    now: dt.datetime | None = None,
) -> list[TranslationRequest]:
    """Request a contribution's translation into some of its meeting's other languages.

    Refused after the meeting's translation deadline (the message gives its date), except to the
    secretariat, whose late requests are recorded and marked so. Languages already requested are
    left as they are; a request that adds none is refused.
    """
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "study_group")
        .get(pk=document.pk)
    )
    if document.kind != Document.Kind.CONTRIBUTION:
        raise DocumentRefused("Translation is requested for contributions only.")
    if document.state == Document.State.WITHDRAWN:
        raise DocumentRefused(f"{document.display_number} was withdrawn.")
    meeting = document.meeting
    if meeting is None:
        raise DocumentRefused(f"{document.display_number} belongs to no meeting.")
    wanted = list(dict.fromkeys(str(code).strip().lower() for code in languages))
    if not wanted:
        raise DocumentRefused("Choose at least one language to translate into.")
    unknown = [code for code in wanted if code not in LANGUAGES]
    if unknown:
        raise DocumentRefused(f"Unknown language code(s): {', '.join(unknown)}.")
    original = original_language(document)
    if original in wanted:
        raise DocumentRefused(f"{document.display_number} is already in {LANGUAGES[original]}.")
    offered = translatable_languages(meeting, original)
    outside = [code for code in wanted if code not in offered]
    if outside:
        raise DocumentRefused(
            f"{_language_list(outside)}: not a language of this meeting (its languages: "
            f"{_language_list(meeting.languages) or 'none'})."
        )
    already = set(document.translation_requests.values_list("language", flat=True))
    new = [code for code in wanted if code not in already]
    if not new:
        raise DocumentRefused(
            f"Translation into {_language_list(wanted)} is already requested for "
            f"{document.display_number}."
        )
    now = now or timezone.now()
    deadline = meeting_deadlines(meeting)["translation"]
    late = deadline.passed(now)
    if late and not permissions.can_manage_documents(actor, meeting):
        raise DocumentRefused(
            "Translation can no longer be requested: the translation deadline of this meeting "
            f"was {deadline.date:%-d %B %Y}. The secretariat can still record a request."
        )
    requests = TranslationRequest.objects.bulk_create(
        TranslationRequest(
            document=document,
            language=code,
            requested_by=actor,
            requested_at=now,
            after_deadline=late,
        )
        for code in new
    )
    detail = _language_list(new)
    if late:
        detail += "; after the translation deadline, recorded by the secretariat"
    _record(document, DocumentEvent.Type.TRANSLATION, actor, detail)
    return requests


# Temporary documents ---------------------------------------------------------------------------


def _td_cover(
    *, title: str, source: str, level: str, purpose: str, keywords: str, abstract: str
) -> dict[str, str]:
    """A draft TD's cover fields, trimmed and checked (level PLEN, GEN or WPn; a title and a
    source)."""
    level = level.strip().upper()
    if not TD_LEVEL_RE.match(level):
        raise DocumentRefused("A TD's level is PLEN, GEN or WPn.")
    if not title.strip() or not source.strip():
        raise DocumentRefused("A TD needs a title and a source.")
    return {
        "title": title.strip(),
        "source": source.strip(),
        "level": level,
        "purpose": purpose.strip(),
        "keywords": keywords.strip(),
        "abstract": abstract.strip(),
    }


def td_submit(
    *,
    meeting: Meeting,
    actor: User,
    fileobj: IO[bytes],
    filename: str,
    title: str,
    source: str,
    level: str,
    questions: Iterable[Body] = (),
    purpose: str = "",
    keywords: str = "",
    abstract: str = "",
    contacts: Sequence[Mapping[str, str]] | None = None,
    liaison: Mapping[str, Any] | None = None,
) -> Document:
    """Submit a draft TD (file and cover data) to the secretariat's queue, unnumbered."""
    fields = _td_cover(
        title=title,
        source=source,
        level=level,
        purpose=purpose,
        keywords=keywords,
        abstract=abstract,
    )
    stored = files.store_upload(fileobj, filename=filename, allowed=("docx", "pdf"))
    try:
        return _td_record(
            meeting=meeting,
            actor=actor,
            stored=stored,
            fields={
                **fields,
                "contacts": list(contacts) if contacts is not None else [contact_of(actor)],
            },
            questions=questions,
            liaison=liaison,
        )
    except BaseException:
        files.discard_stored(stored)
        raise


@transaction.atomic
def _td_record(
    *,
    meeting: Meeting,
    actor: User,
    stored: files.StoredFile,
    fields: dict[str, Any],
    questions: Iterable[Body],
    liaison: Mapping[str, Any] | None,
) -> Document:
    document = Document.objects.create(
        kind=Document.Kind.TD,
        study_group=study_group_of(meeting),
        study_period=study_period_of(meeting),
        meeting=meeting,
        state=Document.State.SUBMITTED,
        submitted_by=actor,
        **fields,
    )
    document.questions.set(questions)
    if liaison:
        LiaisonDetails.objects.create(document=document, **liaison)
    revision = revision_create(document=document, stored=stored, by=actor)
    document.current_revision = revision
    document.save(update_fields=["current_revision"])
    _record(document, DocumentEvent.Type.SUBMITTED, actor, stored.original_name)
    _queue_indexing(document)
    return document


@transaction.atomic
def td_post(*, document: Document, actor: User, now: dt.datetime | None = None) -> Document:
    """Number a draft TD in its study group's scope and post it; flagged if past the TD target."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("meeting")
        .get(pk=document.pk)
    )
    if document.kind != Document.Kind.TD or document.state != Document.State.SUBMITTED:
        raise DocumentRefused("Only a submitted draft TD can be numbered and posted.")
    scope = td_scope_of(document.study_group)
    per_meeting = scope == DocumentSettings.TdScope.MEETING
    document.number = next_number(
        study_group=document.study_group,
        study_period=document.study_period,
        kind=Document.Kind.TD,
        meeting=document.meeting if per_meeting else None,
    )
    document.number_scope = Document.Scope.MEETING if per_meeting else Document.Scope.STUDY_PERIOD
    now = now or timezone.now()
    document.state = Document.State.POSTED
    document.posted_at = now
    fields = ["number", "number_scope", "state", "posted_at"]
    if document.meeting is not None and deadline_passed(document.meeting, "td_posting", now):
        document.late = True
        fields.append("late")
    document.save(update_fields=fields)
    _record(document, DocumentEvent.Type.NUMBERED, actor, document.display_number)
    _record(
        document, DocumentEvent.Type.POSTED, actor, "after the TD target" if document.late else ""
    )
    _queue_indexing(document)
    return document


@transaction.atomic
def td_return(*, document: Document, actor: User, reason: str) -> Document:
    """Return a draft TD to whoever submitted it, with the reason."""
    reason = reason.strip()
    if not reason:
        raise DocumentRefused("Say why the draft is returned.")
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.state != Document.State.SUBMITTED:
        raise DocumentRefused("Only a submitted draft can be returned.")
    document.state = Document.State.RETURNED
    document.return_reason = reason
    document.save(update_fields=["state", "return_reason"])
    event = _record(document, DocumentEvent.Type.RETURNED, actor, reason)
    enqueue_on_commit(tasks.send_draft_returned, event.pk)
    return document


def td_resubmit(
    *,
    document: Document,
    actor: User,
    title: str,
    source: str,
    level: str,
    questions: Iterable[Body] = (),
    purpose: str = "",
    keywords: str = "",
    abstract: str = "",
    contacts: Sequence[Mapping[str, str]] | None = None,
    liaison: Mapping[str, Any] | None = None,
    fileobj: IO[bytes] | None = None,
    filename: str = "",
) -> Document:
    """Send a returned draft TD back to the secretariat's queue, corrected: a new file, new cover
    data, or both. The new file takes the place of the returned one (a draft has no revisions
    until it is posted); the history keeps the return, its reason and what was corrected."""
    fields = _td_cover(
        title=title,
        source=source,
        level=level,
        purpose=purpose,
        keywords=keywords,
        abstract=abstract,
    )
    stored = None
    if fileobj is not None:
        stored = files.store_upload(fileobj, filename=filename, allowed=("docx", "pdf"))
    try:
        return _td_resubmit_record(
            document=document,
            actor=actor,
            stored=stored,
            fields={**fields, **({"contacts": list(contacts)} if contacts is not None else {})},
            questions=list(questions),
            liaison=liaison,
        )
    except BaseException:
        if stored is not None:
            files.discard_stored(stored)
        raise


@transaction.atomic
def _td_resubmit_record(
    *,
    document: Document,
    actor: User,
    stored: files.StoredFile | None,
    fields: dict[str, Any],
    questions: list[Body],
    liaison: Mapping[str, Any] | None,
) -> Document:
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("current_revision")
        .get(pk=document.pk)
    )
    if document.kind != Document.Kind.TD or document.state != Document.State.RETURNED:
        raise DocumentRefused("Only a draft TD returned by the secretariat can be resubmitted.")
    corrected = [name for name, value in fields.items() if getattr(document, name) != value]
    if {q.pk for q in questions} != set(document.questions.values_list("pk", flat=True)):
        corrected.append("questions")
    existing = LiaisonDetails.objects.filter(document=document).first()
    if liaison:
        names = LiaisonDetails.FIELDS
        before = {name: getattr(existing, name) for name in names} if existing else {}
        after = {name: liaison.get(name, before.get(name)) for name in names}
        if before != after:
            corrected.append("liaison details")
    elif existing is not None:
        corrected.append("liaison details")
    if stored is None and not corrected:
        raise DocumentRefused(
            "Nothing was corrected: upload a new file or change the cover data before resubmitting."
        )
    for name in fields:
        setattr(document, name, fields[name])
    if "questions" in corrected:
        document.questions.set(questions)
    if liaison:
        LiaisonDetails.objects.update_or_create(document=document, defaults=dict(liaison))
    elif existing is not None:
        existing.delete()
    detail = [f"corrected {', '.join(corrected)}"] if corrected else []
    if stored is not None:
        replaced = list(document.revisions.all())
        document.revisions.all().delete()
        revision = revision_create(document=document, stored=stored, by=actor)
        document.current_revision = revision
        old_names = ", ".join(r.original_name for r in replaced) or "none"
        detail.append(f"new file {stored.original_name} (replaces {old_names})")
        for old in replaced:
            # The returned file goes only once the new one is committed in its place.
            transaction.on_commit(partial(default_storage.delete, old.storage_name))
    document.state = Document.State.SUBMITTED
    document.return_reason = ""
    document.save(update_fields=[*fields, "state", "return_reason", "current_revision"])
    _record(document, DocumentEvent.Type.RESUBMITTED, actor, "; ".join(detail))
    _queue_indexing(document)
    return document


# Allocation ------------------------------------------------------------------------------------


@transaction.atomic
def documents_allocate(
    *, meeting: Meeting, actor: User, allocations: Mapping[int, int | None]
) -> int:
    """Allocate documents of the meeting to its agenda items (None: unallocated); returns how
    many changed. Documents and items of other meetings are refused."""
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    documents = Document.objects.select_for_update().filter(
        meeting=meeting, pk__in=list(allocations)
    )
    found = {document.pk: document for document in documents}
    if set(allocations) - set(found):
        raise DocumentRefused("Some of those documents are not documents of this meeting.")
    changed = []
    for pk, item_id in allocations.items():
        if item_id is not None and item_id not in items:
            raise DocumentRefused("That agenda item is not an item of this meeting.")
        document = found[pk]
        if document.agenda_item_id != item_id:
            document.agenda_item_id = item_id
            changed.append(document)
    Document.objects.bulk_update(changed, ["agenda_item"])
    DocumentEvent.objects.bulk_create(
        DocumentEvent(
            document=document,
            type=DocumentEvent.Type.ALLOCATED,
            actor=actor,
            detail=items[document.agenda_item_id].title
            if document.agenda_item_id
            else "none (its allocation removed)",
        )
        for document in changed
    )
    return len(changed)
