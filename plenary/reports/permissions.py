"""Who may edit, publish and read a meeting's report.

The secretariat of the meeting's body writes and publishes it; the meeting's own chairs read the
draft (they are its source); once published, its text is read by those the documents' one
access rule lets read its Word file (a report is member-only, like contributions and TDs), and
everyone who may see the meeting is told it exists, with its number.
"""

from plenary.documents.permissions import can_read_document_file
from plenary.groups.permissions import is_chair, is_secretariat
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.reports.models import MeetingReport


def can_edit_report(user, meeting: Meeting) -> bool:
    """The secretariat of the meeting's body edits and publishes the draft."""
    return is_secretariat(user, meeting.body)


def can_read_report_draft(user, meeting: Meeting) -> bool:
    """The secretariat and this meeting's chairs (not those of other bodies) read the draft."""
    return can_edit_report(user, meeting) or is_chair(user, meeting.body)


def can_read_published_report(user, report: MeetingReport) -> bool:
    """The published report's text follows its Word file: the documents' one access rule."""
    if not can_view_meeting(user, report.meeting):
        return False
    return report.document is None or can_read_document_file(user, report.document)
