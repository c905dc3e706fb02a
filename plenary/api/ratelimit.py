"""Rate limits: a fixed-window counter per token (or person, or address).

Without REDIS_URL each process counts for itself in Django's local-memory cache, which is right
for the one-process default; `cache.add` then `cache.incr` is atomic there, so concurrent
requests never lose a count.

With REDIS_URL the counts are shared by every server process, in Redis. Asking Redis on every
API request cost half of a process's throughput under load (docs/benchmarks.md), so a process
takes permits in blocks: one script call adds a block to the window's count and answers the new
total, and the permits of the block that fall within the limit are spent in the process without
asking again. The blocks shrink as the count nears the limit, down to one permit, so at most a
few permits per process are left unspent when a caller is refused; more than the limit are never
granted. Once a window's count has reached the limit the process refuses without asking, since a
count only grows until its window ends.
"""

import functools
import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from plenary.core.redis_pool import ProcessConnectionPool

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
DEFAULT_PER_MINUTE = 600
DEFAULT_ANONYMOUS_PER_MINUTE = 120
# The most permits a process takes at once, and the share of what is left it takes near the limit.
BLOCK = 16
BLOCK_SHARE = 8
# A window's count outlives the window a little, so that a late request never finds it gone.
KEY_SECONDS = WINDOW_SECONDS + 5


def limits() -> tuple[int, int]:
    """(per token or person, per anonymous address) requests a minute; settings can lower them."""
    return (
        getattr(settings, "API_RATE_LIMIT_PER_MINUTE", DEFAULT_PER_MINUTE),
        getattr(settings, "API_ANONYMOUS_RATE_LIMIT_PER_MINUTE", DEFAULT_ANONYMOUS_PER_MINUTE),
    )


def _local_count(key: str) -> int:
    if cache.add(key, 1, timeout=KEY_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        # The window's key expired between add and incr: this is the first request of it.
        cache.set(key, 1, timeout=KEY_SECONDS)
        return 1


_TAKE_SCRIPT = """
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
if total == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return total
"""


@dataclass
class _Held:
    left: int = 0  # permits taken and not yet spent
    total: int = 0  # the window's count in Redis after this process's last take


class SharedCounter:
    """A process's view of the counts kept in Redis at ``url`` (one instance per process)."""

    prefix = "plenary:"

    def __init__(self, url: str):
        client = redis.Redis(connection_pool=ProcessConnectionPool.from_url(url))
        self._take = client.register_script(_TAKE_SCRIPT)
        self._lock = threading.Lock()
        self._window: int | None = None
        self._held: dict[str, _Held] = {}

    def allowed(self, key: str, window: int, limit: int) -> bool:
        """Whether one more request of ``key`` fits ``limit`` in ``window`` (and count it)."""
        with self._lock:
            if window != self._window:
                self._window, self._held = window, {}
            held = self._held.setdefault(key, _Held())
            if held.left > 0:
                held.left -= 1
                return True
            if held.total >= limit:
                return False
            block = max(1, min(BLOCK, (limit - held.total) // BLOCK_SHARE))
        try:
            counted = f"{self.prefix}{key}:{window}"
            total = int(self._take(keys=[counted], args=[block, KEY_SECONDS]))
        except redis.RedisError:
            # The limit protects the service; an unreachable Redis should not stop it serving.
            logger.warning("API rate limit not counted: Redis unreachable", exc_info=True)
            return True
        granted = max(0, min(total, limit) - (total - block))
        with self._lock:
            if window == self._window:
                held = self._held.setdefault(key, _Held())
                held.total = max(held.total, total)
                held.left += max(0, granted - 1)
        return granted > 0


@functools.cache
def _shared(url: str) -> SharedCounter:
    return SharedCounter(url)


def allowed(ident: str, limit: int) -> bool:
    """Whether one more request of ``ident`` fits in this minute's limit (and count it)."""
    key, window = f"api-rate:{ident}", int(time.time() // WINDOW_SECONDS)
    if settings.REDIS_URL:
        return _shared(settings.REDIS_URL).allowed(key, window, limit)
    return _local_count(f"{key}:{window}") <= limit


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
        return allowed(ident, limit)

    def wait(self) -> float:
        """Seconds to the next window (the same for every caller: windows follow the clock)."""
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
