from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plenary.groups.models import Role
from plenary.meetings.calendar import meeting_calendar
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_manage_meeting, can_view_meeting


def _get_meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


@require_safe
def meeting_detail(request, slug):
    """Everything the collective letter tells a delegate, in their time zone and the meeting's."""
    meeting = _get_meeting(request, slug)
    chairs = (
        Role.objects.filter(body__in=[meeting.body, *meeting.body.ancestors()], name="chairman")
        .select_related("person", "person__organization", "body")
        .order_by("body__kind")
    )
    items = list(meeting.agenda_items.all())
    context = {
        "meeting": meeting,
        "chairs": chairs,
        "agenda": _agenda_tree(items),
        "slots": meeting.slots.all(),
        "drafts": meeting.drafts.select_related("question").all(),
        "viewer_tz": request.viewer_tz,
        "can_manage": can_manage_meeting(request.user, meeting),
    }
    return render(request, "meetings/detail.html", context)


def _agenda_tree(items):
    """(number, item, depth) in reading order, numbered 1, 2, 2.1 from positions."""
    children: dict = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda i: i.position)
    rows = []

    def walk(parent_id, prefix, depth):
        for index, item in enumerate(children.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            rows.append((number, item, depth))
            walk(item.pk, f"{number}.", depth + 1)

    walk(None, "", 0)
    return rows


@require_safe
def meeting_ics(request, slug):
    """The time plan as an iCalendar download."""
    meeting = _get_meeting(request, slug)
    response = HttpResponse(
        meeting_calendar(meeting, meeting.slots.select_related("meeting")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response
