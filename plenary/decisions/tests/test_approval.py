"""The AAP and TAP machines: every path, dates across month ends and leap years, wrong states."""

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plenary.decisions import approval
from plenary.decisions.approval import ApprovalError, Event, Process, Stage, State

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
gaps = st.integers(min_value=0, max_value=60)
lead = st.integers(min_value=1, max_value=40)


def later(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def check(stage: Stage) -> Stage:
    """What holds of every stage: a due date, where there is one, is not before the start."""
    if stage.due is not None:
        assert stage.due >= stage.started
    return stage


# AAP: the named dates of the rules.


def test_it_runs_last_call_for_four_weeks_across_a_leap_february():
    stage = approval.advance(
        approval.consent(dt.date(2024, 1, 25)), Event.ANNOUNCE_LAST_CALL, dt.date(2024, 2, 5)
    )
    assert (stage.state, stage.started, stage.due) == (
        State.LAST_CALL,
        dt.date(2024, 2, 5),
        dt.date(2024, 3, 4),
    )
    stage = approval.advance(
        approval.consent(dt.date(2023, 1, 25)), Event.ANNOUNCE_LAST_CALL, dt.date(2023, 2, 5)
    )
    assert stage.due == dt.date(2023, 3, 5)


def test_it_runs_additional_review_for_three_weeks_across_a_year_end():
    stage = Stage(Process.AAP, State.LAST_CALL_JUDGMENT, started=dt.date(2020, 12, 1))
    stage = approval.advance(stage, Event.START_ADDITIONAL_REVIEW, dt.date(2020, 12, 21))
    assert (stage.state, stage.due) == (State.ADDITIONAL_REVIEW, dt.date(2021, 1, 11))


def test_it_refuses_to_close_last_call_before_its_end():
    stage = approval.advance(
        approval.consent(dt.date(2024, 2, 1)), Event.ANNOUNCE_LAST_CALL, dt.date(2024, 2, 5)
    )
    with pytest.raises(ApprovalError, match="ends on 2024-03-04"):
        approval.advance(stage, Event.CLOSE_LAST_CALL_CLEAN, dt.date(2024, 3, 3))
    assert approval.advance(stage, Event.CLOSE_LAST_CALL_CLEAN, dt.date(2024, 3, 4)).state == (
        State.APPROVED
    )


def test_it_names_the_allowed_events_when_refusing():
    with pytest.raises(ApprovalError, match="allowed: announce_last_call"):
        approval.advance(
            approval.consent(dt.date(2020, 11, 19)), Event.APPROVE, dt.date(2020, 12, 1)
        )
    done = Stage(Process.AAP, State.APPROVED, started=dt.date(2020, 12, 1))
    with pytest.raises(ApprovalError, match="process is over"):
        approval.advance(done, Event.REJECT, dt.date(2020, 12, 2))


def test_it_refers_only_to_a_later_meeting():
    stage = Stage(Process.AAP, State.LAST_CALL_JUDGMENT, started=dt.date(2021, 3, 1))
    with pytest.raises(ApprovalError, match="date of the study-group meeting"):
        approval.advance(stage, Event.REFER_TO_MEETING, dt.date(2021, 3, 2))
    with pytest.raises(ApprovalError, match="must come after"):
        approval.advance(
            stage, Event.REFER_TO_MEETING, dt.date(2021, 3, 2), meeting=dt.date(2021, 3, 2)
        )


# AAP: every path, at any dates.

AAP_PATHS = [
    # (events after consent, final state); a None gap means "at the stage's due date".
    ([Event.ANNOUNCE_LAST_CALL, Event.CLOSE_LAST_CALL_CLEAN], State.APPROVED),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.START_ADDITIONAL_REVIEW,
            Event.CLOSE_ADDITIONAL_REVIEW_CLEAN,
        ],
        State.APPROVED,
    ),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.START_ADDITIONAL_REVIEW,
            Event.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS,
            Event.APPROVE,
        ],
        State.APPROVED,
    ),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.REFER_TO_MEETING,
            Event.APPROVE,
        ],
        State.APPROVED,
    ),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.REFER_TO_MEETING,
            Event.REJECT,
        ],
        State.NOT_APPROVED,
    ),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.REFER_TO_MEETING,
            Event.MEMBER_STATE_ASKS_TIME,
            Event.APPROVE,
        ],
        State.APPROVED,
    ),
    (
        [
            Event.ANNOUNCE_LAST_CALL,
            Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            Event.START_ADDITIONAL_REVIEW,
            Event.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS,
            Event.MEMBER_STATE_ASKS_TIME,
            Event.REJECT,
        ],
        State.NOT_APPROVED,
    ),
]

