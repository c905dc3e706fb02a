import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from plenary.core.timezones import validate_time_zone

LANGUAGES = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
}


def validate_languages(value) -> None:
    """A non-empty list of the six official language codes."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Give at least one working language.")
    unknown = [code for code in value if code not in LANGUAGES]
    if unknown:
        raise ValidationError(
            "Unknown language code(s): %(codes)s.", params={"codes": ", ".join(map(str, unknown))}
        )


class Meeting(models.Model):
    """A meeting of a body: what the collective letter announces."""

    class Mode(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        VIRTUAL = "virtual", "Fully virtual"
        HYBRID = "hybrid", "Hybrid (physical with remote participation)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ANNOUNCED = "announced", "Announced"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    slug = models.SlugField(max_length=80, unique=True)
    body = models.ForeignKey("groups.Body", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=300)
    start_date = models.DateField()
    end_date = models.DateField()
    daily_start = models.TimeField(help_text="Local time in the meeting's time zone.")
    daily_end = models.TimeField(help_text="Local time in the meeting's time zone.")
    time_zone = models.CharField(
        max_length=64, default="Europe/Zurich", validators=[validate_time_zone]
    )
    time_zone_label = models.CharField(
        max_length=60, blank=True, help_text="How the letter names the zone, e.g. 'Geneva time'."
    )
    mode = models.CharField(max_length=10, choices=Mode.choices)
    place = models.CharField(max_length=200, blank=True)
    languages = models.JSONField(default=list, validators=[validate_languages])
    interpretation = models.BooleanField(default=False)
    fellowships = models.BooleanField(default=False)
    remote_tool = models.CharField(max_length=100, blank=True)
    remote_link = models.URLField(blank=True)
    letter_reference = models.CharField(
        max_length=100, blank=True, help_text="The collective letter's reference."
    )
    letter_date = models.DateField(null=True, blank=True)
    objective = models.TextField(blank=True)
    drafts = models.ManyToManyField(
        "decisions.WorkItem",
        blank=True,
        related_name="meetings",
        help_text="Draft Recommendations this meeting is to consider for approval.",
    )
    deadline_policy = models.CharField(max_length=50, default="itu-t")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="meeting_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(daily_end__gt=F("daily_start")), name="meeting_hours_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, day: dt.date, time: dt.time) -> dt.datetime:
        """An aware instant from a date and a wall-clock time in the meeting's zone."""
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    @property
    def starts_at(self) -> dt.datetime:
        return self.local(self.start_date, self.daily_start)

    @property
    def ends_at(self) -> dt.datetime:
        return self.local(self.end_date, self.daily_end)

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        """Whether the last session is over (at ``now``, by default the present instant): from
        then on the meeting's registrations and documents are its record."""
        return (now or timezone.now()) >= self.ends_at

    @property
    def local_end_of_first_day(self) -> dt.datetime:
        """When the first day's session ends (the daily hours, not the meeting's last day)."""
        return self.local(self.start_date, self.daily_end)

    @property
    def language_names(self) -> list[str]:
        return [LANGUAGES.get(code, code) for code in self.languages]

    @property
    def is_remote_possible(self) -> bool:
        return self.mode in (self.Mode.VIRTUAL, self.Mode.HYBRID)


class AgendaItem(models.Model):
    """An item of a meeting's agenda; items nest (2, 2.1, 2.2)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "parent_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "parent", "position"], name="agenda_item_position_unique"
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                condition=Q(parent__isnull=True),
                name="agenda_top_item_position_unique",
            ),
        ]

    def __str__(self):
        return self.title


class TimePlanSlot(models.Model):
    """A session of the time plan: a day, hours in the meeting's zone, and what is discussed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField()
    start = models.TimeField()
    end = models.TimeField()
    title = models.CharField(max_length=200, help_text="What is discussed, e.g. 'WP1/11 plenary'.")
    session_key = models.CharField(
        max_length=10, blank=True, help_text="The letter's key, e.g. 'V' for a virtual session."
    )
    room = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["date", "start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_hours_ordered"),
        ]

    def __str__(self):
        return f"{self.date} {self.start:%H:%M}-{self.end:%H:%M} {self.title}"

    @property
    def starts_at(self) -> dt.datetime:
        return self.meeting.local(self.date, self.start)

    @property
    def ends_at(self) -> dt.datetime:
        return self.meeting.local(self.date, self.end)


class DeadlinePolicy(models.Model):
    """A body's deadline rules as data (see deadlines.py for the rule vocabulary)."""

    name = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=200, blank=True)
    rules = models.JSONField(help_text="Per deadline key, how its date and cut-off are derived.")

    class Meta:
        verbose_name_plural = "deadline policies"

    def __str__(self):
        return self.name


class DeadlineOverride(models.Model):
    """The secretariat's change of one deadline of one meeting, with its reason."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="deadline_overrides"
    )
    key = models.CharField(max_length=30)
    date = models.DateField()
    cutoff = models.DateTimeField(help_text="The instant the deadline closes (stored in UTC).")
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "key"], name="deadline_override_unique_key"),
        ]

    def __str__(self):
        return f"{self.meeting.slug} {self.key} -> {self.date}"


class PlanVersion(models.Model):
    """A published version of a meeting's agenda or time plan: number, who, when, and content."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        TIME_PLAN = "time_plan", "Time plan"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="plan_versions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)
    snapshot = models.JSONField(help_text="The items or slots as published.")

    class Meta:
        ordering = ["meeting", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "number"], name="plan_version_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} version {self.number} of {self.meeting.slug}"
