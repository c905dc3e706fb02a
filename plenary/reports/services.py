"""Writes of the meeting report: the draft, the secretariat's edits, publication.

Publishing numbers the report in its study group's report series (SG11-R<n>, the documents app's
counter), stores the Word file, posts it as a Document of kind report and freezes the report's
content; a failure at any point leaves neither a number taken, a row written nor a file stored.
"""

import io
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.core.tasks import enqueue_on_commit
from plenary.documents import files, numbering, tasks
from plenary.documents import services as documents
from plenary.documents.models import Document, DocumentEvent
from plenary.meetings.models import AgendaItem, Meeting
from plenary.reports import content, selectors
from plenary.reports.models import ItemSummary, MeetingReport, ReportEvent
from plenary.reports.permissions import can_edit_report
from plenary.reports.word import report_docx

TEXT_FIELDS = ("title", "source", "introduction", "closing")
MAX_TITLE = 300


class ReportRefused(Exception):
    """The action is not possible; the message says why, for the person who tried."""


def _check(by: User, meeting: Meeting) -> None:
    if not can_edit_report(by, meeting):
        raise PermissionDenied("Only the secretariat of this meeting's body edits its report.")


def _locked(meeting: Meeting) -> MeetingReport | None:
    return MeetingReport.objects.select_for_update().filter(meeting=meeting).first()


@transaction.atomic
def report_draft(*, meeting: Meeting, by: User) -> MeetingReport:
    """The meeting's report, drafted now with the text a new draft starts with if it has none."""
    _check(by, meeting)
    report = _locked(meeting)
    if report is not None:
        return report
    facts = selectors.meeting_facts(meeting, selectors.meeting_roles(meeting))
    edits = content.default_edits(facts)
    report = MeetingReport.objects.create(
        meeting=meeting,
        title=edits.title[:MAX_TITLE],
        source=edits.source[:MAX_TITLE],
        introduction=edits.introduction,
        closing=edits.closing,
        created_by=by,
    )
    ReportEvent.objects.create(report=report, type=ReportEvent.Type.DRAFTED, actor=by)
    return report


@transaction.atomic
def report_edit(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    source: str,
    introduction: str = "",
    closing: str = "",
    summaries: Mapping[int, str] | None = None,
) -> MeetingReport:
    """Save the secretariat's text of a draft report (title, source, introduction, closing and
    a summary per agenda item; a blank summary removes it) and record what changed."""
    _check(by, meeting)
    title, source = title.strip(), source.strip()
    if not title or not source:
        raise ValidationError("The report needs a title and a source.")
    if len(title) > MAX_TITLE or len(source) > MAX_TITLE:
        raise ValidationError(f"Keep the title and the source under {MAX_TITLE} characters.")
    summaries = {int(pk): text.strip() for pk, text in (summaries or {}).items()}
    items = set(AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True))
    if set(summaries) - items:
        raise ValidationError("Summaries are written only for this meeting's agenda items.")
    report = report_draft(meeting=meeting, by=by)
    report = MeetingReport.objects.select_for_update().get(pk=report.pk)
    if report.is_published:
        raise ReportRefused("The report is published; it can no longer be edited.")
    values = {
        "title": title,
        "source": source,
        "introduction": introduction.strip(),
        "closing": closing.strip(),
    }
    changed = [name for name in TEXT_FIELDS if getattr(report, name) != values[name]]
    for name in changed:
        setattr(report, name, values[name])
    if changed:
        report.save(update_fields=[*changed, "updated_at"])
    existing = {s.agenda_item_id: s for s in report.summaries.all()}
    summary_changes = []
    for pk, text in summaries.items():
        current = existing.get(pk)
        if not text and current is not None:
            current.delete()
        elif text and current is None:
            ItemSummary.objects.create(report=report, agenda_item_id=pk, text=text)
        elif text and current is not None and current.text != text:
            current.text = text
            current.save(update_fields=["text"])
        else:
            continue
        summary_changes.append(pk)
    if summary_changes:
        changed.append(f"summaries of {len(summary_changes)} agenda item(s)")
    if changed:
        ReportEvent.objects.create(
            report=report, type=ReportEvent.Type.EDITED, actor=by, detail=", ".join(changed)
        )
    return report


def report_content(meeting: Meeting, report: MeetingReport | None) -> dict:
    """The report as shown now: the frozen content once published, else drafted afresh from the
    record with the secretariat's text."""
    if report is not None and report.is_published:
        return report.content
    sources = selectors.report_sources(meeting)
    return content.assemble(sources, selectors.report_edits(meeting, report, sources.facts))


def report_publish(*, meeting: Meeting, by: User) -> MeetingReport:
    """Number the draft SG<n>-R<m>, post its Word file as a report Document and freeze it."""
    _check(by, meeting)
    stored: files.StoredFile | None = None
    try:
        with transaction.atomic():
            report = _locked(meeting) or report_draft(meeting=meeting, by=by)
            if report.is_published:
                raise ReportRefused(
                    f"The report is already published as {report.document.display_number}."
                )
            try:
                study_group = documents.study_group_of(meeting)
                period = documents.study_period_of(meeting)
            except documents.DocumentRefused as exc:
                raise ReportRefused(str(exc)) from exc
            number = documents.next_number(
                study_group=study_group, study_period=period, kind=Document.Kind.REPORT
            )
            sources = selectors.report_sources(meeting)
            display = numbering.document_number(Document.Kind.REPORT, study_group.number, number)
            frozen = content.assemble(
                sources, selectors.report_edits(meeting, report, sources.facts), number=display
            )
            code = numbering.file_code(
                Document.Kind.REPORT, study_group.number, number, period=period.code
            )
            name = numbering.download_name(code, revision=0, language="E", extension=".docx")
            stored = files.store_upload(
                io.BytesIO(report_docx(frozen)), filename=name, allowed=("docx",)
            )
            now = timezone.now()
            document = Document.objects.create(
                kind=Document.Kind.REPORT,
                study_group=study_group,
                study_period=period,
                meeting=meeting,
                number=number,
                number_scope=Document.Scope.STUDY_PERIOD,
                title=frozen["title"],
                source=frozen["source"],
                abstract=frozen["abstract"],
                contacts=frozen["contacts"],
                state=Document.State.POSTED,
                posted_at=now,
                submitted_by=by,
            )
            revision = documents.revision_create(document=document, stored=stored, by=by)
            document.current_revision = revision
            document.save(update_fields=["current_revision"])
            for type_, detail in (
                (DocumentEvent.Type.NUMBERED, display),
                (DocumentEvent.Type.POSTED, "meeting report published"),
            ):
                DocumentEvent.objects.create(document=document, type=type_, actor=by, detail=detail)
            report.state = MeetingReport.State.PUBLISHED
            report.document = document
            report.content = frozen
            report.published_by = by
            report.published_at = now
            report.save(
                update_fields=[
                    "state",
                    "document",
                    "content",
                    "published_by",
                    "published_at",
                    "updated_at",
                ]
            )
            ReportEvent.objects.create(
                report=report, type=ReportEvent.Type.PUBLISHED, actor=by, detail=display
            )
            enqueue_on_commit(tasks.index_document, document.pk)
    except BaseException:
        if stored is not None:
            files.discard_stored(stored)
        raise
    return report
