"""Recording and correcting decisions, advancing approvals, and the history they leave."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plenary.decisions import services
from plenary.decisions.approval import Event
from plenary.decisions.models import ApprovalStep, Decision, WorkItem, WorkItemEvent
from plenary.decisions.permissions import can_advance_approval, can_record_decision
from plenary.groups.models import Body

pytestmark = pytest.mark.django_db


@pytest.fixture
def q_scc(demo) -> WorkItem:
    return WorkItem.objects.get(acronym="Q.SCC")


@pytest.fixture
def consent_item(seed_meeting):
    return seed_meeting.agenda_items.get(title="Consent of draft Recommendations")


def consent(meeting, item, by, work_items) -> Decision:
    return services.decision_record(
        meeting=meeting,
        agenda_item=item,
        kind=Decision.Kind.CONSENT,
        text="Consented.",
        work_items=work_items,
        by=by,
    )


def test_it_lets_only_the_meetings_chair_and_the_secretariat_record(
    seed_meeting, chair, secretariat, sg_chairman, other_chair, delegate, outsider
):
    assert can_record_decision(chair, seed_meeting)
    assert can_record_decision(secretariat, seed_meeting)
    for person in (sg_chairman, other_chair, delegate, outsider):
        assert not can_record_decision(person, seed_meeting), person


def test_a_consent_starts_the_aap_on_the_meeting_day(seed_meeting, consent_item, chair, q_scc):
    decision = consent(seed_meeting, consent_item, chair, [q_scc])
    q_scc.refresh_from_db()
    assert q_scc.status == WorkItem.Status.CONSENTED
    step = q_scc.approval_steps.get()
    assert (step.state, step.started, step.due, step.decision) == (
        "C",
        dt.date(2020, 11, 19),
        None,
        decision,
    )
    event = WorkItemEvent.objects.get(work_item=q_scc)
    assert event.changes == {"status": ["in_progress", "C"]}
    assert (event.by, event.decision) == (chair, decision)
    assert decision.agenda_title == "Consent of draft Recommendations"
    assert list(decision.work_items.all()) == [q_scc]


def test_it_refuses_a_decision_from_someone_else(seed_meeting, consent_item, delegate, q_scc):
    with pytest.raises(PermissionDenied):
        consent(seed_meeting, consent_item, delegate, [q_scc])
    assert not Decision.objects.exists()


def test_it_refuses_a_consent_of_a_draft_already_consented(
    seed_meeting, consent_item, chair, q_scc
):
    consent(seed_meeting, consent_item, chair, [q_scc])
    with pytest.raises(ValidationError, match="already Consented"):
        consent(seed_meeting, consent_item, chair, [q_scc])
    assert Decision.objects.count() == 1


def test_it_refuses_an_agenda_item_or_work_item_of_elsewhere(
    seed_meeting, next_meeting, chair, q_scc
):
    with pytest.raises(ValidationError, match="not on this meeting's agenda"):
        consent(seed_meeting, next_meeting.agenda_items.first(), chair, [q_scc])
    sg13_item = WorkItem.objects.create(
        study_group=Body.objects.get(acronym="SG13"), acronym="Y.X", title="Elsewhere"
    )
    with pytest.raises(ValidationError, match="only work items of SG11"):
        services.decision_record(
            meeting=seed_meeting,
            agenda_item=seed_meeting.agenda_items.first(),
            kind=Decision.Kind.AGREEMENT,
            text="Agreed.",
            work_items=[sg13_item],
            by=chair,
        )


def test_a_determination_needs_the_approving_meeting_in_time(seed_meeting, secretariat, q_scc):
    q_scc.approval_process = WorkItem.ApprovalProcess.TAP
    q_scc.save()
    item = seed_meeting.agenda_items.first()
    record = {
        "meeting": seed_meeting,
        "agenda_item": item,
        "kind": Decision.Kind.DETERMINATION,
        "text": "Determined.",
        "work_items": [q_scc],
        "by": secretariat,
    }
    with pytest.raises(ValidationError, match="date of the approving meeting"):
        services.decision_record(**record)
    with pytest.raises(ValidationError, match="3 months before"):
        services.decision_record(**record, approval_meeting=dt.date(2021, 1, 20))
    services.decision_record(**record, approval_meeting=dt.date(2021, 3, 1))
    q_scc.refresh_from_db()
    step = q_scc.approval_steps.get()
    assert q_scc.status == WorkItem.Status.DETERMINED
    assert (step.due, step.meeting_date) == (dt.date(2020, 12, 1), dt.date(2021, 3, 1))


def test_a_correction_is_a_new_decision(seed_meeting, consent_item, chair, secretariat, q_scc):
    original = consent(seed_meeting, consent_item, chair, [q_scc])
    correction = services.decision_correct(
        decision=original, text="Consented, as amended.", by=secretariat
    )
    original.refresh_from_db()
    assert original.text == "Consented."
    assert correction.corrects == original
    assert (correction.kind, correction.agenda_item) == (original.kind, original.agenda_item)
    assert list(correction.work_items.all()) == [q_scc]
    with pytest.raises(ValidationError, match="corrected already"):
        services.decision_correct(decision=original, text="Again.", by=secretariat)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Decision.objects.create(
            meeting=seed_meeting,
            agenda_title="x",
            kind=Decision.Kind.CONSENT,
            text="A fork.",
            corrects=original,
            recorded_by=chair,
        )


def test_a_correction_needs_the_same_authority(seed_meeting, consent_item, chair, delegate, q_scc):
    original = consent(seed_meeting, consent_item, chair, [q_scc])
    with pytest.raises(PermissionDenied):
        services.decision_correct(decision=original, text="Mine.", by=delegate)


def test_the_secretariat_takes_a_draft_through_the_aap(
    seed_meeting, consent_item, chair, secretariat, q_scc
):
    consent(seed_meeting, consent_item, chair, [q_scc])
    assert can_advance_approval(secretariat, q_scc)
    assert not can_advance_approval(chair, q_scc)
    with pytest.raises(PermissionDenied):
        services.approval_advance(
            work_item=q_scc, event=Event.ANNOUNCE_LAST_CALL, on=dt.date(2020, 12, 7), by=chair
        )
    step = services.approval_advance(
        work_item=q_scc, event=Event.ANNOUNCE_LAST_CALL, on=dt.date(2020, 12, 7), by=secretariat
    )
    assert (step.state, step.due) == ("LC", dt.date(2021, 1, 4))
    assert q_scc.status == WorkItem.Status.LAST_CALL
    with pytest.raises(ValidationError, match="ends on 2021-01-04"):
        services.approval_advance(
            work_item=q_scc,
            event=Event.CLOSE_LAST_CALL_WITH_COMMENTS,
            on=dt.date(2021, 1, 3),
            by=secretariat,
        )
    services.approval_advance(
        work_item=q_scc,
        event=Event.CLOSE_LAST_CALL_WITH_COMMENTS,
        on=dt.date(2021, 1, 4),
        by=secretariat,
        comments="Two substantive comments on clause 6.",
    )
    services.approval_advance(
        work_item=q_scc,
        event=Event.START_ADDITIONAL_REVIEW,
        on=dt.date(2021, 2, 1),
        by=secretariat,
    )
    step = services.approval_advance(
        work_item=q_scc,
        event=Event.CLOSE_ADDITIONAL_REVIEW_CLEAN,
        on=dt.date(2021, 2, 22),
        by=secretariat,
    )
    q_scc.refresh_from_db()
    assert (step.state, q_scc.status) == ("approved", WorkItem.Status.APPROVED)
    states = list(q_scc.approval_steps.values_list("state", flat=True))
    assert states == ["C", "LC", "LJ", "AR", "approved"]
    assert ApprovalStep.objects.get(state="LJ").comments.startswith("Two substantive")
    history = [e.changes["status"][1] for e in q_scc.events.order_by("id")]
    assert history == ["C", "LC", "LJ", "AR", "approved"]


def test_it_refuses_to_advance_a_draft_not_in_process(secretariat, q_scc):
    with pytest.raises(ValidationError, match="not in an approval process"):
        services.approval_advance(
            work_item=q_scc, event=Event.APPROVE, on=dt.date(2021, 1, 1), by=secretariat
        )


def test_work_item_update_keeps_history_only_of_changes(secretariat, q_scc):
    event = services.work_item_update(
        work_item=q_scc, by=secretariat, title=q_scc.title, timing=dt.date(2021, 7, 1)
    )
    assert event.changes == {"timing": [None, "2021-07-01"]}
    assert services.work_item_update(work_item=q_scc, by=secretariat, title=q_scc.title) is None
    with pytest.raises(ValueError, match="study_group"):
        services.work_item_update(work_item=q_scc, by=secretariat, study_group=None)
    q_scc.refresh_from_db()
    assert q_scc.timing == dt.date(2021, 7, 1)
