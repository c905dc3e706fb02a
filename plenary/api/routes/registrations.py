"""Registrations: mine for a meeting, registering, withdrawing, and a focal point's queue.

Thin over plenary.registrations, with the same checks as its pages (views.py): registering asks
permissions.registration_refusal then services.registration_create; a registration is found
through permissions.registrations_visible_to (404 for one the caller may not know of), decided
after can_decide_registration, and the queue is permissions.decidable_registrations. Every
write is a service call; refusals of the services become errors with stable codes here.
"""

import datetime as dt

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.responses import Status

from plenary.api.auth import MEMBERS, require_person
from plenary.api.errors import ApiError, Conflict, Error, Forbidden, InvalidInput, NotFound
from plenary.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, paginate
from plenary.api.routes.common import ERRORS, RowRead, responses
from plenary.api.schemas import ReasonIn, RegisterIn, RegistrationOut, RegistrationPage
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.selectors import deadline_passed
from plenary.registrations import services
from plenary.registrations.forms import ReasonForm
from plenary.registrations.models import Registration, RegistrationEvent
from plenary.registrations.permissions import (
    can_decide_registration,
    can_view_approval_queue,
    decidable_registrations,
    registration_refusal,
    registrations_visible_to,
    withdrawal_refusal,
)

router = Router(tags=["registrations"], auth=MEMBERS)

State = Registration.State

Slug = Path(
    ...,
    max_length=80,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The meeting's slug, as in its page's address.",
    example="sg11-wp1-next",
)
RegistrationId = Path(..., ge=1, le=2**62, description="The registration's id.")

_NEWEST = Ordering("registrations-newest", ("-created_at", "-id"), (dt.datetime.fromisoformat, int))
_OLDEST = Ordering("registrations-oldest", ("created_at", "id"), (dt.datetime.fromisoformat, int))

# A refusal of the registrations services, as the API answers it. AlreadyRegistered and
# InvalidTransition are states (409); NotAllowed, NotEligible and DeadlinePassed are refusals of
# the person (403); any other RegistrationError is a value at fault (400, with its field).
_REFUSALS: list[tuple[type[services.RegistrationError], int, str]] = [
    (services.AlreadyRegistered, 409, "already_registered"),
    (services.InvalidTransition, 409, "invalid_transition"),
    (services.DeadlinePassed, 403, "deadline_passed"),
    (services.NotEligible, 403, "not_eligible"),
    (services.NotAllowed, 403, "forbidden"),
]

WRITE_ERRORS = {**ERRORS, 409: Error}


def _refused(error: services.RegistrationError) -> ApiError:
    for exc_class, status, code in _REFUSALS:
        if isinstance(error, exc_class):
            return ApiError(error.message, status=status, code=code)
    return InvalidInput(error.message, field=error.field)


# The meeting with its body and that body's parent, as selectors.meetings_for_registering reads
# it (a registration's most costly read when the ORM builds it).
_meeting_read = RowRead(Meeting, "slug", related=("body", "body__parent"))


def _meeting(request: HttpRequest, slug: str, *, registering: bool = False) -> Meeting:
    meeting, _ = _meeting_read(slug)
    if meeting is None or not can_view_meeting(request.user, meeting):
        raise NotFound("No meeting matches that slug.")
    if registering:
        # Its deadlines are computed several times (the refusal, the service), from one read.
        prefetch_related_objects([meeting], "deadline_overrides")
    return meeting


