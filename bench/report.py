"""What a run prints (a table per comparison) and keeps (a JSON file under bench/results/)."""

import contextlib
import json
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from bench.runner import Comparison
from bench.server import ROOT

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict:
    """The facts that make absolute figures comparable (or not) between runs."""
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory": memory,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "commit": commit,
        "versions": versions(),
    }


def versions() -> dict[str, str]:
    """The servers' and client's versions, the experiment's extras (var/bench/site) included."""
    from bench.layouts import EXTRA_SITE

    found = {}
    for name in ("django", "uvicorn", "uvloop", "httptools", "a2wsgi", "channels", "aiohttp"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    for dist in metadata.distributions(path=[str(EXTRA_SITE)]):
        if dist.metadata["Name"] in ("granian", "gunicorn"):
            found[dist.metadata["Name"]] = dist.version
    return found


def _fmt(value: float, digits: int = 1) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def table(comparison: Comparison, baseline_name: str) -> str:
    """A fixed-width table: one line per arm, the first arm being the baseline."""
    head = (
        f"\n{comparison.title}  (c={comparison.concurrency}, "
        f"{comparison.cycles_done} interleaved rounds of {comparison.duration:g} s per arm"
        f"{', TRUNCATED by the time limit' if comparison.truncated else ''})"
    )
    width = max(len(arm.label) for arm in comparison.arms) + 2
    lines = [
        head,
        f"{'':{width}}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
        f"   ratio to {baseline_name} (median [min-max] of pairs)",
    ]
    for arm in comparison.arms:
        usable = [r for r in arm.ratios if not math.isnan(r)]
        spread = f"[{min(usable):.2f}-{max(usable):.2f}]" if usable else ""
        lines.append(
            f"{arm.label:{width}}{_fmt(arm.median_rate, 0):>9}{_fmt(arm.p50_ms, 1):>10}"
            f"{_fmt(arm.p99_ms, 1):>10}{arm.errors:>8}   {_fmt(arm.median_ratio, 3):>6} {spread}"
        )
        if arm.first_error:
            lines.append(f"{'':{width}}first error: {arm.first_error}")
    return "\n".join(lines)


def save(kind: str, settings: dict, comparisons: list[Comparison], path: Path | None) -> Path:
    """Write the whole run, every round's rate included, as JSON; return where."""
    if path is None:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}.json"
    data = {
        "kind": kind,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "machine": machine(),
        "settings": settings,
        "comparisons": [
            {
                **{k: v for k, v in asdict(c).items() if k != "arms"},
                "arms": [
                    {**asdict(a), "median_rate": a.median_rate, "median_ratio": a.median_ratio}
                    for a in c.arms
                ],
            }
            for c in comparisons
        ],
    }
    path.write_text(json.dumps(_finite(data), indent=2, allow_nan=False) + "\n")
    return path


def _finite(value):
    """NaN is not JSON: an undefined figure (no successful request) is written as null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
