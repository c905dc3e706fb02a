"""The secretariat's pages: creating a meeting and changing its deadlines."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from plenary.groups.permissions import is_secretariat
from plenary.meetings import selectors
from plenary.meetings.deadlines import (
    DEADLINE_KEYS,
    Deadline,
    InvalidPolicy,
    UnknownPolicy,
    end_of_day,
)
from plenary.meetings.forms import DeadlineOverrideForm, MeetingCreateForm
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.meetings.services.deadlines import deadline_override_clear, deadline_override_set
from plenary.meetings.services.meetings import STATUS_ACTIONS, meeting_create, meeting_set_status


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request):
    """A secretariat member announces a meeting of a body they serve; deadlines follow at once."""
    bodies = selectors.secretariat_bodies(request.user)
    if not bodies:
        raise PermissionDenied("Only a secretariat creates meetings.")
    form = MeetingCreateForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        body = fields.pop("body")
        if not is_secretariat(request.user, body):
            raise PermissionDenied("You are not the secretariat of this body.")
        try:
            meeting = meeting_create(by=request.user, body=body, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The meeting is created as a draft, seen by the secretariat alone; announce it "
                "from this page when it is ready. Its deadlines are below.",
            )
            return redirect(meeting)
    return render(request, "meetings/manage/meeting_new.html", {"form": form})


@login_required
@require_POST
def meeting_status(request, slug):
    """The secretariat announces, opens, closes or cancels the meeting (STATUS_ACTIONS)."""
    meeting = _meeting_for_secretariat(request, slug)
    try:
        meeting = meeting_set_status(
            meeting=meeting, by=request.user, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The meeting is now {meeting.get_status_display().lower()}.")
    return redirect(meeting)


def _meeting_for_secretariat(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    if not is_secretariat(request.user, meeting.body):
        raise PermissionDenied(
            "Only the body's secretariat changes a meeting's deadlines and status."
        )
    return meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_deadlines_edit(request, slug):
    """The meeting's deadlines, each with a form to move it (with a reason) or restore it."""
    meeting = _meeting_for_secretariat(request, slug)
    posted_key = request.POST.get("key") if request.method == "POST" else None
    refused = request.method == "POST" and posted_key not in DEADLINE_KEYS
    if refused:
        # A submission that names no deadline of ours (not sent from this page): nothing changes.
        messages.error(request, "Choose which deadline to change, from its own form below.")
        posted_key = None
    forms = {}
    for key in DEADLINE_KEYS:
        data = request.POST if key == posted_key else None
        forms[key] = DeadlineOverrideForm(data, prefix=key, opening=meeting.start_date)
    if posted_key is not None:
        form = forms[posted_key]
        if form.is_valid():
            try:
                deadline_override_set(
                    meeting=meeting, key=posted_key, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "The deadline is changed.")
                return redirect("meetings:deadlines", slug=meeting.slug)
    try:
        deadlines = selectors.meeting_deadlines(meeting)
    except (UnknownPolicy, InvalidPolicy) as error:
        # A stored policy removed or broken after the meeting chose it: say so, do not fail.
        return render(
            request, "meetings/manage/deadlines.html", {"meeting": meeting, "error": str(error)}
        )
    rows = [(deadlines[key], forms[key]) for key in DEADLINE_KEYS]
    return render(
        request,
        "meetings/manage/deadlines.html",
        {"meeting": meeting, "rows": rows},
        status=400 if refused else 200,
    )


@login_required
@require_POST
def meeting_deadline_clear(request, slug, key):
    """Restore one deadline to the date its policy gives."""
    meeting = _meeting_for_secretariat(request, slug)
    if key not in DEADLINE_KEYS:
        raise Http404("No such deadline.")
    if deadline_override_clear(meeting=meeting, key=key, by=request.user):
        messages.success(request, "The deadline is back to the policy's date.")
    return redirect("meetings:deadlines", slug=meeting.slug)


def deadlines_context(request, meeting: Meeting) -> dict:
    """The meeting page's "Key deadlines" section: each deadline and whether it has passed."""
    now = timezone.now()
    try:
        deadlines = selectors.meeting_deadlines(meeting)
    except (UnknownPolicy, InvalidPolicy) as error:
        rows, error_text = [], str(error)
    else:
        rows, error_text = [_deadline_row(meeting, d, now) for d in deadlines.values()], ""
    secretariat = is_secretariat(request.user, meeting.body)
    return {
        "deadlines": rows,
        "deadlines_error": error_text,
        "can_change_deadlines": secretariat,
        "status_actions": list(STATUS_ACTIONS.get(meeting.status, {}).items())
        if secretariat
        else [],
    }


def _deadline_row(meeting: Meeting, deadline: Deadline, now: datetime.datetime) -> dict:
    if deadline.cutoff == end_of_day(deadline.date, meeting.time_zone):
        closes = f"end of day, {meeting.time_zone_label or meeting.time_zone}"
    else:
        closes = f"{deadline.cutoff:%H:%M} {deadline.cutoff.tzname()}"
    return {"deadline": deadline, "passed": deadline.passed(now), "closes": closes}
