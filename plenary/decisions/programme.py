"""The work programme of a study group, as a page reads it and as CSV and XLSX exports."""

import csv
import io
from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.styles import Font

from plenary.decisions.models import ApprovalStep, WorkItem
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
]


@dataclass(frozen=True)
class Filters:
    question: Body | None = None
    status: str = ""
    meeting: Meeting | None = None


def work_programme(study_group: Body, filters: Filters | None = None) -> QuerySet[WorkItem]:
    """The study group's work items, each with the due date of its current approval stage
    (`current_due`), in three queries however many items there are."""
    latest = ApprovalStep.objects.filter(work_item=OuterRef("pk")).order_by("-id")
    items = (
        WorkItem.objects.filter(study_group=study_group)
        .select_related("question", "base_text__study_group")
        .prefetch_related("editors")
        .annotate(current_due=Subquery(latest.values("due")[:1]))
        .order_by("question__number", "acronym")
    )
    filters = filters or Filters()
    if filters.question is not None:
        items = items.filter(question=filters.question)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.meeting is not None:
        # A meeting's programme: the drafts it was to consider and the items it decided on.
        concerned = WorkItem.objects.filter(
            Q(meetings=filters.meeting) | Q(decisions__meeting=filters.meeting)
        ).values("pk")
        items = items.filter(pk__in=concerned)
    return items


def _cell(value: str) -> str:
    """A text a spreadsheet will not run as a formula (titles are typed by people)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def _row(item: WorkItem) -> list[str]:
    return [_cell(value) for value in _values(item)]


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
