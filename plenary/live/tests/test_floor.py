"""The floor queue's rules, by example and over random sequences of actions."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plenary.live import floor
from plenary.live.floor import FloorError, FloorState, Kind, Request

PO = Kind.POINT_OF_ORDER


def test_it_puts_points_of_order_ahead_of_ordinary_requests():
    state = FloorState()
    state = floor.request(state, Request(1, person=10))
    state = floor.request(state, Request(2, person=11, kind=PO))
    state = floor.request(state, Request(3, person=12))
    state = floor.request(state, Request(4, person=13, kind=PO))
    assert [r.id for r in state.queue] == [2, 4, 1, 3]


def test_it_gives_the_floor_to_the_next_and_ends_the_intervention():
    state = floor.request(FloorState(), Request(1, person=10, delegation="China"))
    state = floor.give_floor(state)
    assert state.speaker == Request(1, person=10, delegation="China")
    assert state.queue == ()
    assert floor.end_intervention(state).speaker is None


def test_it_refuses_a_second_speaker():
    state = floor.request(FloorState(), Request(1, person=10))
    state = floor.request(state, Request(2, person=11))
    state = floor.give_floor(state)
    with pytest.raises(FloorError, match="Someone has the floor"):
        floor.give_floor(state, 2)


def test_it_refuses_a_second_request_of_one_person():
    state = floor.request(FloorState(), Request(1, person=10))
    with pytest.raises(FloorError, match="already asked"):
        floor.request(state, Request(2, person=10, kind=PO))


def test_it_skips_a_held_person_and_refuses_to_give_them_the_floor():
    state = floor.request(FloorState(), Request(1, person=10))
    state = floor.request(state, Request(2, person=11))
    state = floor.hold(state, 10, "insufficient audio")
    with pytest.raises(FloorError, match="on hold"):
        floor.give_floor(state, 1)
    assert floor.give_floor(state).speaker.id == 2
    state = floor.release(state, 10)
    assert floor.give_floor(state).speaker.id == 1


def test_it_requires_a_reason_to_interrupt():
    state = floor.give_floor(floor.request(FloorState(), Request(1, person=10)))
    with pytest.raises(FloorError, match="reason"):
        floor.interrupt(state, " ")
    assert floor.interrupt(state, "insufficient audio").speaker is None


def test_it_takes_a_waiting_point_of_order_before_a_chosen_ordinary_request():
    state = floor.request(FloorState(), Request(1, person=10))
    state = floor.request(state, Request(2, person=11, kind=PO))
    with pytest.raises(FloorError, match="point of order"):
        floor.give_floor(state, 1)


def test_it_closes_the_list_to_ordinary_requests_only():
    state = floor.close(FloorState())
    with pytest.raises(FloorError, match="closed"):
        floor.request(state, Request(1, person=10))
    state = floor.request(state, Request(2, person=11, kind=PO))
    assert floor.request(floor.reopen(state), Request(1, person=10)).queue[-1].id == 1


def test_it_reorders_but_keeps_points_of_order_first():
    state = FloorState()
    for rid, kind in [(1, Kind.ORDINARY), (2, Kind.ORDINARY), (3, PO)]:
        state = floor.request(state, Request(rid, person=rid, kind=kind))
    assert [r.id for r in floor.reorder(state, [3, 2, 1]).queue] == [3, 2, 1]
    with pytest.raises(FloorError, match="ahead"):
        floor.reorder(state, [1, 3, 2])
    with pytest.raises(FloorError, match="changed"):
        floor.reorder(state, [3, 1])


# Random sequences: every action is tried; a refusal must leave the state as it was.
PEOPLE = st.integers(min_value=1, max_value=5)
ACTIONS = st.one_of(
    st.tuples(st.just("request"), PEOPLE, st.sampled_from(list(Kind))),
    st.tuples(st.just("withdraw"), st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("give"), st.none() | st.integers(min_value=1, max_value=30)),
    st.tuples(st.just("end")),
    st.tuples(st.just("interrupt"), st.sampled_from(["", "insufficient audio"])),
    st.tuples(st.just("hold"), PEOPLE),
    st.tuples(st.just("release"), PEOPLE),
    st.tuples(st.just("reorder"), st.randoms(use_true_random=False)),
    st.tuples(st.just("close")),
    st.tuples(st.just("reopen")),
)


def _apply(state: FloorState, action, next_id: int) -> FloorState:
    name, *args = action
    if name == "request":
        return floor.request(state, Request(next_id, person=args[0], kind=args[1]))
    if name == "withdraw":
        return floor.withdraw(state, args[0])
    if name == "give":
        return floor.give_floor(state, args[0])
    if name == "end":
        return floor.end_intervention(state)
    if name == "interrupt":
        return floor.interrupt(state, args[0])
    if name == "hold":
        return floor.hold(state, args[0], "insufficient audio")
    if name == "release":
        return floor.release(state, args[0])
    if name == "reorder":
        order = [r.id for r in state.queue]
        args[0].shuffle(order)
        return floor.reorder(state, order)
    if name == "close":
        return floor.close(state)
    return floor.reopen(state)


def _check(state: FloorState) -> None:
    kinds = [r.kind == PO for r in state.queue]
    assert kinds == sorted(kinds, reverse=True), "a point of order behind an ordinary request"
    ids = [r.id for r in state.queue] + ([state.speaker.id] if state.speaker else [])
    assert len(ids) == len(set(ids)), "a request twice"
    people = [r.person for r in state.queue] + ([state.speaker.person] if state.speaker else [])
    assert len(people) == len(set(people)), "a person twice"


@settings(max_examples=300)
@given(st.lists(ACTIONS, max_size=40))
def test_no_sequence_of_actions_breaks_the_rules(actions):
    state = FloorState()
    made: set[int] = set()
    ended: set[int] = set()
    for number, action in enumerate(actions, start=1):
        before = state
        try:
            state = _apply(state, action, number)
        except FloorError:
            assert state == before
            continue
        _check(state)
        if action[0] == "request":
            made.add(number)
        if action[0] == "withdraw":
            ended.add(action[1])
        if before.speaker is not None and state.speaker != before.speaker:
            ended.add(before.speaker.id)
        if action[0] == "give":
            assert state.speaker.person not in state.holds
        # No request lost: every one made is waiting, speaking, or was ended by an action.
        present = {r.id for r in state.queue} | ({state.speaker.id} if state.speaker else set())
        assert present | ended == made
        assert not present & ended
