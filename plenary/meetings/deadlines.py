"""Key deadlines of a meeting, computed from its opening date by a policy that is plain data.

This module is pure: no models, no database. Registration, document submission and the collective
letter all call :func:`compute_deadlines` (through ``selectors.meeting_deadlines`` when a meeting's
stored overrides matter) and never do their own date arithmetic.

A policy maps each key of :data:`DEADLINE_KEYS` to a rule. The rule vocabulary, the same for the
built-in policies and for the ``rules`` JSON of a ``DeadlinePolicy`` row::

    {
      "holidays": ["2020-12-25", ...],      # optional, used by "roll_back" rules
      "translation": {
        "label": "...",              # optional; a default English label per key
        "months_before": 2,          # same day of month N months earlier, clamped to month end
        "days_before": 0,            # then N calendar days earlier
        "weekday": "friday",         # optional: then back to the last such weekday (or same day)
        "roll_back": false,          # optional: weekend or holiday -> previous working day
        "cutoff_time": "12:00",      # optional: closing wall-clock time; default end of day
        "cutoff_time_zone": "UTC"    # optional: zone of cutoff_time; default the meeting's
      },
      ...
    }

Cut-off convention: ``Deadline.cutoff`` is the first instant at which the deadline has
passed (exclusive). With no ``cutoff_time`` it is the midnight that ends the deadline's day
in the meeting's time zone, so anything done on the deadline's date, local time, is on time;
a deadline has passed when ``now >= cutoff``. With a ``cutoff_time`` it is that wall-clock
time on the deadline's date.
"""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DEADLINE_KEYS = ("translation", "registration", "contributions", "td_posting")

DEFAULT_LABELS = {
    "translation": "Contributions for which translation is requested",
    "registration": "Registration",
    "contributions": "Member contributions (Direct Document Posting)",
    "td_posting": "TDs posted online",
}

DEFAULT_POLICY = "itu-t"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_RULE_FIELDS = frozenset(
    {
        "label",
        "months_before",
        "days_before",
        "weekday",
        "roll_back",
        "cutoff_time",
        "cutoff_time_zone",
    }
)


class UnknownPolicy(ValueError):
    """No policy of that name."""


class InvalidPolicy(ValueError):
    """A policy's data does not follow the rule vocabulary."""


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    date: datetime.date
    cutoff: datetime.datetime
    overridden: bool = False
    reason: str = ""

    def passed(self, now: datetime.datetime) -> bool:
        """Whether the deadline has passed at the aware instant ``now`` (cut-off is exclusive)."""
        return now >= self.cutoff


@dataclass(frozen=True)
class Rule:
    """How one deadline's date and cut-off derive from the opening date."""

    label: str
    months_before: int = 0
    days_before: int = 0
    weekday: int | None = None
    roll_back: bool = False
    cutoff_time: datetime.time | None = None
    cutoff_time_zone: str | None = None

    @classmethod
    def from_dict(cls, key: str, data: Mapping[str, Any]) -> Rule:
        if not isinstance(data, Mapping):
            raise InvalidPolicy(f"{key}: a rule must be an object.")
        unknown = set(data) - _RULE_FIELDS
        if unknown:
            raise InvalidPolicy(f"{key}: unknown rule field(s) {', '.join(sorted(unknown))}.")
        months = _non_negative_int(key, "months_before", data.get("months_before", 0))
        days = _non_negative_int(key, "days_before", data.get("days_before", 0))
        if months == 0 and days == 0:
            # Otherwise a deadline could fall on the opening day itself or after it.
            raise InvalidPolicy(f"{key}: months_before or days_before must be positive.")
        label = data.get("label", DEFAULT_LABELS.get(key, key))
        if not isinstance(label, str) or not label.strip():
            raise InvalidPolicy(f"{key}: label must be a non-empty string.")
        roll_back = data.get("roll_back", False)
        if not isinstance(roll_back, bool):
            raise InvalidPolicy(f"{key}: roll_back must be true or false.")
        zone = data.get("cutoff_time_zone")
        if zone is not None:
            _zone(key, zone)
        return cls(
            label=label,
            months_before=months,
            days_before=days,
            weekday=_weekday(key, data.get("weekday")),
            roll_back=roll_back,
            cutoff_time=_time(key, data.get("cutoff_time")),
            cutoff_time_zone=zone,
        )

    def date_for(self, start: datetime.date, holidays: frozenset[datetime.date]) -> datetime.date:
        day = months_before(start, self.months_before) - datetime.timedelta(days=self.days_before)
        if self.weekday is not None:
            day -= datetime.timedelta(days=(day.weekday() - self.weekday) % 7)
        if self.roll_back:
            day = previous_working_day(day, holidays)
        return day

    def cutoff_for(self, day: datetime.date, time_zone: str) -> datetime.datetime:
        if self.cutoff_time is None:
            return end_of_day(day, time_zone)
        zone = zoneinfo.ZoneInfo(self.cutoff_time_zone or time_zone)
        return datetime.datetime.combine(day, self.cutoff_time, tzinfo=zone)


