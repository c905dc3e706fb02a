"""Who may register, decide, see and list registrations: one rule per question."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.groups.permissions import is_chair, is_secretariat
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_manage_meeting, can_view_meeting
from plenary.meetings.selectors import deadline_passed
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations.models import Registration

Category = Organization.Category

# Members whose people may register for any group's meeting; Associates only for the study groups
# they are admitted to. Regional and international organizations are members of the sector too.
OPEN_CATEGORIES = frozenset(
    {Category.MEMBER_STATE, Category.SECTOR_MEMBER, Category.ACADEMIA, Category.REGIONAL}
)
OPEN_MEETING_STATES = frozenset({Meeting.Status.ANNOUNCED, Meeting.Status.IN_PROGRESS})

# The body tree is shallow (sector > study group > working party > Question > rapporteur group),
# so "a meeting of this body or of a body below it" is a fixed chain of parent lookups.
_BODY_DEPTH = 5


def modes_allowed(meeting: Meeting) -> list[str]:
    """How one may take part in the meeting: remotely, in person, or either for a hybrid one."""
    if meeting.mode == Meeting.Mode.VIRTUAL:
        return [Registration.Mode.REMOTE]
    if meeting.mode == Meeting.Mode.PHYSICAL:
        return [Registration.Mode.IN_PERSON]
    return [Registration.Mode.IN_PERSON, Registration.Mode.REMOTE]


def eligibility_problem(person, meeting: Meeting) -> str | None:
    """Why membership does not let this person register for this meeting, or None if it does."""
    organization = person.organization if person.is_authenticated else None
    if organization is None:
        return (
            "Only people of a member organization can register. Your account is not attached "
            "to one yet."
        )
    if organization.category in OPEN_CATEGORIES:
        return None
    if organization.category == Category.ASSOCIATE:
        study_group = meeting.body.study_group
        if study_group is not None and organization.admitted_to.filter(pk=study_group.pk).exists():
            return None
        where = study_group.long_name if study_group else meeting.body.long_name
        return f"{organization.name} is an Associate that is not admitted to {where}."
    return f"{organization.name} is not a member organization that registers delegates."


def registration_refusal(user, meeting: Meeting, *, now: dt.datetime | None = None) -> str | None:
    """Why the user may not register themselves for the meeting now, or None if they may.

    The deadline's own wording (with its date) is the view's to add; here it is only named.
    """
    if not user.is_authenticated:
        return "Sign in to register."
    if not can_view_meeting(user, meeting) or meeting.status not in OPEN_MEETING_STATES:
        return "This meeting is not open for registration."
    problem = eligibility_problem(user, meeting)
    if problem:
        return problem
    if deadline_passed(meeting, "registration", now=now):
        return "The registration deadline has passed."
    return None


def can_register(user, meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    """Whether the user may register themselves for the meeting now (self-service)."""
    return registration_refusal(user, meeting, now=now) is None


def can_register_others(user, meeting: Meeting) -> bool:
    """The secretariat of the meeting's body registers others, late ones and invited experts."""
    return is_secretariat(user, meeting.body)


def is_focal_point_of(user, organization_id: int | None) -> bool:
    """Whether the user is a designated focal point of that organization."""
    if organization_id is None or not user.is_authenticated:
        return False
    return FocalPoint.objects.filter(person=user, organization_id=organization_id).exists()


def can_decide_registration(user, registration: Registration) -> bool:
    """A focal point of the registration's organization, or the meeting body's secretariat."""
    return is_focal_point_of(user, registration.organization_id) or is_secretariat(
        user, registration.meeting.body
    )


def withdrawal_refusal(
    user, registration: Registration, now: dt.datetime | None = None
) -> str | None:
    """Why the person may not withdraw this registration, or None if they may: the participant
    withdraws their own live registration until the meeting ends; after that it is part of the
    meeting's record (the secretariat can still cancel it)."""
    if not user.is_authenticated or registration.person_id != user.pk:
        return "Only the participant can withdraw a registration."
    if not registration.is_live:
        return f"This registration is {registration.get_state_display().lower()} already."
    if registration.meeting.has_ended(now):
        return (
            "The meeting has ended: its registrations are part of its record and can no longer "
            "be withdrawn."
        )
    return None


