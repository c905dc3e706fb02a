"""Document benchmarks: the scenarios' operations, and `python -m bench.doc_io`, a driver for
what the request-rate harness cannot measure.

The operations (used by bench/scenarios/doc_*.py) read what bench.doc_seed left in the run's
folder: member API tokens, a signed-in session, the search queries, the large file's addresses.
The harness does not hand its environment to operations, so the run's folder is found from the
server itself: the process listening on the server's port has PLENARY_VAR_DIR in its environment
(/proc/<pid>/environ; the harness and its servers run as the same user).

The driver starts `plenary serve` on a database of its own (as the harness does, through
bench.server) and measures, in one run:

- upload: the server's resident memory (VmRSS from /proc/<pid>/status, sampled every 10 ms)
  while a member uploads a 50 MB Word document (the official template, its cover filled in for a
  reserved contribution, with a large photograph as a package part) through the API, streamed
  by aiohttp as multipart; the growth over the memory just before is reported per upload;
- download: the speed of a 50 MB document download (API and page) against the server's raw send
  of the same bytes as a static file (whitenoise), in interleaved rounds, median of the ratios;
- slow: the register page's p99 at c=8 with and without 20 slow downloads in flight;
- search: p95 of the API's search and of the search page, by number of words (1, 2, 3), for a
  member and for an anonymous visitor, over 50,000 documents;
- ok: /ok at the same concurrency, so that every figure can be read against the server's floor.

    .venv/bin/python -m bench.doc_io                       # everything (about 25 minutes)
    .venv/bin/python -m bench.doc_io --only upload,download,slow
    .venv/bin/python -m bench.doc_io --site var/bench/run-… --only search   # a kept run again
    DATABASE_URL=postgres://…/plenary_bench_… .venv/bin/python -m bench.doc_io \
        --site var/bench/run-… --only search                 # the same, kept on PostgreSQL
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import aiohttp

from bench.load import Client, OperationError

SEED = ("python", "-m", "bench.doc_seed")
FACTS_FILE = "doc-bench.json"


def seed_command(*args: str) -> tuple[str, ...]:
    """The set-up command of a document scenario: bench.doc_seed with these arguments."""
    return (*SEED, *args)


# Finding the server and the seed's facts -------------------------------------------------------


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    inodes.add(inode)
    return inodes


def server_pid(port: int) -> int:
    """The process listening on this loopback port (one of ours)."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not inodes:
        raise OperationError(f"nothing listens on port {port}")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (entry / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(entry.name)
    raise OperationError(f"the process listening on port {port} is not readable")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {k.decode(errors="replace"): v.decode(errors="replace") for k, v in pairs}


_FACTS: dict[str, dict] = {}


def facts_for(base_url: str) -> dict:
    """What bench.doc_seed wrote for the server at this address."""
    if base_url not in _FACTS:
        port = urlsplit(base_url).port
        var_dir = _environ(server_pid(port)).get("PLENARY_VAR_DIR")
        if not var_dir:
            raise OperationError("the server has no PLENARY_VAR_DIR")
        path = Path(var_dir) / FACTS_FILE
        if not path.exists():
            raise OperationError(f"{path} is missing: run bench.doc_seed as the set-up")
        _FACTS[base_url] = json.loads(path.read_text())
    return _FACTS[base_url]


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


# Operations ------------------------------------------------------------------------------------


async def _get(client: Client, path: str, headers: dict[str, str], expect: int = 200) -> int:
    """GET a path, read the body through in blocks; returns the number of bytes read."""
    async with client.session.get(client.url(path), headers=headers) as response:
        size = 0
        async for block in response.content.iter_chunked(256 * 1024):
            size += len(block)
        if response.status != expect:
            raise OperationError(f"GET {path}: status {response.status}, expected {expect}")
        return size


@dataclass
class _Operation:
    """Base of the operations: the seed's facts, and a token or a session per request."""

    label: str = ""
    _turn: itertools.count = field(default_factory=itertools.count)

    def token_headers(self, client: Client) -> dict[str, str]:
        tokens = facts_for(client.base_url)["read_tokens"]
        return {"Authorization": f"Bearer {tokens[next(self._turn) % len(tokens)]}"}

    def session_headers(self, client: Client) -> dict[str, str]:
        facts = facts_for(client.base_url)
        return {"Cookie": f"{facts['session_cookie']}={facts['session']}"}


@dataclass
class RegisterJson(_Operation):
    label: str = "GET /api/v1/meetings/<2,000 documents>/documents (member)"

    async def __call__(self, client: Client) -> None:
        slug = facts_for(client.base_url)["register"]
        await _get(client, f"/api/v1/meetings/{slug}/documents", self.token_headers(client))


@dataclass
class RegisterHtml(_Operation):
    label: str = "/meetings/<2,000 documents>/documents/ (member)"
    anonymous: bool = False

    async def __call__(self, client: Client) -> None:
        slug = facts_for(client.base_url)["register"]
        headers = {} if self.anonymous else self.session_headers(client)
        await _get(client, f"/meetings/{slug}/documents/", headers)


@dataclass
class SearchApi(_Operation):
    label: str = "GET /api/v1/search?q=<1-3 words> (member)"
    words: str = ""  # "1", "2" or "3"; every count in turn when empty
    anonymous: bool = False

    def query(self, client: Client) -> str:
        queries = facts_for(client.base_url)["queries"]
        pool = queries[self.words] if self.words else [q for k in "123" for q in queries[k]]
        return quote(pool[next(self._turn) % len(pool)])

    async def __call__(self, client: Client) -> None:
        headers = {} if self.anonymous else self.token_headers(client)
        await _get(client, f"/api/v1/search?q={self.query(client)}", headers)


@dataclass
class SearchPage(SearchApi):
    label: str = "/search/?q=<1-3 words> (member)"

    async def __call__(self, client: Client) -> None:
        headers = {} if self.anonymous else self.session_headers(client)
        await _get(client, f"/search/?q={self.query(client)}", headers)


@dataclass
class Download(_Operation):
    label: str = "GET /api/v1/documents/<code>/file (50 MB, member)"
    page: bool = False

    async def __call__(self, client: Client) -> None:
        facts = facts_for(client.base_url)["download"]
        path = facts["page_path"] if self.page else facts["api_path"]
        headers = self.session_headers(client) if self.page else self.token_headers(client)
        size = await _get(client, path, headers)
        if size != facts["size"]:
            raise OperationError(f"{path}: {size} bytes, expected {facts['size']}")


@dataclass
class StaticCopy(_Operation):
    label: str = "GET /static/<the same 50 MB> (whitenoise)"

    async def __call__(self, client: Client) -> None:
        facts = facts_for(client.base_url)["download"]
        size = await _get(client, facts["static_path"], {})
        if size != facts["size"]:
            raise OperationError(f"static copy: {size} bytes, expected {facts['size']}")


# The driver ------------------------------------------------------------------------------------


def _p(values: list[float], q: float) -> float:
    from bench import stats

    return stats.percentile(values, q) * 1000 if values else float("nan")


async def _timed(base_url: str, operation, *, concurrency: int, seconds: float):
    from bench.load import run_round

    return await run_round(
        base_url, operation, concurrency=concurrency, duration=seconds, max_operations=1_000_000
    )


class _Sampler:
    """Samples a process's VmRSS every few milliseconds in a thread; keeps the peak."""

    def __init__(self, pid: int, every: float = 0.01):
        self.pid, self.every = pid, every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kib(self.pid)[0])
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_kib(self.pid)[0])
        return False


