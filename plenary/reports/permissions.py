"""Who may edit, publish and read a meeting's report.

The secretariat of the meeting's body writes and publishes it; the meeting's own chairs read the
draft (they are its source); once published it is read by everyone who may see the meeting. Its
Word file is a Document and follows the documents' one access rule.
"""

from plenary.groups.permissions import is_chair, is_secretariat
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting


def can_edit_report(user, meeting: Meeting) -> bool:
    """The secretariat of the meeting's body edits and publishes the draft."""
    return is_secretariat(user, meeting.body)


def can_read_report_draft(user, meeting: Meeting) -> bool:
    """The secretariat and this meeting's chairs (not those of other bodies) read the draft."""
    return can_edit_report(user, meeting) or is_chair(user, meeting.body)


def can_read_published_report(user, meeting: Meeting) -> bool:
    """A published report is read by everyone who may see the meeting."""
    return can_view_meeting(user, meeting)
