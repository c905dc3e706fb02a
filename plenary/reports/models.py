"""The report of a meeting: drafted from the meeting's record, edited by the secretariat, published.

While a report is a draft, its facts (participation, documents, interventions, decisions, the
work programme, future meetings) are read afresh from the record each time it is shown; only the
secretariat's own text is stored here. Publishing numbers it (SG11-R<n>), posts the Word file as a
Document of kind report and freezes what was published in `content`, so that later changes to the
record do not rewrite a published report.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class MeetingReport(models.Model):
    """The report of one meeting and the text the secretariat wrote into it."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    meeting = models.OneToOneField(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="report"
    )
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=300, help_text="Who the cover names as the source.")
    introduction = models.TextField(blank=True)
    closing = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_report",
        help_text="The numbered report (SG11-R<n>) with the Word file, once published.",
    )
    content = models.JSONField(
        default=dict, blank=True, help_text="The report exactly as published (empty for a draft)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(document__isnull=False, published_at__isnull=False),
                name="meeting_report_published_has_document",
            ),
        ]

    def __str__(self):
        return f"Report of {self.meeting}"

    def get_absolute_url(self):
        return reverse("reports:page", kwargs={"slug": self.meeting.slug})

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ItemSummary(models.Model):
    """The secretariat's summary of the discussion under one agenda item."""

    report = models.ForeignKey(MeetingReport, on_delete=models.CASCADE, related_name="summaries")
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["report", "agenda_item"]
        verbose_name_plural = "item summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "agenda_item"], name="item_summary_one_per_agenda_item"
            ),
        ]

    def __str__(self):
        return f"Summary of item {self.agenda_item_id} in report {self.report_id}"


class ReportEvent(models.Model):
    """One thing done to a report: append-only history beside its current state."""

    class Type(models.TextChoices):
        DRAFTED = "drafted", "Drafted"
        EDITED = "edited", "Edited"
        PUBLISHED = "published", "Published"

    report = models.ForeignKey(MeetingReport, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=10, choices=Type.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.type} at {self.at:%Y-%m-%d %H:%M}"
