"""The secretariat's changes to one meeting's deadlines."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from plenary.accounts.models import User
from plenary.groups.permissions import is_secretariat
from plenary.meetings.deadlines import DEADLINE_KEYS, end_of_day
from plenary.meetings.models import DeadlineOverride, Meeting


@transaction.atomic
def deadline_override_set(
    *, meeting: Meeting, key: str, date: datetime.date, reason: str, by: User
) -> DeadlineOverride:
    """Move one deadline of a meeting to ``date``, closing at the end of that day (meeting zone).

    The reason is required and kept with who set it and when: a changed deadline must be
    explainable to the delegates it affects.
    """
    if not is_secretariat(by, meeting.body):
        raise PermissionDenied("Only the body's secretariat may change its meetings' deadlines.")
    errors: dict[str, str] = {}
    if key not in DEADLINE_KEYS:
        errors["key"] = f"Unknown deadline {key!r}."
    if not isinstance(date, datetime.date) or isinstance(date, datetime.datetime):
        errors["date"] = "Give a date."
    elif date >= meeting.start_date:
        errors["date"] = "A deadline must fall before the meeting opens."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the deadline changes; delegates see the reason."
    if errors:
        raise ValidationError(errors)
    override = DeadlineOverride.objects.select_for_update().filter(meeting=meeting, key=key).first()
    if override is None:
        override = DeadlineOverride(meeting=meeting, key=key)
    override.date = date
    override.cutoff = end_of_day(date, meeting.time_zone)
    override.reason = reason
    override.set_by = by
    override.full_clean(validate_unique=False, validate_constraints=False)
    override.save()
    return override


@transaction.atomic
def deadline_override_clear(*, meeting: Meeting, key: str, by: User) -> bool:
    """Return one deadline of a meeting to its policy's date; False if it was not overridden."""
    if not is_secretariat(by, meeting.body):
        raise PermissionDenied("Only the body's secretariat may change its meetings' deadlines.")
    if key not in DEADLINE_KEYS:
        raise ValidationError({"key": f"Unknown deadline {key!r}."})
    deleted, _ = DeadlineOverride.objects.filter(meeting=meeting, key=key).delete()
    return bool(deleted)
