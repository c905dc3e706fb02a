"""Editing a meeting's agenda and time plan, and publishing them as numbered versions.

The agenda items and time-plan slots in the database are the *working copy*: the secretariat and
the meeting's chairs change them freely. Publishing copies the working copy into a PlanVersion
(number 1, 2, 3 ... per meeting and kind) that the public meeting page shows until the next one.

Agenda numbers (1, 2, 2.1) are never stored: they are derived from each item's position among its
siblings, which every write below keeps dense (1..n) inside one transaction. Reading the plans
(numbering, snapshots, what a viewer is shown) lives in `plenary/meetings/selectors.py`.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, PositiveSmallIntegerField, Value, When

from plenary.accounts.models import User
from plenary.meetings.models import AgendaItem, Meeting, PlanVersion, TimePlanSlot
from plenary.meetings.selectors import (
    agenda_snapshot,
    latest_version,
    slots_from_snapshot,
    time_plan_snapshot,
)

# Siblings pass through positions above this while they are renumbered, so that the unique
# (meeting, parent, position) indexes, checked row by row on both SQLite and PostgreSQL, never see
# two items in one place.
_OFFSET = 1000
MAX_SIBLINGS = _OFFSET - 1

DIRECTIONS = ("up", "down")


def _lock(meeting: Meeting) -> Meeting:
    """Serialize edits of one meeting's plans: two editors never renumber the same list at once."""
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _fresh(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    """The item as it is now (another editor may have moved it), refusing another meeting's."""
    found = AgendaItem.objects.filter(pk=item.pk, meeting=meeting).first()
    if found is None:
        raise ValidationError("That agenda item is not on this meeting's agenda (any more).")
    return found


def _siblings(meeting: Meeting, parent_id: int | None) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).order_by("position")
    )


def _arrange(meeting: Meeting, parent_id: int | None, ordered: list[AgendaItem]) -> None:
    """Make `ordered` the children of `parent_id`, at positions 1..n in that order.

    Items may come from another parent (indent, outdent). The current children are first lifted
    above the offset, so no row is ever written onto a position another row still holds.
    """
    AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).update(
        position=F("position") + _OFFSET
    )
    if not ordered:
        return
    AgendaItem.objects.filter(pk__in=[i.pk for i in ordered]).update(
        parent_id=parent_id,
        position=Case(
            *[When(pk=i.pk, then=Value(n)) for n, i in enumerate(ordered, start=1)],
            output_field=PositiveSmallIntegerField(),
        ),
    )
    for n, i in enumerate(ordered, start=1):
        i.parent_id, i.position = parent_id, n


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the agenda item a title."})
    if len(title) > 300:
        raise ValidationError({"title": "Keep the title under 300 characters."})
    return title


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    parent: AgendaItem | None = None,
) -> AgendaItem:
    """Add an item at the end of the top level, or at the end of `parent`'s sub-items."""
    meeting = _lock(meeting)
    title = _clean_title(title)
    parent_id = None
    if parent is not None:
        parent_id = _fresh(meeting, parent).pk
    count = AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).count()
    if count >= MAX_SIBLINGS:
        raise ValidationError(f"An agenda level holds at most {MAX_SIBLINGS} items.")
    return AgendaItem.objects.create(
        meeting=meeting,
        parent_id=parent_id,
        position=count + 1,
        title=title,
        description=(description or "").strip(),
    )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, title: str, description: str = "") -> AgendaItem:
    """Change an item's title and description; its place and number stay."""
    meeting = _lock(item.meeting)
    item = _fresh(meeting, item)
    item.title = _clean_title(title)
    item.description = (description or "").strip()
    item.save(update_fields=["title", "description"])
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, with_sub_items: bool = False) -> int:
    """Remove an item and close the gap; returns how many items went.

    An item with sub-items is removed only when `with_sub_items` says the editor confirmed that
    they go too: a slip here would silently take a whole branch of the agenda.
    """
    meeting = _lock(item.meeting)
    item = _fresh(meeting, item)
    descendants = _descendant_count(item)
    if descendants and not with_sub_items:
        raise ValidationError(
            f"“{item.title}” has {descendants} sub-item{'s' if descendants != 1 else ''}; "
            "confirm that they are to be removed too, or move them out first."
        )
    parent_id = item.parent_id
    item.delete()
    _arrange(meeting, parent_id, _siblings(meeting, parent_id))
    return descendants + 1


