from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Registration(models.Model):
    """A person's registration for a meeting, and where its approval stands."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CANCELLED = "cancelled", "Cancelled"

    class Mode(models.TextChoices):
        REMOTE = "remote", "Remotely"
        IN_PERSON = "in_person", "In person"

    class DelegationRole(models.TextChoices):
        HEAD = "head", "Head of delegation"
        DEPUTY_HEAD = "deputy_head", "Deputy head of delegation"
        DELEGATE = "delegate", "Delegate"
        ADVISER = "adviser", "Adviser"
        OBSERVER = "observer", "Observer"
        INVITED_EXPERT = "invited_expert", "Invited expert"

    LIVE_STATES = (State.PENDING, State.APPROVED)

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    mode = models.CharField("participation", max_length=10, choices=Mode.choices)
    delegation_role = models.CharField(
        "role in the delegation", max_length=20, choices=DelegationRole.choices
    )
    organization = models.ForeignKey(
        "membership.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        help_text="The organization the person represented when registering; blank for an "
        "invited expert without one.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    late = models.BooleanField(
        default=False, help_text="Registered by the secretariat after the registration deadline."
    )
    approved_automatically = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(state__in=["pending", "approved"]),
                name="registration_one_live_per_person_meeting",
                violation_error_message="This person already has a registration for this meeting.",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "state"], name="registration_meeting_state"),
            models.Index(fields=["organization", "state"], name="registration_org_state"),
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting.slug} ({self.state})"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES


class RegistrationEvent(models.Model):
    """One change of a registration's state: who, when, from what, to what, and why."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the change.",
    )
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(
        max_length=10,
        choices=Registration.State.choices,
        blank=True,
        help_text="Blank on creation.",
    )
    to_state = models.CharField(max_length=10, choices=Registration.State.choices)
    automatic = models.BooleanField(
        default=False, help_text="The change followed a rule (e.g. automatic approval)."
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["registration", "at", "id"]

    def __str__(self):
        return f"{self.registration_id}: {self.from_state or 'new'} -> {self.to_state}"


class AutomaticApprovalChange(models.Model):
    """A switch of an organization's automatic approval on or off, kept as history."""

    organization = models.ForeignKey(
        "membership.Organization", on_delete=models.CASCADE, related_name="+"
    )
    enabled = models.BooleanField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "at", "id"]

    def __str__(self):
        return f"{self.organization}: automatic approval {'on' if self.enabled else 'off'}"
