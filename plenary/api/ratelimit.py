"""Rate limits: a fixed-window counter per token (or person, or address) in Django's cache.

The cache is shared by every server process when REDIS_URL is set; without it each process
counts for itself, which is right for the one-process default. `cache.add` then `cache.incr` is
atomic on both Redis and the local-memory cache, so concurrent requests never lose a count.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60
DEFAULT_PER_MINUTE = 600
DEFAULT_ANONYMOUS_PER_MINUTE = 120


def limits() -> tuple[int, int]:
    """(per token or person, per anonymous address) requests a minute; settings can lower them."""
    return (
        getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE),
        getattr(settings, "API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", DEFAULT_ANONYMOUS_PER_MINUTE),
    )


def _count(key: str) -> int:
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        # The window's key expired between add and incr: this is the first request of it.
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1


class FixedWindowThrottle(BaseThrottle):
    """Allows N requests per caller in each minute of the clock; the 429 says when to retry."""

    def allow_request(self, request: HttpRequest) -> bool:
        per_caller, per_address = limits()
        caller = getattr(request, "auth", None)
        ident = caller.rate_key if caller is not None else ""
        if not ident:
            ident, limit = f"ip:{request.META.get('REMOTE_ADDR', '')}", per_address
        else:
            limit = per_caller
        window = int(time.time() // WINDOW_SECONDS)
        return _count(f"api-rate:{ident}:{window}") <= limit

    def wait(self) -> float:
        """Seconds to the next window (the same for every caller: windows follow the clock)."""
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
