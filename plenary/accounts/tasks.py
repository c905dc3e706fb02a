"""Background e-mails about requests to join an organization, queued after the service commits.

Each task takes the request's id (task arguments travel as JSON) and reads the row afresh.
"""

import zoneinfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django_tasks import task

from plenary.accounts.models import OrganizationRequest, User
from plenary.core.mail import send_templated
from plenary.groups.models import Role
from plenary.membership.models import FocalPoint


def _send(*, template: str, recipient: User, context: dict) -> None:
    """Send accounts/email/<template> in the recipient's time zone; else the site's, as there is
    no meeting to borrow one from."""
    send_templated(
        stem=f"accounts/email/{template}",
        recipient=recipient,
        otherwise=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        context=context,
    )


def _request(request_id: int) -> OrganizationRequest:
    return OrganizationRequest.objects.select_related("person", "organization", "decided_by").get(
        pk=request_id
    )


def _secretariat() -> QuerySet[User]:
    """The counsellors and assistants, who decide requests of organizations without a focal
    point; the Director holds a secretariat role too but does not handle these."""
    return (
        User.objects.filter(
            roles__name__in=[Role.Name.COUNSELLOR, Role.Name.ASSISTANT], is_active=True
        )
        .distinct()
        .order_by("email")
    )


@task()
def send_organization_request(request_id: int) -> int:
    """Tell the organization's focal points of a new request to join it, or the secretariat
    when it has none."""
    join_request = _request(request_id)
    if join_request.state != OrganizationRequest.State.PENDING:
        return 0  # withdrawn or decided before the task ran: nothing is left to decide
    focal_points = [
        focal_point.person
        for focal_point in FocalPoint.objects.filter(organization=join_request.organization)
        .select_related("person")
        .order_by("person__email")
        if focal_point.person.is_active
    ]
    recipients = focal_points or list(_secretariat())
    for recipient in recipients:
        _send(
            template="organization_request",
            recipient=recipient,
            context={
                "join_request": join_request,
                "for_secretariat": not focal_points,
                "action_url": settings.SITE_URL + reverse("accounts:organization_requests"),
            },
        )
    return len(recipients)


@task()
def send_organization_request_outcome(request_id: int) -> int:
    """Tell the person whether they now represent the organization, and why not if rejected."""
    join_request = _request(request_id)
    if not join_request.person.is_active:
        return 0
    _send(
        template="organization_outcome",
        recipient=join_request.person,
        context={
            "join_request": join_request,
            "approved": join_request.state == OrganizationRequest.State.APPROVED,
            "organization_url": settings.SITE_URL + reverse("accounts:organization"),
        },
    )
    return 1
