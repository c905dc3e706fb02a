"""What people fill in to register, upload, submit and allocate documents."""

from django import forms
from django.db.models import Q

from plenary.decisions.models import WorkItem
from plenary.documents.models import Document, LiaisonDetails, Revision
from plenary.groups.models import Body
from plenary.meetings.models import LANGUAGES, Meeting


def _language_choices(codes) -> list[tuple[str, str]]:
    return [(code, LANGUAGES[code]) for code in codes]


def _questions_of(meeting: Meeting):
    """Questions of the meeting's study group: directly under it or under one of its WPs."""
    study_group = meeting.body.study_group or meeting.body
    return Body.objects.filter(
        Q(parent=study_group) | Q(parent__parent=study_group), kind=Body.Kind.QUESTION
    ).order_by("number", "acronym")


class ContributionForm(forms.Form):
    """Register a contribution: title, source and Question(s); the number follows at once."""

    title = forms.CharField(max_length=500, help_text="In English, as it will be on the cover.")
    source = forms.CharField(
        max_length=500, help_text="The submitting organization(s), as on the cover."
    )
    questions = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Question(s)",
    )
    work_items = forms.ModelMultipleChoiceField(
        queryset=WorkItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Work item(s) it addresses",
        help_text="The drafts of the work programme this contribution proposes text for.",
    )
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    translations = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Request translation into",
        help_text="Only before the meeting's translation deadline.",
    )

    def __init__(self, *args, meeting: Meeting, translatable: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = _questions_of(meeting)
        if self.fields["questions"].queryset.exists():
            self.fields["questions"].required = True
        open_items = WorkItem.objects.filter(study_group=meeting.body.study_group).exclude(
            status__in=[WorkItem.Status.APPROVED, WorkItem.Status.DISCONTINUED]
        )
        if open_items.exists():
            self.fields["work_items"].queryset = open_items.order_by("acronym")
        else:
            del self.fields["work_items"]
        if translatable:
            self.fields["translations"].choices = _language_choices(translatable)
        else:
            del self.fields["translations"]


class TranslationForm(forms.Form):
    """The languages a contribution is to be translated into."""

    languages = forms.MultipleChoiceField(
        choices=[], widget=forms.CheckboxSelectMultiple, label="Translate into"
    )

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = _language_choices(languages)


class UploadForm(forms.Form):
    """A file for a document, in one of the six languages."""

    file = forms.FileField()
    language = forms.ChoiceField(
        choices=Revision.Language.choices, initial=Revision.Language.ENGLISH
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)


class TdForm(forms.Form):
    """A draft TD: its file and cover data, to the secretariat's queue."""

    file = forms.FileField(help_text=".docx or .pdf")
    level = forms.CharField(max_length=6, initial="PLEN", help_text="PLEN, GEN or WPn (e.g. WP1).")
    title = forms.CharField(max_length=500, help_text="An LS starts with LS/i or LS/o.")
    source = forms.CharField(max_length=500)
    questions = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Question(s)",
    )
    purpose = forms.ChoiceField(
        choices=[(p, p) for p in ("Discussion", "Information", "Decision", "Agreement", "Admin")],
    )
    keywords = forms.CharField(max_length=300, required=False)
    abstract = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    ls_for_action = forms.CharField(label="LS for action to", required=False)
    ls_for_comment = forms.CharField(label="LS for comment to", required=False)
    ls_for_information = forms.CharField(label="LS for information to", required=False)
    ls_approval = forms.ChoiceField(
        label="LS approval", choices=[("", "-"), *LiaisonDetails.Approval.choices], required=False
    )
    ls_deadline = forms.DateField(
        label="LS deadline", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = _questions_of(meeting)

    def clean_level(self) -> str:
        level = self.cleaned_data["level"].strip().upper().replace(" ", "")
        if level not in ("PLEN", "GEN") and not (level.startswith("WP") and level[2:].isdigit()):
            raise forms.ValidationError("Give PLEN, GEN or WPn.")
        return level

    def liaison(self) -> dict | None:
        """The LS fields when the title makes this a liaison statement, else None."""
        data = self.cleaned_data
        title = data["title"].strip().upper()
        if not title.startswith("LS/"):
            return None
        direction = (
            LiaisonDetails.Direction.INCOMING
            if title.startswith("LS/I")
            else LiaisonDetails.Direction.OUTGOING
        )
        return {
            "direction": direction,
            "is_reply": title.split(" ", 1)[0].endswith("/R"),
            "for_action": data["ls_for_action"],
            "for_comment": data["ls_for_comment"],
            "for_information": data["ls_for_information"],
            "approval": data["ls_approval"],
            "deadline": data["ls_deadline"],
        }

    def clean(self):
        data = super().clean()
        is_ls = data.get("title", "").upper().startswith("LS/")
        if is_ls and data.get("ls_for_action") and not data.get("ls_deadline"):
            self.add_error("ls_deadline", "An LS that asks for action gives a deadline.")
        return data


class TdResubmitForm(TdForm):
    """A returned draft TD, corrected: the same cover data, and a new file if it changed."""

    def __init__(self, *args, document: Document, **kwargs):
        liaison = getattr(document, "liaison", None) if document.pk else None
        initial = {
            "level": document.level,
            "title": document.title,
            "source": document.source,
            "questions": list(document.questions.values_list("pk", flat=True)),
            "purpose": document.purpose,
            "keywords": document.keywords,
            "abstract": document.abstract,
        }
        if liaison is not None:
            initial.update(
                ls_for_action=liaison.for_action,
                ls_for_comment=liaison.for_comment,
                ls_for_information=liaison.for_information,
                ls_approval=liaison.approval,
                ls_deadline=liaison.deadline,
            )
        super().__init__(*args, initial=initial, meeting=document.meeting, **kwargs)
        self.fields["file"].required = False
        self.fields["file"].help_text = ".docx or .pdf; leave empty to keep the file you sent."
        purposes = dict(self.fields["purpose"].choices)
        if document.purpose and document.purpose not in purposes:
            self.fields["purpose"].choices = [
                *self.fields["purpose"].choices,
                (document.purpose, document.purpose),
            ]


class ReturnForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class RegisterFilterForm(forms.Form):
    """The register's filters and sort order, from the query string."""

    SORTS = {
        "number": ("kind", "number", "id"),
        "-number": ("kind", "-number", "-id"),
        "title": ("title", "id"),
        "source": ("source", "id"),
        "posted": ("posted_at", "id"),
        "-posted": ("-posted_at", "-id"),
        # The agenda's reading order (2, 2.1, 3), unallocated documents last: register._documents
        # annotates agenda_order from the agenda's numbering.
        "agenda": ("agenda_order", "kind", "number", "id"),
    }

    kind = forms.ChoiceField(
        choices=[("", "All types"), *Document.Kind.choices[:3]], required=False
    )
    question = forms.ModelChoiceField(
        queryset=Body.objects.none(), required=False, empty_label="Any Question"
    )
    agenda_item = forms.IntegerField(required=False)
    source = forms.CharField(required=False, max_length=100)
    late = forms.BooleanField(required=False)
    SORT_LABELS = {
        "number": "Number",
        "-number": "Number, highest first",
        "title": "Title",
        "source": "Source",
        "posted": "Date posted, oldest first",
        "-posted": "Date posted, newest first",
        "agenda": "Agenda item",
    }
    sort = forms.ChoiceField(choices=list(SORT_LABELS.items()), required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = _questions_of(meeting)

    def ordering(self) -> tuple[str, ...]:
        return self.SORTS[self.cleaned_data.get("sort") or "number"]
