"""What a room looks like to its participants: the snapshot and the parts events carry."""

import datetime as dt
from typing import Any

from django.db import transaction

from plenary.accounts.models import User
from plenary.decisions.models import Decision
from plenary.live.models import Attendance, ChatMessage, FloorRequest, Intervention, Room
from plenary.meetings.selectors import agenda_rows
from plenary.registrations.models import Registration

CHAT_HISTORY = 200


def affiliations(room: Room, person_ids) -> dict[int, str]:
    """Each person's affiliation as their approved registration gives it (else their profile)."""
    ids = set(person_ids)
    found = {
        person_id: str(organization)
        for person_id, organization in (
            (r.person_id, r.organization)
            for r in Registration.objects.filter(
                meeting_id=room.meeting_id, person_id__in=ids, state=Registration.State.APPROVED
            ).select_related("organization")
        )
        if organization is not None
    }
    for person in User.objects.filter(pk__in=ids - set(found)).select_related("organization"):
        found[person.pk] = person.affiliation
    return found


def _people(room: Room, person_ids) -> dict[int, dict[str, Any]]:
    ids = set(person_ids)
    where = affiliations(room, ids)
    return {
        p.pk: {"id": p.pk, "name": p.display_name, "affiliation": where.get(p.pk, "")}
        for p in User.objects.filter(pk__in=ids)
    }


def floor_payload(room: Room) -> dict[str, Any]:
    """The queue in order, the speaker with the start of the intervention, the holds."""
    requests = list(
        room.floor_requests.filter(
            status__in=[FloorRequest.Status.WAITING, FloorRequest.Status.SPEAKING]
        ).order_by("position", "id")
    )
    holds = {int(person): reason for person, reason in (room.holds or {}).items()}
    people = _people(room, [r.person_id for r in requests] + list(holds))

    def entry(request: FloorRequest) -> dict[str, Any]:
        return {
            "id": request.pk,
            "person": people[request.person_id],
            "kind": request.kind,
            "delegation": request.delegation,
            "requested_at": request.requested_at.isoformat(),
        }

    speaker = None
    for request in requests:
        if request.status == FloorRequest.Status.SPEAKING:
            intervention = Intervention.objects.filter(room=room, ended_at__isnull=True).first()
            speaker = entry(request)
            speaker["started_at"] = intervention.started_at.isoformat() if intervention else None
    return {
        "closed": room.queue_closed,
        "queue": [entry(r) for r in requests if r.status == FloorRequest.Status.WAITING],
        "speaker": speaker,
        "holds": [{"person": people[p], "reason": reason} for p, reason in holds.items()],
    }


def message_payload(message: ChatMessage, person: User) -> dict[str, Any]:
    """A chat message as every participant sees it; a hidden one without its text."""
    return {
        "id": message.pk,
        "person": {
            "id": person.pk,
            "name": person.display_name,
            "affiliation": message.affiliation,
        },
        "text": "" if message.hidden else message.text,
        "hidden": message.hidden,
        "created_at": message.created_at.isoformat(),
    }


def chat_payload(room: Room) -> list[dict[str, Any]]:
    """The latest messages, oldest first."""
    latest = list(
        room.chat_messages.select_related("person").order_by("-created_at", "-id")[:CHAT_HISTORY]
    )
    return [message_payload(m, m.person) for m in reversed(latest)]


def present_payload(room: Room) -> list[dict[str, Any]]:
    """Who is connected now, by name."""
    ids = set(
        Attendance.objects.filter(room=room, left_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    return sorted(_people(room, ids).values(), key=lambda p: p["name"].lower())


def current_payload(room: Room) -> dict[str, Any]:
    """The agenda item under discussion (with its number) and the document, if any."""
    item = None
    if room.current_item_id:
        for row in agenda_rows(room.meeting.agenda_items.all()):
            if row.pk == room.current_item_id:
                item = {"id": row.pk, "number": row.number, "title": row.title}
    document = None
    if room.current_document is not None:
        doc = room.current_document
        document = {
            "id": doc.pk,
            "number": doc.display_number,
            "title": doc.title,
            "url": doc.get_absolute_url(),
        }
    return {"item": item, "document": document}


def decision_payload(decision: Decision) -> dict[str, Any]:
    """A decision recorded from the room, as the room shows it."""
    return {
        "id": decision.pk,
        "kind": decision.kind,
        "kind_label": decision.get_kind_display(),
        "text": decision.text,
        "agenda_item": decision.agenda_title,
        "work_items": [
            {"id": w.pk, "acronym": w.acronym, "status": w.status}
            for w in decision.work_items.order_by("acronym")
        ],
    }


def decisions_payload(room: Room) -> list[dict[str, Any]]:
    """The meeting's decisions so far, oldest first."""
    decisions = Decision.objects.filter(meeting_id=room.meeting_id).order_by("pk")
    return [decision_payload(d) for d in decisions.prefetch_related("work_items")]


@transaction.atomic
def room_snapshot(room: Room) -> dict[str, Any]:
    """Everything a client needs to draw the room, and the number of the last event in it.

    Read under the room's lock, so that the state and the number agree: no change lands between
    them, and a client applies exactly the events after that number.
    """
    room = (
        Room.objects.select_for_update(of=("self",))
        .select_related("meeting", "slot")
        .get(pk=room.pk)
    )
    slot = room.slot
    return {
        "room": {
            "id": room.pk,
            "session": str(slot.title) if slot else "",
            "remote_tool": room.meeting.remote_tool,
        },
        "seq": room.last_seq,
        "floor": floor_payload(room),
        "current": current_payload(room),
        "present": present_payload(room),
        "chat": chat_payload(room),
        "decisions": decisions_payload(room),
    }


def _covered(spans: list[tuple[dt.datetime, dt.datetime]]) -> dt.timedelta:
    """Time inside any of the spans (two tabs open at once count once)."""
    total = dt.timedelta()
    end = None
    for start, stop in sorted(spans):
        if end is None or start > end:
            total += stop - start
            end = stop
        elif stop > end:
            total += stop - end
            end = stop
    return total


def attendance_rows(room: Room, *, now: dt.datetime) -> list[list]:
    """Per person who joined: name, affiliation, first join, last leave (blank while still
    present) and whole minutes present, in order of first join."""
    people: dict[int, dict[str, Any]] = {}
    for row in Attendance.objects.filter(room=room).select_related("person").order_by("joined_at"):
        entry = people.setdefault(
            row.person_id, {"person": row.person, "first": row.joined_at, "last": None, "spans": []}
        )
        if row.left_at and (entry["last"] is None or row.left_at > entry["last"]):
            entry["last"] = row.left_at
        if row.left_at is None:
            entry["present"] = True
        entry["spans"].append((row.joined_at, row.left_at or now))
    where = affiliations(room, people)
    return [
        [
            entry["person"].display_name,
            where.get(person_id, ""),
            entry["first"].isoformat(timespec="seconds"),
            ""
            if entry.get("present") or entry["last"] is None
            else entry["last"].isoformat(timespec="seconds"),
            round(_covered(entry["spans"]).total_seconds() / 60),
        ]
        for person_id, entry in people.items()
    ]
