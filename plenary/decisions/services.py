"""Writes of the decisions app: decisions and their corrections, approval steps, work-item history.

Every write runs in one transaction and leaves a history row naming the person who made it.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.decisions import approval
from plenary.decisions.models import ApprovalStep, Decision, WorkItem, WorkItemEvent
from plenary.decisions.permissions import can_advance_approval, can_record_decision
from plenary.documents.models import Document
from plenary.groups.models import Body
from plenary.meetings.models import AgendaItem, Meeting

S = approval.State
STATUS_OF_STATE = {
    S.CONSENTED: WorkItem.Status.CONSENTED,
    S.LAST_CALL: WorkItem.Status.LAST_CALL,
    S.LAST_CALL_JUDGMENT: WorkItem.Status.LAST_CALL_JUDGMENT,
    S.ADDITIONAL_REVIEW: WorkItem.Status.ADDITIONAL_REVIEW,
    S.REFERRED: WorkItem.Status.REFERRED,
    S.MEMBER_STATE_REFLECTION: WorkItem.Status.REFERRED,
    S.DETERMINED: WorkItem.Status.DETERMINED,
    S.NOTICE_SENT: WorkItem.Status.DETERMINED,
    S.CONSULTATION: WorkItem.Status.DETERMINED,
    S.AT_MEETING: WorkItem.Status.DETERMINED,
    S.APPROVED: WorkItem.Status.APPROVED,
    # A draft not approved goes back to its Question for further study.
    S.NOT_APPROVED: WorkItem.Status.IN_PROGRESS,
}
del S


@dataclass(frozen=True)
class NewWorkItem:
    """A new work item as A.1 asks it to be justified when a meeting agrees it."""

    acronym: str
    title: str
    question: Body | None = None
    kind: str = WorkItem.Kind.NEW
    approval_process: str = WorkItem.ApprovalProcess.AAP
    base_text: Document | None = None
    timing: dt.date | None = None
    editors: str = ""
    scope: str = ""
    summary: str = ""
    supporting_members: str = ""

    @property
    def justification(self) -> dict[str, str]:
        """What the report records beside the work item's own fields."""
        return {
            key: value
            for key, value in asdict(self).items()
            if key in ("editors", "scope", "summary", "supporting_members")
        }


EDITABLE_FIELDS = frozenset(
    {
        "acronym",
        "title",
        "kind",
        "question",
        "approval_process",
        "base_text",
        "latest_text",
        "timing",
        "priority",
        "status",
    }
)
# Many-to-many fields, changed as whole sets; the history keeps the names before and after.
EDITABLE_SETS = frozenset({"editors", "texts"})


def _names(objects: Iterable[models.Model]) -> str:
    """A set of people or documents as one line of the history."""
    return "; ".join(sorted(getattr(o, "display_number", None) or str(o) for o in objects))


def _as_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


@transaction.atomic
def work_item_update(
    *,
    work_item: WorkItem,
    by: User,
    note: str = "",
    decision: Decision | None = None,
    **fields: Any,
) -> WorkItemEvent | None:
    """Change a work item's fields and keep the change as a history row (none if unchanged).

    `editors` and `texts` take the whole new set. The base text and the latest text are texts
    of the item too, so they join `texts` by themselves."""
    unknown = set(fields) - EDITABLE_FIELDS - EDITABLE_SETS
    if unknown:
        raise ValueError(f"Not a work item field one may change: {', '.join(sorted(unknown))}.")
    sets = {name: set(fields.pop(name)) for name in EDITABLE_SETS & set(fields)}
    changes = {}
    for name, value in fields.items():
        old = getattr(work_item, name)
        if old != value:
            changes[name] = [_as_json(old), _as_json(value)]
            setattr(work_item, name, value)
    if changes:
        work_item.save(update_fields=list(changes))
    if "texts" in sets or "base_text" in changes or "latest_text" in changes:
        texts = sets.get("texts", set(work_item.texts.all()))
        texts |= {d for d in (work_item.base_text, work_item.latest_text) if d is not None}
        sets["texts"] = texts
    for name, wanted in sets.items():
        manager = getattr(work_item, name)
        before = set(manager.all())
        if before != wanted:
            changes[name] = [_names(before), _names(wanted)]
            manager.set(wanted)
    if not changes:
        return None
    return WorkItemEvent.objects.create(
        work_item=work_item, by=by, changes=changes, note=note[:300], decision=decision
    )


