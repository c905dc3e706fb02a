"""`python -m bench`: run the scenarios (default) or compare serving layouts (`--layouts`)."""

import argparse
import os
import sys
import time
from pathlib import Path

from bench import layouts as layouts_module
from bench.load import label_of
from bench.report import machine, save, table
from bench.runner import Arm, Bounds, Comparison, compare, run
from bench.scenarios import all_scenarios
from bench.server import HOST as LOOPBACK
from bench.server import BenchError, Servers, plenary, prepared_site


def _positive_ints(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        message = f"expected numbers separated by commas; got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not values or any(v < 1 or v > 256 for v in values):
        raise argparse.ArgumentTypeError("each concurrency must be between 1 and 256")
    return values


def _duration(text: str) -> float:
    value = float(text)
    if not 0.1 <= value <= 60:
        raise argparse.ArgumentTypeError("a round lasts between 0.1 and 60 seconds")
    return value


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Benchmark Plenary over loopback: each scenario is reported as the median ratio of "
            "interleaved candidate/baseline rounds measured in the same run."
        ),
    )
    p.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="a scenario to run (repeatable; default: every default scenario; see --list)",
    )
    p.add_argument(
        "--concurrency",
        type=_positive_ints,
        default=[8],
        metavar="N[,N...]",
        help="concurrent clients, one comparison per value (default: 8)",
    )
    p.add_argument("--duration", type=_duration, default=2.0, help="seconds per round (default: 2)")
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds per arm (default: 5)")
    p.add_argument(
        "--max-requests",
        type=int,
        default=100_000,
        help="operations per round at most (default: 100000)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=600.0,
        help="seconds after which no new cycle starts (default: 600)",
    )
    p.add_argument(
        "--layouts",
        metavar="NAME[,NAME...]",
        help=(
            "compare serving layouts on each scenario's candidate instead, the first layout "
            "being the baseline ('default' for the standard set; see --list)"
        ),
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes for `plenary serve --workers N` (above 1 needs REDIS_URL; "
        "default: 1, as `make run` serves)",
    )
    p.add_argument("--json", type=Path, help="where to write the results (default: bench/results/)")
    p.add_argument("--keep", action="store_true", help="keep the run's var/ folder and logs")
    p.add_argument("--list", action="store_true", help="list scenarios and layouts, then exit")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    scenarios = all_scenarios()
    if args.list:
        print("scenarios:")
        for s in scenarios.values():
            print(f"  {s.name:24} {s.description}{'' if s.default else ' (not in default run)'}")
        print("layouts (for --layouts):")
        for layout in layouts_module.LAYOUTS.values():
            print(f"  {layout.name:24} {layout.description}")
        return 0
    if not 1 <= args.rounds <= 100 or not 1 <= args.max_requests <= 10_000_000:
        print("--rounds must be 1-100 and --max-requests 1-10000000", file=sys.stderr)
        return 2
    if not 1 <= args.workers <= 16 or (args.workers > 1 and not os.environ.get("REDIS_URL")):
        print("--workers must be 1-16, and above 1 needs REDIS_URL", file=sys.stderr)
        return 2
    names = args.scenario or [s.name for s in scenarios.values() if s.default]
    unknown = [n for n in names if n not in scenarios]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}; see --list", file=sys.stderr)
        return 2
    chosen = [scenarios[n] for n in names]

    layouts = None
    if args.layouts:
        requested = (
            list(layouts_module.DEFAULT_COMPARISON)
            if args.layouts == "default"
            else [n.strip() for n in args.layouts.split(",") if n.strip()]
        )
        layouts = []
        for layout in layouts_module.resolve(requested):
            if layout.missing():
                print(
                    f"skipping layout {layout.name}: {', '.join(layout.missing())} not in "
                    f"var/bench/site (install with: {layouts_module.extra_site_hint()})",
                    file=sys.stderr,
                )
            else:
                layouts.append(layout)
        if not layouts:
            print("no layout left to compare", file=sys.stderr)
            return 2

    arms_per = len(layouts) if layouts else 2
    estimate = len(chosen) * len(args.concurrency) * arms_per * (args.rounds * args.duration + 1)
    print(
        f"Plenary bench: {len(chosen)} scenario(s) x concurrency {args.concurrency} x "
        f"{arms_per} arms x {args.rounds} rounds of {args.duration:g} s "
        f"(about {estimate:.0f} s of load, plus set-up)",
        flush=True,
    )
    started = time.monotonic()
    load_at_start = os.getloadavg()
    facts = machine()
    print(
        f"machine: {facts['cpus']} CPUs, {facts['memory']}, Python {facts['python']}, "
        f"load average {load_at_start[0]:.1f} (other work on the machine skews absolute figures; "
        "the ratios are what to compare)",
        flush=True,
    )
    deadline = started + args.time_limit
    comparisons: list[Comparison] = []
    checks: dict[str, dict] = {}
    try:
        print("preparing a database (migrate, demo, collectstatic)...", flush=True)
        # A set-up two chosen scenarios share (the same people, say) runs once.
        setup = list(dict.fromkeys(command for scenario in chosen for command in scenario.setup))
        with prepared_site(keep=args.keep, setup=setup) as env, Servers(env) as servers:
            for prepare in dict.fromkeys(s.prepare for s in chosen if s.prepare is not None):
                prepare(env)
            if layouts is None:
                workers = ("--workers", str(args.workers)) if args.workers > 1 else ()
                server = servers.start(
                    "plenary-serve",
                    lambda port: plenary(
                        "serve", "--host", LOOPBACK, "--port", str(port), *workers
                    ),
                    ready_text=f"{args.workers} server processes ready" if workers else "",
                )
                print(
                    f"serving with `plenary serve{' ' + ' '.join(workers) if workers else ''}` "
                    f"on {server.base_url}",
                    flush=True,
                )
                for scenario in chosen:
                    for concurrency in args.concurrency:
                        labels = [label_of(scenario.baseline), label_of(scenario.candidate)]
                        if labels[0] == labels[1]:
                            labels = [f"{labels[0]} (baseline)", f"{labels[1]} (candidate)"]
                        arms = [
                            Arm(labels[0], server.base_url, scenario.baseline),
                            Arm(labels[1], server.base_url, scenario.candidate),
                        ]
                        bounds = Bounds(
                            concurrency, args.duration, args.rounds, args.max_requests, deadline
                        )
                        result = run(compare(scenario.name, arms, bounds))
                        comparisons.append(result)
                        print(table(result, arms[0].label), flush=True)
                    _verify(scenario, env, checks)
            else:
                started_servers = []
                for layout in layouts:
                    server = servers.start(
                        layout.name, layout.argv, layout.server_env(), ready_text=layout.ready_text
                    )
                    started_servers.append((layout, server))
                    print(f"started {layout.name} on {server.base_url}", flush=True)
                for scenario in chosen:
                    for concurrency in args.concurrency:
                        arms = [
                            Arm(layout.name, server.base_url, scenario.candidate)
                            for layout, server in started_servers
                        ]
                        bounds = Bounds(
                            concurrency, args.duration, args.rounds, args.max_requests, deadline
                        )
                        title = f"{scenario.name}: {label_of(scenario.candidate)} by layout"
                        result = run(compare(title, arms, bounds))
                        comparisons.append(result)
                        print(table(result, arms[0].label), flush=True)
                    _verify(scenario, env, checks)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; servers stopped", file=sys.stderr)
        return 130
    settings = {
        "scenarios": names,
        "layouts": [layout.name for layout in layouts] if layouts else ["plenary-serve"],
        "workers": args.workers,
        "concurrency": args.concurrency,
        "duration": args.duration,
        "rounds": args.rounds,
        "max_requests": args.max_requests,
        "wall_seconds": round(time.monotonic() - started, 1),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "checks": checks,
    }
    path = save("layouts" if layouts else "scenarios", settings, comparisons, args.json)
    print(f"\n{settings['wall_seconds']:.0f} s in all; results in {path}")
    failed = [name for name, check in checks.items() if not check["ok"]]
    if failed:
        print(f"check failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _verify(scenario, env: dict[str, str], checks: dict[str, dict]) -> None:
    """Run the scenario's own check of what its operations left behind, and print it."""
    if scenario.verify is None:
        return
    check = scenario.verify(env)
    checks[scenario.name] = {"ok": check.ok, "lines": check.lines}
    print(f"\n{scenario.name}: check {'passed' if check.ok else 'FAILED'}", flush=True)
    for line in check.lines:
        print(f"  {line}", flush=True)
