from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from plenary.decisions import approval


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
    timing = models.DateField(null=True, blank=True, help_text="Target month (first day).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)

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