def _with_history(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """What a row shows, in a constant number of queries whatever the page size."""
    return registrations.select_related("meeting", "person", "organization").prefetch_related(
        Prefetch(
            "events",
            queryset=RegistrationEvent.objects.order_by("at", "id").only(
                "pk", "registration_id", "reason", "at"
            ),
            to_attr="history",
        )
    )


def _registration(request: HttpRequest, pk: int) -> Registration:
    """A registration the caller may know of; 404 for the rest, as existence itself is private."""
    found = (
        registrations_visible_to(request.user)
        .select_related("meeting__body", "person", "organization")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("No registration of yours, or of those you look after, has that id.")
    return found


def _out(request: HttpRequest, registration: Registration) -> dict:
    reason = None
    if registration.state in (State.REJECTED, State.CANCELLED):
        history = registration.history  # prefetched by _with_history, oldest first
        reason = history[-1].reason if history else ""
    person = registration.person
    meeting = registration.meeting
    return {
        "id": registration.pk,
        "meeting": meeting.slug,
        "meeting_title": meeting.title,
        "person": {"name": person.display_name, "email": person.email},
        "organization": registration.organization.name if registration.organization else None,
        "mode": registration.mode,
        "delegation_role": registration.delegation_role,
        "state": registration.state,
        "late": registration.late,
        "approved_automatically": registration.approved_automatically,
        "created_at": registration.created_at,
        "decided_at": registration.decided_at,
        "reason": reason,
        "meeting_api_url": request.build_absolute_uri(
            reverse("api-v1:meeting", kwargs={"slug": meeting.slug})
        ),
    }


def _fresh(request: HttpRequest, registration: Registration) -> dict:
    """A registration as it is now, after a service changed it."""
    return _out(request, _with_history(Registration.objects.filter(pk=registration.pk)).get())


@router.get(
    "/meetings/{slug}/registrations",
    response=responses(RegistrationPage),
    url_name="meeting_registrations",
)
def list_my_registrations(
    request: HttpRequest,
    slug: str = Slug,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """Your registrations for the meeting, newest first: at most one is live (pending or
    approved); earlier ones that were withdrawn, rejected or cancelled follow, with the reason."""
    person = require_person(request)
    meeting = _meeting(request, slug)
    mine = _with_history(Registration.objects.filter(meeting=meeting, person=person))
    rows, next_url = paginate(request, mine, ordering=_NEWEST, limit=limit, cursor=cursor)
    return {"items": [_out(request, r) for r in rows], "next": next_url}


@router.post(
    "/meetings/{slug}/registrations",
    response={201: RegistrationOut, **WRITE_ERRORS},
    url_name="meeting_register",
)
def register(request: HttpRequest, payload: RegisterIn, slug: str = Slug):
    """Register yourself, as the meeting's registration page does: approved at once when you
    are your organization's focal point or it approves automatically, else pending until its
    focal point (or the secretariat) decides. 409 `already_registered` when you have a live
    registration; 403 `deadline_passed` (with the deadline's date) once registration closed,
    403 `not_eligible` when your membership does not admit you."""
    person = require_person(request)
    meeting = _meeting(request, slug, registering=True)
    refusal = registration_refusal(person, meeting)
    if refusal and not deadline_passed(meeting, "registration"):
        raise Forbidden(refusal, code="may_not_register")
    try:
        registration = services.registration_create(
            meeting=meeting,
            person=person,
            mode=payload.mode,
            delegation_role=payload.delegation_role,
            by=person,
        )
    except services.RegistrationError as error:
        raise _refused(error) from None
    # Everything the answer shows is in hand: the new registration, its meeting, its person and
    # organization; it has no reason to show (it is pending or approved).
    return Status(201, _out(request, registration))


@router.post(
    "/registrations/{registration_id}/withdraw",
    response={200: RegistrationOut, **WRITE_ERRORS},
    url_name="registration_withdraw",
)
def withdraw_registration(request: HttpRequest, registration_id: int = RegistrationId):
    """Withdraw your own pending or approved registration (409 `invalid_transition` if it is
    no longer live, or the meeting has ended)."""
    person = require_person(request)
    registration = _registration(request, registration_id)
    if registration.person_id != person.pk:
        raise Forbidden("Only the participant can withdraw a registration.")
    refusal = withdrawal_refusal(person, registration)
    if refusal:
        raise Conflict(refusal, code="invalid_transition")
    try:
        registration = services.registration_withdraw(registration=registration, by=person)
    except services.RegistrationError as error:
        raise _refused(error) from None
    return _fresh(request, registration)


@router.get(
    "/registrations/pending",
    response=responses(RegistrationPage),
    url_name="registrations_pending",
)
def list_pending_registrations(
    request: HttpRequest,
    meeting: str | None = Query(
        None, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$", description="Only this meeting's."
    ),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """The requests waiting for your decision, oldest first: your organizations' as their focal
    point, and the meetings' you serve as secretariat. The approvals page's rows."""
    person = require_person(request)
    if not can_view_approval_queue(person):
        raise Forbidden(
            "Only focal points and the secretariat approve registrations.", code="not_a_decider"
        )
    rows = _with_history(decidable_registrations(person))
    if meeting:
        rows = rows.filter(meeting__slug=meeting)
    page, next_url = paginate(request, rows, ordering=_OLDEST, limit=limit, cursor=cursor)
    return {"items": [_out(request, r) for r in page], "next": next_url}


def _decidable(request: HttpRequest, registration_id: int) -> Registration:
    registration = _registration(request, registration_id)
    if not can_decide_registration(request.user, registration):
        raise Forbidden("Only a focal point of this organization or the secretariat decides.")
    return registration


@router.post(
    "/registrations/{registration_id}/approve",
    response={200: RegistrationOut, **WRITE_ERRORS},
    url_name="registration_approve",
)
def approve_registration(request: HttpRequest, registration_id: int = RegistrationId):
    """Approve a pending request (its organization's focal point, or the secretariat); the
    person is told by e-mail. 409 `invalid_transition` when it was decided already."""
    require_person(request)
    registration = _decidable(request, registration_id)
    try:
        registration = services.registration_approve(registration=registration, by=request.user)
    except services.RegistrationError as error:
        raise _refused(error) from None
    return _fresh(request, registration)


@router.post(
    "/registrations/{registration_id}/reject",
    response={200: RegistrationOut, **WRITE_ERRORS},
    url_name="registration_reject",
)
def reject_registration(
    request: HttpRequest, payload: ReasonIn, registration_id: int = RegistrationId
):
    """Reject a pending request with the reason the person will read (required: 400 with
    `field` "reason" without one)."""
    require_person(request)
    registration = _decidable(request, registration_id)
    form = ReasonForm({"reason": payload.reason})
    if not form.is_valid():
        raise InvalidInput(" ".join(form.errors["reason"]), field="reason")
    try:
        registration = services.registration_reject(
            registration=registration, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.RegistrationError as error:
        raise _refused(error) from None
    return _fresh(request, registration)
