from django.conf import settings
from django.db import models


class WorkItem(models.Model):
    """An item of a study group's work programme, e.g. draft Recommendation Q.SCC."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Under study"
        CONSENTED = "C", "Consented (C)"
        LAST_CALL = "LC", "Last Call (LC)"
        LAST_CALL_JUDGMENT = "LJ", "Last Call judgment (LJ)"
        ADDITIONAL_REVIEW = "AR", "Additional Review (AR)"
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