async def _upload(base_url: str, facts: dict, data_path: Path) -> tuple[int, str]:
    code = facts["upload"]["code"]
    headers = {"Authorization": f"Bearer {facts['write_token']}"}
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        with open(data_path, "rb") as stream:
            form = aiohttp.FormData()
            form.add_field("language", "E")
            form.add_field(
                "file",
                stream,
                filename=f"{code}!!MSW-E.docx",
                content_type=(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                ),
            )
            async with session.post(
                f"{base_url}/api/v1/documents/{code}/upload", data=form, headers=headers
            ) as response:
                body = await response.text()
                return response.status, body[:300]


def measure_upload(base_url: str, pid: int, facts: dict, var_dir: Path, size_mb: int, times: int):
    from bench.doc_seed import large_docx

    template = Path(facts["upload"]["template"]).read_bytes()
    small = var_dir / "upload-small.docx"
    small.write_bytes(large_docx(template, 200 * 1024, seed="warm-up"))
    big = var_dir / "upload-large.docx"
    big.write_bytes(large_docx(template, size_mb * 1024 * 1024, seed="upload"))
    lines = [f"upload of {big.stat().st_size / 2**20:.1f} MB (API, multipart, streamed by aiohttp)"]
    status, body = asyncio.run(_upload(base_url, facts, small))
    if status != 201:
        raise SystemExit(f"the warm-up upload failed: {status} {body}")
    growths = []
    for i in range(times):
        before, hwm_before = rss_kib(pid)
        started = time.perf_counter()
        with _Sampler(pid) as sampler:
            status, body = asyncio.run(_upload(base_url, facts, big))
        seconds = time.perf_counter() - started
        after, hwm_after = rss_kib(pid)
        growth = (sampler.peak - before) / 1024
        growths.append(growth)
        lines.append(
            f"  upload {i + 1}: status {status}, {seconds:.2f} s; "
            f"RSS before {before / 1024:.0f} MB, "
            f"peak {sampler.peak / 1024:.0f} MB (+{growth:.1f} MB), after {after / 1024:.0f} MB; "
            f"VmHWM {hwm_before / 1024:.0f} -> {hwm_after / 1024:.0f} MB"
        )
        if status != 201:
            lines.append(f"    answer: {body}")
    lines.append(
        f"  peak growth: max {max(growths):.1f} MB, median {statistics.median(growths):.1f} MB "
        f"(target: at most 16 MB) -> {'met' if max(growths) <= 16 else 'MISSED'}"
    )
    return lines


