"""Time-zone names a person or a meeting may use."""

import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    """The IANA names this machine's tz database knows."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone (e.g. 'Europe/Zurich')."""
    if value not in available_time_zones():
        raise ValidationError("%(value)s is not a known time zone.", params={"value": value})


def time_zone_choices() -> list[tuple[str, str]]:
    """Choices for a select, sorted by name."""
    return [(name, name.replace("_", " ")) for name in sorted(available_time_zones())]