def _step_record(
    *,
    work_item: WorkItem,
    stage: approval.Stage,
    event: str,
    by: User,
    comments: str = "",
    decision: Decision | None = None,
) -> ApprovalStep:
    step = ApprovalStep.objects.create(
        work_item=work_item,
        process=stage.process.value,
        state=stage.state.value,
        event=event,
        started=stage.started,
        due=stage.due,
        meeting_date=stage.meeting,
        comments=comments,
        decision=decision,
        by=by,
    )
    work_item_update(
        work_item=work_item,
        by=by,
        note=f"{stage.process}: {stage.label}",
        decision=decision,
        status=STATUS_OF_STATE[stage.state],
    )
    return step


def _meeting_day(meeting: Meeting) -> dt.date:
    """Today in the meeting's zone, kept within its dates: a decision recorded after the meeting
    was still taken on one of its days (its last, when not known better)."""
    today = timezone.localdate(timezone=meeting.tz)
    return min(max(today, meeting.start_date), meeting.end_date)


def _check_scope(
    meeting: Meeting, agenda_item: AgendaItem, documents: list, work_items: list
) -> None:
    if agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "That agenda item is not on this meeting's agenda."})
    study_group = meeting.body.study_group
    if any(d.study_group_id != study_group.pk for d in documents):
        raise ValidationError({"documents": f"Link only documents of {study_group}."})
    if any(w.study_group_id != study_group.pk for w in work_items):
        raise ValidationError({"work_items": f"Link only work items of {study_group}."})


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    agenda_item: AgendaItem,
    kind: str,
    text: str,
    by: User,
    documents: Iterable[Document] = (),
    work_items: Iterable[WorkItem] = (),
    approval_meeting: dt.date | None = None,
    new_work_item: NewWorkItem | None = None,
    details: dict | None = None,
) -> Decision:
    """Record what the meeting decided under an agenda item.

    A consent starts the AAP of each draft named (status C); a determination starts the TAP
    towards the study-group meeting of `approval_meeting` (status determined); a new work item
    agreed is added to the work programme with its A.1 justification kept on the decision.
    """
    if not can_record_decision(by, meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat record decisions.")
    documents = list(documents)
    items = list(WorkItem.objects.select_for_update().filter(pk__in=[w.pk for w in work_items]))
    _check_scope(meeting, agenda_item, documents, items)
    day = _meeting_day(meeting)
    stages: dict[int, approval.Stage] = {}
    details = dict(details or {})
    if kind in (Decision.Kind.CONSENT, Decision.Kind.DETERMINATION):
        process = (
            WorkItem.ApprovalProcess.AAP
            if kind == Decision.Kind.CONSENT
            else WorkItem.ApprovalProcess.TAP
        )
        if not items:
            raise ValidationError({"work_items": "Name the draft Recommendation(s) concerned."})
        for item in items:
            if item.approval_process != process:
                raise ValidationError(
                    {"work_items": f"{item} follows {item.approval_process}, not {process}."}
                )
            if item.status != WorkItem.Status.IN_PROGRESS:
                raise ValidationError(
                    {"work_items": f"{item} is already {item.get_status_display()}."}
                )
            try:
                if kind == Decision.Kind.CONSENT:
                    stages[item.pk] = approval.consent(day)
                elif approval_meeting is None:
                    raise ValidationError(
                        {"approval_meeting": "Give the date of the approving meeting."}
                    )
                else:
                    stages[item.pk] = approval.determine(day, meeting=approval_meeting)
            except approval.ApprovalError as exc:
                raise ValidationError({"approval_meeting": str(exc)}) from exc
        if approval_meeting is not None:
            details["approval_meeting"] = approval_meeting.isoformat()
    created = None
    if kind == Decision.Kind.NEW_WORK_ITEM:
        if new_work_item is None:
            raise ValidationError("Give the new work item's acronym and title.")
        created = _work_item_create(meeting, new_work_item)
        items.append(created)
        details.update(new_work_item.justification)
    decision = Decision.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        agenda_title=agenda_item.title,
        kind=kind,
        text=text,
        details=details,
        recorded_by=by,
    )
    decision.documents.set(documents)
    decision.work_items.set(items)
    if created is not None:
        WorkItemEvent.objects.create(
            work_item=created,
            by=by,
            changes={
                name: [None, _as_json(getattr(created, name))]
                for name in ("acronym", "title", "question", "approval_process", "timing")
            },
            note="Agreed as a new work item",
            decision=decision,
        )
    for item in items:
        if item.pk in stages:
            _step_record(
                work_item=item, stage=stages[item.pk], event=kind, by=by, decision=decision
            )
    return decision


