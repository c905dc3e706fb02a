"""Who may read, submit and manage documents.

One access rule for files, in one place: titles and metadata are public; the files of posted
contributions, TDs and reports are for people with member-only access (an Associate's people only
in the study groups it is admitted to), the meeting's approved invited experts, and the study
group's secretariat; collective letters and documents marked public are open to all. A draft that
has not been posted is for whoever submitted it and the secretariat. Every route that returns a
file or its text asks can_read_document_file() or filters with documents_with_readable_files().
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from plenary.documents.models import Document
from plenary.groups.models import Body, Role
from plenary.groups.permissions import has_role, is_chair, is_secretariat, roles_held
from plenary.meetings.models import Meeting
from plenary.membership.models import Organization
from plenary.registrations.models import Registration

# States in which a document's file is part of the record.
PUBLISHED_STATES = (Document.State.POSTED, Document.State.WITHDRAWN)
# Who may submit a draft TD to the secretariat.
TD_ROLES = (
    Role.Name.CHAIRMAN,
    Role.Name.VICE_CHAIRMAN,
    Role.Name.RAPPORTEUR,
    Role.Name.ASSOCIATE_RAPPORTEUR,
    Role.Name.EDITOR,
    *Role.SECRETARIAT,
)


def _secretariat_study_groups(user) -> Q:
    """Documents of the study groups where the person serves on the secretariat."""
    if user.is_superuser:
        return Q(pk__isnull=False)
    # The person's roles are read once per request (groups.permissions.roles_held).
    served = [body_id for body_id, name in roles_held(user) if name in Role.SECRETARIAT]
    if not served:
        return Q(pk__in=[])
    return Q(study_group_id__in=served) | Q(study_group__parent_id__in=served)


def _invited_expert_meetings(user) -> Q:
    """Documents of meetings the person attends as an approved invited expert."""
    return Q(
        Exists(
            Registration.objects.filter(
                meeting_id=OuterRef("meeting_id"),
                person_id=user.pk,
                state=Registration.State.APPROVED,
                delegation_role=Registration.DelegationRole.INVITED_EXPERT,
            )
        )
    )


def _member_of_every_study_group(user) -> bool:
    """Member-only access that covers every study group (any member but an Associate)."""
    if not user.has_member_access:
        return False
    organization = user.organization
    return organization is None or organization.category != Organization.Category.ASSOCIATE


def _associate_study_groups(user) -> Q:
    """Documents an Associate's member-only access covers: its admitted study groups'."""
    if not user.has_member_access:
        return Q(pk__in=[])
    return Q(study_group__in=user.organization.admitted_to.all())


def documents_with_readable_files(user, documents: QuerySet[Document]) -> QuerySet[Document]:
    """The documents among ``documents`` whose files the person may read: THE access rule."""
    published_state = Q(state__in=PUBLISHED_STATES)
    open_to_all = published_state & (Q(is_public=True) | Q(kind=Document.Kind.COLLECTIVE_LETTER))
    if user is None or not user.is_authenticated:
        return documents.filter(open_to_all)
    if _member_of_every_study_group(user):
        # Every published file is theirs to read: the narrower grounds (open to all, invited
        # expert) add nothing, and leaving them out keeps the query short to build and to run.
        published = published_state
    else:
        published = open_to_all | (
            published_state & (_associate_study_groups(user) | _invited_expert_meetings(user))
        )
    own = Q(submitted_by_id=user.pk)
    return documents.filter(published | own | _secretariat_study_groups(user))


def readable_grounds(user) -> tuple | None:
    """Everything about the person that documents_with_readable_files reads, as a value: two
    readers with the same grounds may read the same files, so the rule's answer for a set of
    documents that has not changed may be kept under them. None where the rule also reads rows
    about the person that a document's change does not mark (an Associate's admitted study
    groups, an invited expert's registrations): its answer is then asked afresh each time.
    Whoever changes the rule changes this beside it. api/tests/test_register_json.py checks that
    a role given and an Associate's admission count from the next request."""
    if user is None or not user.is_authenticated:
        return ("anonymous",)
    if not _member_of_every_study_group(user):
        return None
    served = sorted({body_id for body_id, name in roles_held(user) if name in Role.SECRETARIAT})
    return ("member", user.pk, user.is_superuser, tuple(served))


