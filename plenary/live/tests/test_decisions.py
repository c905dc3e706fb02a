"""Recording a decision from the live room: one click on the current item, by the chair only."""

from plenary.decisions.models import Decision, WorkItem
from plenary.live import services
from plenary.live.actions import perform
from plenary.live.models import RoomEvent
from plenary.live.selectors import room_snapshot


def _draft(meeting, acronym: str) -> WorkItem:
    return meeting.drafts.get(acronym=acronym)


def test_the_chair_consents_a_draft_under_the_current_item(room, seed_meeting, chair):
    item = seed_meeting.agenda_items.order_by("pk").last()
    services.room_set_current(room=room, by=chair, agenda_item=item)
    draft = _draft(seed_meeting, "Q.SCC")
    consent = {"action": "decision.consent", "draft": draft.pk}

    assert perform(user=chair, room_id=room.pk, message=consent) is None

    decision = Decision.objects.get()
    assert (decision.kind, decision.agenda_item, decision.recorded_by) == (
        Decision.Kind.CONSENT,
        item,
        chair,
    )
    assert list(decision.work_items.all()) == [draft]
    draft.refresh_from_db()
    assert draft.status == WorkItem.Status.CONSENTED
    event = RoomEvent.objects.filter(room=room, type="decision").get()
    assert event.payload["work_items"] == [{"id": draft.pk, "acronym": "Q.SCC", "status": "C"}]
    assert room_snapshot(room)["decisions"] == [event.payload]
    # Once consented, a second click is refused: the draft is no longer under study.
    assert "already" in perform(user=chair, room_id=room.pk, message=consent)
    assert Decision.objects.count() == 1


def test_the_secretariat_may_record_it_too(room, seed_meeting, chair, secretariat):
    services.room_set_current(room=room, by=chair, agenda_item=seed_meeting.agenda_items.first())
    draft = _draft(seed_meeting, "Q.VNFT-req")
    consent = {"action": "decision.consent", "draft": draft.pk}
    assert perform(user=secretariat, room_id=room.pk, message=consent) is None
    assert Decision.objects.get().recorded_by == secretariat


def test_a_delegate_cannot_record_a_decision(room, seed_meeting, chair, participant):
    services.room_set_current(room=room, by=chair, agenda_item=seed_meeting.agenda_items.first())
    consent = {"action": "decision.consent", "draft": _draft(seed_meeting, "Q.SCC").pk}
    assert perform(user=participant, room_id=room.pk, message=consent) == (
        "Only the chair can do that."
    )
    assert not Decision.objects.exists()


def test_the_service_itself_refuses_a_delegate(room, seed_meeting, chair, participant):
    """The decisions' own rule (can_record_decision) holds even when the room's is bypassed."""
    services.room_set_current(room=room, by=chair, agenda_item=seed_meeting.agenda_items.first())
    draft = _draft(seed_meeting, "Q.SCC")
    try:
        services.decision_consent(room=room, by=participant, work_item_id=draft.pk)
    except services.RoomError as refusal:
        assert "chairs and the secretariat" in str(refusal)
    else:
        raise AssertionError("a delegate recorded a decision")
    assert not Decision.objects.exists()
    assert not RoomEvent.objects.filter(type="decision").exists()


def test_it_needs_a_current_item_and_one_of_the_meetings_drafts(room, seed_meeting, chair):
    draft = _draft(seed_meeting, "Q.SCC")
    refusals = [perform(user=chair, room_id=room.pk, message={"action": "decision.consent"})]
    refusals.append(
        perform(
            user=chair, room_id=room.pk, message={"action": "decision.consent", "draft": draft.pk}
        )
    )
    services.room_set_current(room=room, by=chair, agenda_item=seed_meeting.agenda_items.first())
    other = WorkItem.objects.exclude(pk__in=seed_meeting.drafts.values("pk")).first()
    message = {"action": "decision.consent", "draft": other.pk if other else 10**9}
    refusals.append(perform(user=chair, room_id=room.pk, message=message))
    assert refusals == [
        "The action needs a number for 'draft'.",
        "Set the agenda item under discussion first.",
        "That draft is not one this meeting is to consider.",
    ]
    assert not Decision.objects.exists()


def test_the_chair_notes_the_document_under_discussion(room, seed_meeting, chair, participant):
    from plenary.documents.models import Document
    from plenary.groups.models import StudyPeriod

    note = {"action": "decision.note"}
    assert "agenda item" in perform(user=chair, room_id=room.pk, message=note)
    item = seed_meeting.agenda_items.order_by("pk").first()
    services.room_set_current(room=room, by=chair, agenda_item=item)
    assert "document under discussion" in perform(user=chair, room_id=room.pk, message=note)
    document = Document.objects.create(
        kind=Document.Kind.TD,
        study_group=seed_meeting.body.study_group,
        study_period=StudyPeriod.objects.get(code="T17"),
        meeting=seed_meeting,
        number=60,
        level="WP1",
        title="Report of the Rapporteur Group",
        source="Rapporteur",
        state=Document.State.POSTED,
        submitted_by=chair,
    )
    services.room_set_current(room=room, by=chair, agenda_item=item, document=document)
    assert "Only the chair" in perform(user=participant, room_id=room.pk, message=note)
    assert perform(user=chair, room_id=room.pk, message=note) is None
    decision = Decision.objects.get()
    assert (decision.kind, decision.agenda_item) == (Decision.Kind.DOCUMENTS_NOTED, item)
    assert list(decision.documents.all()) == [document]
    assert decision.text == f"{document.display_number} noted."
    assert RoomEvent.objects.filter(room=room, type="decision").count() == 1
