"""The live room's page, its snapshot for the page's script, and the attendance export."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from plenary.core.exports import table_response
from plenary.documents.models import Document
from plenary.live.models import Room
from plenary.live.permissions import can_chair_room, can_enter_room, can_export_attendance
from plenary.live.selectors import attendance_rows, room_snapshot
from plenary.live.services import room_current, room_of_session, session_param
from plenary.meetings.permissions import meetings_visible_to
from plenary.meetings.selectors import agenda_rows


def _meeting(request, slug):
    return get_object_or_404(meetings_visible_to(request.user).select_related("body"), slug=slug)


@require_GET
def room_page(request, slug):
    meeting = _meeting(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_enter_room(request.user, meeting):
        return render(request, "live/refused.html", {"meeting": meeting}, status=403)
    session = session_param(request.GET.get("session"))
    room = room_of_session(meeting=meeting, session=session)
    if room is None:
        raise Http404("This meeting has no such session.")
    is_chair = can_chair_room(request.user, room)
    query = f"?session={session}" if session is not None else ""
    context = {
        "meeting": meeting,
        "room": room,
        "is_chair": is_chair,
        "can_export": can_export_attendance(request.user, room),
        "agenda": agenda_rows(meeting.agenda_items.all()) if is_chair else [],
        "documents": Document.objects.filter(meeting=meeting).order_by("kind", "number")
        if is_chair
        else [],
        "drafts": meeting.drafts.order_by("acronym") if is_chair else [],
        "sessions": list(meeting.slots.order_by("date", "start", "id")),
        "config": {
            "state": reverse("live:state", kwargs={"slug": meeting.slug}) + query,
            "socket": f"/ws/live/{meeting.slug}/{query}",
            "me": request.user.pk,
            "chair": is_chair,
        },
    }
    return render(request, "live/room.html", context)


@require_GET
def room_state(request, slug):
    meeting = _meeting(request, slug)
    if not can_enter_room(request.user, meeting):
        return JsonResponse({"error": "You are not admitted to this room."}, status=403)
    room = room_of_session(meeting=meeting, session=session_param(request.GET.get("session")))
    if room is None:
        return JsonResponse({"error": "This meeting has no such session."}, status=404)
    response = JsonResponse(room_snapshot(room))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def attendance_export(request, slug, fmt):
    """Per-session attendance: first join, last leave and total time of each person, as CSV or
    XLSX. The session is the current one unless ?room= names another room of the meeting."""
    meeting = _meeting(request, slug)
    room_id = request.GET.get("room", "")
    if room_id:
        room = get_object_or_404(Room, meeting=meeting, pk=room_id if room_id.isdigit() else 0)
    else:
        room = room_current(meeting=meeting)
    if not can_export_attendance(request.user, room):
        return HttpResponse("Only the chairs and the secretariat export attendance.", status=403)
    rows = [
        ["Name", "Affiliation", "First join (UTC)", "Last leave (UTC)", "Minutes"],
        *attendance_rows(room, now=timezone.now()),
    ]
    return table_response(
        rows,
        fmt=fmt,
        filename=f"attendance-{meeting.slug}-{room.pk}.{fmt}",
        sheet_title="Attendance",
    )
