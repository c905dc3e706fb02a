"""Who may record decisions and move drafts through their approval process."""

from plenary.decisions.models import WorkItem
from plenary.groups.permissions import is_secretariat
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_manage_meeting


def can_record_decision(user, meeting: Meeting) -> bool:
    """The meeting's own chairs and the secretariat of its body: those who run the meeting."""
    return can_manage_meeting(user, meeting)


def can_advance_approval(user, work_item: WorkItem) -> bool:
    """The secretariat (TSB) announces Last Calls, reviews and notices, and records outcomes."""
    return is_secretariat(user, work_item.study_group)
