from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from plenary.decisions import approval
from plenary.documents.models import LiaisonDetails


class WorkItem(models.Model):
    """An item of a study group's work programme, e.g. draft Recommendation Q.SCC."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Under study"
        CONSENTED = "C", "Consented (C)"
        LAST_CALL = "LC", "Last Call (LC)"
        LAST_CALL_JUDGMENT = "LJ", "Last Call judgment (LJ)"
        ADDITIONAL_REVIEW = "AR", "Additional Review (AR)"
        REFERRED = "referred", "Referred to the study-group meeting"
        DETERMINED = "determined", "Determined"
        APPROVED = "approved", "Approved"
        DISCONTINUED = "discontinued", "Discontinued"

    class ApprovalProcess(models.TextChoices):
        AAP = "AAP", "Alternative approval process (AAP)"
        TAP = "TAP", "Traditional approval process (TAP)"
        AGREEMENT = "agreement", "Agreement"

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Kind(models.TextChoices):
        NEW = "new", "Draft new Recommendation"
        REVISED = "revised", "Draft revised Recommendation"
        AMENDMENT = "amendment", "Draft amendment"
        SUPPLEMENT = "supplement", "Draft Supplement"
        TECHNICAL_REPORT = "technical_report", "Technical Report"

    study_group = models.ForeignKey(
        "groups.Body", on_delete=models.PROTECT, related_name="work_items"
    )
    question = models.ForeignKey(
        "groups.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="question_work_items",
    )
    acronym = models.CharField(max_length=50)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEW)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="edited_work_items"
    )
    approval_process = models.CharField(
        max_length=10, choices=ApprovalProcess.choices, default=ApprovalProcess.AAP
    )
    base_text = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The contribution or TD the work started from.",
    )
    latest_text = models.ForeignKey(
        "documents.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest draft text, usually a TD of the last meeting.",
    )
    texts = models.ManyToManyField(
        "documents.Document",
        blank=True,
        related_name="work_items",
        help_text="The contributions and TDs on this work item; an item no contribution "
        "addresses for two meetings is a candidate for discontinuation.",
    )
    timing = models.DateField(null=True, blank=True, help_text="Target month (first day).")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["study_group", "acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["study_group", "acronym"], name="work_item_acronym_unique_per_sg"
            )
        ]

    def __str__(self):
        return f"ITU-T {self.acronym}"

    @property
    def long_title(self) -> str:
        """'Draft new Recommendation ITU-T Q.SCC "..."', as the letter writes it."""
        return f"{self.get_kind_display()} ITU-T {self.acronym} \u201c{self.title}\u201d"


class Decision(models.Model):
    """What a meeting decided under one of its agenda items.

    Never edited: a correction is a new Decision that names the one it corrects, so the record
    shows what was decided, what was corrected, by whom and when.
    """

    class Kind(models.TextChoices):
        CONSENT = "consent", "Consent of a draft Recommendation (AAP)"
        DETERMINATION = "determination", "Determination of a draft Recommendation (TAP)"
        AGREEMENT = "agreement", "Agreement (liaison statement, supplement, other deliverable)"
        NEW_WORK_ITEM = "new_work_item", "New work item agreed"
        REPORT_APPROVAL = "report_approval", "Approval of a report"
        DOCUMENTS_NOTED = "documents_noted", "Documents noted"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    agenda_title = models.CharField(
        max_length=300,
        help_text="The agenda item's title when the decision was recorded (kept if the item is "
        "later removed from the working copy).",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField()
    details = models.JSONField(
        default=dict,
        blank=True,
        help_text="For a new work item: the A.1 justification (scope, summary, supporting "
        "members); for a determination: the date of the approving meeting.",
    )
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="decisions")
    work_items = models.ManyToManyField(WorkItem, blank=True, related_name="decisions")
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The decision this one corrects.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "recorded_at", "id"]
        constraints = [
            # One correction per decision: a second one corrects the correction, so that two
            # people correcting at once cannot fork the record.
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="decision_corrected_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("decisions:meeting_decisions", kwargs={"slug": self.meeting.slug})


class WorkItemEvent(models.Model):
    """One change of a work item, append-only: who, when, and each field's old and new value."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(help_text='Per field, [old, new], e.g. {"status": ["C", "LC"]}.')
    note = models.CharField(max_length=300, blank=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["work_item", "at", "id"]

    def __str__(self):
        return f"{self.work_item} changed at {self.at:%Y-%m-%d %H:%M}"


class ApprovalStep(models.Model):
    """One stage a draft went through in its approval process; the latest is where it stands."""

    PROCESSES = [(p.value, p.value) for p in approval.Process]
    STATES = [(s.value, approval.LABELS[s]) for s in approval.State]

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="approval_steps")
    process = models.CharField(max_length=3, choices=PROCESSES)
    state = models.CharField(max_length=20, choices=STATES)
    event = models.CharField(
        max_length=40, blank=True, help_text="What led here (blank for the start)."
    )
    started = models.DateField()
    due = models.DateField(null=True, blank=True)
    meeting_date = models.DateField(
        null=True, blank=True, help_text="The study-group meeting that is to approve the draft."
    )
    comments = models.TextField("comments received", blank=True)
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["work_item", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due__isnull=True) | Q(due__gte=F("started")),
                name="approval_step_due_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.work_item}: {self.get_state_display()} from {self.started}"

    @property
    def stage(self) -> approval.Stage:
        return approval.Stage(
            approval.Process(self.process),
            approval.State(self.state),
            started=self.started,
            due=self.due,
            meeting=self.meeting_date,
        )


