"""The meeting page's "Register" block, so the meetings app needs only one line for it."""

from django import template

from plenary.meetings.selectors import deadline_passed, meeting_deadlines
from plenary.registrations.models import Registration
from plenary.registrations.permissions import (
    OPEN_MEETING_STATES,
    can_manage_registrations,
    can_view_approval_queue,
    can_view_participants,
    registration_refusal,
)
from plenary.registrations.selectors import live_count

register = template.Library()


@register.inclusion_tag("registrations/_meeting_block.html", takes_context=True)
def registration_block(context, meeting):
    """Registration state, deadline and links for the viewer; the public sees only the count."""
    request = context["request"]
    user = request.user
    own = None
    if user.is_authenticated:
        own = Registration.objects.filter(
            meeting=meeting, person=user, state__in=Registration.LIVE_STATES
        ).first()
    try:
        deadline = meeting_deadlines(meeting).get("registration")
        closed = deadline is not None and deadline_passed(meeting, "registration")
        refusal = registration_refusal(user, meeting) if user.is_authenticated else None
    except ValueError:
        # A broken deadline policy is shown by the deadlines section; registration stays shut.
        deadline, closed, refusal = None, True, "Registration is not open: see the deadlines."
    return {
        "meeting": meeting,
        "user": user,
        "request": request,
        "own": own,
        "deadline": deadline,
        "open": meeting.status in OPEN_MEETING_STATES,
        "closed": closed,
        "refusal": refusal,
        "count": live_count(meeting),
        "can_manage": can_manage_registrations(user, meeting),
        "can_list": can_view_participants(user, meeting),
    }


@register.filter
def may_approve(user) -> bool:
    """Whether the navigation shows the approval queue to this user."""
    return can_view_approval_queue(user)
