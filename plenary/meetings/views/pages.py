from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plenary.documents.models import Document
from plenary.groups.models import Role
from plenary.meetings.calendar import meeting_calendar
from plenary.meetings.models import Meeting, PlanVersion
from plenary.meetings.permissions import can_manage_meeting, can_view_meeting
from plenary.meetings.selectors import agenda_rows, plan_shown
from plenary.meetings.views.manage import deadlines_context
from plenary.registrations.permissions import can_see_participant_details


def _get_meeting(request, slug: str) -> Meeting:
    # The page's sections each ask for the deadlines; the overrides are read once for all of them.
    meetings = Meeting.objects.select_related("body__parent__parent").prefetch_related(
        "deadline_overrides"
    )
    meeting = get_object_or_404(meetings, slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


def _documents_by_agenda_number(meeting: Meeting) -> dict[str, list[Document]]:
    """The meeting's posted documents under the number of the agenda item they are allocated
    to (numbers, not ids, so that a published agenda version shows them too): two queries. A
    contribution held for the next meeting is not considered at this one: it is left out."""
    numbers = {row.pk: row.number for row in agenda_rows(meeting.agenda_items.all())}
    documents = (
        Document.objects.filter(
            meeting=meeting,
            state=Document.State.POSTED,
            agenda_item__isnull=False,
            held_for_next=False,
        )
        .select_related("study_group")
        .order_by("kind", "number", "id")
    )
    allocated: dict[str, list[Document]] = {}
    for document in documents:
        if document.agenda_item_id in numbers:
            allocated.setdefault(numbers[document.agenda_item_id], []).append(document)
    return allocated


@require_safe
def meeting_detail(request, slug):
    """Everything the collective letter tells a delegate, in their time zone and the meeting's."""
    meeting = _get_meeting(request, slug)
    # The agenda section and the documents under its items both number the same items: read once.
    prefetch_related_objects([meeting], "agenda_items")
    chairs = (
        Role.objects.filter(body__in=[meeting.body, *meeting.body.ancestors()], name="chairman")
        .select_related("person", "person__organization", "body")
        .order_by("body__kind")
    )
    can_manage = can_manage_meeting(request.user, meeting)
    agenda = plan_shown(meeting=meeting, kind=PlanVersion.Kind.AGENDA, editor=can_manage)
    time_plan = plan_shown(meeting=meeting, kind=PlanVersion.Kind.TIME_PLAN, editor=can_manage)
    allocated = _documents_by_agenda_number(meeting)
    context = {
        "meeting": meeting,
        "chairs": chairs,
        "agenda_plan": agenda,
        "agenda": agenda.rows,
        "agenda_entries": [(row, allocated.get(row.number, [])) for row in agenda.rows],
        "time_plan": time_plan,
        "slots": time_plan.rows,
        "drafts": meeting.drafts.select_related("question").all(),
        "viewer_tz": request.viewer_tz,
        "can_manage": can_manage,
        "can_see_participant_details": can_see_participant_details(request.user, meeting),
        **deadlines_context(request, meeting),
    }
    return render(request, "meetings/detail.html", context)


@require_safe
def meeting_ics(request, slug):
    """The published time plan as an iCalendar download (calendars are shared, so no drafts)."""
    meeting = _get_meeting(request, slug)
    shown = plan_shown(meeting=meeting, kind=PlanVersion.Kind.TIME_PLAN, editor=False)
    response = HttpResponse(
        meeting_calendar(meeting, shown.rows),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}.ics"'
    return response
