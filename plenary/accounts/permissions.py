"""Who decides a person's request to join an organization."""

from django.db.models import QuerySet

from plenary.accounts.models import OrganizationRequest
from plenary.groups.permissions import is_secretariat
from plenary.membership.models import FocalPoint


def can_decide_organization_request(user, request: OrganizationRequest) -> bool:
    """A focal point of the organization asked for, or any member of the secretariat."""
    if not user.is_authenticated:
        return False
    return FocalPoint.objects.filter(
        person=user, organization_id=request.organization_id
    ).exists() or is_secretariat(user)


def organization_requests_decidable_by(user) -> QuerySet[OrganizationRequest]:
    """Pending requests the user may decide: their organizations' (or all, for the secretariat)."""
    pending = OrganizationRequest.objects.filter(state=OrganizationRequest.State.PENDING)
    if not user.is_authenticated:
        return pending.none()
    if is_secretariat(user):
        return pending
    return pending.filter(
        organization_id__in=FocalPoint.objects.filter(person=user).values("organization_id")
    )


def can_view_organization_requests(user) -> bool:
    """Focal points and the secretariat have a queue of join requests."""
    if not user.is_authenticated:
        return False
    return FocalPoint.objects.filter(person=user).exists() or is_secretariat(user)
