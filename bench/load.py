"""The load generator: closed-loop async clients over loopback, bounded in count and time.

An *operation* is a coroutine function taking a `Client`; `Request` is the common case (one HTTP
request whose status is checked). Each round runs `concurrency` workers that repeat the operation
until the round's time is up or its request budget is spent, and records every latency.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp

REQUEST_TIMEOUT = 10.0  # seconds; a request slower than this counts as an error


class OperationError(Exception):
    """An operation got an answer it did not expect (wrong status, closed socket, ...)."""


@dataclass
class Client:
    """What an operation gets: an HTTP session bound to one server."""

    session: aiohttp.ClientSession
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


Operation = Callable[[Client], Awaitable[None]]


@dataclass(frozen=True)
class Request:
    """One HTTP request whose answer must have the expected status; the body is read in full."""

    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    expect: int = 200

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" if self.method != "GET" else self.path

    async def __call__(self, client: Client) -> None:
        async with client.session.request(
            self.method, client.url(self.path), headers=self.headers, data=self.body
        ) as response:
            await response.read()
            if response.status != self.expect:
                raise OperationError(
                    f"{self.label}: status {response.status}, expected {self.expect}"
                )


def label_of(operation: Operation) -> str:
    return getattr(operation, "label", None) or getattr(operation, "__name__", repr(operation))


@dataclass
class RoundResult:
    """What one round measured: successes, their latencies (seconds) and the errors."""

    completed: int
    errors: int
    elapsed: float
    latencies: list[float]
    first_error: str = ""

    @property
    def rate(self) -> float:
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0


def _session(concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    return aiohttp.ClientSession(connector=connector, timeout=timeout)


async def run_round(
    base_url: str,
    operation: Operation,
    *,
    concurrency: int,
    duration: float,
    max_operations: int,
) -> RoundResult:
    """Run `operation` from `concurrency` workers for `duration` seconds or `max_operations`."""
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the harness drives loopback servers only; got {base_url}")
    latencies: list[float] = []
    errors = 0
    first_error = ""
    issued = 0
    async with _session(concurrency) as session:
        client = Client(session, base_url)
        start = time.perf_counter()
        deadline = start + duration

        async def worker() -> None:
            nonlocal errors, first_error, issued
            while issued < max_operations and time.perf_counter() < deadline:
                issued += 1
                began = time.perf_counter()
                try:
                    await operation(client)
                except (OperationError, aiohttp.ClientError, TimeoutError) as exc:
                    errors += 1
                    detail = str(exc) or (
                        f"no answer within {REQUEST_TIMEOUT:g} s"
                        if isinstance(exc, TimeoutError)
                        else "no detail"
                    )
                    first_error = first_error or f"{type(exc).__name__}: {detail}"
                else:
                    latencies.append(time.perf_counter() - began)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return RoundResult(len(latencies), errors, elapsed, latencies, first_error)


async def check(base_url: str, operation: Operation) -> None:
    """Run the operation once, untimed, and let any failure stop the run with its message."""
    async with _session(1) as session:
        await operation(Client(session, base_url))