@dataclass(frozen=True)
class Policy:
    """A named set of rules, one per deadline key, and the holidays that roll-back rules avoid."""

    name: str
    rules: Mapping[str, Rule]
    holidays: frozenset[datetime.date] = field(default_factory=frozenset)
    description: str = ""

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any], *, description: str = "") -> Policy:
        """Build a policy from the JSON vocabulary described in this module's docstring."""
        if not isinstance(data, Mapping):
            raise InvalidPolicy("A policy must be an object of rules per deadline key.")
        unknown = set(data) - set(DEADLINE_KEYS) - {"holidays", "description"}
        if unknown:
            raise InvalidPolicy(f"Unknown deadline key(s) {', '.join(sorted(unknown))}.")
        missing = [key for key in DEADLINE_KEYS if key not in data]
        if missing:
            raise InvalidPolicy(f"Missing rule(s) for {', '.join(missing)}.")
        rules = {key: Rule.from_dict(key, data[key]) for key in DEADLINE_KEYS}
        return cls(
            name=name,
            rules=MappingProxyType(rules),
            holidays=_holidays(data.get("holidays", [])),
            description=description or str(data.get("description", "")),
        )


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of month ``months`` earlier, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def previous_working_day(
    day: datetime.date, holidays: Iterable[datetime.date] = ()
) -> datetime.date:
    """The day itself if it is a weekday and not a holiday, else the last one before it."""
    holidays = frozenset(holidays)
    while day.weekday() >= 5 or day in holidays:
        day -= datetime.timedelta(days=1)
    return day


def end_of_day(day: datetime.date, time_zone: str) -> datetime.datetime:
    """The midnight that ends ``day`` in the zone: the exclusive cut-off of a whole-day deadline."""
    following = day + datetime.timedelta(days=1)
    zone = zoneinfo.ZoneInfo(time_zone)
    return datetime.datetime.combine(following, datetime.time(0), tzinfo=zone)


def compute_deadlines(
    start: datetime.date, *, time_zone: str, policy: Policy | None = None
) -> dict[str, Deadline]:
    """The policy's deadlines for a meeting opening on ``start``, in the order of DEADLINE_KEYS.

    Raises ValueError for an unknown time zone or a date too early to count back from.
    """
    policy = policy or get_policy(DEFAULT_POLICY)
    _zone("time_zone", time_zone, error=ValueError)
    result = {}
    for key in DEADLINE_KEYS:
        rule = policy.rules[key]
        day = rule.date_for(start, policy.holidays)
        result[key] = Deadline(
            key=key, label=rule.label, date=day, cutoff=rule.cutoff_for(day, time_zone)
        )
    return result


BUILTIN_POLICY_DATA: dict[str, dict[str, Any]] = {
    "itu-t": {
        "description": "ITU-T (Resolution 1, A.1): months before, then calendar days; end of day.",
        "translation": {"months_before": 2},
        "registration": {"months_before": 1},
        # A.1 3.1.8 says "at least 12 calendar days before"; TSB writes opening minus 13.
        "contributions": {"days_before": 13},
        "td_posting": {"days_before": 7},
    },
    "weekday-cutoff": {
        "description": (
            "3GPP-like: a number of days before, then back to a fixed weekday, "
            "closing at a fixed hour UTC."
        ),
        "translation": {
            "label": "Contributions for which translation is requested",
            "days_before": 42,
            "weekday": "friday",
            "cutoff_time": "12:00",
            "cutoff_time_zone": "UTC",
        },
        "registration": {
            "label": "Registration",
            "days_before": 14,
            "weekday": "friday",
            "cutoff_time": "23:59",
            "cutoff_time_zone": "UTC",
        },
        "contributions": {
            "label": "Contributions (document submission)",
            "days_before": 7,
            "weekday": "monday",
            "cutoff_time": "23:59",
            "cutoff_time_zone": "UTC",
        },
        "td_posting": {
            "label": "TDs posted online",
            "days_before": 1,
            "weekday": "friday",
            "cutoff_time": "12:00",
            "cutoff_time_zone": "UTC",
        },
    },
}


def builtin_policy_names() -> tuple[str, ...]:
    return tuple(BUILTIN_POLICY_DATA)


def get_policy(name: str) -> Policy:
    """A built-in policy by name; UnknownPolicy otherwise (stored policies: see selectors)."""
    try:
        data = BUILTIN_POLICY_DATA[name]
    except (KeyError, TypeError):
        raise UnknownPolicy(f"Unknown deadline policy {name!r}.") from None
    return Policy.from_dict(name, data)


def _non_negative_int(key: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 1200:
        raise InvalidPolicy(f"{key}: {name} must be a whole number from 0 to 1200.")
    return value


def _weekday(key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.lower() in WEEKDAYS:
        return WEEKDAYS.index(value.lower())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    raise InvalidPolicy(f"{key}: weekday must be a day name or 0 (Monday) to 6 (Sunday).")


def _time(key: str, value: Any) -> datetime.time | None:
    if value is None:
        return None
    try:
        return datetime.time.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidPolicy(f"{key}: cutoff_time must be HH:MM.") from None


def _zone(key: str, value: Any, error: type[ValueError] = InvalidPolicy) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (TypeError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise error(f"{key}: unknown time zone {value!r}.") from None


def _holidays(value: Any) -> frozenset[datetime.date]:
    if not isinstance(value, list):
        raise InvalidPolicy("holidays must be a list of YYYY-MM-DD dates.")
    try:
        return frozenset(datetime.date.fromisoformat(item) for item in value)
    except (TypeError, ValueError):
        raise InvalidPolicy("holidays must be a list of YYYY-MM-DD dates.") from None