REFERRING = {Event.REFER_TO_MEETING, Event.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS}
CLOSING = {
    Event.CLOSE_LAST_CALL_CLEAN,
    Event.CLOSE_LAST_CALL_WITH_COMMENTS,
    Event.CLOSE_ADDITIONAL_REVIEW_CLEAN,
    Event.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS,
}


@pytest.mark.parametrize(("events", "final"), AAP_PATHS)
@given(start=days, steps=st.lists(gaps, min_size=6, max_size=6), meeting_in=lead)
def test_every_aap_path_ends_where_it_should(events, final, start, steps, meeting_in):
    stage = check(approval.consent(start))
    for event, gap in zip(events, steps, strict=False):
        assert event in approval.allowed_events(stage)
        # A closing event comes at or after the period's end; the others any day after the start.
        on = later(stage.due if event in CLOSING else stage.started, gap)
        if stage.state == State.REFERRED:
            on = later(stage.meeting, gap)
        meeting = later(on, meeting_in) if event in REFERRING else None
        previous = stage
        stage = check(approval.advance(stage, event, on, meeting=meeting))
        assert stage.started == on >= previous.started
        assert stage.process == Process.AAP
    assert stage.state == final
    assert stage.is_final and approval.allowed_events(stage) == []


@given(start=days, gap=st.integers(min_value=1, max_value=27))
def test_a_last_call_closed_early_is_refused(start, gap):
    stage = approval.advance(approval.consent(start), Event.ANNOUNCE_LAST_CALL, start)
    with pytest.raises(ApprovalError):
        approval.advance(stage, Event.CLOSE_LAST_CALL_WITH_COMMENTS, later(start, gap - 1))
    assert stage.due == later(start, 28)


@given(start=days, meeting_in=lead, early=st.integers(min_value=1, max_value=30))
def test_a_referred_draft_is_decided_only_at_its_meeting(start, meeting_in, early):
    stage = Stage(Process.AAP, State.LAST_CALL_JUDGMENT, started=start)
    stage = approval.advance(stage, Event.REFER_TO_MEETING, start, meeting=later(start, meeting_in))
    assert stage.due == stage.meeting > start
    before = stage.meeting - dt.timedelta(days=early)
    assume(before >= start)
    for event in (Event.APPROVE, Event.REJECT, Event.MEMBER_STATE_ASKS_TIME):
        with pytest.raises(ApprovalError, match="Only the study-group meeting"):
            approval.advance(stage, event, before)
    reflecting = approval.advance(stage, Event.MEMBER_STATE_ASKS_TIME, stage.meeting)
    assert reflecting.due == later(stage.meeting, 28)


# Every state refuses every event it does not list, and no event goes back in time.

ALL_STAGES = [Stage(Process.AAP, s, started=dt.date(2020, 1, 1)) for s in State] + [
    Stage(Process.TAP, s, started=dt.date(2020, 1, 1), meeting=dt.date(2021, 1, 1)) for s in State
]


@given(stage=st.sampled_from(ALL_STAGES), event=st.sampled_from(list(Event)), gap=gaps)
def test_no_transition_from_a_wrong_state(stage, event, gap):
    assume(event not in approval.allowed_events(stage))
    with pytest.raises(ApprovalError, match="does not allow"):
        approval.advance(stage, event, later(stage.started, gap))


ALLOWED = [(stage, event) for stage in ALL_STAGES for event in approval.allowed_events(stage)]


@given(pair=st.sampled_from(ALLOWED), gap=lead)
def test_no_transition_before_the_stage_started(pair, gap):
    stage, event = pair
    with pytest.raises(ApprovalError, match="before this stage started"):
        approval.advance(stage, event, stage.started - dt.timedelta(days=gap))


