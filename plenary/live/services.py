"""Every change to a live room: apply the rule, write the rows, number the event, publish it.

Each function locks the room row, so that changes to one room are applied one at a time whichever
server process receives them; the event is published (plenary/live/broadcast.py) only after the
transaction commits, so that nobody hears of a change that was rolled back.
"""

import datetime as dt
import os
import socket
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.decisions.models import Decision
from plenary.decisions.services import decision_record
from plenary.documents.models import Document
from plenary.live import broadcast, floor
from plenary.live.floor import FloorState, Kind, Request
from plenary.live.models import (
    Attendance,
    ChatMessage,
    FloorRequest,
    Intervention,
    Room,
    RoomEvent,
)
from plenary.live.selectors import (
    affiliations,
    current_payload,
    decision_payload,
    floor_payload,
    message_payload,
    present_payload,
)
from plenary.meetings.models import AgendaItem, Meeting

CHAT_MAX_LENGTH = 2000
CHAT_RATE = 5  # messages per person ...
CHAT_WINDOW = dt.timedelta(seconds=10)  # ... within this window


class RoomError(Exception):
    """A change to the room that is refused; the message says why."""


def publish(group: str, event: dict[str, Any]) -> None:
    """Send a numbered event to every connection of the room, in every server process."""
    broadcast.publish(group, event)


def _emit(room: Room, kind: str, payload: dict, *, actor: User | None, now: dt.datetime) -> None:
    room.last_seq += 1
    room.save(update_fields=["last_seq"])
    RoomEvent.objects.create(
        room=room, seq=room.last_seq, type=kind, payload=payload, actor=actor, created=now
    )
    message = {"seq": room.last_seq, "type": kind, "payload": payload}
    transaction.on_commit(partial(publish, room.group_name, message))


def _locked(room: Room) -> Room:
    return Room.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=room.pk)


def _slot_now(meeting: Meeting, now: dt.datetime):
    slots = list(meeting.slots.all())
    for slot in slots:
        if slot.starts_at <= now < slot.ends_at:
            return slot
    upcoming = [slot for slot in slots if slot.ends_at > now]
    if upcoming:
        return upcoming[0]
    return slots[-1] if slots else None


@transaction.atomic
def room_current(*, meeting: Meeting, now: dt.datetime | None = None) -> Room:
    """The room of the session under way (else the next one, else the last); made when first
    needed. A meeting without a time plan has one room of its own."""
    slot = _slot_now(meeting, now or timezone.now())
    room, _ = Room.objects.get_or_create(meeting=meeting, slot=slot)
    return room


@transaction.atomic
def room_of_session(*, meeting: Meeting, session: int | None) -> Room | None:
    """The room of the session of the time plan with this id (made when first needed); the
    current one when none is named; None when the meeting has no such session."""
    if session is None:
        return room_current(meeting=meeting)
    slot = meeting.slots.filter(pk=session).first()
    if slot is None:
        return None
    room, _ = Room.objects.get_or_create(meeting=meeting, slot=slot)
    return room


