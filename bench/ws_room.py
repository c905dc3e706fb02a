"""The live room under 1,000 WebSocket participants, against a raw ASGI broadcast in the same run.

    python -m bench.ws_room                 # 1,000 sockets, about 2 to 3 minutes
    python -m bench.ws_room --clients 200 --steady 5 --json var/ws-room.json
    python -m bench.ws_room --redis --workers 2   # events through Redis pub/sub, two processes

What it does, over loopback, from this one process (aiohttp), with the servers as subprocesses:

1. Prepares a site of its own (the demo, then `bench.ws_seed`: approved participants of the demo
   meeting, signed in through sessions written directly, and the demo's chair).
2. Starts `plenary serve` and connects the participants and the chair to the meeting's room; a
   connection counts once the server has said "ready". Reports the time for all of them, the
   failures, and the server's memory (RSS of its process group) before and after, per connection.
3. Drives room events at a steady rate (default 5 a second) as the room's page does, over the
   WebSocket: a chat message, a request for the floor, the chair giving the floor, the chair ending
   the intervention, in turn. For every event and every client: the time from the event being
   accepted (the `at` the server stamps on commit) to its arrival; and, for chat, from the action
   being sent.
4. Ramps chat messages up (3 seconds per step) until the p99 of accepted->arrival passes one
   second; the capacity is the most deliveries per second of a step still under it.
5. Stops Plenary, starts the baseline (`bench/ws_raw.py` under uvicorn, served as Plenary is),
   connects the same number of clients and ramps it the same way. Reports capacity / baseline.

Every server is killed when the run ends, however it ends.
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.server import HOST, BenchError, Servers, free_port, plenary, prepared_site

STEP = 3.0  # seconds per step of the ramp
DRAIN = 4.0  # seconds to wait for a step's last deliveries
RATES = (10, 15, 20, 25, 30, 35, 40, 50, 60, 80, 100, 130, 160, 200)  # events per second
CONNECT_TIMEOUT = 30.0
PRESENCE = '"event":"presence"'
GOALS = {
    "connect_s": 10.0,
    "kb_per_connection": 100.0,
    "steady_p99_ms": 150.0,
    "capacity": 20_000,
    "ratio": 0.35,
}


def group_rss(pgid: int) -> int:
    """Resident memory, in bytes, of every process in the process group."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Phase:
    """What the clients saw of the events of one phase."""

    latencies: list[float] = field(default_factory=list)  # accepted -> arrival, seconds
    from_action: list[float] = field(default_factory=list)  # action sent -> arrival (chat)
    per_seq: Counter = field(default_factory=Counter)
    refused: int = 0  # actions of the phase the room refused (e.g. the chat's rate limit)
    first: float = 0.0
    last_arrival: float = 0.0

    def summary(self, clients: int) -> dict:
        duration = max(self.last_arrival - self.first, 1e-9)
        delivered = sum(self.per_seq.values())
        return {
            "events": len(self.per_seq),
            "deliveries": delivered,
            "missing": len(self.per_seq) * clients - delivered,
            "deliveries_per_s": round(delivered / duration),
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1),
            "max_ms": round(max(self.latencies, default=math.nan) * 1000, 1),
            "action_p99_ms": round(percentile(self.from_action, 99) * 1000, 1),
            "refused": self.refused,
        }


