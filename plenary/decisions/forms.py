"""Forms for the work programme's filters and the decision pages; services.py holds the rules."""

from django import forms
from django.db.models import Q

from plenary.accounts.models import User
from plenary.decisions import approval
from plenary.decisions.models import Decision, WorkItem
from plenary.documents.models import Document
from plenary.groups.models import Body
from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import agenda_rows


def questions_of(study_group: Body):
    """The Questions of a study group, whether they sit under it or under one of its WPs."""
    return Body.objects.filter(kind=Body.Kind.QUESTION).filter(
        Q(parent=study_group) | Q(parent__parent=study_group)
    )


class WorkProgrammeFilterForm(forms.Form):
    question = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        to_field_name="acronym",
        required=False,
        empty_label="All Questions",
        error_messages={"invalid_choice": "That is not a Question of this study group."},
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *WorkItem.Status.choices],
        required=False,
        error_messages={"invalid_choice": "Unknown status."},
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any meeting",
        error_messages={"invalid_choice": "That is not a meeting of this study group."},
    )

    candidates = forms.BooleanField(required=False, label="Only candidates for discontinuation")

    def __init__(self, *args, study_group: Body, meetings, **kwargs):
        """`meetings`: the meetings the viewer may see; those of the study group are offered."""
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = questions_of(study_group).order_by("number")
        self.fields["meeting"].queryset = meetings.filter(
            Q(body=study_group) | Q(body__parent=study_group)
        ).order_by("-start_date")