def session_param(value: str | None) -> int | None:
    """A session id from a query string ('?session=12'); None when absent or not a number."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@transaction.atomic
def room_join(
    *,
    room: Room,
    person: User,
    channel_name: str,
    now: dt.datetime | None = None,
    announce: bool = True,
) -> None:
    """A connection of the person entered the room: recorded, and the room sees them present
    (at once, or with `announce=False` in the next `room_presence`: the server announces a burst
    of arrivals once rather than once per arrival)."""
    now = now or timezone.now()
    if not announce:
        Attendance.objects.create(
            room=room, person=person, channel_name=channel_name, joined_at=now
        )
        return
    room = _locked(room)
    Attendance.objects.create(room=room, person=person, channel_name=channel_name, joined_at=now)
    _emit(room, "presence", {"present": present_payload(room)}, actor=person, now=now)


@transaction.atomic
def room_leave(
    *,
    room: Room,
    person: User,
    channel_name: str,
    now: dt.datetime | None = None,
    announce: bool = True,
) -> None:
    """A connection of the person left the room (announced as `room_join` is)."""
    now = now or timezone.now()
    if announce:
        room = _locked(room)
    Attendance.objects.filter(
        room=room, person=person, channel_name=channel_name, left_at__isnull=True
    ).update(left_at=now)
    if announce:
        _emit(room, "presence", {"present": present_payload(room)}, actor=person, now=now)


@transaction.atomic
def room_presence(*, room: Room, now: dt.datetime | None = None) -> None:
    """Tell the room who is present now, after arrivals and departures not yet announced."""
    now = now or timezone.now()
    room = _locked(room)
    _emit(room, "presence", {"present": present_payload(room)}, actor=None, now=now)


@transaction.atomic
def room_set_current(
    *,
    room: Room,
    by: User,
    agenda_item: AgendaItem | None,
    document: Document | None = None,
    now: dt.datetime | None = None,
) -> None:
    """The chair moves the room to an agenda item (and a document); the list of speakers,
    closed for the previous item, opens again."""
    now = now or timezone.now()
    room = _locked(room)
    if agenda_item is not None and agenda_item.meeting_id != room.meeting_id:
        raise RoomError("That agenda item is not on this meeting's agenda.")
    if document is not None and document.meeting_id != room.meeting_id:
        raise RoomError("That document is not one of this meeting's.")
    room.current_item = agenda_item
    room.current_document = document
    room.save(update_fields=["current_item", "current_document"])
    _emit(room, "current", current_payload(room), actor=by, now=now)
    if room.queue_closed:
        _apply(room, by=by, now=now, action=floor.reopen)


def _floor_state(room: Room) -> tuple[FloorState, dict[int, FloorRequest]]:
    rows = {
        r.pk: r
        for r in room.floor_requests.filter(
            status__in=[FloorRequest.Status.WAITING, FloorRequest.Status.SPEAKING]
        ).order_by("position", "id")
    }

    def as_request(row: FloorRequest) -> Request:
        return Request(row.pk, row.person_id, Kind(row.kind), row.delegation)

    speaking = [r for r in rows.values() if r.status == FloorRequest.Status.SPEAKING]
    state = FloorState(
        queue=tuple(
            as_request(r) for r in rows.values() if r.status == FloorRequest.Status.WAITING
        ),
        speaker=as_request(speaking[0]) if speaking else None,
        holds={int(person): reason for person, reason in (room.holds or {}).items()},
        closed=room.queue_closed,
    )
    return state, rows


def _apply(
    room: Room,
    *,
    by: User,
    now: dt.datetime,
    action: Callable[[FloorState], FloorState],
    reason: str = "",
    loaded: tuple[FloorState, dict[int, FloorRequest]] | None = None,
) -> FloorState:
    """Apply a pure floor action to the room's state (as loaded here unless given) and write
    back what changed."""
    before, rows = loaded or _floor_state(room)
    after = action(before)
    Status = FloorRequest.Status
    if before.speaker is not None and after.speaker != before.speaker:
        row = rows[before.speaker.id]
        row.status, row.closed_at = Status.DONE, now
        row.save(update_fields=["status", "closed_at"])
        Intervention.objects.filter(room=room, ended_at__isnull=True).update(
            ended_at=now, interrupted=bool(reason), reason=reason
        )
    waiting = {r.id for r in after.queue}
    for request in before.queue:
        if request.id not in waiting and (after.speaker is None or after.speaker.id != request.id):
            row = rows[request.id]
            row.status, row.closed_at = Status.WITHDRAWN, now
            row.save(update_fields=["status", "closed_at"])
    if after.speaker is not None and after.speaker != before.speaker:
        row = rows[after.speaker.id]
        row.status = Status.SPEAKING
        row.save(update_fields=["status"])
        Intervention.objects.create(
            room=room,
            request=row,
            person_id=row.person_id,
            affiliation=affiliations(room, [row.person_id]).get(row.person_id, ""),
            delegation=row.delegation,
            agenda_item_id=room.current_item_id,
            document_id=room.current_document_id,
            started_at=now,
        )
    for position, request in enumerate(after.queue):
        row = rows[request.id]
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])
    if dict(after.holds) != dict(before.holds) or after.closed != before.closed:
        room.holds = {str(person): why for person, why in after.holds.items()}
        room.queue_closed = after.closed
        room.save(update_fields=["holds", "queue_closed"])
    _emit(room, "floor", floor_payload(room), actor=by, now=now)
    return after


@transaction.atomic
def floor_request(
    *,
    room: Room,
    person: User,
    kind: str = Kind.ORDINARY,
    for_delegation: bool = False,
    now: dt.datetime | None = None,
) -> FloorRequest:
    """A participant asks for the floor, for themselves or on behalf of their delegation."""
    now = now or timezone.now()
    room = _locked(room)
    if kind not in {k.value for k in Kind}:
        raise RoomError("Ask for the floor or raise a point of order.")
    delegation = affiliations(room, [person.pk]).get(person.pk, "") if for_delegation else ""
    if for_delegation and not delegation:
        raise RoomError("You are not registered for a delegation.")
    state, rows = _floor_state(room)
    floor.request(state, Request(0, person.pk, Kind(kind), delegation))  # refuses before writing
    row = FloorRequest.objects.create(
        room=room,
        person=person,
        kind=kind,
        delegation=delegation,
        position=len(state.queue),
        requested_at=now,
    )
    rows[row.pk] = row
    _apply(
        room,
        by=person,
        now=now,
        action=lambda s: floor.request(s, Request(row.pk, person.pk, Kind(kind), delegation)),
        loaded=(state, rows),
    )
    return row


@transaction.atomic
def floor_withdraw(*, room: Room, request_id: int, by: User, now: dt.datetime | None = None):
    """A waiting request leaves the queue (its owner withdraws it, or the chair removes it)."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=lambda s: floor.withdraw(s, request_id))


