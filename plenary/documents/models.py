"""Contributions, temporary documents, reports and their files, numbers and history.

A liaison statement is a TD (it is numbered in the TD sequence, posted through the same queue and
read under the same rule) with a few extra fields: those live in LiaisonDetails, one-to-one with
its Document, so that the thousands of other documents carry no empty LS columns.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plenary.documents import numbering
from plenary.meetings.models import LANGUAGES as LANGUAGE_NAMES

# What a document's page and its API detail show of it, read with it in one query.
DETAIL_RELATIONS = (
    "study_group",
    "study_period",
    "meeting__body",
    "current_revision",
    "agenda_item",
    "liaison",
)


def contact_of(person) -> dict[str, str]:
    """A person's own contact row, as a cover page's "Contact:" gives it (Document.contacts):
    the one recorded when a document is submitted without contacts. The country is the
    person's, else their organization's."""
    organization = person.organization
    country = person.country or (organization.country if organization else None)
    return {
        "name": person.display_name,
        "organization": organization.name if organization else "",
        "country": country.name if country else "",
        "tel": "",
        "email": person.email,
    }


class DocumentSettings(models.Model):
    """How a study group numbers its documents (one row per study group; defaults without one)."""

    class TdScope(models.TextChoices):
        MEETING = "meeting", "Per meeting"
        STUDY_PERIOD = "study_period", "Per study period"

    study_group = models.OneToOneField(
        "groups.Body",
        on_delete=models.CASCADE,
        related_name="document_settings",
        limit_choices_to={"kind": "study_group"},
    )
    td_scope = models.CharField(
        "TD numbering scope",
        max_length=12,
        choices=TdScope.choices,
        default=TdScope.MEETING,
        help_text="Whether TD numbers start again at each meeting or run over the study period.",
    )

    class Meta:
        verbose_name = "document settings"
        verbose_name_plural = "document settings"

    def __str__(self):
        return f"{self.study_group}: TDs numbered {self.get_td_scope_display().lower()}"


class Document(models.Model):
    """A numbered document of a study group: the envelope its revisions (files) go into."""

    class Kind(models.TextChoices):
        CONTRIBUTION = "contribution", "Contribution"
        TD = "td", "Temporary document"
        REPORT = "report", "Report"
        COLLECTIVE_LETTER = "collective_letter", "Collective letter"

    class State(models.TextChoices):
        RESERVED = "reserved", "Not yet uploaded"
        SUBMITTED = "submitted", "Submitted to the secretariat"
        POSTED = "posted", "Posted"
        RETURNED = "returned", "Returned"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Scope(models.TextChoices):
        STUDY_PERIOD = "study_period", "Study period"
        MEETING = "meeting", "Meeting"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    study_group = models.ForeignKey(
        "groups.Body", on_delete=models.PROTECT, related_name="documents"
    )
    study_period = models.ForeignKey(
        "groups.StudyPeriod", on_delete=models.PROTECT, related_name="documents"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The meeting the document is submitted to (for a TD: the meeting it serves).",
    )
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="Blank until the secretariat numbers a TD."
    )
    number_scope = models.CharField(
        max_length=12,
        choices=Scope.choices,
        default=Scope.STUDY_PERIOD,
        help_text="What the number is unique within (contributions and reports: the study "
        "period; TDs: as the study group is configured).",
    )
    level = models.CharField(max_length=6, blank=True, help_text="A TD's level: PLEN, GEN or WPn.")
    title = models.CharField(max_length=500)
    source = models.CharField(max_length=500, help_text="Who submits it, as the cover says.")
    questions = models.ManyToManyField(
        "groups.Body",
        blank=True,
        related_name="question_documents",
        limit_choices_to={"kind": "question"},
    )
    abstract = models.TextField(blank=True)
    purpose = models.CharField(max_length=100, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    contacts = models.JSONField(
        default=list, blank=True, help_text="Contact rows: name, organization, country, tel, email."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RESERVED)
    late = models.BooleanField(default=False, help_text="Received after the deadline.")
    held_for_next = models.BooleanField(
        "held for the next meeting",
        default=False,
        help_text="A late contribution waits for the next meeting unless the secretariat "
        "admits it.",
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    admitted_at = models.DateTimeField(null=True, blank=True)
    is_public = models.BooleanField(
        default=False, help_text="Open to everyone, not only to people with member-only access."
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    current_revision = models.ForeignKey(
        "documents.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest file (kept here so that a register is one query).",
    )
    return_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["study_group", "study_period", "kind", "number"],
                condition=Q(number__isnull=False, number_scope="study_period"),
                name="document_number_unique_in_study_period",
            ),
            models.UniqueConstraint(
                fields=["study_group", "meeting", "kind", "number"],
                condition=Q(number__isnull=False, number_scope="meeting"),
                name="document_number_unique_in_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(number_scope="meeting") | Q(meeting__isnull=False),
                name="document_meeting_scope_has_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(kind="td")
                | Q(level__in=["", "PLEN", "GEN"])
                | Q(level__startswith="WP"),
                name="document_td_level_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind="contribution") | Q(number__isnull=False),
                name="document_contribution_numbered",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "kind", "number"], name="document_meeting_kind_number"),
            models.Index(fields=["state", "meeting"], name="document_state_meeting"),
            # The few documents whose files are open to everyone (the access rule's open_to_all
            # without the state, which it tests on the rows found): a search by someone who may
            # read only those starts from them rather than from every document's row.
            models.Index(
                fields=["id"],
                condition=Q(is_public=True) | Q(kind="collective_letter"),
                name="document_open_to_all",
            ),
        ]

    def __str__(self):
        return f"{self.display_number}: {self.title}"

    def get_absolute_url(self):
        return reverse("documents:detail", kwargs={"pk": self.pk})

    @property
    def display_number(self) -> str:
        """SG11-C123, SG11-TD53/WP1, SG11-R5, or 'draft TD' before the secretariat numbers it."""
        if self.number is None or self.kind == self.Kind.COLLECTIVE_LETTER:
            return f"draft {self.get_kind_display().lower()}"
        return numbering.document_number(
            self.kind, self.study_group.number, self.number, level=self.level
        )

    @property
    def file_code(self) -> str:
        """T17-SG11-C-0123, or the TD form with the meeting's date; the id before numbering."""
        if self.number is None or self.kind == self.Kind.COLLECTIVE_LETTER:
            return f"{self.study_period.code}-SG{self.study_group.number}-DRAFT-{self.pk}"
        return numbering.file_code(
            self.kind,
            self.study_group.number,
            self.number,
            period=self.study_period.code,
            level=self.level,
            meeting_date=self.meeting.start_date if self.meeting else None,
        )

    @property
    def is_liaison_statement(self) -> bool:
        return self.kind == self.Kind.TD and self.title.upper().startswith("LS/")


