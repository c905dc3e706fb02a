"""Interleaved rounds: every arm once per cycle, ratios taken within a cycle, medians across."""

import asyncio
import math
import time
from dataclasses import dataclass, field

from bench import stats
from bench.load import Operation, RoundResult, check, run_round

WARMUP_SECONDS = 1.0


@dataclass(frozen=True)
class Arm:
    """One thing measured: an operation against one server."""

    label: str
    base_url: str
    operation: Operation


@dataclass
class Bounds:
    concurrency: int
    duration: float  # seconds per round
    cycles: int  # rounds per arm, interleaved
    max_operations: int  # per round
    deadline: float  # time.monotonic() after which no round starts


@dataclass
class ArmSummary:
    label: str
    rates: list[float]  # req/s per cycle
    p50_ms: float
    p99_ms: float
    completed: int
    errors: int
    first_error: str
    ratios: list[float] = field(default_factory=list)  # rate / arm 0's rate, per cycle

    @property
    def median_rate(self) -> float:
        return stats.median(self.rates)

    @property
    def median_ratio(self) -> float:
        usable = [r for r in self.ratios if not math.isnan(r)]
        return stats.median(usable)


@dataclass
class Comparison:
    title: str
    concurrency: int
    duration: float
    cycles_done: int
    arms: list[ArmSummary]
    truncated: bool = False


async def compare(title: str, arms: list[Arm], bounds: Bounds) -> Comparison:
    """Check every arm once, warm each up, then run the interleaved cycles."""
    for arm in arms:
        await check(arm.base_url, arm.operation)
    for arm in arms:
        await _round(arm, bounds, WARMUP_SECONDS)
    results: list[list[RoundResult]] = [[] for _ in arms]
    truncated = False
    order = stats.interleave(len(arms), bounds.cycles)
    for position, (_cycle, index) in enumerate(order):
        cycle_starts = position % len(arms) == 0
        if cycle_starts and time.monotonic() > bounds.deadline:
            truncated = True
            break
        results[index].append(await _round(arms[index], bounds, bounds.duration))
    done = min(len(r) for r in results)
    summaries = [_summary(arm, rounds[:done]) for arm, rounds in zip(arms, results, strict=True)]
    for summary in summaries:
        summary.ratios = stats.pairwise_ratios(summaries[0].rates, summary.rates)
    return Comparison(title, bounds.concurrency, bounds.duration, done, summaries, truncated)


async def _round(arm: Arm, bounds: Bounds, duration: float) -> RoundResult:
    return await run_round(
        arm.base_url,
        arm.operation,
        concurrency=bounds.concurrency,
        duration=duration,
        max_operations=bounds.max_operations,
    )


def _summary(arm: Arm, rounds: list[RoundResult]) -> ArmSummary:
    latencies = [value for result in rounds for value in result.latencies]
    return ArmSummary(
        label=arm.label,
        rates=[result.rate for result in rounds],
        p50_ms=stats.percentile(latencies, 50) * 1000,
        p99_ms=stats.percentile(latencies, 99) * 1000,
        completed=sum(result.completed for result in rounds),
        errors=sum(result.errors for result in rounds),
        first_error=next((r.first_error for r in rounds if r.first_error), ""),
    )


def run(coroutine):
    """Run on uvloop when it is there (uvicorn[standard] brings it), else on asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency of uvicorn[standard]
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)
