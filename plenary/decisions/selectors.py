"""Reads shared by the decisions pages and the meeting page's block."""

from django.db.models import QuerySet

from plenary.decisions.models import Decision
from plenary.meetings.models import Meeting


def meeting_decision_list(meeting: Meeting) -> QuerySet[Decision]:
    """The meeting's decisions in the order they were taken, with what they link to."""
    return (
        Decision.objects.filter(meeting=meeting)
        .select_related("recorded_by", "corrects", "meeting")
        .prefetch_related("documents__study_group", "work_items", "corrections")
        .order_by("recorded_at", "id")
    )