def can_withdraw_registration(
    user, registration: Registration, now: dt.datetime | None = None
) -> bool:
    """The yes/no form of withdrawal_refusal."""
    return withdrawal_refusal(user, registration, now) is None


def can_cancel_registration(user, registration: Registration) -> bool:
    """The secretariat of the meeting's body cancels a live registration."""
    return registration.is_live and is_secretariat(user, registration.meeting.body)


def can_view_approval_queue(user) -> bool:
    """Focal points see their organizations' queues; the secretariat sees its meetings'.

    Every signed-in page's navigation asks this, so it is one query (a focal point, or a
    secretariat role, as two EXISTS), kept on the user object as groups.permissions.roles_held
    keeps roles: Django loads the user afresh for each request, so it is asked once a request.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_plenary_approves", None)
    if cached is None:
        person = OuterRef("pk")
        cached = (
            User.objects.filter(pk=user.pk)
            .filter(
                Exists(FocalPoint.objects.filter(person=person))
                | Exists(Role.objects.filter(person=person, name__in=Role.SECRETARIAT))
            )
            .exists()
        )
        user._plenary_approves = cached
    return cached


def can_manage_registrations(user, meeting: Meeting) -> bool:
    """The secretariat of the meeting's body sees all its registrations and acts on them."""
    return is_secretariat(user, meeting.body)


def can_view_participants(user, meeting: Meeting) -> bool:
    """The participant list (names, filters, export) is for the secretariat and the chairs."""
    return is_secretariat(user, meeting.body) or is_chair(user, meeting.body)


def can_see_participant_details(user, meeting: Meeting) -> bool:
    """The participant-only parts of the meeting page (the remote link): managers and the
    people whose registration is approved."""
    if can_manage_meeting(user, meeting):
        return True
    if not user.is_authenticated:
        return False
    return Registration.objects.filter(
        meeting=meeting, person=user, state=Registration.State.APPROVED
    ).exists()


def can_set_automatic_approval(user, organization: Organization) -> bool:
    """An organization's focal point, or any secretariat member, switches automatic approval."""
    return is_focal_point_of(user, organization.pk) or is_secretariat(user)


def _meetings_below(bodies) -> Q:
    """Meetings of these bodies or of any body below them."""
    condition = Q()
    path = "meeting__body"
    for _ in range(_BODY_DEPTH):
        condition |= Q(**{f"{path}__in": bodies})
        path += "__parent"
    return condition


def registrations_visible_to(user) -> QuerySet[Registration]:
    """One's own registrations, one's organizations' (as focal point), and the registrations of
    meetings of bodies one serves as secretariat or chairs."""
    registrations = Registration.objects.all()
    if not user.is_authenticated:
        return registrations.none()
    if user.is_superuser:
        return registrations
    secretariat_bodies = Body.objects.filter(
        roles__person=user, roles__name__in=Role.SECRETARIAT
    ).values("pk")
    chaired_bodies = Body.objects.filter(roles__person=user, roles__name__in=Role.CHAIRS).values(
        "pk"
    )
    focal_orgs = FocalPoint.objects.filter(person=user).values("organization_id")
    return registrations.filter(
        Q(person=user)
        | Q(organization_id__in=focal_orgs)
        | _meetings_below(secretariat_bodies)
        | Q(meeting__body__in=chaired_bodies)
    )


def decidable_registrations(user) -> QuerySet[Registration]:
    """Pending registrations the user may approve or reject: the queue's rows."""
    pending = Registration.objects.filter(state=Registration.State.PENDING)
    if not user.is_authenticated:
        return pending.none()
    if user.is_superuser:
        return pending
    secretariat_bodies = Body.objects.filter(
        roles__person=user, roles__name__in=Role.SECRETARIAT
    ).values("pk")
    focal_orgs = FocalPoint.objects.filter(person=user).values("organization_id")
    return pending.filter(Q(organization_id__in=focal_orgs) | _meetings_below(secretariat_bodies))
