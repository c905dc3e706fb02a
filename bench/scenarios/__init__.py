"""Scenarios: each module in this package defines `SCENARIO`, found by name at run time.

A scenario compares a candidate operation with a baseline operation on the same server, e.g. the
demo meeting page against the trivial `/ok` endpoint. To add one (registration bursts, the
document register's JSON, WebSocket fan-out), drop a module here:

    from bench.load import Request
    from bench.scenarios import Scenario

    SCENARIO = Scenario(
        name="document-register",
        description="the document register as JSON against /ok",
        baseline=Request("/ok"),
        candidate=Request("/api/v1/meetings/sg11-wp1-2020-11-19/documents"),
    )

An operation that is more than one request is a coroutine function `async def op(client)` that
raises `bench.load.OperationError` when the server answers wrongly.

`setup` lists `plenary` commands (argument tuples) run on the run's database after the demo is
loaded and before any server starts; a tuple starting with "python" runs the harness's interpreter
instead, e.g. `(("python", "-m", "bench.seed_documents", "--count", "2000"),)` for a script that
calls `django.setup()` with the run's settings (they are in its environment); the
run's folder is in the environment as `PLENARY_VAR_DIR`, where a command can leave files (tokens,
names) for the scenario's operations to read.

Two optional hooks see the run's environment (`PLENARY_VAR_DIR`, `DATABASE_URL`, ...):
`prepare(env)` runs in the harness after the set-up and before any operation (to read what the
set-up left, e.g. one identity per operation), and `verify(env)` runs after the scenario's
comparisons and returns a `Check`: lines to print and whether the run's results hold (e.g. one
database row per accepted request). A failed check makes the run exit non-zero.
"""

import importlib
import pkgutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.load import Operation, Request


@dataclass(frozen=True)
class Check:
    """What a scenario's `verify` found after its comparisons."""

    ok: bool
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    candidate: Operation
    baseline: Operation = Request("/ok")
    default: bool = True  # part of a plain `python -m bench` run
    setup: tuple[tuple[str, ...], ...] = ()  # `plenary` commands run before the servers start
    prepare: Callable[[dict[str, str]], None] | None = None  # after set-up, before operations
    verify: Callable[[dict[str, str]], Check] | None = None  # after the comparisons


def all_scenarios() -> dict[str, Scenario]:
    """Every scenario module of this package, by scenario name, in module order."""
    found: dict[str, Scenario] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        try:
            imported = importlib.import_module(f"{__name__}.{module.name}")
        except ImportError as exc:
            # One scenario that cannot be imported (a module it needs is missing) does not stop
            # the others; it is named, so that asking for it fails as "unknown" with a reason.
            print(f"skipping bench/scenarios/{module.name}.py: {exc}", file=sys.stderr)
            continue
        scenario = getattr(imported, "SCENARIO", None)
        if isinstance(scenario, Scenario):
            if scenario.name in found:
                raise ValueError(f"two scenarios are named {scenario.name!r}")
            found[scenario.name] = scenario
    return found
