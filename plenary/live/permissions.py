"""Who enters a live room and who runs it."""

from plenary.live.models import ChatMessage, FloorRequest, Room
from plenary.meetings.models import Meeting
from plenary.meetings.permissions import can_manage_meeting, can_view_meeting
from plenary.registrations.permissions import can_see_participant_details


def can_enter_room(user, meeting: Meeting) -> bool:
    """People with an approved registration, the meeting's chairs and the secretariat."""
    if not user.is_authenticated or not can_view_meeting(user, meeting):
        return False
    return can_see_participant_details(user, meeting)


def can_chair_room(user, room: Room) -> bool:
    """The meeting's chairs and the secretariat give the floor, hide messages, set the item."""
    return can_manage_meeting(user, room.meeting)


def can_withdraw_request(user, request: FloorRequest) -> bool:
    """One's own waiting request; the chair may remove anyone's."""
    return request.person_id == user.pk or can_chair_room(user, request.room)


def can_hide_message(user, message: ChatMessage) -> bool:
    """The chair hides a message from the room (it stays in the record)."""
    return can_chair_room(user, message.room)


def can_export_attendance(user, room: Room) -> bool:
    """The secretariat and the chairs export who attended a session."""
    return can_manage_meeting(user, room.meeting)
