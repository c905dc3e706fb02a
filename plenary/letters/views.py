from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from plenary.letters.services import letter_compose, letter_to_docx
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _get_meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


@require_safe
def letter_page(request, slug):
    """The collective letter as a printable page; public whenever the meeting is."""
    meeting = _get_meeting(request, slug)
    letter = letter_compose(meeting=meeting)
    return render(request, "letters/page.html", {"meeting": meeting, "letter": letter})


@require_safe
def letter_docx(request, slug):
    """The collective letter as a Word file."""
    meeting = _get_meeting(request, slug)
    letter = letter_compose(meeting=meeting)
    response = HttpResponse(letter_to_docx(letter=letter), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}.docx"'
    return response
