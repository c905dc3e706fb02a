"""Pages of the document system: the register, contributions, the TD queue, files and ZIPs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from zipstream import ZIP_STORED, ZipStream

from plenary.core import asgi_files
from plenary.documents import files, permissions, search, services
from plenary.documents import register as register_rows
from plenary.documents.forms import (
    ContributionForm,
    PublicForm,
    ReturnForm,
    TdForm,
    TdResubmitForm,
    TranslationForm,
    UploadForm,
    WithdrawForm,
)
from plenary.documents.models import DETAIL_RELATIONS, Document, Revision, contact_of
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.selectors import agenda_rows, meeting_deadlines

SEARCH_PAGE_SIZE = 20
REFUSALS = (services.DocumentRefused, files.UploadRefused)
DRAFT_STATES = (Document.State.SUBMITTED, Document.State.RETURNED)


def _meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


def _document(request, pk: int) -> Document:
    """A document whose existence the person may know of: drafts only to their submitter and the
    secretariat; everything else (metadata is public) to all."""
    document = get_object_or_404(
        Document.objects.select_related(*DETAIL_RELATIONS),
        pk=pk,
    )
    if document.state in DRAFT_STATES and not permissions.can_edit_document(request.user, document):
        raise Http404("No document matches the given query.")
    return document


def _too_large(request) -> bool:
    """Whether the request body is already past the upload limit (with room for the form)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > files.upload_max_bytes() + 64 * 1024


# The register ----------------------------------------------------------------------------------


@require_safe
def register(request, slug):
    """The meeting's documents with their marks; filters, sorting and pages. The filters and
    table are the same for every reader and kept in the cache; the file links follow the access
    rule for each reader."""
    meeting = _meeting(request, slug)
    context = {
        "meeting": meeting,
        "register": register_rows.register_page(meeting, request.GET, request.user),
        "can_contribute": permissions.can_register_contribution(request.user, meeting),
        "can_submit_td": permissions.can_submit_td(request.user, meeting),
        "can_allocate": permissions.can_allocate_documents(request.user, meeting),
        "can_manage": permissions.can_manage_documents(request.user, meeting),
        # The reader's own drafts, which the register leaves out until they are posted.
        "my_drafts": Document.objects.filter(
            meeting=meeting, submitted_by_id=request.user.pk, state__in=DRAFT_STATES
        ).order_by("-created_at")
        if request.user.is_authenticated
        else [],
    }
    return render(request, "documents/register.html", context)


def _allocation_done(changed: int, removed: int) -> str:
    """What an allocation's save did: how many documents went to an item, how many to none."""
    if not changed:
        return "Nothing changed."
    parts = [f"{changed - removed} document(s) allocated"] if changed > removed else []
    if removed:
        parts.append(f"{removed} no longer allocated")
    return "; ".join(parts) + "."


# The bulk allocation's choice that takes the selected documents' allocation away.
BULK_NONE = "none"