class OutgoingLiaison(models.Model):
    """A liaison statement the meeting sends: drafted, agreed by a decision, then posted as an
    LS/o TD generated from the official template.

    Addressees are kept one per line in the three lists, as the cover page lists them.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        POSTED = "posted", "Posted"

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="outgoing_liaisons"
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_liaisons",
    )
    title = models.CharField(
        max_length=400, help_text='What the LS is on; the cover reads "LS/o on <title>".'
    )
    for_action = models.TextField("for action to", blank=True)
    for_comment = models.TextField("for comment to", blank=True)
    for_information = models.TextField("for information to", blank=True)
    approval = models.CharField(
        max_length=20,
        choices=LiaisonDetails.Approval.choices,
        help_text="The level that approves it (A.1): study group, working party or rapporteur "
        "group.",
    )
    deadline = models.DateField(
        "reply deadline", null=True, blank=True, help_text="Required when action is asked."
    )
    questions = models.ManyToManyField(
        "groups.Body", blank=True, related_name="+", limit_choices_to={"kind": "question"}
    )
    documents = models.ManyToManyField(
        "documents.Document",
        blank=True,
        related_name="attached_to_liaisons",
        help_text="Documents sent with the LS as attachments.",
    )
    replies_to = models.ForeignKey(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaison_replies",
        help_text="The incoming LS this one answers (its title then reads LS/o/r).",
    )
    abstract = models.TextField(blank=True)
    body = models.TextField()
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="Contact rows."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    decision = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_liaison",
        help_text="The agreement that approved it.",
    )
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outgoing_liaison",
        help_text="The LS/o TD it was posted as.",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_action="") | Q(deadline__isnull=False),
                name="outgoing_liaison_action_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(for_action="", for_comment="", for_information=""),
                name="outgoing_liaison_has_addressee",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(decision__isnull=False),
                name="outgoing_liaison_agreed_by_decision",
            ),
            models.CheckConstraint(
                condition=~Q(state="posted") | Q(document__isnull=False),
                name="outgoing_liaison_posted_as_td",
            ),
        ]

    def __str__(self):
        return self.full_title

    def get_absolute_url(self):
        return reverse(
            "decisions:liaison_detail", kwargs={"slug": self.meeting.slug, "pk": self.pk}
        )

    @property
    def prefix(self) -> str:
        """LS/o, or LS/o/r for a reply."""
        return "LS/o/r" if self.replies_to_id else "LS/o"

    @property
    def full_title(self) -> str:
        """The title as the cover and the TD carry it: 'LS/o on ...', a reply naming the LS."""
        title = f"{self.prefix} on {self.title}"
        if self.replies_to_id:
            title += f" (reply to {self.replies_to.display_number})"
        return title

    @staticmethod
    def split(addressees: str) -> list[str]:
        """One addressee per line, blanks dropped."""
        return [line.strip() for line in addressees.splitlines() if line.strip()]


class LiaisonEvent(models.Model):
    """One thing that happened to an outgoing liaison statement: append-only history."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        EDITED = "edited", "Edited"
        AGREED = "agreed", "Agreed"
        POSTED = "posted", "Posted"

    liaison = models.ForeignKey(OutgoingLiaison, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=10, choices=Type.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["liaison", "at", "id"]

    def __str__(self):
        return f"{self.liaison_id} {self.type} at {self.at:%Y-%m-%d %H:%M}"
