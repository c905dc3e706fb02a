"""Reads about meetings: deadlines (the rules themselves live in deadlines.py), and the agenda and
time plan (numbering, the snapshots a published version stores, what a viewer is shown). The
writes that edit and publish the plans are in services/agenda.py.
"""

import dataclasses
import datetime
from typing import Any

from django.utils import timezone

from plenary.groups.models import Body, Role
from plenary.meetings import deadlines
from plenary.meetings.deadlines import Deadline, Policy, UnknownPolicy
from plenary.meetings.models import (
    AgendaItem,
    DeadlinePolicy,
    Meeting,
    PlanVersion,
    TimePlanSlot,
)


def policy_named(name: str) -> Policy:
    """A built-in policy, else a stored DeadlinePolicy of that name; UnknownPolicy if neither.

    Built-ins come first, so their rules cannot drift with data and need no query; a body with
    other rules stores them under its own name. An invalid stored row raises InvalidPolicy
    rather than silently falling back.
    """
    if name in deadlines.builtin_policy_names():
        return deadlines.get_policy(name)
    row = DeadlinePolicy.objects.filter(name=name).first()
    if row is None:
        raise UnknownPolicy(f"Unknown deadline policy {name!r}.")
    return Policy.from_dict(row.name, row.rules, description=row.description)


def policy_choices() -> list[tuple[str, str]]:
    """(name, label) of the built-in and stored policies, for a select."""
    names = dict.fromkeys(deadlines.builtin_policy_names())
    for row in DeadlinePolicy.objects.order_by("name").only("name"):
        names.setdefault(row.name)
    return [(name, name) for name in names]


def meeting_deadlines(meeting: Meeting) -> dict[str, Deadline]:
    """The meeting's deadlines: its policy's rules, then the secretariat's overrides."""
    policy = policy_named(meeting.deadline_policy)
    result = deadlines.compute_deadlines(
        meeting.start_date, time_zone=meeting.time_zone, policy=policy
    )
    for override in meeting.deadline_overrides.all():
        if override.key not in result:
            continue
        result[override.key] = dataclasses.replace(
            result[override.key],
            date=override.date,
            cutoff=override.cutoff,
            overridden=True,
            reason=override.reason,
        )
    return result


def deadline_passed(meeting: Meeting, key: str, now: datetime.datetime | None = None) -> bool:
    """Whether the meeting's deadline ``key`` has passed at ``now`` (default: this instant)."""
    if key not in deadlines.DEADLINE_KEYS:
        raise KeyError(f"Unknown deadline key {key!r}.")
    return meeting_deadlines(meeting)[key].passed(now or timezone.now())


def secretariat_bodies(user) -> list[Body]:
    """The bodies whose meetings the person may create: where they hold a secretariat role,
    and every body below those (the SG11 counsellor serves WP1/11 too), as is_secretariat says.
    """
    if user is None or not user.is_authenticated:
        return []
    rank = {kind: index for index, kind in enumerate(Body.Kind.values)}
    bodies = sorted(
        Body.objects.all(), key=lambda b: (rank.get(b.kind, 99), b.number or 0, b.acronym)
    )
    if user.is_superuser:
        return bodies
    roles = Role.objects.filter(person=user, name__in=Role.SECRETARIAT)
    served = set(roles.values_list("body_id", flat=True))
    parents = {body.pk: body.parent_id for body in bodies}

    def served_here(pk: int | None) -> bool:
        while pk is not None:
            if pk in served:
                return True
            pk = parents.get(pk)
        return False

    return [body for body in bodies if served_here(body.pk)]


@dataclasses.dataclass(frozen=True)
class AgendaRow:
    """One line of a numbered agenda: an item (or a snapshot entry) with its number and depth."""

    number: str
    depth: int
    title: str
    description: str = ""
    item: AgendaItem | None = None
    first: bool = False
    last: bool = False
    has_children: bool = False

    @property
    def pk(self) -> int | None:
        return self.item.pk if self.item else None


def agenda_rows(items) -> list[AgendaRow]:
    """The items in reading order, numbered 1, 2, 2.1 from their positions among siblings."""
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    for siblings in children.values():
        siblings.sort(key=lambda i: i.position)
    rows: list[AgendaRow] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        siblings = children.get(parent_id, [])
        for index, item in enumerate(siblings, start=1):
            number = f"{prefix}{index}"
            rows.append(
                AgendaRow(
                    number,
                    depth,
                    item.title,
                    item.description,
                    item,
                    first=index == 1,
                    last=index == len(siblings),
                    has_children=item.pk in children,
                )
            )
            walk(item.pk, f"{number}.", depth + 1)

    walk(None, "", 0)
    return rows


