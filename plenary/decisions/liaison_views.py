"""The pages of a meeting's liaison statements: the list (outgoing and incoming), drafting,
agreement, the generated file and its posting as an LS/o TD."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.decisions import liaisons
from plenary.decisions.models import OutgoingLiaison
from plenary.decisions.permissions import can_record_decision
from plenary.documents.models import LiaisonDetails
from plenary.documents.permissions import can_manage_documents
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.selectors import agenda_rows

ADDRESSEES = "One addressee per line, e.g. ITU-T SG13."


class _Labelled(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_number}: {obj.title}"


class _LabelledMany(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_number}: {obj.title}"


class _AgendaItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        numbers = getattr(self, "numbers", {})
        return f"{numbers.get(obj.pk, '')} {obj.title}".strip()


class LiaisonForm(forms.Form):
    """A draft LS as the meeting words it; liaisons.py holds the rules it must meet."""

    agenda_item = _AgendaItemChoice(
        queryset=None,
        error_messages={"invalid_choice": "That item is not on this meeting's agenda."},
    )
    title = forms.CharField(
        max_length=400,
        label="Title",
        help_text='What the LS is on: the title reads "LS/o on ..." (LS/o/r for a reply).',
    )
    replies_to = _Labelled(
        queryset=None,
        required=False,
        label="Reply to",
        empty_label="Not a reply",
        error_messages={"invalid_choice": "That is not an incoming LS of this study group."},
    )
    for_action = forms.CharField(
        label="For action to",
        required=False,
        max_length=2000,
        help_text=ADDRESSEES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    for_comment = forms.CharField(
        label="For comment to",
        required=False,
        max_length=2000,
        help_text=ADDRESSEES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    for_information = forms.CharField(
        label="For information to",
        required=False,
        max_length=2000,
        help_text=ADDRESSEES,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    approval = forms.ChoiceField(label="Approval level")
    deadline = forms.DateField(
        label="Reply deadline",
        required=False,
        help_text="Required when action is asked.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    questions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Question(s)", widget=forms.CheckboxSelectMultiple
    )
    documents = _LabelledMany(queryset=None, required=False, label="Attachments")
    abstract = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label="Text",
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One paragraph per line.",
        error_messages={"required": "Write the text of the liaison statement."},
    )
    contacts = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Name at least one contact."},
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(meeting.agenda_items.all())
        agenda = self.fields["agenda_item"]
        agenda.queryset = meeting.agenda_items.all()
        agenda.numbers = {row.pk: row.number for row in agenda_rows(items)}
        self.fields["replies_to"].queryset = liaisons.incoming_for_reply(meeting).order_by(
            "-posted_at", "-id"
        )
        levels = liaisons.approval_levels(meeting)
        self.fields["approval"].choices = [
            (level, LiaisonDetails.Approval(level).label) for level in levels
        ]
        self.fields["questions"].queryset = liaisons.questions_of(meeting).order_by("number")
        self.fields["documents"].queryset = liaisons.attachable_documents(meeting).order_by(
            "kind", "number"
        )
        self.fields["contacts"].queryset = liaisons.possible_contacts(meeting)

    def draft(self) -> liaisons.LiaisonDraft:
        data = self.cleaned_data
        return liaisons.LiaisonDraft(
            agenda_item=data["agenda_item"],
            title=data["title"],
            body=data["body"],
            approval=data["approval"],
            for_action=data["for_action"],
            for_comment=data["for_comment"],
            for_information=data["for_information"],
            deadline=data["deadline"],
            abstract=data["abstract"],
            questions=list(data["questions"]),
            documents=list(data["documents"]),
            replies_to=data["replies_to"],
            contacts=list(data["contacts"]),
        )


class AgreeForm(forms.Form):
    text = forms.CharField(
        label="Decision as recorded",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Left blank, the decision names the LS, its addressees and its deadline.",
    )


def _meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


def _drafting_meeting(request, slug: str) -> Meeting:
    """The meeting, if the person may draft its LSs: 404 if they may not see it, else 403."""
    meeting = _meeting(request, slug)
    if not can_record_decision(request.user, meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat draft LSs.")
    return meeting


def _liaison(request, meeting: Meeting, pk: int) -> OutgoingLiaison:
    """An LS of the meeting the person may see (drafts are the chairs' and secretariat's)."""
    return get_object_or_404(liaisons.liaisons_visible_to(request.user, meeting), pk=pk)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_safe
def liaison_list(request, slug):
    """The meeting's outgoing LSs and the study group's incoming ones with reply deadlines."""
    meeting = _meeting(request, slug)
    context = {
        "meeting": meeting,
        "outgoing": liaisons.liaisons_visible_to(request.user, meeting),
        "incoming": liaisons.incoming_liaisons(request.user, meeting),
        "can_draft": can_record_decision(request.user, meeting),
    }
    return render(request, "decisions/liaison_list.html", context)


def _initial(request, meeting: Meeting) -> dict:
    item = meeting.agenda_items.filter(title__icontains="liaison").order_by("position").first()
    contacts = liaisons.possible_contacts(meeting).filter(pk=request.user.pk)
    approval = liaisons.approval_levels(meeting)[0]
    return {"agenda_item": item, "contacts": list(contacts), "approval": approval}


def _edit_page(request, meeting, form, liaison, status):
    context = {"meeting": meeting, "form": form, "liaison": liaison}
    return render(request, "decisions/liaison_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def liaison_new(request, slug):
    """Draft an outgoing LS (the meeting's chairs and the secretariat)."""
    meeting = _drafting_meeting(request, slug)
    form = LiaisonForm(request.POST or None, meeting=meeting, initial=_initial(request, meeting))
    if request.method == "POST":
        if form.is_valid():
            try:
                liaison = liaisons.liaison_draft(
                    meeting=meeting, draft=form.draft(), by=request.user
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"\u201c{liaison.full_title}\u201d is drafted.")
                return redirect(liaison)
        return _edit_page(request, meeting, form, None, 422)
    return _edit_page(request, meeting, form, None, 200)


@require_http_methods(["GET", "POST"])
@login_required
def liaison_edit(request, slug, pk):
    """Change a draft LS; an agreed one is not edited."""
    meeting = _drafting_meeting(request, slug)
    liaison = _liaison(request, meeting, pk)
    if liaison.state != OutgoingLiaison.State.DRAFT:
        messages.error(request, "This LS is agreed already; its agreed text is not changed.")
        return redirect(liaison)
    initial = {
        "agenda_item": liaison.agenda_item,
        "title": liaison.title,
        "replies_to": liaison.replies_to,
        "for_action": liaison.for_action,
        "for_comment": liaison.for_comment,
        "for_information": liaison.for_information,
        "approval": liaison.approval,
        "deadline": liaison.deadline,
        "questions": list(liaison.questions.all()),
        "documents": list(liaison.documents.all()),
        "abstract": liaison.abstract,
        "body": liaison.body,
        "contacts": list(liaison.contacts.all()),
    }
    form = LiaisonForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                liaisons.liaison_update(liaison=liaison, draft=form.draft(), by=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "The draft LS is saved.")
                return redirect(liaison)
        return _edit_page(request, meeting, form, liaison, 422)
    return _edit_page(request, meeting, form, liaison, 200)


def _detail_page(request, meeting, liaison, agree_form=None, status=200):
    can_draft = can_record_decision(request.user, meeting)
    context = {
        "meeting": meeting,
        "liaison": liaison,
        "addressees": list(liaisons.liaison_addressees(liaison)),
        "approval": liaisons.approval_line(liaison),
        "questions": liaison.questions.order_by("number"),
        "documents": liaison.documents.select_related("study_group").order_by("kind", "number"),
        "contacts": liaison.contacts.order_by("name"),
        "events": liaison.events.select_related("by"),
        "can_draft": can_draft,
        "can_post": can_manage_documents(request.user, meeting),
        "agree_form": agree_form or (AgreeForm() if can_draft else None),
    }
    return render(request, "decisions/liaison_detail.html", context, status=status)


@require_safe
def liaison_detail(request, slug, pk):
    """One LS: its cover data, its agreement and its TD; the actions open to the viewer."""
    meeting = _meeting(request, slug)
    return _detail_page(request, meeting, _liaison(request, meeting, pk))


@require_POST
@login_required
def liaison_agree(request, slug, pk):
    """Record the meeting's agreement of the LS as a decision."""
    meeting = _drafting_meeting(request, slug)
    liaison = _liaison(request, meeting, pk)
    form = AgreeForm(request.POST)
    if form.is_valid():
        try:
            liaisons.liaison_agree(liaison=liaison, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "The agreement is recorded.")
            return redirect(liaison)
    liaison.refresh_from_db()
    return _detail_page(request, meeting, liaison, agree_form=form, status=422)


@require_POST
@login_required
def liaison_post(request, slug, pk):
    """The secretariat generates the LS from the official template and posts it as a TD."""
    meeting = _meeting(request, slug)
    if not can_manage_documents(request.user, meeting):
        raise PermissionDenied("Only the secretariat posts TDs.")
    liaison = _liaison(request, meeting, pk)
    try:
        document = liaisons.liaison_post(liaison=liaison, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Posted as {document.display_number}.")
    return redirect(liaison)


@require_safe
@login_required
def liaison_preview(request, slug, pk):
    """The generated Word file, before posting too (the chairs and the secretariat)."""
    meeting = _drafting_meeting(request, slug)
    liaison = _liaison(request, meeting, pk)
    content = liaisons.liaison_preview(liaison=liaison, user=request.user)
    response = HttpResponse(content, content_type=liaisons.DOCX)
    name = f"LS-o-{meeting.slug}-{liaison.pk}.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
