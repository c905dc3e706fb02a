"""Two server processes share a room through Redis: a delegate on one, the chair on the other.

Runs real processes (Redis, two uvicorn servers) over a database file of its own; skipped where
redis-server is not installed.
"""

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import websockets

ROOT = Path(__file__).resolve().parents[3]
SLUG = "sg11-wp1-2020-11-19"

SETUP = """
import json, django
django.setup()
from django.test import Client
from plenary.accounts.models import User
from plenary.core.demo import DEMO_MEETING, load_demo
from plenary.meetings.models import Meeting
from plenary.registrations.models import Registration
load_demo(records=False)
meeting = Meeting.objects.get(slug=DEMO_MEETING)
delegate = User.objects.get(email="delegate@example.org")
chair = User.objects.get(email="chair@example.org")
Registration.objects.create(
    meeting=meeting, person=delegate, mode="remote", delegation_role="delegate",
    organization=delegate.organization, state="approved", registered_by=delegate,
)
sessions = {}
for name, user in (("delegate", delegate), ("chair", chair)):
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies["sessionid"].value
print(json.dumps({"sessions": sessions, "delegate": delegate.display_name}))
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, processes) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, "a server process exited"
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (a loopback URL)
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def cluster(tmp_path):
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        pytest.skip("redis-server is not installed")
    redis_port, ports = _port(), [_port(), _port()]
    env = {
        **os.environ,
        "PLENARY_ENV": "test",
        "PLENARY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'plenary.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SECRET_KEY": "two-process-test-" + "k" * 40,
        "DJANGO_SETTINGS_MODULE": "plenary.settings",
    }
    processes = [
        subprocess.Popen(  # noqa: S603 (fixed arguments)
            [redis_server, "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
    ]
    try:
        python = sys.executable
        subprocess.run(  # noqa: S603
            [python, "-m", "plenary", "migrate", "--noinput", "-v", "0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        setup = subprocess.run(  # noqa: S603
            [python, "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        facts = json.loads(setup.stdout.strip().splitlines()[-1])
        for port in ports:
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [python, "-m", "uvicorn", "plenary.asgi:application", "--port", str(port)],
                    env=env,
                    cwd=ROOT,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in ports:
            _wait_for(f"http://127.0.0.1:{port}/ok", processes)
        yield ports, facts
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(10)


async def _event(ws, kind: str) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if message.get("type") == "event" and message["event"] == kind:
            return message


def _connect(port: int, session: str):
    return websockets.connect(
        f"ws://127.0.0.1:{port}/ws/live/{SLUG}/",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=f"http://127.0.0.1:{port}",
    )


def test_a_participant_and_the_chair_on_two_processes_see_each_other(cluster):
    (first_port, second_port), facts = cluster

    async def scenario():
        async with (
            _connect(first_port, facts["sessions"]["delegate"]) as delegate,
            _connect(second_port, facts["sessions"]["chair"]) as chair,
        ):
            await _event(delegate, "presence")
            await _event(chair, "presence")
            await delegate.send(json.dumps({"action": "floor.request"}))
            queued = await _event(chair, "floor")
            assert [q["person"]["name"] for q in queued["payload"]["queue"]] == [facts["delegate"]]
            await chair.send(json.dumps({"action": "floor.give"}))
            while True:
                given = await _event(delegate, "floor")
                if given["payload"]["speaker"]:
                    break
            assert given["payload"]["speaker"]["person"]["name"] == facts["delegate"]
            assert given["seq"] > queued["seq"]

    asyncio.run(scenario())
