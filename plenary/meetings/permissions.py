"""Who may see and manage a meeting."""

from django.db.models import QuerySet

from plenary.groups.permissions import is_chair, is_secretariat
from plenary.meetings.models import Meeting


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Announced meetings are public; drafts only for the secretariat."""
    meetings = Meeting.objects.all()
    if is_secretariat(user):
        return meetings
    return meetings.exclude(status=Meeting.Status.DRAFT)


def can_view_meeting(user, meeting: Meeting) -> bool:
    """The single-object form of meetings_visible_to."""
    return meeting.status != Meeting.Status.DRAFT or is_secretariat(user, meeting.body)


def can_manage_meeting(user, meeting: Meeting) -> bool:
    """The secretariat of the body and the meeting's own chairs edit agenda and time plan."""
    return is_secretariat(user, meeting.body) or is_chair(user, meeting.body)


def can_create_meeting(user) -> bool:
    """Anyone on the secretariat of some body may create meetings (of the bodies they serve)."""
    return is_secretariat(user)