def agenda_snapshot(meeting: Meeting, rows: list[AgendaRow] | None = None) -> list[dict[str, Any]]:
    """The working copy of the agenda as a version stores it: number, depth, title, description."""
    if rows is None:
        rows = agenda_rows(meeting.agenda_items.all())
    return [
        {"number": r.number, "depth": r.depth, "title": r.title, "description": r.description}
        for r in rows
    ]


def time_plan_snapshot(
    meeting: Meeting, slots: list[TimePlanSlot] | None = None
) -> list[dict[str, Any]]:
    """The working copy of the time plan as a version stores it (wall-clock, meeting's zone)."""
    if slots is None:
        slots = list(meeting.slots.all())
    return [
        {
            "date": slot.date.isoformat(),
            "start": slot.start.strftime("%H:%M"),
            "end": slot.end.strftime("%H:%M"),
            "title": slot.title,
            "session_key": slot.session_key,
            "room": slot.room,
        }
        for slot in slots
    ]


def rows_from_snapshot(snapshot: list[dict[str, Any]]) -> list[AgendaRow]:
    """The rows of a published agenda version."""
    return [
        AgendaRow(e["number"], e["depth"], e["title"], e.get("description", "")) for e in snapshot
    ]


def slots_from_snapshot(meeting: Meeting, snapshot: list[dict[str, Any]]) -> list[TimePlanSlot]:
    """The slots of a published time-plan version: unsaved objects that render like saved ones."""
    return [
        TimePlanSlot(
            meeting=meeting,
            date=datetime.date.fromisoformat(e["date"]),
            start=datetime.time.fromisoformat(e["start"]),
            end=datetime.time.fromisoformat(e["end"]),
            title=e["title"],
            session_key=e.get("session_key", ""),
            room=e.get("room", ""),
        )
        for e in snapshot
    ]


def latest_version(meeting: Meeting, kind: str) -> PlanVersion | None:
    """The last published version of the meeting's agenda or time plan, if any."""
    return (
        PlanVersion.objects.filter(meeting=meeting, kind=kind)
        .select_related("published_by")
        .order_by("-number")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class PlanShown:
    """What a meeting page shows of an agenda or time plan, and which version that is.

    `rows` are AgendaRow objects for the agenda and TimePlanSlot objects for the time plan.
    `working` says the rows are the working copy rather than the published version; `changed`
    says the working copy differs from the last published version (always False when nothing was
    published).
    """

    kind: str
    rows: list
    version: PlanVersion | None
    working: bool
    changed: bool
    publisher: str = ""


def plan_shown(*, meeting: Meeting, kind: str, editor: bool) -> PlanShown:
    """Editors see the working copy; everyone else the last published version.

    Until a first version is published everyone sees the working copy, so that a meeting set up
    with an agenda (as the demo is) shows it.
    """
    version = latest_version(meeting, kind)
    rows: list
    if kind == PlanVersion.Kind.AGENDA:
        rows = agenda_rows(meeting.agenda_items.all())
        working = agenda_snapshot(meeting, rows)
    else:
        rows = list(meeting.slots.all())
        working = time_plan_snapshot(meeting, rows)
    changed = version is not None and version.snapshot != working
    is_working = version is None or editor
    if not is_working:
        if kind == PlanVersion.Kind.AGENDA:
            rows = rows_from_snapshot(version.snapshot)
        else:
            rows = slots_from_snapshot(meeting, version.snapshot)
    publisher = publisher_label(version) if version else ""
    return PlanShown(kind, rows, version, is_working, changed, publisher)


def publisher_label(version: PlanVersion) -> str:
    """Who published a version, by role when they hold one here: 'Chairman of WP1/11, Ms X'."""
    person = version.published_by
    body = version.meeting.body
    role = (
        Role.objects.filter(person=person, body__in=[body, *body.ancestors()])
        .select_related("body")
        .order_by("name")
        .first()
    )
    if role is None:
        return person.display_name
    return f"{role.get_name_display()} of {role.body}, {person.display_name}"


def agenda_number(item: AgendaItem) -> str:
    """The number an item has in its meeting's working copy, e.g. '2.1'."""
    for row in agenda_rows(item.meeting.agenda_items.all()):
        if row.pk == item.pk:
            return row.number
    return "?"


def meeting_dates(meeting: Meeting) -> str:
    """'19 November 2020', '22-31 July 2020' or '29 June - 3 July 2020', as collective letters
    and cover pages ("Place and date") write a meeting's dates."""
    start, end = meeting.start_date, meeting.end_date
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} - {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} - {end.day} {end:%B %Y}"


def place_and_date(meeting: Meeting) -> str:
    """'Virtual, 19 November 2020', 'Geneva, 10-19 November 2025', 'Geneva, 28 October -
    6 November 2025', as ITU covers write a meeting (a contribution's, a TD's, an LS's)."""
    virtual = meeting.mode == Meeting.Mode.VIRTUAL
    where = meeting.place or ("Virtual" if virtual else meeting.get_mode_display())
    return f"{where}, {meeting_dates(meeting)}"
