"""The live room of a session: its floor queue, interventions, chat, attendance and events.

The room's state lives here, not in a server process: any process can load it, and a client that
lost its connection fetches it again. RoomEvent rows are numbered per room (seq 1, 2, 3 ...), and
the same numbers travel over the WebSocket so that a client notices a gap.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Room(models.Model):
    """The live room of one session of a meeting's time plan (or of the meeting without one)."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="live_rooms"
    )
    slot = models.OneToOneField(
        "meetings.TimePlanSlot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="live_room",
    )
    current_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queue_closed = models.BooleanField(default=False)
    holds = models.JSONField(
        default=dict,
        blank=True,
        help_text="People not given the floor until a problem is resolved: person id -> reason.",
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(slot__isnull=True), name="live_room_one_unslotted"
            ),
        ]

    def __str__(self):
        return f"Live room of {self.slot or self.meeting}"

    @property
    def group_name(self) -> str:
        """The channel-layer group every connection to this room listens on."""
        return f"live.room.{self.pk}"


class FloorRequest(models.Model):
    """A request for the floor, by a person and possibly on behalf of a delegation."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", "Request for the floor"
        POINT_OF_ORDER = "point_of_order", "Point of order"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SPEAKING = "speaking", "Has the floor"
        DONE = "done", "Spoke"
        WITHDRAWN = "withdrawn", "Withdrawn"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="floor_requests")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegation = models.CharField(
        max_length=200, blank=True, help_text="The country or company spoken for, if any."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    position = models.PositiveIntegerField(default=0)
    requested_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room", "person"],
                condition=Q(status__in=["waiting", "speaking"]),
                name="floor_request_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["room"], condition=Q(status="speaking"), name="floor_one_speaker"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"


class Intervention(models.Model):
    """Someone had the floor: the record the meeting report is written from."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="interventions")
    request = models.OneToOneField(
        FloorRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="intervention"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    affiliation = models.CharField(max_length=300, blank=True)
    delegation = models.CharField(max_length=200, blank=True)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    interrupted = models.BooleanField(default=False)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["room", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["room"], condition=Q(ended_at__isnull=True), name="intervention_one_open"
            ),
        ]

    def __str__(self):
        return f"Intervention #{self.pk} in room {self.room_id}"


class ChatMessage(models.Model):
    """A message to the whole room; the chair hides one rather than deleting it."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="chat_messages")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    affiliation = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField()
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "created_at", "id"]
        indexes = [models.Index(fields=["room", "person", "created_at"], name="chat_by_person")]

    def __str__(self):
        return f"Message #{self.pk} in room {self.room_id}"


class Attendance(models.Model):
    """One connection of a person to a room: when it joined and when it left."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "joined_at", "id"]
        indexes = [models.Index(fields=["room", "left_at"], name="attendance_present")]

    def __str__(self):
        return f"Attendance #{self.pk} in room {self.room_id}"


class RoomEvent(models.Model):
    """What happened in a room, numbered per room; clients apply them in order."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="room_event_seq_unique"),
        ]

    def __str__(self):
        return f"{self.type} #{self.seq} in room {self.room_id}"
