"""The work programme of a study group, as a page reads it and as CSV and XLSX exports."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from plenary.core.exports import safe_cell
from plenary.decisions.models import ApprovalStep, WorkItem
from plenary.documents.models import Document
from plenary.groups.models import Body
from plenary.meetings.models import Meeting

COLUMNS = [
    "Acronym",
    "Title",
    "Kind",
    "Question",
    "Editor(s)",
    "Base text",
    "Timing",
    "Approval process",
    "Status",
    "Status code",
    "Due",
    "Priority",
    "Latest text",
    "Candidate for discontinuation",
]

# How many of the study group's past meetings without a contribution make an item a candidate
# for discontinuation (A.1: work items no one contributes to are reviewed).
QUIET_MEETINGS = 2


@dataclass(frozen=True)
class Filters:
    question: Body | None = None
    status: str = ""
    meeting: Meeting | None = None
    candidates_only: bool = False


def last_meetings(study_group: Body, *, today: dt.date | None = None) -> list[Meeting]:
    """The study group's last meetings that have ended (its own and its working parties'),
    latest first; as many as QUIET_MEETINGS."""
    today = today or timezone.localdate()
    meetings = Meeting.objects.filter(
        Q(body=study_group) | Q(body__parent=study_group), end_date__lt=today
    ).order_by("-end_date", "-id")
    return list(meetings[:QUIET_MEETINGS])


def discontinuation_flag(study_group: Body, *, today: dt.date | None = None):
    """An expression true for an item under study that existed before the study group's last
    two meetings and was addressed by no contribution at either: a candidate to discontinue."""
    quiet = last_meetings(study_group, today=today)
    if len(quiet) < QUIET_MEETINGS:
        return Value(False, output_field=BooleanField())
    since = min(meeting.start_date for meeting in quiet)
    contributed = Document.objects.filter(
        work_items=OuterRef("pk"), kind=Document.Kind.CONTRIBUTION, meeting__in=quiet
    ).exclude(state__in=[Document.State.WITHDRAWN, Document.State.RESERVED])
    return ExpressionWrapper(
        Q(status=WorkItem.Status.IN_PROGRESS, created_at__date__lt=since) & ~Exists(contributed),
        output_field=BooleanField(),
    )


def work_programme(study_group: Body, filters: Filters | None = None) -> QuerySet[WorkItem]:
    """The study group's work items, each with the due date of its current approval stage
    (`current_due`), in three queries however many items there are."""
    latest = ApprovalStep.objects.filter(work_item=OuterRef("pk")).order_by("-id")
    items = (
        WorkItem.objects.filter(study_group=study_group)
        .select_related("question", "base_text__study_group", "latest_text__study_group")
        .prefetch_related("editors")
        .annotate(
            current_due=Subquery(latest.values("due")[:1]),
            discontinuation_candidate=discontinuation_flag(study_group),
        )
        .order_by("question__number", "acronym")
    )
    filters = filters or Filters()
    if filters.question is not None:
        items = items.filter(question=filters.question)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.candidates_only:
        items = items.filter(discontinuation_candidate=True)
    if filters.meeting is not None:
        # A meeting's programme: the drafts it was to consider and the items it decided on.
        concerned = WorkItem.objects.filter(
            Q(meetings=filters.meeting) | Q(decisions__meeting=filters.meeting)
        ).values("pk")
        items = items.filter(pk__in=concerned)
    return items


def _row(item: WorkItem) -> list[str]:
    # Titles and editors are typed by people: none may run as a formula in a spreadsheet.
    return [safe_cell(value) for value in _values(item)]


def _values(item: WorkItem) -> list[str]:
    return [
        item.acronym,
        item.title,
        item.get_kind_display(),
        item.question.acronym if item.question else "",
        "; ".join(sorted(str(editor) for editor in item.editors.all())),
        item.base_text.display_number if item.base_text else "",
        item.timing.strftime("%Y-%m") if item.timing else "",
        item.approval_process,
        item.get_status_display(),
        item.status,
        item.current_due.isoformat() if item.current_due else "",
        item.get_priority_display(),
        item.latest_text.display_number if item.latest_text else "",
        "yes" if item.discontinuation_candidate else "",
    ]


def as_csv(items: QuerySet[WorkItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(_row(item) for item in items)
    return out.getvalue()


def as_xlsx(items: QuerySet[WorkItem], *, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on a sheet name
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in items:
        sheet.append(_row(item))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
