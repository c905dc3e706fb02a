"""One Redis connection pool per process for Django's Redis cache.

Django keeps its cache objects in an ``asgiref`` ``Local`` that follows the request's context,
and a2wsgi runs every request in a fresh copy of the event loop's context. So every request got
a new ``RedisCache``, whose client made a new connection pool, which opened a new connection
(``HELLO``, ``SELECT``, then the command) and left it for the garbage collector to close: a
connection per request, and half of a process's throughput on the API (docs/benchmarks.md).
The cache objects stay cheap and per request as Django means them to be; the pool behind them is
kept here, one per address and options, for the whole process. redis-py's pool is thread-safe
and notices a fork (it resets itself in the child), so sharing it is what it is made for.

Used through the cache's ``OPTIONS`` in settings.py: ``{"pool_class": "plenary.core.redis_pool.
ProcessConnectionPool"}``.
"""

import threading

import redis


class ProcessConnectionPool(redis.ConnectionPool):
    """``from_url`` gives the process's one pool for that URL and those options."""

    _shared: dict[tuple, "ProcessConnectionPool"] = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **kwargs) -> "ProcessConnectionPool":
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        pool = cls._shared.get(key)
        if pool is None:
            with cls._lock:
                pool = cls._shared.get(key)
                if pool is None:
                    pool = super().from_url(url, **kwargs)
                    cls._shared[key] = pool
        return pool

    @classmethod
    def forget_all(cls) -> None:
        """Disconnect and drop every kept pool (tests that start and stop Redis servers)."""
        with cls._lock:
            pools, cls._shared = list(cls._shared.values()), {}
        for pool in pools:
            pool.disconnect()
