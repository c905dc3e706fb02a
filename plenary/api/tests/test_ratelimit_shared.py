"""The API's rate limit with REDIS_URL: counts shared by every server process through Redis,
taken in blocks so that most requests do not ask Redis, and never more than the limit."""

import threading
from unittest import mock

import pytest
import redis
from django.test import override_settings

from plenary.api import ratelimit
from plenary.api.ratelimit import SharedCounter
from plenary.api.tests.conftest import bearer
from plenary.core.redis_pool import ProcessConnectionPool
from tests import servers


@pytest.fixture(scope="module")
def redis_url():
    with servers.redis_server() as url:
        yield url
    ProcessConnectionPool.forget_all()


@pytest.fixture
def processes(redis_url):
    """Two processes' counters on one Redis, emptied first."""
    redis.Redis.from_url(redis_url).flushdb()
    return SharedCounter(redis_url), SharedCounter(redis_url)


def test_two_processes_together_grant_the_limit_and_no_more(processes):
    first, second = processes
    granted = [
        counter.allowed("api-rate:token:1", 100, limit=100)
        for _ in range(80)
        for counter in (first, second)
    ]
    # 160 requests alternating between the processes: at most the limit granted, and at most a
    # few permits left unspent in the processes' blocks when the caller is refused.
    assert 96 <= sum(granted) <= 100
    assert granted[-10:] == [False] * 10
    # Another caller and the next window have budgets of their own.
    assert first.allowed("api-rate:token:2", 100, limit=100)
    assert second.allowed("api-rate:token:1", 101, limit=100)


def test_most_requests_are_granted_without_asking_redis(processes):
    first, _ = processes
    with mock.patch.object(first, "_take", wraps=first._take) as take:
        assert all(first.allowed("api-rate:token:1", 7, limit=600) for _ in range(160))
    assert take.call_count == 160 // ratelimit.BLOCK


def test_a_refused_caller_is_refused_without_asking_redis_again(processes):
    first, _ = processes
    assert [first.allowed("api-rate:ip:192.0.2.1", 7, limit=3) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    with mock.patch.object(first, "_take") as take:
        assert not first.allowed("api-rate:ip:192.0.2.1", 7, limit=3)
    take.assert_not_called()


def test_requests_at_once_in_two_processes_never_pass_the_limit(processes):
    granted = []

    def caller(counter):
        for _ in range(100):
            granted.append(counter.allowed("api-rate:token:9", 3, limit=500))

    threads = [threading.Thread(target=caller, args=(counter,)) for counter in processes * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 490 <= sum(granted) <= 500


def test_an_unreachable_redis_lets_requests_through(caplog):
    counter = SharedCounter("redis://127.0.0.1:1/0")
    assert counter.allowed("api-rate:token:1", 1, limit=1)
    assert "Redis unreachable" in caplog.text


@pytest.mark.django_db
def test_the_api_counts_in_redis_when_it_is_configured(client, delegate_token, redis_url, settings):
    redis.Redis.from_url(redis_url).flushdb()
    settings.REDIS_URL = redis_url
    with override_settings(API_RATE_LIMIT_PER_MINUTE=3):
        codes = [
            client.get("/api/v1/workitems", headers=bearer(delegate_token)).status_code
            for _ in range(4)
        ]
    assert codes == [200, 200, 200, 429]
    keys = redis.Redis.from_url(redis_url).keys("plenary:api-rate:token:*")
    assert len(keys) == 1
