"""Every write to registrations: create, decide, withdraw, cancel, and automatic approval.

Each function checks who acts, records a RegistrationEvent beside the change, and queues its
e-mails with core.tasks.enqueue_on_commit so that nothing is sent for a change that was rolled back.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.core.tasks import enqueue_on_commit
from plenary.meetings.models import Meeting
from plenary.meetings.selectors import deadline_passed, meeting_deadlines
from plenary.membership.models import Organization
from plenary.registrations import tasks
from plenary.registrations.models import AutomaticApprovalChange, Registration, RegistrationEvent
from plenary.registrations.permissions import (
    OPEN_MEETING_STATES,
    can_cancel_registration,
    can_decide_registration,
    can_register_others,
    can_set_automatic_approval,
    eligibility_problem,
    modes_allowed,
    withdrawal_refusal,
)

State = Registration.State


class RegistrationError(Exception):
    """A request the rules refuse; the message is for the person who made it."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class NotAllowed(RegistrationError):
    """The acting person may not do this (a view answers 403)."""


class NotEligible(RegistrationError):
    """Membership does not admit this person to this meeting."""


class DeadlinePassed(RegistrationError):
    """Self-service registration is closed."""

    def __init__(self, message: str, *, deadline):
        super().__init__(message)
        self.deadline = deadline


class AlreadyRegistered(RegistrationError):
    """The person already has a live registration for the meeting."""

    def __init__(self, message: str, *, registration: Registration | None):
        super().__init__(message)
        self.registration = registration


class InvalidTransition(RegistrationError):
    """The registration is not in a state that allows this change."""


def _record(
    *,
    registration: Registration,
    actor: User,
    from_state: str,
    to_state: str,
    reason: str = "",
    automatic: bool = False,
    at: dt.datetime,
) -> RegistrationEvent:
    return RegistrationEvent.objects.create(
        registration=registration,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        automatic=automatic,
    )


def _deadline_message(meeting: Meeting) -> tuple[str, object]:
    deadline = meeting_deadlines(meeting)["registration"]
    message = (
        f"Registration for this meeting closed on {deadline.date:%-d %B %Y} (the registration "
        f"deadline, {meeting.time_zone_label or meeting.time_zone}). Only the secretariat can "
        "register you now."
    )
    return message, deadline


def _live_registration(meeting: Meeting, person: User) -> Registration | None:
    return Registration.objects.filter(
        meeting=meeting, person=person, state__in=Registration.LIVE_STATES
    ).first()


def _already_registered(meeting: Meeting, person: User, *, by: User) -> AlreadyRegistered:
    existing = _live_registration(meeting, person)
    state = existing.get_state_display().lower() if existing else "being processed"
    who = "You are" if by.pk == person.pk else f"{person.display_name} is"
    return AlreadyRegistered(
        f"{who} already registered for this meeting (state: {state}).", registration=existing
    )