async def _speed(base_url: str, operation, size: int, rounds_seconds: float) -> float:
    result = await _timed(base_url, operation, concurrency=1, seconds=rounds_seconds)
    if result.errors:
        raise SystemExit(f"{operation.label}: {result.first_error}")
    return result.completed * size / result.elapsed / 2**20


def measure_download(base_url: str, facts: dict, rounds: int, seconds: float):
    size = facts["download"]["size"]
    arms = [StaticCopy(), Download(), Download(page=True, label="page download (50 MB, session)")]
    speeds: list[list[float]] = [[] for _ in arms]
    for cycle in range(rounds):
        order = list(range(len(arms)))
        if cycle % 2:
            order.reverse()
        for index in order:
            speeds[index].append(asyncio.run(_speed(base_url, arms[index], size, seconds)))
    lines = [
        f"download of {size / 2**20:.1f} MB at c=1, {rounds} interleaved rounds of {seconds} s"
    ]
    for arm, values in zip(arms, speeds, strict=True):
        ratios = [v / s for v, s in zip(values, speeds[0], strict=True)]
        lines.append(
            f"  {arm.label}: median {statistics.median(values):.0f} MB/s; ratio to static "
            f"{statistics.median(ratios):.2f} [{min(ratios):.2f}-{max(ratios):.2f}]"
        )
    worst = min(
        statistics.median([v / s for v, s in zip(values, speeds[0], strict=True)])
        for values in speeds[1:]
    )
    lines.append(
        f"  target: at least 0.5 of the static send -> {'met' if worst >= 0.5 else 'MISSED'}"
    )
    return lines


async def _slow_reader(base_url: str, facts: dict, stop: asyncio.Event, rate: int, read: list):
    """One slow download: reads the large file at about ``rate`` bytes/s, again until stopped;
    adds what it read to ``read[0]``."""
    tokens = facts["read_tokens"]
    headers = {"Authorization": f"Bearer {tokens[hash(asyncio.current_task()) % len(tokens)]}"}
    path = facts["download"]["api_path"]
    block = 16 * 1024
    connector = aiohttp.TCPConnector(limit=1)
    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    # A small receive buffer, as a slow client's: the server's sends block once it is full.
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, read_bufsize=block
    ) as session:
        while not stop.is_set():
            async with session.get(base_url + path, headers=headers) as response:
                if response.status != 200:
                    raise SystemExit(f"slow download: status {response.status}")
                while not stop.is_set():
                    data = await response.content.read(block)
                    if not data:
                        break
                    read[0] += len(data)
                    await asyncio.sleep(block / rate)
                if stop.is_set():
                    response.close()


async def register_p99_beside(base_url: str, seconds: float, background: list):
    """The register page at c=8 while the ``background`` coroutines run, each made from the
    round's stop event and stopped (then cancelled) at the round's end; the round's result and
    how long the background ran, in seconds."""
    stop = asyncio.Event()
    started = time.perf_counter()
    tasks = [asyncio.create_task(make(stop)) for make in background]
    if tasks:
        await asyncio.sleep(2.0)  # every background client under way
    try:
        result = await _timed(base_url, RegisterHtml(), concurrency=8, seconds=seconds)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result, time.perf_counter() - started


async def _register_p99(base_url: str, seconds: float, slow: int, facts: dict, rate: int):
    """The register page at c=8 with ``slow`` slow downloads in flight; the round's result and
    the slow downloads' speed (bytes/s each, 0 without them)."""
    read = [0]
    result, elapsed = await register_p99_beside(
        base_url,
        seconds,
        [lambda stop: _slow_reader(base_url, facts, stop, rate, read)] * slow,
    )
    if result.errors:
        print(f"  ({result.errors} errors: {result.first_error})", flush=True)
    speed = read[0] / slow / elapsed if slow else 0.0
    return result, speed


