"""The approval processes of ITU-T Recommendations as state machines with dates (no Django).

AAP (Recommendation A.8): a draft consented at a study-group or working-party meeting goes to
Last Call for 4 weeks once its edited text and summary are in. With no (or only typographical)
comments it is approved; otherwise the study-group chairman and TSB make the Last Call judgment:
comment resolution and an Additional Review of 3 weeks, or referral to the next study-group
meeting. There approval needs no Member State opposing; a Member State may ask for 4 weeks to
decide.

TAP (WTSA Resolution 1): a determined draft is announced at least 3 months before the
study-group meeting, its text is available in all languages 1 month before, Member States are
consulted until 7 working days (Monday to Friday) before, and the meeting approves it.

`advance(stage, event, on)` is the only transition: it returns the next `Stage` with its start
and due dates, or raises `ApprovalError` naming what may happen instead.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from plenary.meetings.deadlines import months_before

LAST_CALL = dt.timedelta(weeks=4)
ADDITIONAL_REVIEW = dt.timedelta(weeks=3)
MEMBER_STATE_REFLECTION = dt.timedelta(weeks=4)
TAP_NOTICE_MONTHS = 3
TAP_TEXT_MONTHS = 1
TAP_CONSULTATION_WORKING_DAYS = 7


class ApprovalError(ValueError):
    """A transition the process does not allow from the stage it is in, or at that date."""


class Process(StrEnum):
    AAP = "AAP"
    TAP = "TAP"


class State(StrEnum):
    # AAP; the first four are the status codes of the work programme.
    CONSENTED = "C"
    LAST_CALL = "LC"
    LAST_CALL_JUDGMENT = "LJ"
    ADDITIONAL_REVIEW = "AR"
    REFERRED = "referred"
    MEMBER_STATE_REFLECTION = "reflection"
    # TAP
    DETERMINED = "determined"
    NOTICE_SENT = "notice_sent"
    CONSULTATION = "consultation"
    AT_MEETING = "at_meeting"
    # Both
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"


LABELS = {
    State.CONSENTED: "Consented (C): awaiting the edited text and summary",
    State.LAST_CALL: "Last Call (LC)",
    State.LAST_CALL_JUDGMENT: "Last Call judgment (LJ)",
    State.ADDITIONAL_REVIEW: "Additional Review (AR)",
    State.REFERRED: "Referred to the study-group meeting",
    State.MEMBER_STATE_REFLECTION: "A Member State is deciding (4 weeks)",
    State.DETERMINED: "Determined: notice to be sent",
    State.NOTICE_SENT: "Notice sent: texts in all languages to be published",
    State.CONSULTATION: "Member States consulted",
    State.AT_MEETING: "For approval at the study-group meeting",
    State.APPROVED: "Approved",
    State.NOT_APPROVED: "Not approved",
}

FINAL = frozenset({State.APPROVED, State.NOT_APPROVED})


class Event(StrEnum):
    ANNOUNCE_LAST_CALL = "announce_last_call"
    CLOSE_LAST_CALL_CLEAN = "close_last_call_clean"
    CLOSE_LAST_CALL_WITH_COMMENTS = "close_last_call_with_comments"
    START_ADDITIONAL_REVIEW = "start_additional_review"
    REFER_TO_MEETING = "refer_to_meeting"
    CLOSE_ADDITIONAL_REVIEW_CLEAN = "close_additional_review_clean"
    CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS = "close_additional_review_with_comments"
    MEMBER_STATE_ASKS_TIME = "member_state_asks_time"
    SEND_NOTICE = "send_notice"
    PUBLISH_TEXTS = "publish_texts"
    CLOSE_CONSULTATION = "close_consultation"
    APPROVE = "approve"
    REJECT = "reject"


EVENT_LABELS = {
    Event.ANNOUNCE_LAST_CALL: "Announce the Last Call (edited text and summary received)",
    Event.CLOSE_LAST_CALL_CLEAN: "Close the Last Call: no or only typographical comments",
    Event.CLOSE_LAST_CALL_WITH_COMMENTS: "Close the Last Call: substantive comments received",
    Event.START_ADDITIONAL_REVIEW: "Comments resolved: start the Additional Review",
    Event.REFER_TO_MEETING: "Refer to the next study-group meeting",
    Event.CLOSE_ADDITIONAL_REVIEW_CLEAN: "Close the Additional Review: no substantive comments",
    Event.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS: (
        "Close the Additional Review: substantive comments (to the study-group meeting)"
    ),
    Event.MEMBER_STATE_ASKS_TIME: "A Member State asks for 4 weeks to decide",
    Event.SEND_NOTICE: "Send the notice of intention to approve",
    Event.PUBLISH_TEXTS: "Publish the text in all languages",
    Event.CLOSE_CONSULTATION: "Close the consultation of Member States",
    Event.APPROVE: "Approve (no Member State opposing)",
    Event.REJECT: "Not approved (a Member State opposes)",
}


@dataclass(frozen=True)
class Stage:
    """Where a draft stands: its state since `started`, what is due by `due`, and (once known)
    the date of the study-group meeting that is to approve it."""

    process: Process
    state: State
    started: dt.date
    due: dt.date | None = None
    meeting: dt.date | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def is_final(self) -> bool:
        return self.state in FINAL


@dataclass(frozen=True)
class TapDeadlines:
    """The dates Resolution 1 derives from the study-group meeting's opening day."""

    notice: dt.date
    texts: dt.date
    consultation_end: dt.date


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The date `count` working days (Monday to Friday) before `day`."""
    while count > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def tap_deadlines(meeting: dt.date) -> TapDeadlines:
    """Notice 3 months, texts 1 month, consultation until 7 working days before the meeting."""
    return TapDeadlines(
        notice=months_before(meeting, TAP_NOTICE_MONTHS),
        texts=months_before(meeting, TAP_TEXT_MONTHS),
        consultation_end=working_days_before(meeting, TAP_CONSULTATION_WORKING_DAYS),
    )


def consent(on: dt.date) -> Stage:
    """A draft consented under AAP on that day: its edited text and summary are awaited."""
    return Stage(Process.AAP, State.CONSENTED, started=on)


def determine(on: dt.date, *, meeting: dt.date) -> Stage:
    """A draft determined under TAP on that day, for approval at the meeting opening `meeting`.

    Refused when the notice could no longer go out 3 months before that meeting.
    """
    deadlines = tap_deadlines(meeting)
    if on > deadlines.notice:
        raise ApprovalError(
            f"A draft determined on {on} cannot be approved at the meeting of {meeting}: "
            f"the notice was due by {deadlines.notice} (3 months before)."
        )
    return Stage(Process.TAP, State.DETERMINED, started=on, due=deadlines.notice, meeting=meeting)


def allowed_events(stage: Stage) -> list[Event]:
    """The events the process accepts from this stage, in the order a form would offer them."""
    here = (stage.process, stage.state)
    return [event for (process, state, event) in _TRANSITIONS if (process, state) == here]


def advance(stage: Stage, event: Event, on: dt.date, *, meeting: dt.date | None = None) -> Stage:
    """The stage after `event` happened on `on`; `meeting` is the study-group meeting's date
    where the event refers a draft to one."""
    handler = _TRANSITIONS.get((stage.process, stage.state, event))
    if handler is None:
        allowed = ", ".join(e.value for e in allowed_events(stage)) or "none (the process is over)"
        raise ApprovalError(
            f"{stage.process} does not allow '{event.value}' from '{stage.state.value}'; "
            f"allowed: {allowed}."
        )
    if on < stage.started:
        raise ApprovalError(f"{on} is before this stage started ({stage.started}).")
    return handler(stage, on, meeting)


# The transitions. Each handler checks the dates its rule sets and builds the next stage.

Handler = Callable[[Stage, dt.date, dt.date | None], Stage]


def _next(
    stage: Stage,
    state: State,
    on: dt.date,
    due: dt.date | None = None,
    meeting: dt.date | None = None,
) -> Stage:
    return Stage(stage.process, state, started=on, due=due, meeting=meeting or stage.meeting)


def _not_before_due(stage: Stage, on: dt.date, what: str) -> None:
    if stage.due is not None and on < stage.due:
        raise ApprovalError(f"The {what} ends on {stage.due}; it cannot be closed on {on}.")


def _not_after_due(stage: Stage, on: dt.date, what: str) -> None:
    if stage.due is not None and on > stage.due:
        raise ApprovalError(f"The {what} was due by {stage.due}; {on} is too late.")


def _referral(stage: Stage, on: dt.date, meeting: dt.date | None) -> Stage:
    if meeting is None:
        raise ApprovalError("Give the date of the study-group meeting the draft goes to.")
    if meeting <= on:
        raise ApprovalError(f"The study-group meeting ({meeting}) must come after {on}.")
    return _next(stage, State.REFERRED, on, due=meeting, meeting=meeting)


def _announce_last_call(stage, on, meeting):
    return _next(stage, State.LAST_CALL, on, due=on + LAST_CALL)


def _close_last_call_clean(stage, on, meeting):
    _not_before_due(stage, on, "Last Call")
    return _next(stage, State.APPROVED, on)


def _close_last_call_with_comments(stage, on, meeting):
    _not_before_due(stage, on, "Last Call")
    return _next(stage, State.LAST_CALL_JUDGMENT, on)


def _start_additional_review(stage, on, meeting):
    return _next(stage, State.ADDITIONAL_REVIEW, on, due=on + ADDITIONAL_REVIEW)


def _close_additional_review_clean(stage, on, meeting):
    _not_before_due(stage, on, "Additional Review")
    return _next(stage, State.APPROVED, on)


def _close_additional_review_with_comments(stage, on, meeting):
    _not_before_due(stage, on, "Additional Review")
    return _referral(stage, on, meeting)


def _at_meeting(stage: Stage, on: dt.date) -> None:
    if stage.meeting is not None and on < stage.meeting:
        raise ApprovalError(
            f"Only the study-group meeting of {stage.meeting} can decide; {on} is before it."
        )


def _approve_at_meeting(stage, on, meeting):
    _at_meeting(stage, on)
    return _next(stage, State.APPROVED, on)


def _reject_at_meeting(stage, on, meeting):
    _at_meeting(stage, on)
    return _next(stage, State.NOT_APPROVED, on)


def _member_state_asks_time(stage, on, meeting):
    _at_meeting(stage, on)
    return _next(stage, State.MEMBER_STATE_REFLECTION, on, due=on + MEMBER_STATE_REFLECTION)


def _member_state_decides_for(stage, on, meeting):
    return _next(stage, State.APPROVED, on)


def _member_state_decides_against(stage, on, meeting):
    return _next(stage, State.NOT_APPROVED, on)


def _meeting_of(stage: Stage) -> dt.date:
    if stage.meeting is None:
        raise ApprovalError("A TAP stage needs the date of the study-group meeting.")
    return stage.meeting


def _send_notice(stage, on, meeting):
    _not_after_due(stage, on, "notice (3 months before the meeting)")
    return _next(stage, State.NOTICE_SENT, on, due=tap_deadlines(_meeting_of(stage)).texts)


def _publish_texts(stage, on, meeting):
    _not_after_due(stage, on, "text in all languages (1 month before the meeting)")
    return _next(
        stage, State.CONSULTATION, on, due=tap_deadlines(_meeting_of(stage)).consultation_end
    )


def _close_consultation(stage, on, meeting):
    _not_before_due(stage, on, "consultation of Member States")
    day = _meeting_of(stage)
    if on >= day:
        raise ApprovalError(f"The consultation must close before the meeting ({day}).")
    return _next(stage, State.AT_MEETING, on, due=day)


A, T, S, E = Process.AAP, Process.TAP, State, Event
_TRANSITIONS: dict[tuple[Process, State, Event], Handler] = {
    (A, S.CONSENTED, E.ANNOUNCE_LAST_CALL): _announce_last_call,
    (A, S.LAST_CALL, E.CLOSE_LAST_CALL_CLEAN): _close_last_call_clean,
    (A, S.LAST_CALL, E.CLOSE_LAST_CALL_WITH_COMMENTS): _close_last_call_with_comments,
    (A, S.LAST_CALL_JUDGMENT, E.START_ADDITIONAL_REVIEW): _start_additional_review,
    (A, S.LAST_CALL_JUDGMENT, E.REFER_TO_MEETING): _referral,
    (A, S.ADDITIONAL_REVIEW, E.CLOSE_ADDITIONAL_REVIEW_CLEAN): _close_additional_review_clean,
    (
        A,
        S.ADDITIONAL_REVIEW,
        E.CLOSE_ADDITIONAL_REVIEW_WITH_COMMENTS,
    ): _close_additional_review_with_comments,
    (A, S.REFERRED, E.APPROVE): _approve_at_meeting,
    (A, S.REFERRED, E.MEMBER_STATE_ASKS_TIME): _member_state_asks_time,
    (A, S.REFERRED, E.REJECT): _reject_at_meeting,
    (A, S.MEMBER_STATE_REFLECTION, E.APPROVE): _member_state_decides_for,
    (A, S.MEMBER_STATE_REFLECTION, E.REJECT): _member_state_decides_against,
    (T, S.DETERMINED, E.SEND_NOTICE): _send_notice,
    (T, S.NOTICE_SENT, E.PUBLISH_TEXTS): _publish_texts,
    (T, S.CONSULTATION, E.CLOSE_CONSULTATION): _close_consultation,
    (T, S.AT_MEETING, E.APPROVE): _approve_at_meeting,
    (T, S.AT_MEETING, E.REJECT): _reject_at_meeting,
}
del A, T, S, E
