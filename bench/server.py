"""The server side of a run: a database of its own, and servers started as a user starts them.

Every server is a subprocess in its own process group, listening on 127.0.0.1 only; the group is
killed when the run ends, whether it ends normally, on an error or on Ctrl-C.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
START_TIMEOUT = 60.0  # seconds for a server to answer /ok
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL


class BenchError(Exception):
    """A run cannot go on: a command failed, a server did not start, a check did not pass."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def plenary(*args: str) -> list[str]:
    """The `plenary` console script of the interpreter running the harness."""
    script = BIN / "plenary"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "plenary", *args]


@contextlib.contextmanager
def prepared_site(
    keep: bool = False, setup: Sequence[Sequence[str]] = ()
) -> Iterator[dict[str, str]]:
    """A var/ folder and database of the run's own, migrated and loaded with the demo.

    Yields the environment every server of the run gets: production settings (DEBUG off, a
    random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1), with TLS redirects off since the harness
    speaks plain HTTP over loopback. With DATABASE_URL on PostgreSQL, the run creates a database
    of its own on that server and drops it afterwards (kept with `keep`); otherwise the database
    is a temporary SQLite file under var/bench/. `setup` holds further
    `plenary` commands (the chosen scenarios' own; one starting with "python" runs with the
    harness's interpreter, e.g. `("python", "-m", "bench.seed", ...)`), run after the demo.
    """
    parent = ROOT / "var" / "bench"
    parent.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="run-", dir=parent))
    env = {
        **os.environ,
        "PLENARY_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "PLENARY_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    database = _own_database(env)
    try:
        commands = [("migrate", "--noinput"), ("demo",), ("collectstatic", "--noinput"), *setup]
        for args in commands:
            argv = [sys.executable, *args[1:]] if args[0] == "python" else plenary(*args)
            result = subprocess.run(
                argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                raise BenchError(
                    f"`plenary {' '.join(args)}` failed ({result.returncode}):\n"
                    f"{result.stderr.strip() or result.stdout.strip()}"
                )
        yield env
    finally:
        if keep:
            print(f"kept {var_dir}", file=sys.stderr)
            if database is not None:
                print(f"kept the PostgreSQL database {database.name}", file=sys.stderr)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
            if database is not None:
                database.drop()


@dataclass
class _PostgresDatabase:
    """A database created for one run on the server DATABASE_URL names, dropped afterwards."""

    admin_url: str
    name: str

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            # The servers are stopped by now; FORCE ends any connection a crash left behind.
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _own_database(env: dict[str, str]) -> _PostgresDatabase | None:
    """With DATABASE_URL on PostgreSQL, a fresh database `plenary_bench_<random>` on that server
    for the run (env's DATABASE_URL is pointed at it), so that runs never share rows."""
    url = env.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        return None
    import psycopg

    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    name = f"plenary_bench_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        raise BenchError(
            f"cannot create a database for the run on {parts.hostname}: {exc}"
        ) from exc
    env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    print(f"using a database of the run's own: {name}", file=sys.stderr)
    return _PostgresDatabase(admin_url, name)


@dataclass
class Server:
    """One running server: a name, its command, its port and its process (group)."""

    name: str
    argv: list[str]
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)


def _wait_ready(server: Server, ready_text: str = "") -> None:
    """Until the server answers /ok and, when given, its output holds ``ready_text`` (with
    several workers the first answers /ok while the others are still starting)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(
                f"server {server.name} exited with {server.process.returncode}:\n"
                f"{server.log.read_text(errors='replace')[-2000:]}"
            )
        try:
            with urllib.request.urlopen(server.base_url + "/ok", timeout=2) as response:
                if response.status == 200 and ready_text in server.log.read_text(errors="replace"):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchError(f"server {server.name} did not answer /ok within {START_TIMEOUT:.0f} s")


class Servers(contextlib.AbstractContextManager):
    """Servers started for a run; all of them are stopped on leaving, whatever happened."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.running: list[Server] = []
        self._previous_sigterm = None

    def __enter__(self):
        # A SIGTERM to the harness unwinds like Ctrl-C, so that the servers are stopped too.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _interrupt)
        return self

    def start(
        self,
        name: str,
        argv_for_port,
        extra_env: dict[str, str] | None = None,
        ready_text: str = "",
    ) -> Server:
        port = free_port()
        argv = argv_for_port(port)
        log = Path(self.env["PLENARY_VAR_DIR"]) / f"server-{name}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own commands
                argv,
                env={**self.env, **(extra_env or {})},
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(name, argv, port, process, log)
        self.running.append(server)
        _wait_ready(server, ready_text)
        return server

    def __exit__(self, *exc_info):
        for server in reversed(self.running):
            server.stop()
        self.running.clear()
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
        return False


def _interrupt(signum, frame):
    """Turn SIGTERM into SIGINT, which the event loop and the main thread both unwind cleanly."""
    os.kill(os.getpid(), signal.SIGINT)