def measure_slow(base_url: str, facts: dict, rounds: int, seconds: float, slow: int, rate: int):
    quiet: list[float] = []
    loaded: list[float] = []
    rates: list[tuple[float, float]] = []
    lines = [
        f"register page p99 at c=8 without and with {slow} slow downloads of the 50 MB file in "
        f"flight ({rate // 1024} KiB/s each), {rounds} interleaved pairs of {seconds} s"
    ]
    for cycle in range(rounds):
        pair = {}
        for with_slow in (False, True) if cycle % 2 == 0 else (True, False):
            result, speed = asyncio.run(
                _register_p99(base_url, seconds, slow if with_slow else 0, facts, rate)
            )
            (loaded if with_slow else quiet).extend(result.latencies)
            pair[with_slow] = result.rate
            lines.append(
                f"  round {cycle + 1} {'with' if with_slow else 'without'}: "
                f"{result.rate:.0f} req/s, "
                f"p50 {_p(result.latencies, 50):.0f} ms, p99 {_p(result.latencies, 99):.0f} ms, "
                f"{result.errors} errors"
                + (f"; the slow downloads read {speed / 1024:.0f} KiB/s each" if with_slow else "")
            )
        rates.append((pair[False], pair[True]))
    ratio = _p(loaded, 99) / _p(quiet, 99)
    lines.append(
        f"  p99 without {_p(quiet, 99):.0f} ms, with {_p(loaded, 99):.0f} ms: x{ratio:.2f} "
        f"(target: at most x1.5) -> {'met' if ratio <= 1.5 else 'MISSED'}"
    )
    return lines


# The API allows an anonymous address 120 requests a minute of the clock (plenary.api.ratelimit);
# an anonymous cell starts a fresh minute and stays under that.
ANONYMOUS_PER_MINUTE = 110


async def _anonymous_round(base_url: str, operation, *, concurrency: int, seconds: float):
    from bench.load import run_round

    await asyncio.sleep(60 - time.time() % 60 + 0.5)
    return await run_round(
        base_url,
        operation,
        concurrency=concurrency,
        duration=seconds,
        max_operations=ANONYMOUS_PER_MINUTE,
    )


def measure_search(base_url: str, seconds: float, concurrency: list[int]):
    lines = [
        f"search p95 by number of words ({seconds} s per cell; an anonymous API cell at most "
        f"{ANONYMOUS_PER_MINUTE} requests, in a minute of its own: the API's limit per address)"
    ]
    for c in concurrency:
        for words in "123":
            cells = []
            for operation in (
                SearchApi(words=words),
                SearchApi(words=words, anonymous=True),
                SearchPage(words=words),
            ):
                anonymous_api = operation.anonymous and type(operation) is SearchApi
                timed = _anonymous_round if anonymous_api else _timed
                result = asyncio.run(timed(base_url, operation, concurrency=c, seconds=seconds))
                if result.errors:
                    raise SystemExit(f"search: {result.first_error}")
                kind = type(operation).__name__.replace("Search", "").lower()
                who = "anonymous" if operation.anonymous else "member"
                cells.append(
                    f"{kind} {who} p50 {_p(result.latencies, 50):.0f} / p95 "
                    f"{_p(result.latencies, 95):.0f} ms ({result.rate:.0f}/s)"
                )
            lines.append(f"  c={c}, {words} word(s): " + "; ".join(cells))
    return lines


def measure_ok(base_url: str, seconds: float, concurrency: list[int]):
    from bench.load import Request

    cells = []
    for c in concurrency:
        result = asyncio.run(_timed(base_url, Request("/ok"), concurrency=c, seconds=seconds))
        cells.append(
            f"c={c}: {result.rate:.0f} req/s, p50 {_p(result.latencies, 50):.1f} / "
            f"p95 {_p(result.latencies, 95):.1f} / p99 {_p(result.latencies, 99):.1f} ms"
        )
    return ["/ok (the server's floor): " + "; ".join(cells)]


def _postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "postgis")


