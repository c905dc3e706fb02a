"""The demo's registrations, made through the registration services as the people would have.

For the seed meeting, the participants the demo's accounts stand for registered in the weeks
before its registration deadline (19 October 2020), each request taking the route the rules give
it: the focal point's own request approved automatically, the delegate's approved by the focal
point, and the requests of people whose organizations have no focal point approved by the
secretariat. For the upcoming meeting, the researcher of the academic member has asked to take
part and waits for the secretariat, so that the secretariat's page of pending requests shows one,
with its age; the delegate has not registered yet, and can, for the focal point to approve.

Loading again adds nothing: a person with any registration for a meeting is left as they are.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from plenary.accounts.models import User
from plenary.meetings.models import Meeting
from plenary.registrations import services
from plenary.registrations.models import Registration

Role = Registration.DelegationRole
UTC = dt.UTC


@dataclass(frozen=True)
class DemoRequest:
    person: str
    delegation_role: str
    asked_at: dt.datetime
    # Who approves a request that waits, and when (None: approved on arrival).
    approver: str | None = None
    approved_at: dt.datetime | None = None


def _at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2020, 10, day, hour, 0, tzinfo=UTC)


FOCAL_POINT = "focalpoint@example.org"
SECRETARIAT = "secretariat@example.org"
SEED_REQUESTS = (
    DemoRequest(FOCAL_POINT, Role.HEAD, _at(1, 9)),
    DemoRequest("delegate@example.org", Role.DELEGATE, _at(2, 14), FOCAL_POINT, _at(5, 8)),
    DemoRequest("sg11-chairman@example.org", Role.HEAD, _at(6, 10), SECRETARIAT, _at(7, 9)),
    DemoRequest("chair@example.org", Role.HEAD, _at(6, 11), SECRETARIAT, _at(7, 9)),
    DemoRequest("academic@example.org", Role.DELEGATE, _at(12, 16), SECRETARIAT, _at(13, 10)),
)
# Waiting for the secretariat: the academic member has no focal point.
UPCOMING_PENDING = "academic@example.org"


def _request(meeting: Meeting, people: dict[str, User], request: DemoRequest) -> None:
    person = people[request.person]
    if Registration.objects.filter(meeting=meeting, person=person).exists():
        return
    registration = services.registration_create(
        meeting=meeting,
        person=person,
        mode=Registration.Mode.REMOTE,
        delegation_role=request.delegation_role,
        by=person,
        now=request.asked_at,
    )
    if request.approver and registration.state == Registration.State.PENDING:
        services.registration_approve(
            registration=registration, by=people[request.approver], now=request.approved_at
        )


def load_registrations(*, seed: Meeting, upcoming: Meeting) -> None:
    """The seed meeting's participants, and one request waiting in the upcoming meeting."""
    emails = {r.person for r in SEED_REQUESTS} | {r.approver for r in SEED_REQUESTS if r.approver}
    people = {
        u.email: u
        for u in User.objects.select_related("organization").filter(
            email__in=emails | {UPCOMING_PENDING}
        )
    }
    for request in SEED_REQUESTS:
        _request(seed, people, request)
    asked = timezone.now() - dt.timedelta(days=2)
    _request(upcoming, people, DemoRequest(UPCOMING_PENDING, Role.DELEGATE, asked))
