"""Decisions of a meeting: read by whoever may see the meeting, recorded by those who run it.

Thin over plenary.decisions, as its pages (views.py) are: the list is selectors.
meeting_decision_list; recording asks permissions.can_record_decision (the meeting's own chairs
and the secretariat of its body), validates with the page's DecisionForm and writes through
services.decision_record. The API names things as people write them (agenda item '6', work item
'Q.SCC', document 'T17-SG11-C-0123'); they are turned into the form's choices here.
"""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router
from ninja.responses import Status

from plenary.api.auth import MEMBERS
from plenary.api.errors import Forbidden, InvalidInput
from plenary.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, Ordering, paginate
from plenary.api.routes.common import ANONYMOUS_ALLOWED, ERRORS, responses, visible_meeting
from plenary.api.routes.documents import _lookup as documents_with_code
from plenary.api.schemas import DecisionIn, DecisionOut, DecisionPage
from plenary.decisions import services
from plenary.decisions.forms import DecisionForm, questions_of
from plenary.decisions.models import Decision, WorkItem
from plenary.decisions.permissions import can_record_decision
from plenary.decisions.selectors import meeting_decision_list
from plenary.meetings.models import Meeting
from plenary.meetings.selectors import agenda_rows

router = Router(tags=["decisions"])

Slug = Path(
    ...,
    max_length=80,
    pattern=r"^[-a-zA-Z0-9_]+$",
    description="The meeting's slug, as in its page's address.",
    example="sg11-wp1-2020-11-19",
)

_IN_ORDER = Ordering("decisions", ("recorded_at", "id"), (dt.datetime.fromisoformat, int))

# The page form's field names, as the API's body names them (for the `field` of an error).
_FIELD_NAMES = {
    "work_item_kind": "new_work_item.kind",
    **{
        name: f"new_work_item.{name}"
        for name in (
            "acronym",
            "title",
            "question",
            "approval_process",
            "base_text",
            "timing",
            "editors",
            "scope",
            "summary",
            "supporting_members",
        )
    },
}


def _agenda_numbers(meeting: Meeting) -> dict[int, str]:
    return {row.pk: row.number for row in agenda_rows(meeting.agenda_items.all()) if row.pk}


def _out(request: HttpRequest, decision: Decision, agenda: dict[int, str]) -> dict:
    corrections = list(decision.corrections.all())
    approval_meeting = decision.details.get("approval_meeting")
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "agenda_item": agenda.get(decision.agenda_item_id) if decision.agenda_item_id else None,
        "agenda_title": decision.agenda_title,
        "text": decision.text,
        "work_items": sorted(w.acronym for w in decision.work_items.all()),
        "documents": [
            {
                "code": d.file_code,
                "number": d.display_number,
                "api_url": request.build_absolute_uri(
                    reverse("api-v1:document", kwargs={"code": d.file_code})
                ),
            }
            for d in sorted(decision.documents.all(), key=lambda d: (d.kind, d.number or 0))
        ],
        "approval_meeting": dt.date.fromisoformat(approval_meeting) if approval_meeting else None,
        "corrects": decision.corrects_id,
        "corrected_by": corrections[0].pk if corrections else None,
        "recorded_by": decision.recorded_by.display_name,
        "recorded_at": decision.recorded_at,
    }


def _decisions(meeting: Meeting):
    """The page's list, with what a document's file code needs, in constant queries."""
    return meeting_decision_list(meeting).prefetch_related(
        "documents__study_period", "documents__meeting"
    )


@router.get(
    "/meetings/{slug}/decisions",
    response=responses(DecisionPage),
    url_name="meeting_decisions",
    openapi_extra=ANONYMOUS_ALLOWED,
)
def list_decisions(
    request: HttpRequest,
    slug: str = Slug,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    cursor: str | None = Query(None, max_length=500, description="From a previous `next`."),
):
    """What the meeting decided, in the order it was decided, as its decisions page shows it to
    everyone who may see the meeting. A correction is a decision of its own that names the one
    it corrects (`corrects`); the corrected one says `corrected_by`."""
    meeting = visible_meeting(request, slug)
    rows, next_url = paginate(
        request, _decisions(meeting), ordering=_IN_ORDER, limit=limit, cursor=cursor
    )
    agenda = _agenda_numbers(meeting) if rows else {}
    return {"items": [_out(request, d, agenda) for d in rows], "next": next_url}


