"""Who may record decisions and move drafts through their approval process."""

from plenary.decisions.models import WorkItem
from plenary.groups.models import Role
from plenary.groups.permissions import has_role, is_chair, is_secretariat
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_manage_meeting


def can_record_decision(user, meeting: Meeting) -> bool:
    """The meeting's own chairs and the secretariat of its body: those who run the meeting."""
    return can_manage_meeting(user, meeting)


def can_advance_approval(user, work_item: WorkItem) -> bool:
    """The secretariat (TSB) announces Last Calls, reviews and notices, and records outcomes."""
    return is_secretariat(user, work_item.study_group)


def can_edit_work_item(user, work_item: WorkItem) -> bool:
    """The study group's secretariat and chairs, the rapporteurs of the item's Question, and the
    item's own editors keep its entry in the work programme up to date."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_secretariat(user, work_item.study_group) or is_chair(user, work_item.study_group):
        return True
    question = work_item.question
    rapporteurs = (Role.Name.RAPPORTEUR, Role.Name.ASSOCIATE_RAPPORTEUR)
    if question is not None and has_role(user, question, rapporteurs, inherited=False):
        return True
    return work_item.editors.filter(pk=user.pk).exists()
