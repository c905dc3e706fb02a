"""What people fill in to register, upload, submit and allocate documents."""

from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
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


def _set_questions(field: forms.ModelMultipleChoiceField, meeting: Meeting) -> bool:
    """Offer the study group's Questions; where it has none on record, say so under the label
    rather than show it bare. Returns whether there are any."""
    field.queryset = _questions_of(meeting)
    if field.queryset.exists():
        return True
    study_group = meeting.body.study_group or meeting.body
    field.help_text = f"{study_group.acronym} has no Questions on record."
    return False


# The parts of a cover page's contact row, in its order, with the words messages use for them.
CONTACT_PARTS = {
    "name": "name",
    "organization": "organization",
    "country": "country",
    "tel": "telephone",
    "email": "e-mail",
}
MAX_CONTACTS = 10
MAX_CONTACT_PART = 200


def clean_contacts(rows: Iterable[tuple[str, Mapping[str, str]]]) -> list[dict[str, str]]:
    """Contact rows, each given with the words that name it to the person ("Line 2"), trimmed
    and checked: a name in each, a valid e-mail where one is given, no part longer than
    MAX_CONTACT_PART characters, none holding a ';' or a line break (the page's separators), at
    most MAX_CONTACTS rows. Raises ValidationError with every
    problem, each naming its row."""
    rows = list(rows)
    if len(rows) > MAX_CONTACTS:
        raise ValidationError(f"Give at most {MAX_CONTACTS} contacts ({len(rows)} are given).")
    contacts, problems = [], []
    for where, row in rows:
        contact = {key: (row.get(key) or "").strip() for key in CONTACT_PARTS}
        if not contact["name"]:
            problems.append(f"{where}: a name is required.")
        for key, word in CONTACT_PARTS.items():
            if "\x00" in contact[key]:
                problems.append(f"{where}: the {word} holds a NUL character.")
            elif ";" in contact[key] or any(c in contact[key] for c in "\r\n"):
                # The page writes a contact on one line, its parts apart by ';'.
                problems.append(f"{where}: the {word} holds a “;” or a line break.")
            elif len(contact[key]) > MAX_CONTACT_PART:
                problems.append(
                    f"{where}: the {word} is longer than {MAX_CONTACT_PART} characters."
                )
        if contact["email"] and len(contact["email"]) <= MAX_CONTACT_PART:
            try:
                validate_email(contact["email"])
            except ValidationError:
                problems.append(f"{where}: \u201c{contact['email']}\u201d is not a valid e-mail.")
        contacts.append(contact)
    if problems:
        raise ValidationError(problems)
    return contacts


def contact_line(contact: Mapping[str, str]) -> str:
    """A contact row as ContactsField reads it back: its parts separated by '; '."""
    return "; ".join(contact.get(key) or "" for key in CONTACT_PARTS)


class ContactsField(forms.Field):
    """The cover page's contact rows typed one a line, 'name; organization; country; tel;
    e-mail'. Cleaned to a list of dicts with those keys, or None when left blank (whoever
    handles the form then names the submitter). An initial value may be such a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Contacts")
        kwargs.setdefault(
            "help_text",
            "One contact per line, its fields separated by \u201c;\u201d in this order: name; "
            "organization; country; tel; e-mail (only the name is required). Leave empty to "
            "name the submitter alone.",
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(contact_line(contact) for contact in value)
        return value

    def to_python(self, value) -> list[dict[str, str]] | None:
        if not value or not str(value).strip():
            return None
        rows, problems = [], []
        for number, line in enumerate(str(value).splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(";")
            if len(parts) > len(CONTACT_PARTS):
                problems.append(
                    f"Line {number}: {len(parts)} fields; give at most {len(CONTACT_PARTS)}, "
                    "separated by \u201c;\u201d: name; organization; country; tel; e-mail."
                )
                continue
            rows.append((f"Line {number}", dict(zip(CONTACT_PARTS, parts, strict=False))))
        try:
            contacts = clean_contacts(rows)
        except ValidationError as exc:
            raise ValidationError([*problems, *exc.messages]) from None
        if problems:
            raise ValidationError(problems)
        return contacts or None


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
    contacts = ContactsField()
    translations = forms.MultipleChoiceField(
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Request translation into",
        help_text="Only before the meeting's translation deadline.",
    )

    def __init__(self, *args, meeting: Meeting, translatable: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if _set_questions(self.fields["questions"], meeting):
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
    """A withdrawal cannot be undone (the number stays taken, a visible gap): it is confirmed."""

    reason = forms.CharField(required=False, max_length=500)
    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm the withdrawal: it cannot be undone."}
    )


class PublicForm(forms.Form):
    """Whether a document's files are open to everyone or to people with member-only access."""

    PUBLIC, MEMBERS_ONLY = "public", "members"

    access = forms.ChoiceField(choices=[(PUBLIC, "Public"), (MEMBERS_ONLY, "Members-only")])


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
    contacts = ContactsField()
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
        _set_questions(self.fields["questions"], meeting)

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
            "contacts": document.contacts,
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