def can_read_document_file(user, document: Document) -> bool:
    """Whether the person may read the document's files: the single-object form of the rule."""
    return documents_with_readable_files(user, Document.objects.filter(pk=document.pk)).exists()


def may_contribute(user, meeting: Meeting, now: dt.datetime | None = None) -> str | None:
    """Why the person may not register a contribution to this meeting, or None if they may."""
    if user is None or not user.is_authenticated:
        return "Sign in to submit a contribution."
    if not user.has_member_access:
        return "Contributions are submitted by people with member-only (TIES) access."
    study_group = meeting.body.study_group
    organization = user.organization
    if (
        organization is not None
        and organization.category == Organization.Category.ASSOCIATE
        and not organization.admitted_to.filter(pk=getattr(study_group, "pk", None)).exists()
    ):
        return f"{organization.name} is an Associate that is not admitted to {study_group}."
    if meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.DRAFT):
        return "This meeting does not take contributions."
    if meeting.status == Meeting.Status.CLOSED or meeting.has_ended(now):
        return "This meeting has ended: submit contributions to a coming meeting."
    return None


def can_register_contribution(user, meeting: Meeting) -> bool:
    """The yes/no form of may_contribute."""
    return may_contribute(user, meeting) is None


def can_edit_document(user, document: Document) -> bool:
    """The document is the person's to handle: its submitter, or the study group's secretariat
    (who alone see a draft before it is posted)."""
    if user is None or not user.is_authenticated:
        return False
    return document.submitted_by_id == user.pk or is_secretariat(user, document.study_group)


def change_refusal(user, document: Document, now: dt.datetime | None = None) -> str | None:
    """Why the person may not change the document (upload a revision, withdraw it, request a
    translation, resubmit a returned draft), or None if they may: its submitter until its
    meeting ends, the study group's secretariat always."""
    if not can_edit_document(user, document):
        return "Only the document's submitter and the study group's secretariat change it."
    meeting = document.meeting
    if (
        meeting is not None
        and meeting.has_ended(now)
        and not is_secretariat(user, document.study_group)
    ):
        return (
            "The meeting has ended: its documents are part of its record. Ask the "
            "secretariat if this one must change."
        )
    return None


def can_manage_documents(user, meeting: Meeting) -> bool:
    """The secretariat numbers, posts, returns and admits documents of the meeting's body."""
    return is_secretariat(user, meeting.body)


def can_change_document_access(user, document: Document) -> bool:
    """The secretariat makes a document's files public or members-only again: the secretariat
    of its meeting, or of its study group for a document that belongs to no meeting."""
    if document.meeting is not None:
        return can_manage_documents(user, document.meeting)
    return is_secretariat(user, document.study_group)


def can_allocate_documents(user, meeting: Meeting) -> bool:
    """The meeting's chairs and the secretariat allocate documents to agenda items."""
    return is_secretariat(user, meeting.body) or is_chair(user, meeting.body)


def _study_group_tree(meeting: Meeting) -> list[int]:
    study_group = meeting.body.study_group or meeting.body
    bodies = {study_group.pk}
    frontier = [study_group.pk]
    while frontier:
        frontier = list(Body.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        bodies.update(frontier)
    return [*bodies, *(b.pk for b in study_group.ancestors())]


def can_submit_td(user, meeting: Meeting) -> bool:
    """Chairs, rapporteurs, editors and the secretariat of the study group submit draft TDs."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    held = {body_id for body_id, name in roles_held(user) if name in TD_ROLES}
    if not held:
        return False  # most people hold no such role: no need to walk the study group's bodies
    if has_role(user, meeting.body, TD_ROLES):
        return True
    return not held.isdisjoint(_study_group_tree(meeting))
