"""What a participant's browser asks for over the WebSocket: parsed, authorized, and passed to a
service. The consumer calls `perform` in a worker thread and only moves the messages."""

from typing import Any

from plenary.documents.models import Document
from plenary.live import services
from plenary.live.floor import FloorError
from plenary.live.models import ChatMessage, FloorRequest, Room
from plenary.live.permissions import (
    can_chair_room,
    can_enter_room,
    can_hide_message,
    can_withdraw_request,
)
from plenary.meetings.models import AgendaItem


class ActionRefused(Exception):
    """The action is refused; the message is shown to the person who asked."""


CHAIR_ACTIONS = frozenset(
    {
        "floor.give",
        "floor.end",
        "floor.interrupt",
        "floor.hold",
        "floor.release",
        "floor.reorder",
        "floor.close",
        "floor.reopen",
        "chat.hide",
        "room.current",
        "decision.consent",
        "decision.note",
    }
)


def _int(message: dict[str, Any], key: str, *, optional: bool = False) -> int | None:
    value = message.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ActionRefused(f"The action needs a number for {key!r}.")
    return value


def _text(message: dict[str, Any], key: str) -> str:
    value = message.get(key, "")
    if not isinstance(value, str):
        raise ActionRefused(f"The action needs text for {key!r}.")
    return value


def _dispatch(user, room: Room, action: str, message: dict[str, Any]) -> None:
    if action == "floor.request":
        kind = _text(message, "kind") or FloorRequest.Kind.ORDINARY
        services.floor_request(
            room=room, person=user, kind=kind, for_delegation=bool(message.get("delegation"))
        )
    elif action == "floor.withdraw":
        request = FloorRequest.objects.filter(room=room, pk=_int(message, "request")).first()
        if request is None or not can_withdraw_request(user, request):
            raise ActionRefused("You can withdraw only your own request.")
        services.floor_withdraw(room=room, request_id=request.pk, by=user)
    elif action == "floor.give":
        services.floor_give(room=room, by=user, request_id=_int(message, "request", optional=True))
    elif action == "floor.end":
        services.floor_end(room=room, by=user)
    elif action == "floor.interrupt":
        services.floor_interrupt(room=room, by=user, reason=_text(message, "reason"))
    elif action == "floor.hold":
        services.floor_hold(
            room=room, by=user, person_id=_int(message, "person"), reason=_text(message, "reason")
        )
    elif action == "floor.release":
        services.floor_release(room=room, by=user, person_id=_int(message, "person"))
    elif action == "floor.reorder":
        order = message.get("order")
        if not isinstance(order, list) or not all(type(i) is int for i in order):
            raise ActionRefused("The action needs the new order of the requests.")
        services.floor_reorder(room=room, by=user, order=order)
    elif action == "floor.close":
        services.floor_close(room=room, by=user)
    elif action == "floor.reopen":
        services.floor_reopen(room=room, by=user)
    elif action == "chat.post":
        services.chat_post(room=room, person=user, text=_text(message, "text"))
    elif action == "chat.hide":
        chat = ChatMessage.objects.filter(room=room, pk=_int(message, "message")).first()
        if chat is None or not can_hide_message(user, chat):
            raise ActionRefused("That message cannot be hidden.")
        services.chat_hide(room=room, message_id=chat.pk, by=user)
    elif action == "room.current":
        item_id = _int(message, "item", optional=True)
        document_id = _int(message, "document", optional=True)
        item = AgendaItem.objects.filter(meeting=room.meeting, pk=item_id).first()
        document = Document.objects.filter(meeting=room.meeting, pk=document_id).first()
        if (item_id and item is None) or (document_id and document is None):
            raise ActionRefused("That agenda item or document is not known.")
        services.room_set_current(room=room, by=user, agenda_item=item, document=document)
    elif action == "decision.consent":
        services.decision_consent(room=room, by=user, work_item_id=_int(message, "draft"))
    elif action == "decision.note":
        services.decision_note_document(room=room, by=user)
    else:
        raise ActionRefused("Unknown action.")


def perform(*, user, room_id: int, message: dict[str, Any]) -> str | None:
    """Carry out one action; returns why it was refused, or None when it was done."""
    room = Room.objects.select_related("meeting__body").get(pk=room_id)
    action = message.get("action")
    if not isinstance(action, str):
        return "Unknown action."
    if not can_enter_room(user, room.meeting):
        return "You are not admitted to this room."
    if action in CHAIR_ACTIONS and not can_chair_room(user, room):
        return "Only the chair can do that."
    try:
        _dispatch(user, room, action, message)
    except (ActionRefused, FloorError, services.RoomError) as refusal:
        return str(refusal)
    return None