def _documents(codes: list[str], field: str) -> list[int]:
    """The ids of the documents with these file codes; 400 naming the first unknown code."""
    found = []
    for code in codes:
        match = next((d for d in documents_with_code(code)[:10] if d.file_code == code), None)
        if match is None:
            raise InvalidInput(f"No document has the code {code}.", field=field)
        found.append(match.pk)
    return found


def _form_data(meeting: Meeting, payload: DecisionIn) -> dict:
    """The page form's data from the API's body: names turned into the form's choices."""
    agenda = {number: pk for pk, number in _agenda_numbers(meeting).items()}
    if payload.agenda_item not in agenda:
        raise InvalidInput("That item is not on this meeting's agenda.", field="agenda_item")
    study_group = meeting.body.study_group
    known = {
        acronym.lower(): pk
        for pk, acronym in WorkItem.objects.filter(study_group=study_group).values_list(
            "pk", "acronym"
        )
    }
    unknown = [a for a in payload.work_items if a.lower() not in known]
    if unknown:
        raise InvalidInput(
            f"{study_group} has no work item {', '.join(unknown)}.", field="work_items"
        )
    data: dict = {
        "agenda_item": agenda[payload.agenda_item],
        "kind": payload.kind,
        "text": payload.text,
        "work_items": [known[a.lower()] for a in payload.work_items],
        "documents": _documents(payload.documents, "documents"),
        "approval_meeting": payload.approval_meeting.isoformat()
        if payload.approval_meeting
        else "",
    }
    new = payload.new_work_item
    if payload.kind == Decision.Kind.NEW_WORK_ITEM and new is None:
        raise InvalidInput("Give the new work item's acronym and title.", field="new_work_item")
    if payload.kind != Decision.Kind.NEW_WORK_ITEM and new is not None:
        raise InvalidInput(
            "A new work item goes with a decision of kind new_work_item.", field="new_work_item"
        )
    if new is not None:
        question = None
        if new.question:
            question = (
                questions_of(study_group)
                .filter(acronym__iexact=new.question)
                .values_list("pk", flat=True)
                .first()
            )
            if question is None:
                raise InvalidInput(
                    f"Choose a Question of {study_group}.", field="new_work_item.question"
                )
        data.update(
            {
                "acronym": new.acronym,
                "title": new.title,
                "question": question or "",
                "work_item_kind": new.kind,
                "approval_process": new.approval_process,
                "base_text": _documents([new.base_text], "new_work_item.base_text")[0]
                if new.base_text
                else "",
                "timing": new.timing.isoformat() if new.timing else "",
                "editors": new.editors,
                "scope": new.scope,
                "summary": new.summary,
                "supporting_members": new.supporting_members,
            }
        )
    return data


def _invalid(errors: dict[str, list[str]]) -> InvalidInput:
    field, messages = next(iter(errors.items()))
    name = None if field == NON_FIELD_ERRORS else _FIELD_NAMES.get(field, field)
    return InvalidInput(" ".join(str(m) for m in messages), field=name)


@router.post(
    "/meetings/{slug}/decisions",
    response={201: DecisionOut, **ERRORS},
    url_name="meeting_decision_record",
    auth=MEMBERS,
)
def record_decision(request: HttpRequest, payload: DecisionIn, slug: str = Slug):
    """Record a decision under an agenda item: the meeting's chairs and the secretariat of its
    body only (403 `may_not_record` for others). A consent starts the AAP of each draft named,
    a determination the TAP towards `approval_meeting`, a new work item is added to the work
    programme. A decision is never edited; a correction is recorded on the decisions page."""
    meeting = visible_meeting(request, slug)
    if not can_record_decision(request.user, meeting):
        raise Forbidden(
            "Only the meeting's chairs and the secretariat record decisions.",
            code="may_not_record",
        )
    form = DecisionForm(_form_data(meeting, payload), meeting=meeting)
    if not form.is_valid():
        raise _invalid(form.errors)
    data = form.cleaned_data
    new_work_item = form.new_work_item()
    try:
        decision = services.decision_record(
            meeting=meeting,
            agenda_item=data["agenda_item"],
            kind=data["kind"],
            text=data["text"],
            documents=data["documents"],
            work_items=data["work_items"],
            approval_meeting=data["approval_meeting"],
            new_work_item=new_work_item,
            by=request.user,
        )
    except ValidationError as exc:
        raise _invalid(
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        ) from None
    decision = _decisions(meeting).get(pk=decision.pk)
    return Status(201, _out(request, decision, _agenda_numbers(meeting)))
