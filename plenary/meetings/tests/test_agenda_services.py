"""The agenda and time-plan services: renumbering, nesting, publishing, validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from plenary.meetings import selectors
from plenary.meetings.models import AgendaItem, Meeting, PlanVersion, TimePlanSlot
from plenary.meetings.services import agenda as services


def numbered(meeting: Meeting) -> list[tuple[str, str]]:
    """(number, title) of the working copy, in reading order."""
    return [(r.number, r.title) for r in selectors.agenda_rows(meeting.agenda_items.all())]


def item(meeting: Meeting, title: str) -> AgendaItem:
    return meeting.agenda_items.get(title=title)


def assert_dense(meeting: Meeting) -> None:
    """Positions are 1..n among every set of siblings."""
    groups: dict = {}
    for parent_id, position in meeting.agenda_items.values_list("parent_id", "position"):
        groups.setdefault(parent_id, []).append(position)
    for positions in groups.values():
        assert sorted(positions) == list(range(1, len(positions) + 1))


@pytest.fixture
def small(db, seed_meeting) -> Meeting:
    """The demo meeting with a short agenda: A, B, C."""
    seed_meeting.agenda_items.all().delete()
    for title in "ABC":
        services.agenda_item_add(meeting=seed_meeting, title=title)
    return seed_meeting


def test_it_numbers_the_demo_agenda_from_positions(seed_meeting):
    rows = numbered(seed_meeting)
    assert rows[0] == ("1", "Opening remarks")
    assert rows[-1] == ("14", "Closure of the meeting")


def test_it_adds_at_the_end_and_under_a_parent(small):
    services.agenda_item_add(meeting=small, title="D", description="  why  ")
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"))
    services.agenda_item_add(meeting=small, title="B2", parent=item(small, "B"))
    assert numbered(small) == [
        ("1", "A"),
        ("2", "B"),
        ("2.1", "B1"),
        ("2.2", "B2"),
        ("3", "C"),
        ("4", "D"),
    ]
    assert item(small, "D").description == "why"
    assert_dense(small)


@pytest.mark.parametrize("title", ["", "   "])
def test_it_refuses_an_empty_title(small, title):
    with pytest.raises(ValidationError, match="Give the agenda item a title"):
        services.agenda_item_add(meeting=small, title=title)
    assert small.agenda_items.count() == 3


def test_it_refuses_a_parent_of_another_meeting(small, demo):
    other = Meeting.objects.exclude(pk=small.pk).first()
    foreign = other.agenda_items.first()
    with pytest.raises(ValidationError, match="not on this meeting's agenda"):
        services.agenda_item_add(meeting=small, title="X", parent=foreign)
    assert small.agenda_items.count() == 3


def test_it_updates_title_and_description_in_place(small):
    services.agenda_item_update(item=item(small, "B"), title=" Bee ", description="d")
    assert numbered(small)[1] == ("2", "Bee")
    with pytest.raises(ValidationError):
        services.agenda_item_update(item=item(small, "Bee"), title="")
    assert item(small, "Bee").description == "d"


def test_it_moves_up_and_down(small):
    services.agenda_item_move(item=item(small, "C"), direction="up")
    assert [t for _, t in numbered(small)] == ["A", "C", "B"]
    services.agenda_item_move(item=item(small, "A"), direction="down")
    assert [t for _, t in numbered(small)] == ["C", "A", "B"]
    assert_dense(small)


def test_it_refuses_to_move_past_the_ends(small):
    with pytest.raises(ValidationError, match="already the first"):
        services.agenda_item_move(item=item(small, "A"), direction="up")
    with pytest.raises(ValidationError, match="already the last"):
        services.agenda_item_move(item=item(small, "C"), direction="down")
    with pytest.raises(ValidationError):
        services.agenda_item_move(item=item(small, "B"), direction="sideways")
    assert [t for _, t in numbered(small)] == ["A", "B", "C"]


def test_sub_items_travel_with_their_parent(small):
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"))
    services.agenda_item_move(item=item(small, "B"), direction="up")
    assert numbered(small) == [("1", "B"), ("1.1", "B1"), ("2", "A"), ("3", "C")]


def test_it_indents_under_the_previous_sibling_and_renumbers(small):
    services.agenda_item_add(meeting=small, title="D")
    services.agenda_item_indent(item=item(small, "C"))
    assert numbered(small) == [("1", "A"), ("2", "B"), ("2.1", "C"), ("3", "D")]
    services.agenda_item_indent(item=item(small, "D"))
    assert numbered(small) == [("1", "A"), ("2", "B"), ("2.1", "C"), ("2.2", "D")]
    services.agenda_item_indent(item=item(small, "D"))
    assert numbered(small)[-1] == ("2.1.1", "D")
    assert_dense(small)


def test_it_refuses_to_indent_a_first_item(small):
    with pytest.raises(ValidationError, match="no item before it"):
        services.agenda_item_indent(item=item(small, "A"))


def test_it_outdents_to_just_after_the_former_parent(small):
    for title in ("A1", "A2", "A3"):
        services.agenda_item_add(meeting=small, title=title, parent=item(small, "A"))
    services.agenda_item_outdent(item=item(small, "A2"))
    assert numbered(small) == [
        ("1", "A"),
        ("1.1", "A1"),
        ("1.2", "A3"),
        ("2", "A2"),
        ("3", "B"),
        ("4", "C"),
    ]
    assert_dense(small)


def test_it_outdents_from_a_deeper_level(small):
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"))
    services.agenda_item_add(meeting=small, title="B1a", parent=item(small, "B1"))
    services.agenda_item_outdent(item=item(small, "B1a"))
    assert numbered(small) == [("1", "A"), ("2", "B"), ("2.1", "B1"), ("2.2", "B1a"), ("3", "C")]
    services.agenda_item_outdent(item=item(small, "B1a"))
    assert numbered(small)[-2:] == [("3", "B1a"), ("4", "C")]
    assert_dense(small)


def test_it_refuses_to_outdent_a_top_level_item(small):
    with pytest.raises(ValidationError, match="already at the top level"):
        services.agenda_item_outdent(item=item(small, "B"))


def test_it_deletes_a_leaf_and_closes_the_gap(small):
    assert services.agenda_item_delete(item=item(small, "A")) == 1
    assert numbered(small) == [("1", "B"), ("2", "C")]
    assert_dense(small)


def test_it_deletes_an_item_with_sub_items_only_when_confirmed(small):
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"))
    services.agenda_item_add(meeting=small, title="B1a", parent=item(small, "B1"))
    with pytest.raises(ValidationError, match="has 2 sub-items"):
        services.agenda_item_delete(item=item(small, "B"))
    assert small.agenda_items.count() == 5
    assert services.agenda_item_delete(item=item(small, "B"), with_sub_items=True) == 3
    assert numbered(small) == [("1", "A"), ("2", "C")]


def test_it_refuses_an_item_already_gone(small):
    gone = item(small, "B")
    services.agenda_item_delete(item=item(small, "B"))
    with pytest.raises(ValidationError, match="not on this meeting's agenda"):
        services.agenda_item_move(item=gone, direction="up")


def test_a_long_series_of_edits_keeps_positions_dense(small):
    for n in range(6):
        services.agenda_item_add(meeting=small, title=f"X{n}", parent=item(small, "B"))
    services.agenda_item_indent(item=item(small, "X3"))
    services.agenda_item_move(item=item(small, "X5"), direction="up")
    services.agenda_item_outdent(item=item(small, "X1"))
    services.agenda_item_delete(item=item(small, "X0"))
    services.agenda_item_move(item=item(small, "C"), direction="up")
    assert_dense(small)
    assert numbered(small) == [
        ("1", "A"),
        ("2", "B"),
        ("2.1", "X2"),
        ("2.1.1", "X3"),
        ("2.2", "X5"),
        ("2.3", "X4"),
        ("3", "C"),
        ("4", "X1"),
    ]


def test_publishing_numbers_versions_and_keeps_snapshots(small, secretariat, chair):
    first = services.agenda_publish(meeting=small, by=secretariat, note="Draft")
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"))
    second = services.agenda_publish(meeting=small, by=chair)
    assert (first.number, second.number) == (1, 2)
    assert first.published_by == secretariat and second.published_by == chair
    assert first.note == "Draft"
    first.refresh_from_db()
    assert [(e["number"], e["title"]) for e in first.snapshot] == [
        ("1", "A"),
        ("2", "B"),
        ("3", "C"),
    ]
    assert [e["number"] for e in second.snapshot] == ["1", "2", "2.1", "3"]
    assert selectors.publisher_label(second) == "Chairman of WP1/11, Ms Xiaojie Zhu"
    assert selectors.publisher_label(first).startswith("Secretariat counsellor of SG11")


def test_publishing_refuses_no_change_and_an_empty_agenda(small, secretariat):
    services.agenda_publish(meeting=small, by=secretariat)
    with pytest.raises(ValidationError, match="same as version 1"):
        services.agenda_publish(meeting=small, by=secretariat)
    small.agenda_items.all().delete()
    with pytest.raises(ValidationError, match="empty"):
        services.agenda_publish(meeting=small, by=secretariat)
    assert PlanVersion.objects.filter(meeting=small).count() == 1


def test_versions_are_numbered_per_meeting_and_kind(small, secretariat):
    services.agenda_publish(meeting=small, by=secretariat)
    version = services.time_plan_publish(meeting=small, by=secretariat)
    assert version.number == 1
    assert version.snapshot == [
        {
            "date": "2020-11-19",
            "start": "13:00",
            "end": "15:00",
            "title": "WP1/11 plenary (virtual meeting via ITU MyMeetings)",
            "session_key": "V",
            "room": "",
        }
    ]


def test_the_public_sees_the_published_version_and_editors_the_working_copy(small, secretariat):
    before = selectors.plan_shown(meeting=small, kind=PlanVersion.Kind.AGENDA, editor=False)
    assert before.working and before.version is None and not before.changed
    services.agenda_publish(meeting=small, by=secretariat)
    services.agenda_item_update(item=item(small, "A"), title="Opening")
    public = selectors.plan_shown(meeting=small, kind=PlanVersion.Kind.AGENDA, editor=False)
    editor = selectors.plan_shown(meeting=small, kind=PlanVersion.Kind.AGENDA, editor=True)
    assert [r.title for r in public.rows] == ["A", "B", "C"]
    assert not public.working and public.changed and public.version.number == 1
    assert [r.title for r in editor.rows] == ["Opening", "B", "C"]
    assert editor.working and editor.changed


def test_discarding_changes_restores_the_published_tree(small, secretariat):
    services.agenda_item_add(meeting=small, title="B1", parent=item(small, "B"), description="d")
    services.agenda_publish(meeting=small, by=secretariat)
    services.agenda_item_delete(item=item(small, "B"), with_sub_items=True)
    services.agenda_item_add(meeting=small, title="Z")
    services.agenda_discard_changes(meeting=small)
    assert numbered(small) == [("1", "A"), ("2", "B"), ("2.1", "B1"), ("3", "C")]
    assert item(small, "B1").description == "d"
    assert not selectors.plan_shown(meeting=small, kind="agenda", editor=True).changed


def test_discarding_needs_a_published_version(small):
    with pytest.raises(ValidationError, match="never been published"):
        services.agenda_discard_changes(meeting=small)
    with pytest.raises(ValidationError, match="never been published"):
        services.time_plan_discard_changes(meeting=small)


# Time plan


def slot_args(meeting, **changes):
    return {
        "date": meeting.start_date,
        "start": dt.time(9, 30),
        "end": dt.time(12, 0),
        "title": "Q1/11 rapporteur group",
        **changes,
    }


def test_it_adds_updates_and_deletes_slots(small):
    slot = services.slot_add(meeting=small, **slot_args(small), session_key=" V ", room="R1")
    assert (slot.session_key, slot.room) == ("V", "R1")
    assert [s.title for s in small.slots.all()][0] == "Q1/11 rapporteur group"
    slot = services.slot_update(slot=slot, **slot_args(small, title="Q2/11", end=dt.time(11)))
    slot.refresh_from_db()
    assert (slot.title, slot.end) == ("Q2/11", dt.time(11))
    services.slot_delete(slot=slot)
    assert not TimePlanSlot.objects.filter(pk=slot.pk).exists()


def test_slot_times_are_in_the_meetings_zone(small):
    slot = services.slot_add(meeting=small, **slot_args(small))
    assert slot.starts_at == dt.datetime(2020, 11, 19, 8, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": dt.time(9, 0)}, "end", "must end after it starts"),
        ({"end": dt.time(9, 30)}, "end", "must end after it starts"),
        ({"date": dt.date(2020, 11, 20)}, "date", "not a day of the meeting"),
        ({"date": dt.date(2020, 11, 18)}, "date", "not a day of the meeting"),
        ({"title": "  "}, "title", "Say what the session is"),
    ],
)
def test_it_refuses_bad_slots(small, changes, field, message):
    count = small.slots.count()
    with pytest.raises(ValidationError) as raised:
        services.slot_add(meeting=small, **slot_args(small, **changes))
    assert message in " ".join(raised.value.message_dict[field])
    assert small.slots.count() == count


def test_it_refuses_a_time_the_clocks_skip(small):
    small.start_date = small.end_date = dt.date(2021, 3, 28)
    small.save()
    with pytest.raises(ValidationError, match="does not exist"):
        services.slot_add(meeting=small, **slot_args(small, start=dt.time(2, 30)))


def test_time_plan_versions_and_discard(small, secretariat):
    services.time_plan_publish(meeting=small, by=secretariat)
    services.slot_add(meeting=small, **slot_args(small))
    public = selectors.plan_shown(meeting=small, kind=PlanVersion.Kind.TIME_PLAN, editor=False)
    assert len(public.rows) == 1 and public.changed
    assert services.time_plan_publish(meeting=small, by=secretariat).number == 2
    services.slot_delete(slot=small.slots.get(title="Q1/11 rapporteur group"))
    services.time_plan_discard_changes(meeting=small)
    assert small.slots.count() == 2