class Crowd:
    """The clients of one server: their sockets, and what they receive."""

    def __init__(self, session: aiohttp.ClientSession, url: str, origin: str):
        self.session, self.url, self.origin = session, url, origin
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []
        self.readers: list[asyncio.Task] = []
        self.phase = Phase()
        self.presence = 0
        self.refused = 0
        self.closed: Counter = Counter()

    async def _read(self, ws, ready: asyncio.Future) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.time()
            data = message.data
            if PRESENCE in data[:64]:
                self.presence += 1
                continue
            if data.startswith('{"type":"event"'):
                # {"type":"event","seq":N,"event":...,"payload":{...},"at":T}: only what is
                # measured is read, so that the clients' own work stays small.
                phase = self.phase
                phase.latencies.append(now - float(data[data.rindex('"at":') + 5 : -1]))
                phase.per_seq[int(data[22 : data.index(",", 22)])] += 1
                phase.last_arrival = now
                sent = data.find('"text":"bench ')
                if sent > 0:
                    phase.from_action.append(now - float(data[sent + 14 : sent + 31]))
                continue
            kind = json.loads(data).get("type")
            if kind == "ready":
                if not ready.done():
                    ready.set_result(None)
            elif kind == "refused":
                self.refused += 1
                self.phase.refused += 1
        self.closed[ws.close_code] += 1
        if not ready.done():
            ready.set_exception(BenchError(f"closed before ready ({ws.close_code})"))

    async def connect(self, cookies: list[str], cookie_name: str, concurrency: int) -> dict:
        """Open a socket per cookie; done when the server has said "ready" on every one."""
        gate = asyncio.Semaphore(concurrency)
        failures: Counter = Counter()

        async def one(cookie: str):
            async with gate:
                try:
                    headers = {"Cookie": f"{cookie_name}={cookie}"} if cookie else {}
                    ws = await self.session.ws_connect(
                        self.url,
                        headers=headers,
                        origin=self.origin,
                        autoping=True,
                        heartbeat=None,
                        max_msg_size=0,
                        timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5),
                    )
                    ready = asyncio.get_running_loop().create_future()
                    self.readers.append(asyncio.create_task(self._read(ws, ready)))
                    await asyncio.wait_for(ready, CONNECT_TIMEOUT)
                    return ws
                except Exception as error:
                    failures[type(error).__name__ + f": {error}"[:80]] += 1
                    return None

        started = time.perf_counter()
        results = await asyncio.gather(*(one(c) for c in cookies))
        elapsed = time.perf_counter() - started
        self.sockets = [ws for ws in results if ws is not None]
        return {
            "clients": len(cookies),
            "connected": len(self.sockets),
            "failures": sum(failures.values()),
            "failure_kinds": dict(failures),
            "seconds": round(elapsed, 2),
        }

    async def quiet(self, seconds: float, at_most: float) -> None:
        """Wait until no frame of who is present arrived for `seconds` (or `at_most`)."""
        deadline = time.monotonic() + at_most
        seen, since = self.presence, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - since < seconds:
            await asyncio.sleep(0.1)
            if self.presence != seen:
                seen, since = self.presence, time.monotonic()

    def new_phase(self) -> Phase:
        self.phase = Phase(first=time.time())
        return self.phase

    async def drain(self, actions: int, timeout: float) -> None:
        """Wait until every action of the phase was answered (an event or a refusal) and every
        client has every event, or the timeout."""
        deadline = time.monotonic() + timeout
        phase = self.phase
        while time.monotonic() < deadline:
            events = len(phase.per_seq)
            if events + phase.refused >= actions and sum(phase.per_seq.values()) >= events * len(
                self.sockets
            ):
                return
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await asyncio.gather(
            *(ws.close() for ws in self.sockets if not ws.closed), return_exceptions=True
        )
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


async def _paced(count: int, rate: float, act) -> None:
    """Call `act(i)` for i in range(count), `rate` times a second, on schedule."""
    started = time.monotonic()
    for i in range(count):
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await act(i)


def _chat(text_time: float) -> str:
    return f"bench {text_time:.6f} a message to the room about the draft under discussion"


