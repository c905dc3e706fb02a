"""Reads about meetings that need the database; the rules themselves live in deadlines.py."""

import dataclasses
import datetime

from django.utils import timezone

from plenary.groups.models import Body, Role
from plenary.meetings import deadlines
from plenary.meetings.deadlines import Deadline, Policy, UnknownPolicy
from plenary.meetings.models import DeadlinePolicy, Meeting


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