@require_http_methods(["GET", "POST"])
def allocate(request, slug):
    """The chair or the secretariat allocates the meeting's documents to agenda items."""
    meeting = _meeting(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not permissions.can_allocate_documents(request.user, meeting):
        raise PermissionDenied("The meeting's chairs and the secretariat allocate its documents.")
    documents = list(
        Document.objects.filter(meeting=meeting)
        .exclude(state__in=[*DRAFT_STATES, Document.State.WITHDRAWN])
        .select_related("study_group")
        .order_by("kind", "number", "id")
    )
    agenda = [row for row in agenda_rows(meeting.agenda_items.all()) if row.pk]
    selected: set[int] = set()
    if request.method == "POST":
        known = {document.pk: document for document in documents}
        allocations: dict[int, int | None] = {}
        try:
            for key, value in request.POST.items():
                if key.startswith("item-"):
                    pk = int(key.removeprefix("item-"))
                    if pk in known:
                        allocations[pk] = int(value) if value else None
            selected = {int(pk) for pk in request.POST.getlist("selected")} & set(known)
            # The bulk choice: an item, "none" to take their allocation away, or nothing chosen.
            bulk = request.POST.get("bulk_item", "")
            if bulk:
                for pk in selected:
                    allocations[pk] = None if bulk == BULK_NONE else int(bulk)
        except ValueError:
            messages.error(request, "The allocation could not be read.")
        else:
            if selected and not bulk:
                # Nothing is saved: the page comes back as it was sent, for the choice to be made.
                messages.error(
                    request,
                    f"Choose where the {len(selected)} selected document(s) go (an agenda item, "
                    "or not allocated), or untick them.",
                )
                for pk, item_id in allocations.items():
                    known[pk].agenda_item_id = item_id
            else:
                removed = sum(
                    1
                    for pk, item_id in allocations.items()
                    if item_id is None and known[pk].agenda_item_id is not None
                )
                try:
                    changed = services.documents_allocate(
                        meeting=meeting, actor=request.user, allocations=allocations
                    )
                except services.DocumentRefused as exc:
                    messages.error(request, str(exc))
                else:
                    done = _allocation_done(changed, removed)
                    if bulk and not selected:
                        done += " Tick the documents that go to the chosen item."
                    messages.success(request, done)
                    return redirect("documents:allocate", slug=meeting.slug)
    return render(
        request,
        "documents/allocate.html",
        {
            "meeting": meeting,
            "documents": documents,
            "agenda": agenda,
            "selected": selected,
            "bulk_none": BULK_NONE,
        },
    )


@require_safe
def meeting_zip(request, slug):
    """Every posted file of the meeting the person may read, as one ZIP built while it streams."""
    meeting = _meeting(request, slug)
    readable = permissions.documents_with_readable_files(
        request.user,
        Document.objects.filter(meeting=meeting, state=Document.State.POSTED),
    )
    revisions = (
        Revision.objects.filter(document__in=readable)
        .select_related("document__study_group", "document__study_period", "document__meeting")
        .order_by("document__kind", "document__number", "number", "language")
    )
    archive = ZipStream(compress_type=ZIP_STORED, sized=True)
    for revision in revisions:
        archive.add(
            files.read_stored(revision.storage_name, 0, revision.size),
            revision.download_name,
            size=revision.size,
        )
    # Sent by the server from its event loop when it can (plenary/core/asgi_files.py): a ZIP
    # going out at a reader's pace then holds no page thread.
    token = asgi_files.offer_stream(request, iter(archive))
    if token:
        response = HttpResponse(content_type="application/zip")
        response[asgi_files.MARK_HEADER] = token
    else:
        response = StreamingHttpResponse(archive, content_type="application/zip")
    response["Content-Length"] = str(len(archive))
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-documents.zip"'
    return response


@require_safe
def search_page(request):
    """Full-text search over titles, abstracts and, where the person may read them, files."""
    text = request.GET.get("q", "").strip()[:200]
    listed = search.Listed(search.search_documents(request.user, text))
    page = Paginator(listed, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/search.html",
        {
            "q": text,
            "page": page,
            "hits": page.object_list,
            "count": listed.total,
            "more": listed.more,
        },
    )


# One document ----------------------------------------------------------------------------------


def _may_change(request, document: Document) -> None:
    """Refuse, with the rule's reason, a change the person may not make to the document."""
    refusal = permissions.change_refusal(request.user, document)
    if refusal:
        raise PermissionDenied(refusal)


@require_safe
def detail(request, pk):
    """A document's metadata (public), its files (for those who may read them) and history."""
    document = _document(request, pk)
    readable = permissions.can_read_document_file(request.user, document)
    can_edit = permissions.change_refusal(request.user, document) is None
    meeting = document.meeting
    can_manage = meeting is not None and permissions.can_manage_documents(request.user, meeting)
    # The upload section and the translation section both ask the meeting's deadlines.
    deadlines = (
        meeting_deadlines(meeting)
        if meeting is not None and document.kind == Document.Kind.CONTRIBUTION
        else None
    )
    context = {
        "document": document,
        "liaison": getattr(document, "liaison", None),
        "revisions": document.revisions.select_related("document__study_group") if readable else [],
        "readable": readable,
        "can_edit": can_edit and document.state != Document.State.WITHDRAWN,
        "can_manage": can_manage,
        "next_meeting": services.next_meeting_of(meeting)
        if can_manage and document.held_for_next
        else None,
        "can_change_access": document.kind != Document.Kind.COLLECTIVE_LETTER
        and permissions.can_change_document_access(request.user, document),
        "events": document.events.select_related("actor"),
        "upload_form": UploadForm(),
        "questions": document.questions.all(),
        "work_items": document.work_items.order_by("acronym"),
        # The item's number as the agenda shows it (2.1), from the meeting's items.
        "agenda_number": register_rows.agenda_numbers(meeting).get(document.agenda_item_id)
        if meeting is not None and document.agenda_item_id
        else None,
        "contribution_deadline": _passed(deadlines, "contributions"),
        **_translation_context(document, deadlines, can_edit=can_edit, can_manage=can_manage),
    }
    return render(request, "documents/detail.html", context)


def _passed(deadlines: dict | None, key: str):
    """The deadline ``key`` once it has passed (what the upload form warns of), else None."""
    if deadlines is None or not deadlines[key].passed(timezone.now()):
        return None
    return deadlines[key]


def _translation_context(
    document: Document, deadlines: dict | None, *, can_edit: bool, can_manage: bool
) -> dict:
    """What the document page shows of translation: the requests, the deadline, and a form for
    the languages still open to request (to the submitter before the deadline, and to the
    secretariat)."""
    meeting = document.meeting
    if deadlines is None:  # not a contribution to a meeting
        return {"translation_requests": [], "translation_form": None}
    requests = list(document.translation_requests.select_related("requested_by"))
    if not requests and not services.translatable_languages(meeting):
        # A meeting in one language: there is nothing to translate into.
        return {"translation_requests": [], "translation_form": None, "no_translation": True}
    deadline = deadlines["translation"]
    passed = deadline.passed(timezone.now())
    open_languages = [
        code
        for code in services.translatable_languages(meeting, services.original_language(document))
        if code not in {r.language for r in requests}
    ]
    may_request = (
        document.state != Document.State.WITHDRAWN
        and open_languages
        and ((can_edit and not passed) or can_manage)
    )
    return {
        "translation_requests": requests,
        "translation_deadline": deadline,
        "translation_deadline_passed": passed,
        "translation_form": TranslationForm(languages=open_languages) if may_request else None,
    }


@require_safe
def download(request, pk, revision_id):
    """One file, streamed, with ranges; only for those the access rule lets read it."""
    revision = get_object_or_404(
        Revision.objects.select_related(
            "document__study_group", "document__study_period", "document__meeting"
        ),
        pk=revision_id,
        document_id=pk,
    )
    document = revision.document
    if not permissions.can_read_document_file(request.user, document):
        if document.state in DRAFT_STATES:
            raise Http404("No document matches the given query.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("This file is for people with member-only access.")
    return files.file_response(
        request,
        storage_name=revision.storage_name,
        size=revision.size,
        content_type=revision.content_type,
        filename=revision.download_name,
        etag=revision.sha256,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_new(request, slug):
    """Register a contribution and get its number at once."""
    meeting = _meeting(request, slug)
    refusal = permissions.may_contribute(request.user, meeting)
    if refusal:
        raise PermissionDenied(refusal)
    user = request.user
    initial = {
        "source": user.organization.name if user.organization else "",
        "contacts": [contact_of(user)],
    }
    deadlines = meeting_deadlines(meeting)
    deadline = deadlines["translation"]
    translatable = (
        services.translatable_languages(meeting)
        if not deadline.passed(timezone.now()) or permissions.can_manage_documents(user, meeting)
        else []
    )
    form = ContributionForm(
        request.POST or None, meeting=meeting, initial=initial, translatable=translatable
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = services.contribution_register(
                meeting=meeting,
                actor=user,
                title=form.cleaned_data["title"],
                source=form.cleaned_data["source"],
                questions=form.cleaned_data["questions"],
                abstract=form.cleaned_data["abstract"],
                contacts=form.cleaned_data["contacts"],
                translations=form.cleaned_data.get("translations", []),
                work_items=form.cleaned_data.get("work_items", []),
            )
        except services.DocumentRefused as exc:
            form.add_error(None, str(exc))
        else:
            contributions = deadlines["contributions"]
            if contributions.passed(timezone.now()):
                then = (
                    f"The contribution deadline ({contributions.date:%-d %B %Y}) has passed: "
                    "uploaded now, it is marked late and held for the next meeting unless the "
                    "secretariat admits it."
                )
            else:
                then = f"Upload it by the contribution deadline, {contributions.date:%-d %B %Y}."
            messages.success(
                request,
                f"Your contribution is {document.display_number}. Download the template with "
                f"its cover filled in and complete it. {then}",
            )
            return redirect(document)
    return render(
        request,
        "documents/contribution_new.html",
        {"meeting": meeting, "form": form, "translation_deadline": deadline},
    )


@login_required
@require_safe
def contribution_template(request, pk):
    """The official template with this contribution's cover filled in."""
    document = _document(request, pk)
    if document.kind != Document.Kind.CONTRIBUTION:
        raise Http404("Only contributions have a template.")
    _may_change(request, document)
    response = HttpResponse(
        services.contribution_template(document=document), content_type=files.DOCX.content_type
    )
    name = f"{document.file_code}!!MSW-E.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def upload(request, pk):
    """Upload a contribution's file (or its next revision)."""
    document = _document(request, pk)
    _may_change(request, document)
    if _too_large(request):
        messages.error(request, files.too_large_message())
        return redirect(document)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a .docx file to upload.")
        return redirect(document)
    uploaded = form.cleaned_data["file"]
    try:
        revision = services.revision_upload(
            document=document,
            actor=request.user,
            fileobj=uploaded,
            filename=uploaded.name,
            language=form.cleaned_data["language"],
        )
    except REFUSALS as exc:
        messages.error(request, f"The upload was refused. {exc}")
    else:
        label = f"Rev.{revision.number}" if revision.number else "The file"
        # The revision's document is the one the service marked (late, held), as saved.
        if revision.document.held_for_next:
            messages.warning(
                request,
                f"{label} of {document.display_number} is posted, after the contribution "
                "deadline: the contribution is marked late and held for the next meeting unless "
                "the secretariat admits it.",
            )
        else:
            messages.success(request, f"{label} of {document.display_number} is posted.")
    return redirect(document)


@login_required
@require_POST
def withdraw(request, pk):
    """Withdraw a document; its number and history stay."""
    document = _document(request, pk)
    _may_change(request, document)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(document)
    try:
        services.document_withdraw(
            document=document, actor=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{capfirst(document.display_number)} is withdrawn.")
    return redirect(document)


@login_required
@require_POST
def translation_request(request, pk):
    """The submitter (before the translation deadline) or the secretariat requests translation."""
    document = _document(request, pk)
    _may_change(request, document)
    meeting = document.meeting
    languages = (
        services.translatable_languages(meeting, services.original_language(document))
        if meeting is not None
        else []
    )
    form = TranslationForm(request.POST, languages=languages)
    if not form.is_valid():
        messages.error(request, "Choose the languages, among the meeting's, to translate into.")
        return redirect(document)
    try:
        requested = services.translation_request(
            document=document, actor=request.user, languages=form.cleaned_data["languages"]
        )
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(r.get_language_display() for r in requested)
        messages.success(
            request, f"Translation of {document.display_number} into {names} is requested."
        )
    return redirect(document)


def _decide_held(request, pk, *, refusal: str, act) -> HttpResponse:
    """The secretariat's decision on a contribution held for the next meeting (admit it, or carry
    it over): for those who manage the meeting's documents; ``act(document)`` gives the document
    to show next and the confirmation, and a refusal of the service is said on the page."""
    document = _document(request, pk)
    if document.meeting is None or not permissions.can_manage_documents(
        request.user, document.meeting
    ):
        raise PermissionDenied(refusal)
    try:
        shown, confirmation = act(document)
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
        return redirect(document)
    messages.success(request, confirmation)
    return redirect(shown)


@login_required
@require_POST
def admit(request, pk):
    """The secretariat admits a late document to its meeting."""

    def act(document):
        admitted = services.document_admit(document=document, actor=request.user)
        return admitted, f"{admitted.display_number} is admitted to the meeting."

    return _decide_held(request, pk, refusal="The secretariat admits late contributions.", act=act)


@login_required
@require_POST
def carry_over(request, pk):
    """The secretariat carries a contribution held for the next meeting over to it."""

    def act(document):
        moved = services.document_carry_over(document=document, actor=request.user)
        return moved, f"{moved.display_number} is carried over to {moved.meeting.title}."

    return _decide_held(
        request, pk, refusal="The secretariat carries late contributions over.", act=act
    )


@login_required
@require_POST
def access(request, pk):
    """The secretariat makes a document's files public (open to everyone) or members-only."""
    document = _document(request, pk)
    if not permissions.can_change_document_access(request.user, document):
        raise PermissionDenied("The secretariat decides whether a document's files are public.")
    form = PublicForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the file is to be public or members-only.")
        return redirect(document)
    public = form.cleaned_data["access"] == PublicForm.PUBLIC
    number = document.display_number
    try:
        changed = services.document_access_set(document=document, actor=request.user, public=public)
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
        return redirect(document)
    if not changed:
        messages.info(
            request, f"The file of {number} is already {'public' if public else 'members-only'}."
        )
        return redirect(document)
    once = "" if document.state in permissions.PUBLISHED_STATES else " once it is posted"
    if public:
        messages.success(
            request, f"The file of {number} is now public: anyone may download it{once}."
        )
    else:
        messages.success(
            request,
            f"The file of {number} is now members-only: it is for people with member-only "
            "access again.",
        )
    return redirect(document)


# Temporary documents ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def td_new(request, slug):
    """Chairs, rapporteurs, editors and the secretariat submit a draft TD."""
    meeting = _meeting(request, slug)
    if not permissions.can_submit_td(request.user, meeting):
        raise PermissionDenied(
            "Draft TDs are submitted by the study group's chairs, rapporteurs, editors and "
            "secretariat."
        )
    form = TdForm(
        request.POST or None,
        request.FILES or None,
        meeting=meeting,
        initial={"contacts": [contact_of(request.user)]},
    )
    if request.method == "POST" and _too_large(request):
        form.add_error(None, files.too_large_message())
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.td_submit(
                meeting=meeting,
                actor=request.user,
                fileobj=data["file"],
                filename=data["file"].name,
                title=data["title"],
                source=data["source"],
                level=data["level"],
                questions=data["questions"],
                purpose=data["purpose"],
                keywords=data["keywords"],
                abstract=data["abstract"],
                contacts=data["contacts"],
                liaison=form.liaison(),
            )
        except REFUSALS as exc:
            form.add_error("file" if isinstance(exc, files.UploadRefused) else None, str(exc))
        else:
            messages.success(request, "The draft TD is in the secretariat's queue.")
            return redirect(document)
    return render(request, "documents/td_new.html", {"meeting": meeting, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def td_resubmit(request, pk):
    """The submitter (or the secretariat) corrects a returned draft TD and sends it back."""
    document = _document(request, pk)
    _may_change(request, document)
    if document.kind != Document.Kind.TD or document.state != Document.State.RETURNED:
        messages.error(request, "Only a draft TD returned by the secretariat can be resubmitted.")
        return redirect(document)
    form = TdResubmitForm(request.POST or None, request.FILES or None, document=document)
    if request.method == "POST" and _too_large(request):
        form.add_error(None, files.too_large_message())
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        try:
            services.td_resubmit(
                document=document,
                actor=request.user,
                title=data["title"],
                source=data["source"],
                level=data["level"],
                questions=data["questions"],
                purpose=data["purpose"],
                keywords=data["keywords"],
                abstract=data["abstract"],
                # Left empty, the field names the submitter, as when the draft was first sent.
                contacts=data["contacts"] or [contact_of(document.submitted_by)],
                liaison=form.liaison(),
                fileobj=upload or None,
                filename=upload.name if upload else "",
            )
        except REFUSALS as exc:
            form.add_error("file" if isinstance(exc, files.UploadRefused) else None, str(exc))
        else:
            messages.success(request, "The corrected draft is back in the secretariat's queue.")
            return redirect(document)
    return render(request, "documents/td_resubmit.html", {"document": document, "form": form})


@login_required
@require_safe
def td_queue(request, slug):
    """The secretariat's queue of draft TDs for the meeting."""
    meeting = _meeting(request, slug)
    if not permissions.can_manage_documents(request.user, meeting):
        raise PermissionDenied("The TD queue is the secretariat's.")
    drafts = (
        Document.objects.filter(meeting=meeting, kind=Document.Kind.TD)
        .filter(Q(state=Document.State.SUBMITTED) | Q(state=Document.State.RETURNED))
        .select_related("submitted_by", "current_revision", "study_group", "study_period")
        .order_by("state", "created_at")
    )
    return render(
        request,
        "documents/td_queue.html",
        {"meeting": meeting, "drafts": drafts, "return_form": ReturnForm()},
    )


def _queued(request, pk) -> Document:
    document = _document(request, pk)
    if document.meeting is None or not permissions.can_manage_documents(
        request.user, document.meeting
    ):
        raise PermissionDenied("The secretariat posts and returns draft TDs.")
    return document


@login_required
@require_POST
def td_post(request, pk):
    """The secretariat numbers and posts a draft TD."""
    document = _queued(request, pk)
    try:
        document = services.td_post(document=document, actor=request.user)
    except services.DocumentRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Posted as {document.display_number}.")
    return redirect("documents:td_queue", slug=document.meeting.slug)


@login_required
@require_POST
def td_return(request, pk):
    """The secretariat returns a draft TD with a reason."""
    document = _queued(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the draft is returned.")
    else:
        try:
            services.td_return(
                document=document, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.DocumentRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The draft is returned to its submitter.")
    return redirect("documents:td_queue", slug=document.meeting.slug)
