"""Cursor pagination: an opaque cursor names the last row seen, in a stable, unique order.

Unlike page numbers, a cursor does not skip or repeat rows when rows are added while a script
walks the list, and each page is one indexed query however deep it is.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.http import HttpRequest

from plenary.api.errors import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class Ordering:
    """A named order of rows: fields (a leading '-' for descending) that together are unique."""

    name: str
    fields: Sequence[str]
    types: Sequence[Callable[[Any], Any]]

    def order_by(self) -> list:
        return [F(f[1:]).desc() if f.startswith("-") else F(f).asc() for f in self.fields]

    def after(self, values: Sequence[Any]) -> Q:
        """Rows that come after the row with these values: (a > x) or (a = x and b > y) ..."""
        condition = Q()
        for index, field in enumerate(self.fields):
            name = field.lstrip("-")
            step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": values[index]})
            for previous, value in zip(self.fields[:index], values[:index], strict=True):
                step &= Q(**{previous.lstrip("-"): value})
            condition |= step
        return condition

    def values_of(self, row: Any) -> list[Any]:
        values = []
        for field in self.fields:
            value: Any = row
            for part in field.lstrip("-").split("__"):
                value = getattr(value, part)
            values.append(value.isoformat() if isinstance(value, dt.date) else value)
        return values


def encode_cursor(ordering: Ordering, values: list[Any]) -> str:
    raw = json.dumps({"o": ordering.name, "v": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(ordering: Ordering, cursor: str) -> list[Any]:
    """The values a cursor carries, checked against the ordering; 400 if it is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if data["o"] != ordering.name or len(data["v"]) != len(ordering.fields):
            raise ValueError
        values = [convert(v) for convert, v in zip(ordering.types, data["v"], strict=True)]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise ValueError
        return values
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error):
        raise InvalidInput(
            "The cursor is not one this list gave out (or its filters changed).",
            code="invalid_cursor",
            field="cursor",
        ) from None


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    ordering: Ordering,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of rows and the absolute URL of the next page (None on the last page)."""
    queryset = queryset.order_by(*ordering.order_by())
    if cursor:
        queryset = queryset.filter(ordering.after(decode_cursor(ordering, cursor)))
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    params = request.GET.copy()
    params["cursor"] = encode_cursor(ordering, ordering.values_of(rows[-1]))
    params["limit"] = str(limit)
    query = urlencode(sorted(params.lists()), doseq=True)
    return rows, request.build_absolute_uri(f"{request.path}?{query}")