class LiaisonDetails(models.Model):
    """What makes a TD a liaison statement: whom it is for and how it was approved."""

    class Direction(models.TextChoices):
        INCOMING = "incoming", "Incoming (LS/i)"
        OUTGOING = "outgoing", "Outgoing (LS/o)"

    class Approval(models.TextChoices):
        STUDY_GROUP = "study_group", "Study group"
        WORKING_PARTY = "working_party", "Working party"
        RAPPORTEUR_GROUP = "rapporteur_group", "Rapporteur group"

    # The fields an LS adds to a TD (what a resubmission compares, what the API shows).
    FIELDS = (
        "direction",
        "is_reply",
        "for_action",
        "for_comment",
        "for_information",
        "approval",
        "deadline",
    )

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="liaison")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    is_reply = models.BooleanField(default=False, help_text="A reply (/r) to an earlier LS.")
    for_action = models.TextField(blank=True)
    for_comment = models.TextField(blank=True)
    for_information = models.TextField(blank=True)
    approval = models.CharField(max_length=20, choices=Approval.choices, blank=True)
    deadline = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "liaison statement details"
        verbose_name_plural = "liaison statement details"
        constraints = [
            models.CheckConstraint(
                condition=Q(for_action="") | Q(deadline__isnull=False),
                name="liaison_action_has_deadline",
            ),
        ]

    def __str__(self):
        return f"LS details of {self.document_id}"


class Revision(models.Model):
    """One uploaded file of a document: revision 0 is the original, then Rev.1, Rev.2."""

    class Language(models.TextChoices):
        ARABIC = "A", "Arabic"
        CHINESE = "C", "Chinese"
        ENGLISH = "E", "English"
        FRENCH = "F", "French"
        RUSSIAN = "R", "Russian"
        SPANISH = "S", "Spanish"

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=1, choices=Language.choices, default=Language.ENGLISH)
    storage_name = models.CharField(max_length=300, unique=True)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number", "language"], name="revision_unique_per_document"
            ),
        ]

    def __str__(self):
        return f"{self.document_id} rev {self.number} ({self.language})"

    def get_absolute_url(self):
        return reverse(
            "documents:download", kwargs={"pk": self.document_id, "revision_id": self.pk}
        )

    @property
    def extension(self) -> str:
        return ".pdf" if self.content_type == "application/pdf" else ".docx"

    @property
    def download_name(self) -> str:
        return numbering.download_name(
            self.document.file_code,
            revision=self.number,
            language=self.language,
            extension=self.extension,
        )


