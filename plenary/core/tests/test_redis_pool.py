"""Django's Redis cache as settings.py configures it keeps one pool of connections per process,
although Django makes a cache object per request context (a2wsgi gives each request a fresh copy
of the event loop's context)."""

import contextvars

import pytest
import redis
from django.core.cache import caches

from plenary.core.redis_pool import ProcessConnectionPool
from plenary.settings import redis_cache
from tests import servers


@pytest.fixture(scope="module")
def redis_url():
    with servers.redis_server() as url:
        yield url
    ProcessConnectionPool.forget_all()


def _connections_received(client: redis.Redis) -> int:
    return client.info("stats")["total_connections_received"]


def test_requests_in_fresh_contexts_share_one_connection(redis_url, settings):
    settings.CACHES = {**settings.CACHES, "default": redis_cache(redis_url)}

    def a_request(number: int) -> None:
        cache = caches["default"]  # a new cache object in each fresh context
        cache.set(f"seen:{number}", number)
        assert cache.get(f"seen:{number}") == number

    watcher = redis.Redis.from_url(redis_url)  # one connection of its own, opened here
    before = _connections_received(watcher)
    seen = set()
    for number in range(20):
        context = contextvars.Context()
        context.run(a_request, number)
        seen.add(context.run(lambda: id(caches["default"])))
    assert len(seen) > 1  # Django did make cache objects per context...
    # ...and all of them used the process's one pool: one connection, not one per request.
    assert _connections_received(watcher) - before <= 1


def test_one_pool_per_address_and_options(redis_url):
    pool = ProcessConnectionPool.from_url(redis_url)
    assert ProcessConnectionPool.from_url(redis_url) is pool
    assert ProcessConnectionPool.from_url(redis_url, socket_timeout=3) is not pool
    assert ProcessConnectionPool.from_url(redis_url.replace("/0", "/1")) is not pool