class _AgendaItemChoice(forms.ModelChoiceField):
    def __init__(self, *args, numbers: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = numbers

    def label_from_instance(self, obj):
        return f"{self.numbers.get(obj.pk, '')} {obj.title}".strip()


class DecisionForm(forms.Form):
    """A decision as the chair announces it: under which item, what, and about which texts."""

    agenda_item = _AgendaItemChoice(
        queryset=AgendaItem.objects.none(),
        numbers={},
        error_messages={"invalid_choice": "That item is not on this meeting's agenda."},
    )
    kind = forms.ChoiceField(choices=Decision.Kind.choices)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={"required": "Write what was decided."},
    )
    work_items = forms.ModelMultipleChoiceField(
        queryset=WorkItem.objects.none(), required=False, label="Work items"
    )
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), required=False, label="Documents"
    )
    approval_meeting = forms.DateField(
        required=False,
        label="Approving study-group meeting (for a determination)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # A new work item agreed, with the justification A.1 asks for.
    acronym = forms.CharField(required=False, max_length=50, label="New work item: acronym")
    title = forms.CharField(required=False, max_length=300, label="New work item: title")
    question = forms.ModelChoiceField(
        queryset=Body.objects.none(), required=False, label="New work item: Question"
    )
    work_item_kind = forms.ChoiceField(
        choices=WorkItem.Kind.choices,
        required=False,
        initial=WorkItem.Kind.NEW,
        label="New work item: kind",
    )
    approval_process = forms.ChoiceField(
        choices=WorkItem.ApprovalProcess.choices,
        required=False,
        initial=WorkItem.ApprovalProcess.AAP,
        label="New work item: approval process",
    )
    base_text = forms.ModelChoiceField(
        queryset=Document.objects.none(), required=False, label="New work item: base text"
    )
    timing = forms.DateField(
        required=False,
        label="New work item: timing (target month)",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    editors = forms.CharField(required=False, max_length=500, label="New work item: editor(s)")
    scope = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    supporting_members = forms.CharField(required=False, max_length=1000)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        items = list(meeting.agenda_items.all())
        agenda_field = self.fields["agenda_item"]
        agenda_field.queryset = meeting.agenda_items.all()
        agenda_field.numbers = {row.pk: row.number for row in agenda_rows(items)}
        study_group = meeting.body.study_group
        self.fields["work_items"].queryset = WorkItem.objects.filter(study_group=study_group)
        self.fields["documents"].queryset = (
            Document.objects.filter(study_group=study_group, meeting=meeting, number__isnull=False)
            .select_related("study_group")
            .order_by("kind", "number")
        )
        self.fields["question"].queryset = questions_of(study_group).order_by("number")
        self.fields["base_text"].queryset = (
            Document.objects.filter(
                study_group=study_group,
                kind__in=[Document.Kind.CONTRIBUTION, Document.Kind.TD],
                number__isnull=False,
            )
            .select_related("study_group")
            .order_by("kind", "number")
        )

    def new_work_item(self):
        """The new work item a valid form agrees, as decision_record takes it; else None."""
        from plenary.decisions.services import NewWorkItem

        data = self.cleaned_data
        if data["kind"] != Decision.Kind.NEW_WORK_ITEM:
            return None
        return NewWorkItem(
            acronym=data["acronym"],
            title=data["title"],
            question=data["question"],
            kind=data["work_item_kind"] or WorkItem.Kind.NEW,
            approval_process=data["approval_process"] or WorkItem.ApprovalProcess.AAP,
            base_text=data["base_text"],
            timing=data["timing"].replace(day=1) if data["timing"] else None,
            editors=data["editors"],
            scope=data["scope"],
            summary=data["summary"],
            supporting_members=data["supporting_members"],
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Decision.Kind.NEW_WORK_ITEM:
            for name in ("acronym", "title"):
                if not data.get(name):
                    self.add_error(name, "A new work item needs an acronym and a title.")
        return data


class CorrectionForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10000,
        error_messages={"required": "Write the corrected decision."},
    )


class ApprovalAdvanceForm(forms.Form):
    """The secretariat's record of what happened to a draft, offering only what may happen next."""

    event = forms.ChoiceField(
        label="What happened",
        error_messages={"invalid_choice": "That step does not follow from where the draft is."},
    )
    on = forms.DateField(label="On", widget=forms.DateInput(attrs={"type": "date"}))
    comments = forms.CharField(
        label="Comments received",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    meeting_date = forms.DateField(
        label="Study-group meeting (when referring a draft to one)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, stage: approval.Stage | None, **kwargs):
        super().__init__(*args, **kwargs)
        events = approval.allowed_events(stage) if stage is not None else []
        self.fields["event"].choices = [(e.value, approval.EVENT_LABELS[e]) for e in events]

    def clean_event(self) -> approval.Event:
        return approval.Event(self.cleaned_data["event"])


def _document_label(document: Document) -> str:
    return f"{document.display_number}: {document.title}"


class _DocumentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _document_label(obj)


class _DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _document_label(obj)


# The statuses a person sets by hand; the others follow the approval process.
SETTABLE_STATUSES = (WorkItem.Status.IN_PROGRESS, WorkItem.Status.DISCONTINUED)


class WorkItemForm(forms.Form):
    """A work item's entry in the work programme, as its editors and the secretariat keep it.

    The approval stages (C, LC, AR ...) move through the approval process, not this form: the
    status here only puts an item under study aside as discontinued, or back."""

    acronym = forms.CharField(max_length=50)
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=WorkItem.Kind.choices)
    question = forms.ModelChoiceField(queryset=Body.objects.none(), required=False)
    approval_process = forms.ChoiceField(choices=WorkItem.ApprovalProcess.choices)
    priority = forms.ChoiceField(choices=WorkItem.Priority.choices)
    timing = forms.DateField(
        required=False,
        label="Timing (target month)",
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    editors = forms.CharField(
        required=False,
        label="Editor(s)",
        help_text="The editors' e-mail addresses, one per line; each must have an account.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    base_text = _DocumentChoice(queryset=Document.objects.none(), required=False)
    latest_text = _DocumentChoice(queryset=Document.objects.none(), required=False)
    texts = _DocumentChoices(
        queryset=Document.objects.none(),
        required=False,
        label="Contributions and TDs on this item",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    status = forms.ChoiceField(
        choices=[(v, label) for v, label in WorkItem.Status.choices if v in SETTABLE_STATUSES]
    )
    note = forms.CharField(required=False, max_length=300, label="Why (kept in the history)")

    def __init__(self, *args, work_item: WorkItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_item = work_item
        study_group = work_item.study_group
        self.fields["question"].queryset = questions_of(study_group).order_by("number")
        documents = (
            Document.objects.filter(
                study_group=study_group,
                kind__in=[Document.Kind.CONTRIBUTION, Document.Kind.TD],
                number__isnull=False,
            )
            .exclude(state=Document.State.WITHDRAWN)
            .select_related("study_group", "meeting")
            .order_by("kind", "-number")
        )
        # The three fields offer the same documents: read and label them once, not once a field
        # (each field still validates a choice against the query).
        options = [(document.pk, _document_label(document)) for document in documents]
        for name in ("base_text", "latest_text", "texts"):
            self.fields[name].queryset = documents
            self.fields[name].choices = (
                options if name == "texts" else [("", self.fields[name].empty_label), *options]
            )
        if work_item.status not in SETTABLE_STATUSES:
            del self.fields["status"]  # in an approval process: it moves there
        if not self.is_bound:
            self.initial = {
                "acronym": work_item.acronym,
                "title": work_item.title,
                "kind": work_item.kind,
                "question": work_item.question_id,
                "approval_process": work_item.approval_process,
                "priority": work_item.priority,
                "timing": work_item.timing,
                "editors": "\n".join(sorted(e.email for e in work_item.editors.all())),
                "base_text": work_item.base_text_id,
                "latest_text": work_item.latest_text_id,
                "texts": [d.pk for d in work_item.texts.all()],
                "status": work_item.status,
            }

    def clean_acronym(self):
        acronym = " ".join(self.cleaned_data["acronym"].split())
        taken = WorkItem.objects.filter(
            study_group=self.work_item.study_group, acronym__iexact=acronym
        ).exclude(pk=self.work_item.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"{self.work_item.study_group.acronym} already has a work item {acronym}."
            )
        return acronym

    def clean_editors(self):
        emails = {line.strip().lower() for line in self.cleaned_data["editors"].split()}
        found = {user.email.lower(): user for user in User.objects.filter(email__in=emails)}
        unknown = sorted(emails - set(found))
        if unknown:
            raise forms.ValidationError(f"No account has the address {', '.join(unknown)}.")
        return list(found.values())

    def changes(self) -> dict:
        """The cleaned fields as work_item_update takes them."""
        data = dict(self.cleaned_data)
        data.pop("note")
        data["texts"] = list(data["texts"])
        return data