# The meeting's language codes (Meeting.languages) and the one-letter codes of file versions.
REVISION_LANGUAGE = {"ar": "A", "zh": "C", "en": "E", "fr": "F", "ru": "R", "es": "S"}


class TranslationRequest(models.Model):
    """A request that a contribution be translated into one of its meeting's languages: made by
    its submitter or the secretariat before the translation deadline (after it, only the
    secretariat records one, and it is marked so)."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="translation_requests"
    )
    language = models.CharField(
        max_length=2, choices=[(code, name) for code, name in LANGUAGE_NAMES.items()]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    after_deadline = models.BooleanField(
        default=False,
        help_text="Recorded by the secretariat after the meeting's translation deadline.",
    )

    class Meta:
        ordering = ["document", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "language"], name="translation_request_once_per_language"
            ),
        ]

    def __str__(self):
        return f"{self.document_id} into {self.language}"

    @property
    def revision_language(self) -> str:
        """The one-letter code the translated file will carry (F for French)."""
        return REVISION_LANGUAGE[self.language]


class DocumentText(models.Model):
    """What search reads of a document: the text extracted from its current file and, on
    PostgreSQL, two stored search vectors kept by plenary.documents.search (the SQLite FTS5 table
    is its own store). The metadata vector (number, title, source, abstract) is what anyone may
    search; the full one adds the file's text, for those who may read the file."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, primary_key=True, related_name="searchable"
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The file the text was extracted from.",
    )
    text = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)
    metadata_vector = SearchVectorField(null=True, editable=False)
    full_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "document text"
        verbose_name_plural = "document texts"

    def __str__(self):
        return f"text of {self.document_id}"


class NumberCounter(models.Model):
    """The last number given in one numbering sequence; locked while the next is taken."""

    study_group = models.ForeignKey("groups.Body", on_delete=models.CASCADE, related_name="+")
    study_period = models.ForeignKey(
        "groups.StudyPeriod", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Document.Kind.choices)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["study_group", "study_period", "kind"],
                condition=Q(meeting__isnull=True),
                name="number_counter_unique_in_study_period",
            ),
            models.UniqueConstraint(
                fields=["study_group", "study_period", "kind", "meeting"],
                condition=Q(meeting__isnull=False),
                name="number_counter_unique_in_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.study_group} {self.kind} {self.study_period}: {self.last}"


class DocumentEvent(models.Model):
    """One thing that happened to a document: append-only history beside its current state."""

    class Type(models.TextChoices):
        RESERVED = "reserved", "Number reserved"
        UPLOADED = "uploaded", "File uploaded"
        SUBMITTED = "submitted", "Draft submitted"
        NUMBERED = "numbered", "Numbered"
        POSTED = "posted", "Posted"
        RETURNED = "returned", "Returned"
        WITHDRAWN = "withdrawn", "Withdrawn"
        MARKED_LATE = "late", "Marked late"
        ADMITTED = "admitted", "Admitted"
        CARRIED_OVER = "carried_over", "Carried over to the next meeting"
        ACCESS = "access", "File access changed"
        ALLOCATED = "allocated", "Allocated to an agenda item"
        RESUBMITTED = "resubmitted", "Corrected draft resubmitted"
        TRANSLATION = "translation", "Translation requested"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=12, choices=Type.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["document", "at", "id"]

    def __str__(self):
        return f"{self.document_id} {self.type} at {self.at:%Y-%m-%d %H:%M}"

    # Events whose detail speaks of the draft's exchange with the secretariat (its files' own
    # names, why it was returned, what was corrected): for those who may read the file.
    DRAFT_EXCHANGE = (Type.SUBMITTED, Type.RESUBMITTED, Type.RETURNED)
    AFTER_DEADLINE = "; after the contribution deadline"

    @classmethod
    def upload_detail(cls, revision: int, language: str, file_name: str, *, late: bool) -> str:
        """An upload's detail, "Rev.1 (E), name.docx[; after the contribution deadline]": the
        one format public_detail reads back."""
        label = f"Rev.{revision}" if revision else "original"
        return f"{label} ({language}), {file_name}" + (cls.AFTER_DEADLINE if late else "")

    def public_detail(self) -> str:
        """The detail as anyone may read it: an upload's revision and language (and whether it
        came after the deadline) without the uploader's file name; nothing of a draft's
        exchange with the secretariat."""
        if self.type in self.DRAFT_EXCHANGE:
            return ""
        if self.type == self.Type.UPLOADED:
            # As upload_detail writes it: the file name is what follows the first ", ".
            late = self.AFTER_DEADLINE if self.detail.endswith(self.AFTER_DEADLINE) else ""
            return self.detail.split(", ", 1)[0] + late
        return self.detail