def _descendant_count(item: AgendaItem) -> int:
    count, frontier = 0, [item.pk]
    while frontier:
        frontier = list(
            AgendaItem.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        count += len(frontier)
    return count


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap an item with its previous ("up") or next ("down") sibling; sub-items travel along."""
    if direction not in DIRECTIONS:
        raise ValidationError(f"Move an item up or down, not “{direction}”.")
    meeting = _lock(item.meeting)
    item = _fresh(meeting, item)
    siblings = _siblings(meeting, item.parent_id)
    index = next(n for n, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        where = "first" if direction == "up" else "last"
        raise ValidationError(f"“{item.title}” is already the {where} item at its level.")
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _arrange(meeting, item.parent_id, siblings)
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_indent(*, item: AgendaItem) -> AgendaItem:
    """Make an item the last sub-item of the item before it (2.3 under 2.2 becomes 2.2.x)."""
    meeting = _lock(item.meeting)
    item = _fresh(meeting, item)
    siblings = _siblings(meeting, item.parent_id)
    index = next(n for n, s in enumerate(siblings) if s.pk == item.pk)
    if index == 0:
        raise ValidationError(
            f"“{item.title}” is the first item at its level: there is no item before it to put "
            "it under."
        )
    new_parent = siblings[index - 1]
    children = _siblings(meeting, new_parent.pk)
    if len(children) >= MAX_SIBLINGS:
        raise ValidationError(f"An agenda level holds at most {MAX_SIBLINGS} items.")
    old_parent_id = item.parent_id
    _arrange(meeting, new_parent.pk, [*children, item])
    _arrange(meeting, old_parent_id, [s for s in siblings if s.pk != item.pk])
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_outdent(*, item: AgendaItem) -> AgendaItem:
    """Move a sub-item up one level, to just after the item it was under (2.2 becomes 3).

    The items that followed it under its old parent stay there and close up.
    """
    meeting = _lock(item.meeting)
    item = _fresh(meeting, item)
    if item.parent_id is None:
        raise ValidationError(f"“{item.title}” is already at the top level.")
    parent = AgendaItem.objects.get(pk=item.parent_id)
    old_siblings = _siblings(meeting, parent.pk)
    new_siblings = _siblings(meeting, parent.parent_id)
    if len(new_siblings) >= MAX_SIBLINGS:
        raise ValidationError(f"An agenda level holds at most {MAX_SIBLINGS} items.")
    at = next(n for n, s in enumerate(new_siblings) if s.pk == parent.pk) + 1
    new_siblings.insert(at, item)
    _arrange(meeting, parent.parent_id, new_siblings)
    _arrange(meeting, parent.pk, [s for s in old_siblings if s.pk != item.pk])
    item.refresh_from_db()
    return item


def _clean_slot(
    meeting: Meeting,
    *,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    title: str,
) -> str:
    """Check a slot against the meeting; returns the cleaned title."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Say what the session is, e.g. “WP1/11 plenary”."
    elif len(title) > 200:
        errors["title"] = "Keep the session title under 200 characters."
    if not meeting.start_date <= date <= meeting.end_date:
        if meeting.start_date == meeting.end_date:
            span = f"on {meeting.start_date:%-d %B %Y}"
        else:
            span = f"from {meeting.start_date:%-d %B %Y} to {meeting.end_date:%-d %B %Y}"
        errors["date"] = f"{date:%-d %B %Y} is not a day of the meeting, which is {span}."
    if end <= start:
        errors["end"] = f"The session must end after it starts ({start:%H:%M})."
    for field, value in (("start", start), ("end", end)):
        if field not in errors and not _exists_locally(meeting, date, value):
            errors[field] = (
                f"{value:%H:%M} does not exist on {date:%-d %B %Y} in {meeting.time_zone}: "
                "the clocks change that night."
            )
    if errors:
        raise ValidationError(errors)
    return title


def _exists_locally(meeting: Meeting, date: dt.date, time: dt.time) -> bool:
    """False for a wall-clock time skipped when the meeting's zone moves its clocks forward."""
    local = meeting.local(date, time)
    back = local.astimezone(dt.UTC).astimezone(meeting.tz)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


@transaction.atomic
def slot_add(
    *,
    meeting: Meeting,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    title: str,
    session_key: str = "",
    room: str = "",
) -> TimePlanSlot:
    """Add a session on one of the meeting's days, its hours in the meeting's time zone."""
    meeting = _lock(meeting)
    title = _clean_slot(meeting, date=date, start=start, end=end, title=title)
    return TimePlanSlot.objects.create(
        meeting=meeting,
        date=date,
        start=start,
        end=end,
        title=title,
        session_key=(session_key or "").strip(),
        room=(room or "").strip(),
    )


def _fresh_slot(meeting: Meeting, slot: TimePlanSlot) -> TimePlanSlot:
    found = TimePlanSlot.objects.filter(pk=slot.pk, meeting=meeting).first()
    if found is None:
        raise ValidationError("That session is not in this meeting's time plan (any more).")
    return found


@transaction.atomic
def slot_update(
    *,
    slot: TimePlanSlot,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    title: str,
    session_key: str = "",
    room: str = "",
) -> TimePlanSlot:
    """Change a session's day, hours, title, key or room."""
    meeting = _lock(slot.meeting)
    slot = _fresh_slot(meeting, slot)
    slot.title = _clean_slot(meeting, date=date, start=start, end=end, title=title)
    slot.date, slot.start, slot.end = date, start, end
    slot.session_key, slot.room = (session_key or "").strip(), (room or "").strip()
    slot.save(update_fields=["date", "start", "end", "title", "session_key", "room"])
    return slot


@transaction.atomic
def slot_delete(*, slot: TimePlanSlot) -> None:
    """Remove a session from the working copy; the published time plan keeps it till republished."""
    meeting = _lock(slot.meeting)
    _fresh_slot(meeting, slot).delete()


def _publish(*, meeting: Meeting, kind: str, snapshot: list, by: User, note: str) -> PlanVersion:
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": "Keep the note under 300 characters."})
    what = PlanVersion.Kind(kind).label.lower()
    if not snapshot:
        raise ValidationError(f"The {what} is empty: add to it before publishing.")
    last = latest_version(meeting, kind)
    if last is not None and last.snapshot == snapshot:
        raise ValidationError(
            f"Nothing to publish: the {what} is the same as version {last.number}."
        )
    number = (
        PlanVersion.objects.filter(meeting=meeting, kind=kind).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    return PlanVersion.objects.create(
        meeting=meeting, kind=kind, number=number, published_by=by, note=note, snapshot=snapshot
    )


@transaction.atomic
def agenda_publish(*, meeting: Meeting, by: User, note: str = "") -> PlanVersion:
    """Publish the working agenda as the meeting's next numbered agenda version."""
    meeting = _lock(meeting)
    return _publish(
        meeting=meeting,
        kind=PlanVersion.Kind.AGENDA,
        snapshot=agenda_snapshot(meeting),
        by=by,
        note=note,
    )


@transaction.atomic
def time_plan_publish(*, meeting: Meeting, by: User, note: str = "") -> PlanVersion:
    """Publish the working time plan as the meeting's next numbered time-plan version."""
    meeting = _lock(meeting)
    return _publish(
        meeting=meeting,
        kind=PlanVersion.Kind.TIME_PLAN,
        snapshot=time_plan_snapshot(meeting),
        by=by,
        note=note,
    )


@transaction.atomic
def agenda_discard_changes(*, meeting: Meeting) -> PlanVersion:
    """Put the working agenda back as the last published version had it (the editors' undo)."""
    meeting = _lock(meeting)
    version = latest_version(meeting, PlanVersion.Kind.AGENDA)
    if version is None:
        raise ValidationError(
            "The agenda has never been published: there is nothing to go back to."
        )
    meeting.agenda_items.all().delete()
    parents: list[AgendaItem] = []
    counts: dict[int | None, int] = {}
    for entry in version.snapshot:
        depth = entry["depth"]
        del parents[depth:]
        parent_id = parents[-1].pk if parents else None
        counts[parent_id] = counts.get(parent_id, 0) + 1
        parents.append(
            AgendaItem.objects.create(
                meeting=meeting,
                parent_id=parent_id,
                position=counts[parent_id],
                title=entry["title"],
                description=entry.get("description", ""),
            )
        )
    return version


@transaction.atomic
def time_plan_discard_changes(*, meeting: Meeting) -> PlanVersion:
    """Put the working time plan back as the last published version had it."""
    meeting = _lock(meeting)
    version = latest_version(meeting, PlanVersion.Kind.TIME_PLAN)
    if version is None:
        raise ValidationError(
            "The time plan has never been published: there is nothing to go back to."
        )
    meeting.slots.all().delete()
    TimePlanSlot.objects.bulk_create(slots_from_snapshot(meeting, version.snapshot))
    return version