def _work_item_create(meeting: Meeting, new: NewWorkItem) -> WorkItem:
    study_group = meeting.body.study_group
    if not new.acronym.strip() or not new.title.strip():
        raise ValidationError("Give the new work item's acronym and title.")
    if WorkItem.objects.filter(study_group=study_group, acronym__iexact=new.acronym).exists():
        raise ValidationError({"acronym": f"{study_group} already has a work item {new.acronym}."})
    if new.question is not None and new.question.study_group != study_group:
        raise ValidationError({"question": f"Choose a Question of {study_group}."})
    if new.base_text is not None and new.base_text.study_group_id != study_group.pk:
        raise ValidationError({"base_text": f"Choose a contribution or TD of {study_group}."})
    try:
        # A savepoint, so that two people agreeing the same acronym at once get a clear refusal.
        with transaction.atomic():
            return WorkItem.objects.create(
                study_group=study_group,
                question=new.question,
                acronym=new.acronym.strip(),
                title=new.title.strip(),
                kind=new.kind,
                approval_process=new.approval_process,
                base_text=new.base_text,
                timing=new.timing,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"acronym": f"{study_group} already has a work item {new.acronym}."}
        ) from exc


@transaction.atomic
def decision_correct(
    *,
    decision: Decision,
    text: str,
    by: User,
    documents: Iterable[Document] | None = None,
    work_items: Iterable[WorkItem] | None = None,
) -> Decision:
    """Correct a decision by recording a new one that names it; the corrected row is untouched.

    The correction keeps the kind and agenda item; approval steps already started are the
    secretariat's to advance, so a correction starts or undoes none.
    """
    if not can_record_decision(by, decision.meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat correct decisions.")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.corrections.exists():
        raise ValidationError("That decision was corrected already; correct the latest version.")
    documents = list(decision.documents.all() if documents is None else documents)
    items = list(decision.work_items.all() if work_items is None else work_items)
    if decision.agenda_item is not None:
        _check_scope(decision.meeting, decision.agenda_item, documents, items)
    correction = Decision.objects.create(
        meeting=decision.meeting,
        agenda_item=decision.agenda_item,
        agenda_title=decision.agenda_title,
        kind=decision.kind,
        text=text,
        details=decision.details,
        corrects=decision,
        recorded_by=by,
    )
    correction.documents.set(documents)
    correction.work_items.set(items)
    return correction


@transaction.atomic
def approval_advance(
    *,
    work_item: WorkItem,
    event: approval.Event,
    on: dt.date,
    by: User,
    comments: str = "",
    meeting_date: dt.date | None = None,
) -> ApprovalStep:
    """Move a draft to its next approval stage (the secretariat's act), with the comments
    received, and set the work item's status from it."""
    if not can_advance_approval(by, work_item):
        raise PermissionDenied("Only the secretariat advances an approval process.")
    item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    latest = item.approval_steps.order_by("-id").first()
    if latest is None:
        raise ValidationError(f"{item} is not in an approval process.")
    try:
        stage = approval.advance(latest.stage, event, on, meeting=meeting_date)
    except approval.ApprovalError as exc:
        raise ValidationError(str(exc)) from exc
    step = _step_record(work_item=item, stage=stage, event=event.value, by=by, comments=comments)
    work_item.status = item.status
    return step