async def steady(crowd: Crowd, chair, rate: float, seconds: float) -> dict:
    """Room events at `rate` a second: chat, a floor request, the floor given, the floor ended."""
    participants = crowd.sockets[:-1]
    count = int(rate * seconds)
    phase = crowd.new_phase()

    async def act(i: int):
        person = participants[(i // 4) % len(participants)]
        step = i % 4
        if step == 0:
            await person.send_str(json.dumps({"action": "chat.post", "text": _chat(time.time())}))
        elif step == 1:
            await person.send_str(json.dumps({"action": "floor.request", "kind": "ordinary"}))
        elif step == 2:
            await chair.send_str(json.dumps({"action": "floor.give"}))
        else:
            await chair.send_str(json.dumps({"action": "floor.end"}))

    await _paced(count, rate, act)
    await crowd.drain(count, DRAIN)
    result = phase.summary(len(crowd.sockets))
    result.update(rate=rate, seconds=seconds, actions=count)
    return result


async def ramp(crowd: Crowd, send_one, rates=RATES) -> tuple[list[dict], int]:
    """Steps of chat at rising rates until p99 passes one second; the capacity is the most
    deliveries per second of a step under it, with nothing missing."""
    steps, capacity = [], 0
    cursor = 0
    for rate in rates:
        phase = crowd.new_phase()
        count = int(rate * STEP)
        base = cursor

        async def act(i: int, base=base):
            await send_one(base + i)

        await _paced(count, rate, act)
        cursor += count
        await crowd.drain(count, DRAIN)
        await asyncio.sleep(0.2)
        result = phase.summary(len(crowd.sockets))
        result.update(rate=rate, actions=count)
        steps.append(result)
        # A step fails when the p99 passes one second, or when the server did not keep up: a
        # delivery still missing, or an action still unanswered (neither an event nor a refusal),
        # once the step has drained.
        answered = result["events"] + result["refused"]
        passed = (
            result["p99_ms"] <= 1000
            and result["missing"] == 0
            and result["events"] > 0
            and answered >= count
        )
        result["unanswered"] = max(count - answered, 0)
        print(
            f"    {rate:>4} events/s: {result['deliveries_per_s']:>7} deliveries/s, "
            f"p99 {result['p99_ms']} ms, missing {result['missing']}, "
            f"unanswered {result['unanswered']}",
            file=sys.stderr,
        )
        if not passed:
            break
        capacity = max(capacity, result["deliveries_per_s"])
    return steps, capacity


def _raise_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise BenchError(f"open files are limited to {hard}; {needed} are needed")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


async def _room_phase(env: dict, server, args) -> dict:
    identities = json.loads((Path(env["PLENARY_VAR_DIR"]) / "ws-room.json").read_text())
    cookies = [*identities["sessions"], identities["chair"]]
    origin = server.base_url
    url = f"ws://{HOST}:{server.port}{identities['path']}"
    result: dict = {}
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm the server (first page, imports) before measuring its memory.
        async with session.get(origin + "/ok") as response:
            await response.read()
        await asyncio.sleep(0.5)
        before = group_rss(server.process.pid)
        crowd = Crowd(session, url, origin)
        print(f"  connecting {len(cookies)} sockets to Plenary", file=sys.stderr)
        result["connect"] = await crowd.connect(
            cookies, identities["session_cookie"], args.concurrency
        )
        await crowd.quiet(4.0, 15.0)  # the announcements of who is present settle
        after = group_rss(server.process.pid)
        connected = max(len(crowd.sockets), 1)
        result["memory"] = {
            "rss_before_mb": round(before / 2**20, 1),
            "rss_after_mb": round(after / 2**20, 1),
            "kb_per_connection": round((after - before) / connected / 1024, 1),
        }
        result["connect"]["presence_frames"] = crowd.presence
        print(f"  {result['connect']} {result['memory']}", file=sys.stderr)
        if len(crowd.sockets) < 2:
            raise BenchError(f"too few sockets connected: {result['connect']}")
        chair = crowd.sockets[-1]
        print(f"  steady: {args.rate} events/s for {args.steady} s", file=sys.stderr)
        result["steady"] = await steady(crowd, chair, args.rate, args.steady)
        print(f"  {result['steady']}", file=sys.stderr)
        participants = crowd.sockets[:-1]

        async def send_chat(i: int):
            text = _chat(time.time())
            await participants[i % len(participants)].send_str(
                json.dumps({"action": "chat.post", "text": text})
            )

        print(f"  refused so far: {crowd.refused}; capacity ramp (Plenary)", file=sys.stderr)
        result["ramp"], result["capacity"] = await ramp(crowd, send_chat)
        result["refused_actions"] = crowd.refused
        result["closed_by_server"] = dict(crowd.closed)
        await crowd.close()
    return result


async def _raw_phase(server, clients: int, args) -> dict:
    url = f"ws://{HOST}:{server.port}/ws/"
    result: dict = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        crowd = Crowd(session, url, server.base_url)
        print(f"  connecting {clients} sockets to the raw broadcast", file=sys.stderr)
        result["connect"] = await crowd.connect([""] * clients, "", args.concurrency)
        print(f"  {result['connect']}", file=sys.stderr)

        async def send_chat(i: int):
            payload = {
                "id": i,
                "person": {"id": i, "name": f"Room participant {i}", "affiliation": "DSMT"},
                "text": _chat(time.time()),
                "created_at": "2026-01-01T00:00:00+00:00",
                "hidden": False,
            }
            await crowd.sockets[i % len(crowd.sockets)].send_str(json.dumps(payload))

        print("  capacity ramp (raw ASGI broadcast)", file=sys.stderr)
        result["ramp"], result["capacity"] = await ramp(crowd, send_chat)
        result["closed_by_server"] = dict(crowd.closed)
        await crowd.close()
    return result


def _verdict(report: dict) -> list[str]:
    room = report["plenary"]
    lines = []

    def check(name, value, goal, ok):
        lines.append(f"  {name}: {value} (goal {goal}) {'ok' if ok else 'MISSED'}")

    c = room["connect"]
    check(
        "connect",
        f"{c['connected']}/{c['clients']} in {c['seconds']} s, {c['failures']} failures",
        "all within 10 s, none failing",
        c["failures"] == 0 and c["seconds"] <= GOALS["connect_s"],
    )
    kb = room["memory"]["kb_per_connection"]
    check("memory", f"{kb} KB per connection", "<= 100 KB", kb <= GOALS["kb_per_connection"])
    s = room["steady"]
    check(
        "steady latency",
        f"p99 {s['p99_ms']} ms (p50 {s['p50_ms']}, max {s['max_ms']}) over {s['deliveries']} "
        f"deliveries, {s['missing']} missing",
        "p99 <= 150 ms",
        s["p99_ms"] <= GOALS["steady_p99_ms"] and s["missing"] == 0,
    )
    check(
        "capacity",
        f"{room['capacity']} deliveries/s",
        ">= 20,000",
        room["capacity"] >= GOALS["capacity"],
    )
    ratio = report["ratio"]
    check(
        "ratio to raw",
        f"{ratio} ({room['capacity']} / {report['raw']['capacity']})",
        ">= 0.35",
        ratio >= GOALS["ratio"],
    )
    return lines


@contextlib.contextmanager
def _redis(wanted: bool):
    """A redis-server of the run's own on a free loopback port (its URL), or None."""
    if not wanted:
        yield None
        return
    server = shutil.which("redis-server")
    if server is None:
        raise BenchError("--redis needs redis-server on the PATH")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed command
        [server, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield f"redis://{HOST}:{port}/0"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)


def run(args) -> dict:
    _raise_file_limit(2 * args.clients + 512)
    people = args.clients - 1
    load_before = os.getloadavg()
    setup = [("python", "-m", "bench.ws_seed", "--people", str(people))]
    report: dict = {
        "clients": args.clients,
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "redis": args.redis,
        "workers": args.workers,
    }
    started = time.monotonic()
    print("preparing the site", file=sys.stderr)
    with (
        _redis(args.redis) as redis_url,
        prepared_site(keep=args.keep, setup=setup) as env,
        Servers(env) as servers,
    ):
        report["setup_s"] = round(time.monotonic() - started, 1)
        server = servers.start(
            "plenary-serve",
            lambda port: plenary(
                "serve", "--host", HOST, "--port", str(port), "--workers", str(args.workers)
            ),
            extra_env={"REDIS_URL": redis_url} if redis_url else None,
        )
        report["plenary"] = asyncio.run(_room_phase(env, server, args))
        server.stop()
        raw = servers.start(
            "ws-raw",
            lambda port: [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.ws_raw:app",
                "--host",
                HOST,
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
                "--timeout-graceful-shutdown",
                "5",
            ],
        )
        report["raw"] = asyncio.run(_raw_phase(raw, args.clients, args))
    report["load_after"] = os.getloadavg()
    report["seconds"] = round(time.monotonic() - started, 1)
    raw_capacity = report["raw"]["capacity"]
    report["ratio"] = round(report["plenary"]["capacity"] / raw_capacity, 2) if raw_capacity else 0
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ws_room", description=__doc__)
    parser.add_argument("--clients", type=int, default=1000, help="sockets, the chair included")
    parser.add_argument("--rate", type=float, default=5.0, help="steady room events per second")
    parser.add_argument("--steady", type=float, default=10.0, help="seconds at the steady rate")
    parser.add_argument("--concurrency", type=int, default=200, help="handshakes at a time")
    parser.add_argument("--redis", action="store_true", help="serve with REDIS_URL (pub/sub)")
    parser.add_argument("--workers", type=int, default=1, help="server processes (needs --redis)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the run's var/ folder")
    args = parser.parse_args(argv)
    if not 2 <= args.clients <= 10_000:
        parser.error("--clients must be between 2 and 10000")
    if args.workers > 1 and not args.redis or not 1 <= args.workers <= 8:
        parser.error("--workers must be 1 to 8, and above 1 needs --redis")
    if not 0 < args.rate <= 100 or not 1 <= args.steady <= 120:
        parser.error("--rate must be in (0, 100] and --steady in [1, 120]")
    try:
        report = run(args)
    except BenchError as error:
        print(f"bench.ws_room: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench.ws_room: interrupted", file=sys.stderr)
        return 130
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    print(
        f"WebSocket room, {report['clients']} clients, {report['workers']} server process(es)"
        f"{' with Redis' if report['redis'] else ''}, {report['cpus']} CPUs, "
        f"load {report['load_before'][0]:.2f} before / {report['load_after'][0]:.2f} after, "
        f"run {report['seconds']} s"
    )
    print("\n".join(_verdict(report)))
    with contextlib.suppress(KeyError):
        print(
            "  ramp (events/s -> deliveries/s, p99 ms): Plenary "
            + ", ".join(
                f"{s['rate']}->{s['deliveries_per_s']}/{s['p99_ms']}"
                for s in report["plenary"]["ramp"]
            )
            + "; raw "
            + ", ".join(
                f"{s['rate']}->{s['deliveries_per_s']}/{s['p99_ms']}" for s in report["raw"]["ramp"]
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
