"""The meeting page's "Register" block, so the meetings app needs only one line for it."""

from django import template
from django.utils.dateformat import format as format_date

from plenary.meetings.deadlines import Deadline, end_of_day
from plenary.meetings.models import Meeting
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


@register.simple_tag
def deadline_closing(deadline: Deadline, meeting: Meeting) -> str:
    """When a deadline closes, in words: "at the end of Monday, 19 October 2020, Geneva time".

    The cut-off is the exclusive instant that ends the deadline (deadlines.py), so a whole-day
    deadline's cut-off is the next day's midnight; printing its clock time ("00:00") would name
    the wrong day. A policy's closing time ("12:00 UTC") is printed in its own zone, with the
    meeting's time beside it when that differs.
    """
    zone_label = meeting.time_zone_label or meeting.time_zone
    if deadline.cutoff == end_of_day(deadline.date, meeting.time_zone):
        return f"at the end of {format_date(deadline.date, 'l, j F Y')}, {zone_label}"
    cutoff = deadline.cutoff
    local = cutoff.astimezone(meeting.tz)
    own_zone = zone_label if cutoff.utcoffset() == local.utcoffset() else cutoff.tzname()
    text = f"at {format_date(cutoff, 'H:i')} {own_zone} on {format_date(cutoff, 'l, j F Y')}"
    if own_zone != zone_label:
        day = "" if local.date() == cutoff.date() else f" on {format_date(local, 'l, j F')}"
        text += f" ({format_date(local, 'H:i')} {zone_label}{day})"
    return text
