"""The floor queue as a pure state machine: no database, no clock, no Django.

A state is an immutable value; every action takes a state and returns the next one, or raises
FloorError saying why the action is refused. The services load the state from the database, apply
an action here, and write the difference back, so the rules live in one place and can be tested
over any sequence of actions.

Rules kept by every action:
- at most one speaker;
- points of order wait ahead of ordinary requests (in the order they were raised);
- a request is in the queue, or is the speaker's, or is gone; never twice;
- a person on hold is not given the floor until the hold is released;
- a person has at most one request waiting or speaking.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum


class FloorError(Exception):
    """An action the floor's rules refuse; the message says why, in the chair's words."""


class Kind(StrEnum):
    ORDINARY = "ordinary"
    POINT_OF_ORDER = "point_of_order"


@dataclass(frozen=True)
class Request:
    """A request for the floor by a person, possibly on behalf of a delegation."""

    id: int
    person: int
    kind: Kind = Kind.ORDINARY
    delegation: str = ""


@dataclass(frozen=True)
class FloorState:
    queue: tuple[Request, ...] = ()
    speaker: Request | None = None
    holds: Mapping[int, str] = field(default_factory=dict)
    closed: bool = False

    def find(self, request_id: int) -> Request | None:
        """The waiting request with this id, or None."""
        return next((r for r in self.queue if r.id == request_id), None)


def _insert(queue: tuple[Request, ...], request: Request) -> tuple[Request, ...]:
    """Append an ordinary request; put a point of order after the points of order waiting."""
    if request.kind == Kind.ORDINARY:
        return (*queue, request)
    at = sum(1 for r in queue if r.kind == Kind.POINT_OF_ORDER)
    return (*queue[:at], request, *queue[at:])


def request(state: FloorState, new: Request) -> FloorState:
    """A participant asks for the floor. A point of order may be raised when the queue is closed."""
    if new.kind == Kind.ORDINARY and state.closed:
        raise FloorError("The list of speakers is closed for this item.")
    if state.find(new.id) is not None or (state.speaker and state.speaker.id == new.id):
        raise FloorError("This request is already on the list.")
    if state.speaker is not None and state.speaker.person == new.person:
        raise FloorError("You have the floor.")
    if any(r.person == new.person for r in state.queue):
        raise FloorError("You have already asked for the floor; withdraw that request first.")
    return replace(state, queue=_insert(state.queue, new))


def withdraw(state: FloorState, request_id: int) -> FloorState:
    """A waiting request leaves the queue (by its owner, or removed by the chair)."""
    if state.find(request_id) is None:
        raise FloorError("That request is not waiting.")
    return replace(state, queue=tuple(r for r in state.queue if r.id != request_id))


def give_floor(state: FloorState, request_id: int | None = None) -> FloorState:
    """The chair gives the floor to the next person not on hold, or to a given waiting request.

    A waiting point of order (of someone not on hold) is dealt with before any ordinary request.
    """
    if state.speaker is not None:
        raise FloorError("Someone has the floor; end or interrupt that intervention first.")
    if request_id is None:
        chosen = next((r for r in state.queue if r.person not in state.holds), None)
        if chosen is None:
            raise FloorError("Nobody is waiting who can be given the floor.")
    else:
        chosen = state.find(request_id)
        if chosen is None:
            raise FloorError("That request is not waiting.")
        if chosen.person in state.holds:
            raise FloorError(
                "This person is on hold and is not given the floor until the problem is resolved."
            )
        if chosen.kind == Kind.ORDINARY and any(
            r.kind == Kind.POINT_OF_ORDER and r.person not in state.holds for r in state.queue
        ):
            raise FloorError("A point of order is waiting; it is taken first.")
    return replace(state, queue=tuple(r for r in state.queue if r.id != chosen.id), speaker=chosen)


def end_intervention(state: FloorState) -> FloorState:
    """The speaker has finished."""
    if state.speaker is None:
        raise FloorError("Nobody has the floor.")
    return replace(state, speaker=None)


def interrupt(state: FloorState, reason: str) -> FloorState:
    """The chair interrupts the speaker; the reason is kept in the record."""
    if not reason.strip():
        raise FloorError("Give the reason for interrupting (it is kept in the record).")
    return end_intervention(state)


def hold(state: FloorState, person: int, reason: str) -> FloorState:
    """The person is not given the floor until the hold is released."""
    if not reason.strip():
        raise FloorError("Give the reason for the hold.")
    if person in state.holds:
        raise FloorError("This person is already on hold.")
    return replace(state, holds={**state.holds, person: reason.strip()})


def release(state: FloorState, person: int) -> FloorState:
    """The problem is resolved: the person may be given the floor again."""
    if person not in state.holds:
        raise FloorError("This person is not on hold.")
    return replace(state, holds={p: r for p, r in state.holds.items() if p != person})


def reorder(state: FloorState, order: Sequence[int]) -> FloorState:
    """The chair puts the waiting requests in a new order (every one of them, once).

    Points of order stay ahead of ordinary requests; among themselves either kind may move.
    """
    by_id = {r.id: r for r in state.queue}
    if len(order) != len(by_id) or set(order) != set(by_id):
        raise FloorError("The list has changed; reload and reorder again.")
    queue = tuple(by_id[i] for i in order)
    kinds = [r.kind == Kind.POINT_OF_ORDER for r in queue]
    if kinds != sorted(kinds, reverse=True):
        raise FloorError("Points of order stay ahead of ordinary requests.")
    return replace(state, queue=queue)


def close(state: FloorState) -> FloorState:
    """No more ordinary requests for the current item."""
    if state.closed:
        raise FloorError("The list of speakers is already closed.")
    return replace(state, closed=True)


def reopen(state: FloorState) -> FloorState:
    """Ordinary requests are taken again."""
    if not state.closed:
        raise FloorError("The list of speakers is open.")
    return replace(state, closed=False)