# TAP.


def test_it_derives_the_tap_dates_from_the_meeting():
    # A Wednesday meeting on 31 May 2023: 3 months before is the last day of February.
    deadlines = approval.tap_deadlines(dt.date(2023, 5, 31))
    assert deadlines.notice == dt.date(2023, 2, 28)
    assert deadlines.texts == dt.date(2023, 4, 30)
    assert deadlines.consultation_end == dt.date(2023, 5, 22)
    assert approval.tap_deadlines(dt.date(2024, 5, 30)).notice == dt.date(2024, 2, 29)


def test_it_counts_working_days_over_weekends():
    monday = dt.date(2020, 11, 16)
    assert approval.working_days_before(monday, 1) == dt.date(2020, 11, 13)
    assert approval.working_days_before(monday, 7) == dt.date(2020, 11, 5)


def test_it_refuses_a_determination_too_late_for_the_notice():
    with pytest.raises(ApprovalError, match="3 months before"):
        approval.determine(dt.date(2024, 3, 1), meeting=dt.date(2024, 5, 30))
    stage = approval.determine(dt.date(2024, 2, 29), meeting=dt.date(2024, 5, 30))
    assert stage.due == dt.date(2024, 2, 29)


TAP_PATHS = [
    (
        [Event.SEND_NOTICE, Event.PUBLISH_TEXTS, Event.CLOSE_CONSULTATION, Event.APPROVE],
        State.APPROVED,
    ),
    (
        [Event.SEND_NOTICE, Event.PUBLISH_TEXTS, Event.CLOSE_CONSULTATION, Event.REJECT],
        State.NOT_APPROVED,
    ),
]


@pytest.mark.parametrize(("events", "final"), TAP_PATHS)
@given(
    meeting=st.dates(min_value=dt.date(2000, 6, 1), max_value=dt.date(2099, 12, 31)),
    early=st.lists(st.integers(min_value=0, max_value=200), min_size=3, max_size=3),
)
def test_every_tap_path_keeps_its_deadlines(events, final, meeting, early):
    deadlines = approval.tap_deadlines(meeting)
    assert deadlines.notice < deadlines.texts < deadlines.consultation_end < meeting
    assert deadlines.consultation_end.weekday() < 5
    determined = deadlines.notice - dt.timedelta(days=early[0])
    stage = check(approval.determine(determined, meeting=meeting))
    # Each step at a day between the previous one and its deadline.
    for event, deadline in (
        (Event.SEND_NOTICE, deadlines.notice),
        (Event.PUBLISH_TEXTS, deadlines.texts),
    ):
        on = max(stage.started, deadline - dt.timedelta(days=early[1]))
        stage = check(approval.advance(stage, event, on))
        assert stage.due is not None and stage.due > stage.started
    stage = check(approval.advance(stage, Event.CLOSE_CONSULTATION, deadlines.consultation_end))
    assert (stage.state, stage.due) == (State.AT_MEETING, meeting)
    stage = approval.advance(stage, events[-1], meeting)
    assert stage.state == final and stage.is_final


@given(meeting=st.dates(min_value=dt.date(2000, 6, 1), max_value=dt.date(2099, 12, 31)), late=lead)
def test_a_late_tap_step_is_refused(meeting, late):
    deadlines = approval.tap_deadlines(meeting)
    stage = approval.determine(deadlines.notice, meeting=meeting)
    with pytest.raises(ApprovalError, match="too late"):
        approval.advance(stage, Event.SEND_NOTICE, later(deadlines.notice, late))
    stage = approval.advance(stage, Event.SEND_NOTICE, deadlines.notice)
    with pytest.raises(ApprovalError, match="too late"):
        approval.advance(stage, Event.PUBLISH_TEXTS, later(deadlines.texts, late))
    stage = approval.advance(stage, Event.PUBLISH_TEXTS, deadlines.texts)
    with pytest.raises(ApprovalError):
        approval.advance(
            stage, Event.CLOSE_CONSULTATION, deadlines.consultation_end - dt.timedelta(days=1)
        )