@transaction.atomic
def floor_give(
    *, room: Room, by: User, request_id: int | None = None, now: dt.datetime | None = None
) -> None:
    """The chair gives the floor to the next person in the queue, or to a chosen request."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=lambda s: floor.give_floor(s, request_id))


@transaction.atomic
def floor_end(*, room: Room, by: User, now: dt.datetime | None = None) -> None:
    """The speaker's intervention ends."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=floor.end_intervention)


@transaction.atomic
def floor_interrupt(*, room: Room, by: User, reason: str, now: dt.datetime | None = None) -> None:
    """The chair interrupts the speaker; the intervention is recorded as interrupted, with why."""
    room = _locked(room)
    reason = reason.strip()
    _apply(
        room,
        by=by,
        now=now or timezone.now(),
        action=lambda s: floor.interrupt(s, reason),
        reason=reason,
    )


@transaction.atomic
def floor_hold(
    *, room: Room, by: User, person_id: int, reason: str, now: dt.datetime | None = None
) -> None:
    """The person is not given the floor until the problem is resolved."""
    room = _locked(room)
    _apply(
        room, by=by, now=now or timezone.now(), action=lambda s: floor.hold(s, person_id, reason)
    )


@transaction.atomic
def floor_release(*, room: Room, by: User, person_id: int, now: dt.datetime | None = None):
    """The problem is resolved; the person may be given the floor again."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=lambda s: floor.release(s, person_id))


@transaction.atomic
def floor_reorder(*, room: Room, by: User, order: list[int], now: dt.datetime | None = None):
    """The chair puts the waiting requests in a new order."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=lambda s: floor.reorder(s, order))


