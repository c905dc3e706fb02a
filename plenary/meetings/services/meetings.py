"""Creating meetings."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from plenary.accounts.models import User
from plenary.groups.models import Body
from plenary.groups.permissions import is_secretariat
from plenary.meetings import selectors
from plenary.meetings.deadlines import InvalidPolicy, UnknownPolicy, compute_deadlines
from plenary.meetings.models import Meeting

# What a secretariat fills in at creation; the letter, drafts and status come later.
CREATE_FIELDS = frozenset(
    {
        "title",
        "slug",
        "start_date",
        "end_date",
        "daily_start",
        "daily_end",
        "time_zone",
        "time_zone_label",
        "mode",
        "place",
        "languages",
        "interpretation",
        "fellowships",
        "remote_tool",
        "remote_link",
        "deadline_policy",
    }
)

# Paths under /meetings/ that are pages, not meetings.
RESERVED_SLUGS = frozenset({"new"})


def meeting_slug_suggestion(body: Body, start_date: datetime.date) -> str:
    """A slug from the body and the opening date, as the demo's 'sg11-wp1-2020-11-19'."""
    study_group = body.study_group
    if body.kind == Body.Kind.WORKING_PARTY and study_group is not None:
        stem = f"{study_group.acronym}-wp{body.number}"
    else:
        stem = body.acronym.replace("/", "-")
    return slugify(f"{stem}-{start_date.isoformat()}")[:80]


@transaction.atomic
def meeting_create(*, by: User, body: Body, **fields: Any) -> Meeting:
    """Create a draft meeting of ``body``; only the body's secretariat may.

    Every field is validated (model validators and constraints, and that the deadline policy
    exists and yields deadlines for this opening date) before anything is written.
    """
    if not is_secretariat(by, body):
        raise PermissionDenied("Only the body's secretariat may create its meetings.")
    unknown = set(fields) - CREATE_FIELDS
    if unknown:
        raise TypeError(f"meeting_create() got unexpected fields: {', '.join(sorted(unknown))}")
    if not fields.get("slug") and fields.get("start_date"):
        fields["slug"] = meeting_slug_suggestion(body, fields["start_date"])
    if fields.get("slug") in RESERVED_SLUGS:
        raise ValidationError({"slug": "This address is used by the site; choose another."})
    meeting = Meeting(body=body, status=Meeting.Status.DRAFT, **fields)
    meeting.full_clean()
    try:
        policy = selectors.policy_named(meeting.deadline_policy)
        compute_deadlines(meeting.start_date, time_zone=meeting.time_zone, policy=policy)
    except (UnknownPolicy, InvalidPolicy) as error:
        raise ValidationError({"deadline_policy": str(error)}) from None
    except (ValueError, OverflowError):
        raise ValidationError(
            {"start_date": "The deadlines cannot be computed for this date."}
        ) from None
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # Another request took the slug between validation and saving.
        raise ValidationError({"slug": "A meeting with this slug already exists."}) from None
    return meeting


# The secretariat moves a meeting through its life: what each status may become, and the words
# of the action on the meeting page. A slip is undone the same way (a cancelled meeting is
# announced again, a closed one reopened).
STATUS_ACTIONS: dict[str, dict[str, str]] = {
    Meeting.Status.DRAFT: {
        Meeting.Status.ANNOUNCED: "Announce the meeting",
        Meeting.Status.CANCELLED: "Cancel the meeting",
    },
    Meeting.Status.ANNOUNCED: {
        Meeting.Status.IN_PROGRESS: "Open the meeting",
        Meeting.Status.CLOSED: "Close the meeting",
        Meeting.Status.CANCELLED: "Cancel the meeting",
    },
    Meeting.Status.IN_PROGRESS: {Meeting.Status.CLOSED: "Close the meeting"},
    Meeting.Status.CLOSED: {Meeting.Status.IN_PROGRESS: "Reopen the meeting"},
    Meeting.Status.CANCELLED: {Meeting.Status.ANNOUNCED: "Announce the meeting again"},
}


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, by: User, status: str) -> Meeting:
    """Move the meeting to ``status`` (announced: shown to everyone and open for registration;
    in progress; closed; cancelled), as STATUS_ACTIONS allows; only the body's secretariat may.
    """
    if not is_secretariat(by, meeting.body):
        raise PermissionDenied("Only the body's secretariat changes a meeting's status.")
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)
    if status not in STATUS_ACTIONS.get(meeting.status, {}):
        wanted = Meeting.Status(status).label if status in Meeting.Status.values else "that"
        raise ValidationError(
            f"A meeting that is {meeting.get_status_display().lower()} cannot become "
            f"{wanted.lower()}."
        )
    meeting.status = status
    meeting.save(update_fields=["status"])
    return meeting
