"""The pure arithmetic of the harness: no clock, no network, so it can be tested exactly."""

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks.

    Matches numpy's default ("linear") method; an empty sequence has no percentile (NaN).
    """
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be between 0 and 100; got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = math.ceil(position)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def pairwise_ratios(baseline: Sequence[float], candidate: Sequence[float]) -> list[float]:
    """candidate[i] / baseline[i] for each interleaved pair i (NaN where the baseline is 0)."""
    if len(baseline) != len(candidate):
        raise ValueError(f"unpaired rounds: {len(baseline)} baseline, {len(candidate)} candidate")
    return [c / b if b else math.nan for b, c in zip(baseline, candidate, strict=True)]


def median_ratio(baseline: Sequence[float], candidate: Sequence[float]) -> float:
    """The median of the pairwise ratios: robust to one round disturbed by a neighbour's load."""
    ratios = [r for r in pairwise_ratios(baseline, candidate) if not math.isnan(r)]
    return median(ratios)


def interleave(arms: int, cycles: int) -> list[tuple[int, int]]:
    """The order of rounds as (cycle, arm) pairs: every arm once per cycle, adjacent in time.

    Odd cycles run the arms in reverse (baseline, candidate, candidate, baseline, ...), so that a
    steady drift of the machine's speed favours neither the baseline nor the candidate.
    """
    if arms < 1 or cycles < 0:
        raise ValueError("need at least one arm and a non-negative number of cycles")
    order = []
    for cycle in range(cycles):
        indices = range(arms) if cycle % 2 == 0 else range(arms - 1, -1, -1)
        order.extend((cycle, arm) for arm in indices)
    return order