@transaction.atomic
def floor_close(*, room: Room, by: User, now: dt.datetime | None = None) -> None:
    """No more ordinary requests for the current item."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=floor.close)


@transaction.atomic
def floor_reopen(*, room: Room, by: User, now: dt.datetime | None = None) -> None:
    """Ordinary requests are taken again."""
    room = _locked(room)
    _apply(room, by=by, now=now or timezone.now(), action=floor.reopen)


@transaction.atomic
def chat_post(*, room: Room, person: User, text: str, now: dt.datetime | None = None):
    """A message to the whole room, as plain text, within the per-person rate limit."""
    now = now or timezone.now()
    room = _locked(room)
    text = text.strip()
    if not text:
        raise RoomError("Write a message first.")
    if len(text) > CHAT_MAX_LENGTH:
        raise RoomError(f"A message has at most {CHAT_MAX_LENGTH} characters.")
    recent = ChatMessage.objects.filter(
        room=room, person=person, created_at__gt=now - CHAT_WINDOW
    ).count()
    if recent >= CHAT_RATE:
        raise RoomError("You are sending messages too quickly; wait a few seconds.")
    message = ChatMessage.objects.create(
        room=room,
        person=person,
        affiliation=affiliations(room, [person.pk]).get(person.pk, ""),
        text=text,
        created_at=now,
    )
    _emit(room, "chat", message_payload(message, person), actor=person, now=now)
    return message


@transaction.atomic
def chat_hide(*, room: Room, message_id: int, by: User, now: dt.datetime | None = None) -> None:
    """The chair hides a message from the room; it stays in the record with who hid it."""
    now = now or timezone.now()
    room = _locked(room)
    message = ChatMessage.objects.filter(room=room, pk=message_id).first()
    if message is None:
        raise RoomError("That message is not in this room.")
    if message.hidden:
        raise RoomError("That message is already hidden.")
    message.hidden, message.hidden_by, message.hidden_at = True, by, now
    message.save(update_fields=["hidden", "hidden_by", "hidden_at"])
    _emit(room, "chat.hidden", {"id": message.pk}, actor=by, now=now)


def _refusal(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


@transaction.atomic
def decision_consent(
    *, room: Room, by: User, work_item_id: int, now: dt.datetime | None = None
) -> Decision:
    """The chair records, under the current agenda item, the consent of one of the drafts the
    meeting is to consider (AAP, status C); the room sees the decision as an event.

    The document under discussion is linked to the decision when it is one of the study group's.
    """
    now = now or timezone.now()
    room = _locked(room)
    meeting = room.meeting
    if room.current_item is None:
        raise RoomError("Set the agenda item under discussion first.")
    draft = meeting.drafts.filter(pk=work_item_id).first()
    if draft is None:
        raise RoomError("That draft is not one this meeting is to consider.")
    document = room.current_document
    documents = (
        [document]
        if document is not None and document.study_group_id == meeting.body.study_group.pk
        else []
    )
    return _decide(
        room,
        by,
        now,
        kind=Decision.Kind.CONSENT,
        text=f"Draft Recommendation {draft.acronym} consented.",
        documents=documents,
        work_items=[draft],
    )


def _decide(room: Room, by: User, now: dt.datetime, **decision) -> Decision:
    """Record a decision under the room's current item; a refusal becomes the room's message,
    a recorded decision the room's event."""
    try:
        with transaction.atomic():
            recorded = decision_record(
                meeting=room.meeting, agenda_item=room.current_item, by=by, **decision
            )
    except PermissionDenied as refusal:
        raise RoomError(str(refusal)) from refusal
    except ValidationError as refusal:
        raise RoomError(_refusal(refusal)) from refusal
    _emit(room, "decision", decision_payload(recorded), actor=by, now=now)
    return recorded


@transaction.atomic
def decision_note_document(*, room: Room, by: User, now: dt.datetime | None = None) -> Decision:
    """The chair records, under the current agenda item, that the meeting noted the document
    under discussion; the room sees the decision as an event."""
    now = now or timezone.now()
    room = _locked(room)
    meeting = room.meeting
    if room.current_item is None:
        raise RoomError("Set the agenda item under discussion first.")
    document = room.current_document
    if document is None or document.meeting_id != meeting.pk:
        raise RoomError("Set the document under discussion first.")
    return _decide(
        room,
        by,
        now,
        kind=Decision.Kind.DOCUMENTS_NOTED,
        text=f"{document.display_number} noted.",
        documents=[document],
    )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


@transaction.atomic
def attendance_close_orphans(
    *, host: str | None = None, alive: Callable[[int], bool] = _process_alive
) -> int:
    """Close the attendance left open by server processes of this host that are gone (a crash
    or a kill leaves no departure): each row ends at the last thing its room recorded while it
    was open, else at its arrival. Run when a server starts; returns how many it closed."""
    host = host or socket.gethostname()
    closed = 0
    rows = Attendance.objects.filter(left_at__isnull=True, channel_name__startswith=f"{host}.")
    for row in rows.select_for_update():
        pid = row.channel_name[len(host) + 1 :].split(".", 1)[0]
        if not pid.isdigit() or alive(int(pid)):
            continue
        last = (
            RoomEvent.objects.filter(room_id=row.room_id, created__gte=row.joined_at)
            .order_by("-created")
            .values_list("created", flat=True)
            .first()
        )
        row.left_at = last or row.joined_at
        row.save(update_fields=["left_at"])
        closed += 1
    return closed