@contextlib.contextmanager
def _kept_site(var_dir: Path, seed: list[str]):
    """The environment of a kept run folder, with the seed run again (it adds nothing but a
    fresh session and tokens, which the new SECRET_KEY needs). Its database is the folder's
    SQLite file or, for a run made on PostgreSQL, the kept database DATABASE_URL names (the
    one `--keep` printed)."""
    import secrets
    import subprocess

    from bench.server import HOST, ROOT

    var_dir = var_dir.resolve()
    database_url = os.environ.get("DATABASE_URL", "")
    on_postgres = _postgres_url(database_url) and not (var_dir / "plenary.sqlite3").exists()
    if not on_postgres and not (var_dir / "plenary.sqlite3").exists():
        raise SystemExit(
            f"{var_dir} holds no plenary.sqlite3 (for a PostgreSQL run, set DATABASE_URL to "
            "the database it kept)"
        )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        **({"DATABASE_URL": database_url} if on_postgres else {}),
        "PLENARY_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "PLENARY_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-m", "bench.doc_seed", *seed], env=env, cwd=ROOT, check=True)
    yield env


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.doc_io", description=__doc__.split("\n")[0])
    p.add_argument("--only", default="upload,download,slow,search", help="what to measure")
    p.add_argument("--upload-mb", type=int, default=50)
    p.add_argument("--uploads", type=int, default=3)
    p.add_argument("--rounds", type=int, default=5, help="interleaved rounds (download, slow)")
    p.add_argument("--seconds", type=float, default=4.0, help="seconds per round")
    p.add_argument("--slow", type=int, default=20, help="slow downloads in flight")
    p.add_argument("--slow-rate", type=int, default=64 * 1024, help="bytes/s of a slow download")
    p.add_argument("--search-documents", type=int, default=50_000)
    p.add_argument("--search-concurrency", default="1,4")
    p.add_argument("--keep", action="store_true")
    p.add_argument(
        "--site",
        type=Path,
        help="measure again on a run's folder kept with --keep: its documents are kept, its "
        "tokens and session made anew (a PostgreSQL run's database: set DATABASE_URL to it)",
    )
    args = p.parse_args(argv)
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    unknown = wanted - {"upload", "download", "slow", "search"}
    if unknown:
        p.error(f"unknown: {', '.join(sorted(unknown))}")

    from bench.report import machine
    from bench.server import HOST, BenchError, Servers, plenary, prepared_site

    seed = ["--documents", "2000", "--big-file-mb", str(args.upload_mb)]
    if "search" in wanted:
        seed += ["--search-documents", str(args.search_documents)]
    facts_machine = machine()
    print(
        f"machine: {facts_machine['cpus']} CPUs, load average {os.getloadavg()[0]:.1f} at the "
        f"start (other work on the machine skews absolute figures)",
        flush=True,
    )
    started = time.monotonic()
    try:
        site = (
            _kept_site(args.site, seed)
            if args.site
            else prepared_site(keep=args.keep, setup=[seed_command(*seed)])
        )
        with site as env, Servers(env) as s:
            print(f"prepared in {time.monotonic() - started:.0f} s", flush=True)
            server = s.start(
                "plenary-serve", lambda port: plenary("serve", "--host", HOST, "--port", str(port))
            )
            pid = server_pid(server.port)
            base_url = server.base_url
            facts = facts_for(base_url)
            var_dir = Path(env["PLENARY_VAR_DIR"])
            for name, value in (facts.get("indexing") or {}).items():
                if value["documents"]:
                    print(
                        f"indexing ({name}, in bench.doc_seed): {value['documents']} documents "
                        f"in {value['seconds']} s = {value['per_second']} documents/s "
                        "(target: at least 200)",
                        flush=True,
                    )
            print(f"server pid {pid} on {base_url}; database: {facts['documents']} documents")
            print("\n".join(measure_ok(base_url, 3.0, [1, 8])), flush=True)
            if "upload" in wanted:
                print(
                    "\n".join(
                        measure_upload(base_url, pid, facts, var_dir, args.upload_mb, args.uploads)
                    ),
                    flush=True,
                )
            if "download" in wanted:
                print(
                    "\n".join(measure_download(base_url, facts, args.rounds, args.seconds)),
                    flush=True,
                )
            # Search before the slow downloads: those can leave the server's threads busy.
            if "search" in wanted:
                levels = [int(c) for c in args.search_concurrency.split(",")]
                print("\n".join(measure_search(base_url, args.seconds, levels)), flush=True)
            if "slow" in wanted:
                print(
                    "\n".join(
                        measure_slow(
                            base_url, facts, args.rounds, args.seconds, args.slow, args.slow_rate
                        )
                    ),
                    flush=True,
                )
            print("\n".join(measure_ok(base_url, 3.0, [1, 8])), flush=True)
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"{time.monotonic() - started:.0f} s in all; load average {os.getloadavg()[0]:.1f} at the "
        "end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
