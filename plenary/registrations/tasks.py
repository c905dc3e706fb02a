"""Background e-mails about registrations, queued by the services after their transaction commits.

Each task takes ids (task arguments travel as JSON) and reads the rows afresh. An outcome e-mail
is about one event, so it tells what happened then even if the registration changed since.
"""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from plenary.accounts.models import User
from plenary.core.mail import send_templated
from plenary.groups.models import Role
from plenary.membership.models import FocalPoint
from plenary.registrations.models import Registration, RegistrationEvent


def _send(*, template: str, recipient: User, context: dict) -> None:
    """Send registrations/email/<template> in the recipient's time zone (else the meeting's)."""
    meeting = context["meeting"]
    send_templated(
        stem=f"registrations/email/{template}",
        recipient=recipient,
        otherwise=meeting.tz,
        context={
            **context,
            "site_url": settings.SITE_URL,
            "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        },
    )


def _registration(registration_id: int) -> Registration:
    return Registration.objects.select_related("meeting__body", "person", "organization").get(
        pk=registration_id
    )


@task()
def send_request_to_focal_points(registration_id: int) -> int:
    """Tell each focal point of the person's organization that a request awaits them."""
    registration = _registration(registration_id)
    recipients = [
        fp.person
        for fp in FocalPoint.objects.filter(organization_id=registration.organization_id)
        .select_related("person")
        .order_by("person__email")
        if fp.person.is_active
    ]
    for recipient in recipients:
        _send(
            template="request",
            recipient=recipient,
            context={
                "registration": registration,
                "meeting": registration.meeting,
                "for_secretariat": False,
                "action_url": settings.SITE_URL + reverse("registrations:queue"),
            },
        )
    return len(recipients)


@task()
def send_request_to_secretariat(registration_id: int) -> int:
    """Tell the secretariat of the meeting's body that a request of an organization without a
    focal point waits for it."""
    registration = _registration(registration_id)
    body = registration.meeting.body
    recipients = (
        User.objects.filter(
            roles__body__in=[body, *body.ancestors()],
            roles__name__in=[Role.Name.COUNSELLOR, Role.Name.ASSISTANT],
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )
    count = 0
    for recipient in recipients:
        _send(
            template="request",
            recipient=recipient,
            context={
                "registration": registration,
                "meeting": registration.meeting,
                "for_secretariat": True,
                "action_url": settings.SITE_URL
                + reverse("registrations:meeting", kwargs={"slug": registration.meeting.slug}),
            },
        )
        count += 1
    return count


@task()
def send_outcome_email(event_id: int) -> int:
    """Tell the person what became of their registration: approved, rejected or cancelled."""
    event = RegistrationEvent.objects.select_related(
        "registration__meeting__body", "registration__person", "registration__organization"
    ).get(pk=event_id)
    registration = event.registration
    if not registration.person.is_active:
        return 0
    _send(
        template="outcome",
        recipient=registration.person,
        context={
            "registration": registration,
            "meeting": registration.meeting,
            "event": event,
            "state": event.to_state,
            "mine_url": settings.SITE_URL + reverse("registrations:mine"),
        },
    )
    return 1
