"""`plenary serve --workers N`: every worker listens on a socket of its own, the kernel spreads
connections over them, a worker that dies is replaced, and a broken one stops the server."""

import os
import signal
import socket
import threading
import time
import urllib.request

import pytest
from django.core.management import CommandError, call_command

from plenary.core.workers import StartupFailure, Workers, address_socket
from tests.servers import free_port

HOST = "127.0.0.1"
PID_APP = {"app": "plenary.core.tests.pid_app:app", "log_level": "warning", "lifespan": "off"}


def _accepted_per_listener(listeners: list[socket.socket], connections: int) -> list[int]:
    port = listeners[0].getsockname()[1]
    clients = [socket.create_connection((HOST, port), timeout=5) for _ in range(connections)]
    counts = []
    for listener in listeners:
        listener.setblocking(False)
        count = 0
        while True:
            try:
                accepted, _ = listener.accept()
            except BlockingIOError:
                break
            accepted.close()
            count += 1
        counts.append(count)
    for client in clients:
        client.close()
    return counts


def test_connections_are_spread_over_the_listening_sockets_and_the_reserved_one_takes_none():
    port = free_port()
    reserved = address_socket(HOST, port)  # bound, never listening, as the supervisor holds it
    listeners = [address_socket(HOST, port), address_socket(HOST, port)]
    try:
        for listener in listeners:
            listener.listen(128)
        counts = _accepted_per_listener(listeners, 64)
    finally:
        for sock in (reserved, *listeners):
            sock.close()
    # Every connection reached a listener (none was refused for landing on the reserved socket),
    # and both listeners got some: with one shared socket the first to wake took them all.
    assert sum(counts) == 64
    assert min(counts) > 0, counts


def _pids_answering(port: int, attempts: int = 40) -> set[int]:
    pids = set()
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=2) as response:  # noqa: S310
                pids.add(int(response.read()))
        except OSError:
            time.sleep(0.05)
    return pids


def _listening_sockets(port: int) -> int:
    """How many sockets listen on the loopback port (Linux's table of TCP sockets)."""
    with open("/proc/net/tcp") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return sum(1 for row in rows if row[1] == f"0100007F:{port:04X}" and row[3] == "0A")


def _wait(condition, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_two_workers_serve_a_dead_one_is_replaced_and_a_stop_ends_them_all():
    port = free_port()
    ready = threading.Event()
    supervisor = Workers(2, HOST, port, PID_APP, on_ready=ready.set)
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    try:
        assert ready.wait(60), "the workers did not start"
        first = [worker.process.pid for worker in supervisor.workers]
        assert _listening_sockets(port) == 2  # one per worker, not one shared
        assert _wait(lambda: _pids_answering(port) == set(first))  # both answer

        os.kill(first[0], signal.SIGKILL)
        replaced = _wait(
            lambda: (
                supervisor.workers[0].process.pid != first[0]
                and supervisor.workers[0].ready.is_set()
                and supervisor.workers[0].process.pid
            )
        )
        assert _wait(lambda: _pids_answering(port) == {replaced, first[1]})
    finally:
        supervisor.stopping.set()
        thread.join(30)
    assert not thread.is_alive()
    assert not any(worker.process.is_alive() for worker in supervisor.workers)
    with pytest.raises(OSError):
        socket.create_connection((HOST, port), timeout=2)


def test_a_worker_that_cannot_start_stops_the_server():
    options = {**PID_APP, "app": "plenary.core.tests.pid_app:no_such_app"}
    supervisor = Workers(2, HOST, free_port(), options)
    with pytest.raises(StartupFailure, match="exited before it was ready"):
        supervisor.run()
    assert not any(worker.process.is_alive() for worker in supervisor.workers)


@pytest.mark.django_db
def test_serve_refuses_a_port_already_taken(settings, monkeypatch):
    monkeypatch.setenv("PLENARY_HTTP_THREADS", "")  # put back as it was afterwards...
    monkeypatch.delenv("PLENARY_HTTP_THREADS")  # ...and unset for the command
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"  # not contacted: the port is checked first
    with socket.socket() as taken:
        taken.bind((HOST, 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"cannot listen on {HOST}:{port}"):
            call_command("serve", "--port", str(port), "--workers", "2")
    # The workers it would have started get two page threads each.
    assert os.environ["PLENARY_HTTP_THREADS"] == "2"
