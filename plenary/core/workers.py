"""`plenary serve --workers N`: N server processes on one port, each with a listening socket.

uvicorn's own supervisor binds one socket and hands it to every worker. Connections then go to
whichever worker happens to be waiting in `accept` when they arrive: when a proxy or a browser
opens its keep-alive connections in a burst, one worker takes nearly all of them for their whole
life (31 of 32 in the benchmark) and the other idles. Here every worker binds its own listening
socket to the same address with ``SO_REUSEPORT``, and the kernel spreads new connections evenly
between them (docs/benchmarks.md, "Two processes").

The supervisor holds one more socket bound to the address but never listening: it reports a
taken port before any worker starts, and keeps the port for a worker that is restarted. Only
listening sockets receive connections, so it takes none. A worker that dies once it has served
is started again; one that dies before it is ready (a broken setting, an import error) stops the
server, as a restart would fail the same way.
"""

import logging
import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# After a stop is asked for, how long the workers have to finish before they are killed.
STOP_SECONDS = 10.0
_spawn = multiprocessing.get_context("spawn")


class StartupFailure(Exception):
    """A worker could not start; the message says which and how it exited."""


def address_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port) that other sockets of this user may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve(host: str, port: int, options: dict[str, Any], ready) -> None:
    """A worker: its own socket, one uvicorn server on it (the socket is listened on there);
    ``ready`` is set once the server has started."""
    import uvicorn

    sock = address_socket(host, port)
    server = uvicorn.Server(uvicorn.Config(**options))

    def note_ready() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            ready.set()

    threading.Thread(target=note_ready, daemon=True).start()
    server.run(sockets=[sock])


@dataclass
class _Worker:
    process: Any
    ready: Any  # a multiprocessing Event


class Workers:
    """Runs ``count`` workers serving ``options`` (uvicorn.Config's arguments) on host:port
    until SIGINT or SIGTERM (or ``stopping`` is set), calling ``on_ready`` once all have
    started."""

    def __init__(
        self,
        count: int,
        host: str,
        port: int,
        options: dict[str, Any],
        on_ready: Callable[[], None] = lambda: None,
    ):
        self.count = count
        self.host = host
        self.port = port
        self.options = options
        self.on_ready = on_ready
        self.stopping = threading.Event()
        self.workers: list[_Worker] = []

    def _start(self) -> _Worker:
        ready = _spawn.Event()
        process = _spawn.Process(
            target=_serve, args=(self.host, self.port, self.options, ready), name="plenary-worker"
        )
        process.start()
        return _Worker(process, ready)

    def _stop(self, signum, frame) -> None:
        self.stopping.set()

    def run(self) -> None:
        reserved = address_socket(self.host, self.port)  # OSError if the port is taken
        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {
                sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)
            }
        try:
            self.workers = [self._start() for _ in range(self.count)]
            announced = False
            while not self.stopping.wait(0.1 if not announced else 0.5):
                self._replace_the_dead()
                if not announced and all(worker.ready.is_set() for worker in self.workers):
                    announced = True
                    self.on_ready()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            reserved.close()

    def _replace_the_dead(self) -> None:
        for index, worker in enumerate(self.workers):
            if worker.process.is_alive():
                continue
            worker.process.join()
            if not worker.ready.is_set():
                raise StartupFailure(
                    f"a server process exited before it was ready (exit code "
                    f"{worker.process.exitcode}); its output above says why"
                )
            logger.warning(
                "Server process %s exited (exit code %s); starting another",
                worker.process.pid,
                worker.process.exitcode,
            )
            self.workers[index] = self._start()

    def _stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
