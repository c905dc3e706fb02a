from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_create_meeting


@require_safe
def home(request):
    """Upcoming meetings first (soonest first), then past ones (latest first)."""
    today = timezone.now().date()
    meetings = Meeting.objects.exclude(status=Meeting.Status.DRAFT).select_related("body")
    upcoming = meetings.filter(end_date__gte=today).order_by("start_date", "slug")
    past = meetings.filter(end_date__lt=today).order_by("-start_date", "slug")[:50]
    context = {
        "upcoming": upcoming,
        "past": past,
        "can_create_meeting": can_create_meeting(request.user),
    }
    return render(request, "core/home.html", context)


@require_safe
def ok(request):
    """A trivial endpoint: the baseline of the benchmarks and a liveness probe."""
    return HttpResponse("ok", content_type="text/plain")
