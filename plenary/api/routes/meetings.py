"""Meetings: the list, one meeting, its deadlines, agenda, time plan and calendar.

Each route asks meetings.permissions what the caller may see, exactly as the meeting page does;
a meeting the caller may not see is 404, so that a draft's existence stays private.
"""

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router

from plenary.api.errors import Conflict
from plenary.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, paginate
from plenary.api.routes.common import ANONYMOUS_ALLOWED, ERRORS, responses, visible_meeting
from plenary.api.schemas import Agenda, Deadlines, MeetingDetail, MeetingPage, TimePlan
from plenary.meetings.calendar import meeting_calendar
from plenary.meetings.deadlines import InvalidPolicy, UnknownPolicy
from plenary.meetings.models import Meeting, PlanVersion
from plenary.meetings.permissions import (
    can_manage_meeting,
    meetings_visible_to,
)
from plenary.meetings.selectors import meeting_deadlines, plan_shown
from plenary.registrations.permissions import can_see_participant_details

router = Router(tags=["meetings"])

# A slug as SlugField allows; anything else cannot name a meeting and is refused as bad input.
Slug = Path(
    ...,
    max_length=80,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The meeting's slug, as in its page's address.",
    example="sg11-wp1-2020-11-19",
)

# Soonest first for what is to come, latest first otherwise; the slug breaks ties.
_UPCOMING = Ordering("meetings-upcoming", ("start_date", "slug"), (dt.date.fromisoformat, str))
_LATEST = Ordering("meetings-latest", ("-start_date", "slug"), (dt.date.fromisoformat, str))


def _summary(request: HttpRequest, meeting: Meeting) -> dict:
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "body": meeting.body.acronym,
        "status": meeting.status,
        "mode": meeting.mode,
        "start_date": meeting.start_date,
        "end_date": meeting.end_date,
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("api-v1:meeting", kwargs={"slug": meeting.slug})
        ),
    }


@router.get(
    "/meetings",
    response=responses(MeetingPage),
    url_name="meetings",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def list_meetings(
    request: HttpRequest,
    when: Literal["upcoming", "past"] | None = Query(
        None, description="upcoming: not yet ended, soonest first; past: ended, latest first."
    ),
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """The meetings the caller may see (drafts only for the secretariat), a page at a time."""
    meetings: QuerySet[Meeting] = meetings_visible_to(request.user).select_related("body")
    today = timezone.now().date()
    ordering = _LATEST
    if when == "upcoming":
        meetings, ordering = meetings.filter(end_date__gte=today), _UPCOMING
    elif when == "past":
        meetings = meetings.filter(end_date__lt=today)
    rows, next_url = paginate(request, meetings, ordering=ordering, limit=limit, cursor=cursor)
    return {"items": [_summary(request, m) for m in rows], "next": next_url}


@router.get(
    "/meetings/{slug}",
    response=responses(MeetingDetail),
    url_name="meeting",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_meeting(request: HttpRequest, slug: str = Slug):
    """What the collective letter says of the meeting; the remote link only to participants."""
    meeting = visible_meeting(request, slug)

    def link(name: str) -> str:
        return request.build_absolute_uri(reverse(f"api-v1:{name}", kwargs={"slug": slug}))

    may_join = can_see_participant_details(request.user, meeting)
    return {
        **_summary(request, meeting),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "daily_start": f"{meeting.daily_start:%H:%M}",
        "daily_end": f"{meeting.daily_end:%H:%M}",
        "time_zone_label": meeting.time_zone_label,
        "languages": meeting.languages,
        "interpretation": meeting.interpretation,
        "fellowships": meeting.fellowships,
        "remote_tool": meeting.remote_tool,
        "remote_link": (meeting.remote_link or None) if may_join else None,
        "letter_reference": meeting.letter_reference,
        "letter_date": meeting.letter_date,
        "objective": meeting.objective,
        "drafts": [item.acronym for item in meeting.drafts.all()],
        "links": {
            "deadlines": link("meeting_deadlines"),
            "agenda": link("meeting_agenda"),
            "timeplan": link("meeting_timeplan"),
            "calendar": link("meeting_calendar"),
        },
    }


@router.get(
    "/meetings/{slug}/deadlines",
    response=responses(Deadlines) | {409: ERRORS[400]},
    url_name="meeting_deadlines",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_deadlines(request: HttpRequest, slug: str = Slug):
    """The key deadlines, the secretariat's changes applied; cut-offs in ISO 8601 with offset."""
    meeting = visible_meeting(request, slug)
    try:
        deadlines = meeting_deadlines(meeting)
    except (UnknownPolicy, InvalidPolicy) as error:
        raise Conflict(
            f"The meeting's deadlines cannot be computed: {error}", code="deadline_policy_invalid"
        ) from None
    now = timezone.now()
    tz = meeting.tz
    items = [
        {
            "key": d.key,
            "label": d.label,
            "date": d.date,
            "cutoff": d.cutoff.astimezone(tz),
            "passed": d.passed(now),
            "overridden": d.overridden,
            "reason": d.reason,
        }
        for d in deadlines.values()
    ]
    return {"meeting": meeting.slug, "time_zone": meeting.time_zone, "items": items}


def _plan(request: HttpRequest, meeting: Meeting, kind: str):
    shown = plan_shown(meeting=meeting, kind=kind, editor=can_manage_meeting(request.user, meeting))
    info = {
        "meeting": meeting.slug,
        "version": shown.version.number if shown.version and not shown.working else None,
        "published_at": shown.version.published_at if shown.version and not shown.working else None,
        "working_copy": shown.working,
    }
    return shown, info


@router.get(
    "/meetings/{slug}/agenda",
    response=responses(Agenda),
    url_name="meeting_agenda",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_agenda(request: HttpRequest, slug: str = Slug):
    """The numbered agenda as the meeting page shows it to the caller."""
    meeting = visible_meeting(request, slug)
    shown, info = _plan(request, meeting, PlanVersion.Kind.AGENDA)
    items = [
        {"number": r.number, "depth": r.depth, "title": r.title, "description": r.description}
        for r in shown.rows
    ]
    return {**info, "items": items}


@router.get(
    "/meetings/{slug}/timeplan",
    response=responses(TimePlan),
    url_name="meeting_timeplan",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def get_timeplan(request: HttpRequest, slug: str = Slug):
    """The time plan's sessions, wall-clock in the meeting's zone and as instants."""
    meeting = visible_meeting(request, slug)
    shown, info = _plan(request, meeting, PlanVersion.Kind.TIME_PLAN)
    slots = [
        {
            "date": s.date,
            "start": f"{s.start:%H:%M}",
            "end": f"{s.end:%H:%M}",
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "title": s.title,
            "session_key": s.session_key,
            "room": s.room,
        }
        for s in shown.rows
    ]
    return {**info, "time_zone": meeting.time_zone, "slots": slots}


@router.get(
    "/meetings/{slug}/calendar.ics",
    response=ERRORS,
    url_name="meeting_calendar",
    openapi_extra={
        **ANONYMOUS_ALLOWED,
        "responses": {
            "200": {
                "description": "The time plan as an iCalendar file (RFC 5545).",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        },
    },
)
def get_calendar(request: HttpRequest, slug: str = Slug):
    """The same .ics file as the meeting page's: the published time plan (calendars are shared,
    so never an editor's working copy)."""
    meeting = visible_meeting(request, slug)
    shown = plan_shown(meeting=meeting, kind=PlanVersion.Kind.TIME_PLAN, editor=False)
    response = HttpResponse(
        meeting_calendar(meeting, shown.rows),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response