def registration_create(
    *,
    meeting: Meeting,
    person: User,
    mode: str,
    delegation_role: str,
    by: User,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a person for a meeting and route the request for approval.

    Self-service (``by`` is the person): membership must admit them and the registration
    deadline must not have passed. The secretariat of the meeting's body may register anyone,
    also after the deadline (the registration is then marked late) and invited experts; what the
    secretariat enters is approved at once.

    A request is approved on arrival when the person is a focal point of their organization or
    the organization has automatic approval; otherwise it waits for the organization's focal
    points, or for the secretariat when the organization has none. Raises AlreadyRegistered when
    the person already has a live registration, even when two submissions race.

    The checks only read, so they run before the transaction; the transaction holds the writes
    alone (the registration, its event, the e-mail's task). On SQLite a write transaction holds
    the database's one write lock from its start, so every other submission waits for it: it must
    be short. A second live registration is refused by the database's constraint, not by a look-up
    first: that costs no query when there is none, and holds when two submissions race; the
    existing one is read only to word the refusal.
    """
    now = now or timezone.now()
    by_secretariat = can_register_others(by, meeting)
    if by.pk != person.pk and not by_secretariat:
        raise NotAllowed("Only the secretariat can register someone else.")
    if meeting.status not in OPEN_MEETING_STATES:
        raise NotAllowed("This meeting is not open for registration.")
    if mode not in modes_allowed(meeting):
        raise RegistrationError(
            f"This meeting cannot be attended {Registration.Mode(mode).label.lower()}."
            if mode in Registration.Mode.values
            else "Choose how you will take part.",
            field="mode",
        )
    if delegation_role not in Registration.DelegationRole.values:
        raise RegistrationError("Choose your role in the delegation.", field="delegation_role")

    problem = eligibility_problem(person, meeting)
    invited = delegation_role == Registration.DelegationRole.INVITED_EXPERT
    if invited and not by_secretariat:
        raise NotEligible(
            "Invited experts are registered by the secretariat.", field="delegation_role"
        )
    if problem and not (by_secretariat and invited):
        if by_secretariat:
            problem += " The secretariat can register this person as an invited expert."
        raise NotEligible(problem)

    late = deadline_passed(meeting, "registration", now=now)
    if late and not by_secretariat:
        message, deadline = _deadline_message(meeting)
        raise DeadlinePassed(message, deadline=deadline)

    # The organization's setting is read afresh (it may have changed since the person was
    # loaded), with its focal points, a handful of ids: whether it has any, and whether the
    # person is one. One row per focal point (one with none), in one query.
    organization, automatic_approval, focal_points = None, False, set()
    if person.organization_id is not None:
        organization = person.organization
        for approves, focal_point in Organization.objects.filter(
            pk=person.organization_id
        ).values_list("automatic_approval", "focal_points__person_id"):
            automatic_approval = approves
            if focal_point is not None:
                focal_points.add(focal_point)
    is_focal_point = person.pk in focal_points
    has_focal_points = bool(focal_points)
    if by_secretariat and by.pk != person.pk:
        state, automatic, reason = State.APPROVED, False, "Registered by the secretariat."
    elif is_focal_point:
        state, automatic, reason = State.APPROVED, True, "A focal point's own request."
    elif automatic_approval:
        state, automatic = State.APPROVED, True
        reason = "The organization approves its requests automatically."
    elif by_secretariat:
        state, automatic, reason = State.APPROVED, False, "Registered by the secretariat."
    else:
        state, automatic, reason = State.PENDING, False, ""

    registration = Registration(
        meeting=meeting,
        person=person,
        mode=mode,
        delegation_role=delegation_role,
        organization=organization,
        state=state,
        late=late,
        approved_automatically=automatic,
        registered_by=by,
        decided_by=by if state == State.APPROVED and not automatic else None,
        decided_at=now if state == State.APPROVED else None,
        created_at=now,
    )
    saved = False
    try:
        # The registration, its event and its e-mail's task commit together or not at all. Inside
        # a caller's transaction this block is a savepoint, so losing the race leaves the caller's
        # transaction usable (PostgreSQL aborts a whole transaction on any error otherwise).
        with transaction.atomic():
            registration.save()
            saved = True
            event = _record(
                registration=registration,
                actor=by,
                from_state="",
                to_state=state,
                reason=reason,
                automatic=automatic,
                at=now,
            )
            if state == State.APPROVED:
                enqueue_on_commit(tasks.send_outcome_email, event.pk)
            elif has_focal_points:
                enqueue_on_commit(tasks.send_request_to_focal_points, registration.pk)
            else:
                enqueue_on_commit(tasks.send_request_to_secretariat, registration.pk)
    except IntegrityError:
        if saved:
            raise
        # The constraint on one live registration per person and meeting: a live one exists,
        # whether it was there before or a concurrent submission won the race.
        raise _already_registered(meeting, person, by=by) from None
    return registration


def _locked(registration: Registration) -> Registration:
    """The registration re-read under a row lock, so two deciders cannot both act on it."""
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "person", "organization")
        .get(pk=registration.pk)
    )


def _transition(
    *,
    registration: Registration,
    by: User,
    allowed_from: Iterable[str],
    to_state: str,
    reason: str,
    now: dt.datetime | None,
    decided: bool,
    notify: bool,
) -> Registration:
    now = now or timezone.now()
    if registration.state not in allowed_from:
        raise InvalidTransition(
            f"This registration is {registration.get_state_display().lower()}; it cannot be "
            f"{State(to_state).label.lower()} now."
        )
    from_state = registration.state
    registration.state = to_state
    fields = ["state", "updated_at"]
    if decided:
        registration.decided_by = by
        registration.decided_at = now
        fields += ["decided_by", "decided_at"]
    registration.save(update_fields=fields)
    event = _record(
        registration=registration,
        actor=by,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        at=now,
    )
    if notify:
        enqueue_on_commit(tasks.send_outcome_email, event.pk)
    return registration


@transaction.atomic
def registration_approve(
    *, registration: Registration, by: User, now: dt.datetime | None = None
) -> Registration:
    """A focal point of the registration's organization, or the secretariat, approves a pending
    request; the person is told by e-mail."""
    registration = _locked(registration)
    if not can_decide_registration(by, registration):
        raise NotAllowed("Only a focal point of this organization or the secretariat can decide.")
    return _transition(
        registration=registration,
        by=by,
        allowed_from=[State.PENDING],
        to_state=State.APPROVED,
        reason="",
        now=now,
        decided=True,
        notify=True,
    )


def _required_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(f"Give the reason for the {what}.", field="reason")
    return reason


@transaction.atomic
def registration_reject(
    *, registration: Registration, by: User, reason: str, now: dt.datetime | None = None
) -> Registration:
    """A focal point of the registration's organization, or the secretariat, rejects a pending
    request with a reason, which the person is told by e-mail."""
    reason = _required_reason(reason, "rejection")
    registration = _locked(registration)
    if not can_decide_registration(by, registration):
        raise NotAllowed("Only a focal point of this organization or the secretariat can decide.")
    return _transition(
        registration=registration,
        by=by,
        allowed_from=[State.PENDING],
        to_state=State.REJECTED,
        reason=reason,
        now=now,
        decided=True,
        notify=True,
    )


@transaction.atomic
def registrations_decide_in_bulk(
    *,
    registrations: Iterable[Registration],
    by: User,
    approve: bool,
    reason: str = "",
    now: dt.datetime | None = None,
) -> tuple[list[Registration], list[Registration]]:
    """Approve or reject several pending requests at once; all or nothing for permission.

    Returns (decided, skipped): a request that someone else decided meanwhile is skipped rather
    than failing the whole batch. A request the acting person may not decide raises NotAllowed
    and nothing is saved.
    """
    if not approve:
        reason = _required_reason(reason, "rejection")
    decided, skipped = [], []
    for registration in registrations:
        locked = _locked(registration)
        if not can_decide_registration(by, locked):
            raise NotAllowed(
                "Only a focal point of this organization or the secretariat can decide."
            )
        if locked.state != State.PENDING:
            skipped.append(locked)
            continue
        decided.append(
            _transition(
                registration=locked,
                by=by,
                allowed_from=[State.PENDING],
                to_state=State.APPROVED if approve else State.REJECTED,
                reason=reason,
                now=now,
                decided=True,
                notify=True,
            )
        )
    return decided, skipped


@transaction.atomic
def registration_withdraw(
    *, registration: Registration, by: User, reason: str = "", now: dt.datetime | None = None
) -> Registration:
    """The participant withdraws their own pending or approved registration."""
    registration = _locked(registration)
    if registration.person_id != by.pk:
        raise NotAllowed("Only the participant can withdraw a registration.")
    refusal = withdrawal_refusal(by, registration, now)
    if refusal:
        raise InvalidTransition(refusal)
    return _transition(
        registration=registration,
        by=by,
        allowed_from=Registration.LIVE_STATES,
        to_state=State.WITHDRAWN,
        reason=(reason or "").strip(),
        now=now,
        decided=False,
        notify=False,
    )


@transaction.atomic
def registration_cancel(
    *, registration: Registration, by: User, reason: str, now: dt.datetime | None = None
) -> Registration:
    """The secretariat of the meeting's body cancels a live registration, with a reason the
    person is told by e-mail."""
    reason = _required_reason(reason, "cancellation")
    registration = _locked(registration)
    if not can_register_others(by, registration.meeting):
        raise NotAllowed("Only the secretariat can cancel a registration.")
    if not can_cancel_registration(by, registration):
        raise InvalidTransition(
            f"This registration is {registration.get_state_display().lower()} already."
        )
    return _transition(
        registration=registration,
        by=by,
        allowed_from=Registration.LIVE_STATES,
        to_state=State.CANCELLED,
        reason=reason,
        now=now,
        decided=True,
        notify=True,
    )


@transaction.atomic
def organization_set_automatic_approval(
    *, organization: Organization, by: User, enabled: bool
) -> Organization:
    """Switch an organization's automatic approval on or off (its focal point or the
    secretariat); requests arriving afterwards follow the new setting."""
    if not can_set_automatic_approval(by, organization):
        raise NotAllowed("Only a focal point of this organization or the secretariat can do this.")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.automatic_approval != enabled:
        organization.automatic_approval = enabled
        organization.save(update_fields=["automatic_approval"])
        AutomaticApprovalChange.objects.create(organization=organization, enabled=enabled, actor=by)
    return organization
