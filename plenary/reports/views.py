"""The meeting report: its page (draft or published), the secretariat's editing and publishing,
and the draft as a Word file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plenary.documents.files import DOCX
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_view_meeting
from plenary.reports import selectors, services
from plenary.reports.forms import ReportForm
from plenary.reports.permissions import (
    can_edit_report,
    can_read_published_report,
    can_read_report_draft,
)
from plenary.reports.word import report_docx


def _meeting(request, slug: str) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("body__parent__parent"), slug=slug)
    if not can_view_meeting(request.user, meeting):
        raise Http404("No meeting matches the given query.")
    return meeting


@require_safe
def report_page(request, slug):
    """The published report for everyone who may see the meeting; before that, the live draft
    for the secretariat and the meeting's chairs, and a notice for everyone else."""
    meeting = _meeting(request, slug)
    report = selectors.meeting_report(meeting)
    published = report is not None and report.is_published
    if published and can_read_published_report(request.user, report):
        data = report.content
    elif not published and can_read_report_draft(request.user, meeting):
        data = services.report_content(meeting, report)
    else:
        context = {"meeting": meeting, "report": report if published else None}
        status = 403 if published and request.user.is_authenticated else 200
        return render(request, "reports/not_published.html", context, status=status)
    context = {
        "meeting": meeting,
        "report": report,
        "data": data,
        "published": published,
        "can_edit": not published and can_edit_report(request.user, meeting),
    }
    return render(request, "reports/report.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request, slug):
    """The secretariat writes the draft's text: cover title and source, introduction, closing
    and a summary per agenda item."""
    meeting = _meeting(request, slug)
    if not can_edit_report(request.user, meeting):
        raise PermissionDenied("Only the secretariat of this meeting's body edits its report.")
    report = selectors.meeting_report(meeting)
    if report is not None and report.is_published:
        messages.info(request, "The report is published; it can no longer be edited.")
        return redirect("reports:page", slug=meeting.slug)
    agenda = selectors.agenda_entries(meeting)
    if request.method == "POST":
        form = ReportForm(request.POST, agenda=agenda)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_edit(
                    meeting=meeting,
                    by=request.user,
                    title=data["title"],
                    source=data["source"],
                    introduction=data["introduction"],
                    closing=data["closing"],
                    summaries=form.summaries(),
                )
            except (ValidationError, services.ReportRefused) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, "The draft report is saved.")
                return redirect("reports:page", slug=meeting.slug)
        status = 400
    else:
        facts = selectors.meeting_facts(meeting, selectors.meeting_roles(meeting))
        edits = selectors.report_edits(meeting, report, facts)
        initial = {
            "title": edits.title,
            "source": edits.source,
            "introduction": edits.introduction,
            "closing": edits.closing,
            **{ReportForm.summary_field(pk): text for pk, text in edits.summaries.items()},
        }
        form = ReportForm(initial=initial, agenda=agenda)
        status = 200
    return render(request, "reports/edit.html", {"meeting": meeting, "form": form}, status=status)


@login_required
@require_POST
def report_publish(request, slug):
    """The secretariat numbers and publishes the report (SG11-R<n>) with its Word file."""
    meeting = _meeting(request, slug)
    if not can_edit_report(request.user, meeting):
        raise PermissionDenied("Only the secretariat of this meeting's body publishes its report.")
    try:
        report = services.report_publish(meeting=meeting, by=request.user)
    except services.ReportRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The report is published as {report.document.display_number}.")
    return redirect("reports:page", slug=meeting.slug)


@require_safe
def report_draft_docx(request, slug):
    """The draft as a Word file, for those who read the draft; once published, the posted file
    (which the documents' access rule guards)."""
    meeting = _meeting(request, slug)
    report = selectors.meeting_report(meeting)
    if report is not None and report.is_published:
        return redirect(report.document.current_revision.get_absolute_url())
    if not can_read_report_draft(request.user, meeting):
        raise PermissionDenied("The draft report is for the secretariat and the meeting's chairs.")
    content = report_docx(services.report_content(meeting, report))
    response = HttpResponse(content, content_type=DOCX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-report-draft.docx"'
    return response
