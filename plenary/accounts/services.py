"""Writes about accounts: the profile, and requests to join an organization.

E-mails about a request are queued with core.tasks.enqueue_on_commit, so nothing is sent for a
change that was rolled back.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from plenary.accounts import tasks
from plenary.accounts.models import OrganizationRequest, User
from plenary.accounts.permissions import can_decide_organization_request
from plenary.core.tasks import enqueue_on_commit
from plenary.membership.models import Organization


@transaction.atomic
def profile_update(*, user: User, title: str, name: str, country: str, time_zone: str) -> User:
    """Change a person's own profile fields."""
    user.title = title
    user.name = name
    user.country = country
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["title", "name", "country", "time_zone"])
    return user


class OrganizationRequestError(Exception):
    """A join request the rules refuse; the message is for the person who made it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def organization_request_create(
    *, person: User, organization: Organization, note: str = ""
) -> OrganizationRequest:
    """A person asks to represent an organization; its focal point or the secretariat decides.

    At most one request waits per person (a database constraint); asking for the organization
    one already represents, or for the secretariat, is refused.
    """
    if organization.category == Organization.Category.SECRETARIAT:
        raise OrganizationRequestError(
            "Secretariat staff are added by an administrator.", field="organization"
        )
    if person.organization_id == organization.pk:
        raise OrganizationRequestError(
            f"You already represent {organization.name}.", field="organization"
        )
    request = OrganizationRequest(person=person, organization=organization, note=note.strip())
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise OrganizationRequestError(
            "You already have a request waiting. Withdraw it first to ask for another organization."
        ) from None
    enqueue_on_commit(tasks.send_organization_request, request.pk)
    return request


def _locked_request(request: OrganizationRequest) -> OrganizationRequest:
    return (
        OrganizationRequest.objects.select_for_update(of=("self",))
        .select_related("person", "organization")
        .get(pk=request.pk)
    )


def _decide(request: OrganizationRequest, *, by: User, state: str, reason: str = "") -> None:
    if request.state != OrganizationRequest.State.PENDING:
        raise OrganizationRequestError(
            f"This request is {request.get_state_display().lower()} already."
        )
    request.state = state
    request.decided_by = by
    request.decided_at = timezone.now()
    request.reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "reason"])


@transaction.atomic
def organization_request_approve(*, request: OrganizationRequest, by: User) -> OrganizationRequest:
    """The organization's focal point or the secretariat approves: the person now represents it.

    Member-only (TIES) access is a separate grant and is not changed here.
    """
    request = _locked_request(request)
    if not can_decide_organization_request(by, request):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    _decide(request, by=by, state=OrganizationRequest.State.APPROVED)
    person = request.person
    person.organization = request.organization
    person.save(update_fields=["organization"])
    enqueue_on_commit(tasks.send_organization_request_outcome, request.pk)
    return request


@transaction.atomic
def organization_request_reject(
    *, request: OrganizationRequest, by: User, reason: str
) -> OrganizationRequest:
    """The organization's focal point or the secretariat rejects, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise OrganizationRequestError("Give the reason; the person will read it.", field="reason")
    request = _locked_request(request)
    if not can_decide_organization_request(by, request):
        raise PermissionDenied("Only a focal point of this organization or the secretariat.")
    _decide(request, by=by, state=OrganizationRequest.State.REJECTED, reason=reason)
    enqueue_on_commit(tasks.send_organization_request_outcome, request.pk)
    return request


@transaction.atomic
def organization_request_withdraw(*, request: OrganizationRequest, by: User) -> OrganizationRequest:
    """The person withdraws their own waiting request."""
    request = _locked_request(request)
    if request.person_id != by.pk:
        raise PermissionDenied("Only the person who asked can withdraw the request.")
    if request.state != OrganizationRequest.State.PENDING:
        raise OrganizationRequestError("This request is no longer waiting.")
    request.state = OrganizationRequest.State.WITHDRAWN
    request.save(update_fields=["state"])
    return request
