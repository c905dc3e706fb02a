"""The API's contract, checked by a fuzzer against the real server.

A `plenary serve` process runs on a free port of 127.0.0.1, on its own SQLite database prepared
with `plenary migrate` and `plenary demo` (whatever database the rest of the suite uses).
schemathesis reads /api/v1/openapi.json and sends generated requests, valid and invalid, as a
member (delegate) and as an outsider: no response may be a server error or break the schema.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PYTHON = sys.executable
SCHEMATHESIS = Path(PYTHON).with_name("st")
# Every check but one: a list's cursor is opaque, so a made-up one, though a string as the schema
# says, is refused with 400 invalid_cursor, which `positive_data_acceptance` would count against us.
EXCLUDED_CHECKS = "positive_data_acceptance"
# Bounded to well under a minute and a half for both callers together.
MAX_EXAMPLES = "8"
RUN_TIMEOUT = 120


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, "-m", "plenary", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen, timeout: float = 180) -> str:
    """The stdout of a finished process, which must have succeeded."""
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, f"{' '.join(process.args)}:\n{stdout[-6000:]}{stderr[-3000:]}"
    return stdout


def _plenary(env: dict[str, str], *args: str) -> str:
    return _finish(_start(env, *args))


def _wait_until_up(url: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a running server and the member's and outsider's tokens."""
    var = tmp_path_factory.mktemp("api-contract")
    env = {
        **os.environ,
        "PLENARY_ENV": "test",
        "PLENARY_VAR_DIR": str(var),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    _plenary(env, "migrate", "--noinput")
    _plenary(env, "demo")
    port = _free_port()
    log = (var / "server.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "plenary", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # The tokens are minted while the server starts, two processes at once: each start of Django
    # costs seconds on a busy machine.
    minting = {
        caller: _start(env, "token", "create", "--user", email, "--scope", scope)
        for caller, email, scope in [
            ("member", "delegate@example.org", "read-write"),
            ("outsider", "outsider@example.org", "read"),
        ]
    }
    try:
        tokens = {caller: _finish(process).strip() for caller, process in minting.items()}
        _wait_until_up(f"{base}/ok", server, var / "server.log")
        yield {"base": base, "var": var, **tokens}
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _fuzz(base: str, token: str, workdir: Path) -> subprocess.Popen:
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{base}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        MAX_EXAMPLES,
        # One worker thread per run: with two, hypothesis describes its lambdas with ast.parse from
        # both threads at once, which trips a CPython 3.11 bug ("AST constructor recursion depth
        # mismatch") and ends the run with a runtime error that is not the API's.
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--no-shrink",
        # Revoking tokens is tested in plenary/api/tests; here it would end the run's own token.
        "--exclude-operation-id",
        "revoke_token",
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=workdir,  # schemathesis keeps its example database in the working directory
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"},
    )


def test_the_api_keeps_its_contract_for_a_member_and_an_outsider(server):
    # Both callers at once: the rate limit counts per token, so neither slows the other.
    runs = {
        caller: _fuzz(server["base"], server[caller], server["var"])
        for caller in ("member", "outsider")
    }
    failures = []
    for caller, process in runs.items():
        try:
            output, _ = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if process.returncode != 0:
            failures.append(f"--- as the {caller} (exit {process.returncode}):\n{output[-6000:]}")
    assert not failures, "\n".join(failures)
