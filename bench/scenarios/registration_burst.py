"""A burst of registrations, each by a different signed-in person, as a browser submits them.

One operation is what a person's browser does to register: GET the meeting's registration form
(which sets the CSRF cookie and carries the form's token), then POST the form (participation,
role in the delegation, the confirmation box) with that token, and get the redirect to "My
meetings". Every operation takes a fresh person from those `bench.reg_seed` signed in before the
server started, so every accepted POST must be one new registration. (`registration-burst-api`
does the same through the API, one POST with the person's token; both draw on one pool.)

Afterwards the harness counts the burst's rows in the database: exactly one registration per
accepted POST, one event per registration, nobody twice, and no "database is locked" nor
server error in the server's log.

    python -m bench --scenario registration-burst --concurrency 200 --duration 20 --rounds 3
"""

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.load import Client, OperationError
from bench.scenarios import Check, Scenario

# Enough for 400 registrations a second during 60 s of rounds, the warm-up and the check.
PEOPLE = int(os.environ.get("BENCH_REGISTRATION_PEOPLE") or 40_000)
SERVER_LOG = "server-plenary-serve.log"
_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class _Burst:
    path: str = ""
    api_path: str = ""
    session_cookie: str = "sessionid"
    csrf_cookie: str = "csrftoken"
    sessions: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    next_person: int = 0
    accepted: int = 0  # POSTs answered with the redirect to "My meetings"
    refused: int = 0  # POSTs answered otherwise (counted as errors by the harness)
    unanswered: int = 0  # POSTs sent without an answer (timeout, closed socket): fate unknown


BURST = _Burst()


def prepare(env: dict[str, str]) -> None:
    """Read the people `bench.reg_seed` signed in (before any operation runs)."""
    data = json.loads((Path(env["PLENARY_VAR_DIR"]) / "registration-burst.json").read_text())
    BURST.path = data["path"]
    BURST.api_path = data["api_path"]
    BURST.session_cookie = data["session_cookie"]
    BURST.csrf_cookie = data["csrf_cookie"]
    BURST.sessions = tuple(data["sessions"])
    BURST.tokens = tuple(data["tokens"])
    BURST.next_person = BURST.accepted = BURST.refused = BURST.unanswered = 0


def fresh_person() -> int:
    """The index of a person who has not registered yet (their session and token)."""
    if BURST.next_person >= len(BURST.sessions):
        raise OperationError(
            f"all {len(BURST.sessions)} people have registered; seed more "
            "(BENCH_REGISTRATION_PEOPLE)"
        )
    BURST.next_person += 1
    return BURST.next_person - 1


async def register(client: Client) -> None:
    """GET the form, POST it as the browser would; expect the redirect to "My meetings"."""
    session = BURST.sessions[fresh_person()]
    url = client.url(BURST.path)
    cookies = f"{BURST.session_cookie}={session}"
    async with client.session.get(
        url, headers={"Cookie": cookies}, allow_redirects=False
    ) as response:
        body = await response.read()
        if response.status != 200:
            raise OperationError(f"GET {BURST.path}: status {response.status}, expected 200")
        csrf = response.cookies.get(BURST.csrf_cookie)
    token = _TOKEN.search(body)
    if csrf is None or token is None:
        raise OperationError(f"GET {BURST.path}: no CSRF cookie or no token in the form")
    form = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "mode": "remote",
        "delegation_role": "delegate",
        "confirm": "on",
    }
    headers = {
        "Cookie": f"{cookies}; {BURST.csrf_cookie}={csrf.value}",
        "Origin": client.base_url,
        "Referer": url,
    }
    try:
        async with client.session.post(
            url, data=form, headers=headers, allow_redirects=False
        ) as response:
            await response.read()
            status, location = response.status, response.headers.get("Location", "")
    except BaseException:
        BURST.unanswered += 1
        raise
    if status != 302 or location != "/registrations/":
        BURST.refused += 1
        raise OperationError(
            f"POST {BURST.path}: status {status} to {location or 'nowhere'}, expected 302 to "
            "/registrations/"
        )
    BURST.accepted += 1


register.label = "register (GET form + POST)"


async def register_api(client: Client) -> None:
    """POST /api/v1/meetings/{slug}/registrations with the person's token; expect 201."""
    token = BURST.tokens[fresh_person()]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"mode": "remote", "delegation_role": "delegate"}
    try:
        async with client.session.post(
            client.url(BURST.api_path), json=body, headers=headers, allow_redirects=False
        ) as response:
            text = await response.read()
            status = response.status
    except BaseException:
        BURST.unanswered += 1
        raise
    if status != 201:
        BURST.refused += 1
        raise OperationError(f"POST {BURST.api_path}: status {status}, expected 201: {text[:200]}")
    BURST.accepted += 1


register_api.label = "register (API POST)"


def verify(env: dict[str, str]) -> Check:
    """Count the burst's rows in the database and compare them with the accepted POSTs."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.reg_seed", "--count"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return Check(False, [f"counting the rows failed: {result.stderr.strip()[-2000:]}"])
    rows = json.loads(result.stdout)
    log = Path(env["PLENARY_VAR_DIR"]) / SERVER_LOG
    text = log.read_text(errors="replace") if log.exists() else ""
    locked = text.count("database is locked")
    server_errors = text.count("Internal Server Error")
    lines = [
        f"registrations: {BURST.accepted} POSTs accepted, {BURST.refused} refused, "
        f"{BURST.unanswered} unanswered; {BURST.next_person} of {len(BURST.sessions)} people used",
        f"database: {rows['registrations']} registrations of the burst's people "
        f"({', '.join(f'{k} {v}' for k, v in rows['by_state'].items()) or 'none'}), "
        f"{rows['events']} events, {rows['people_registered_twice']} people registered twice",
        f"server log: {locked} 'database is locked', {server_errors} server errors",
    ]
    exact = rows["registrations"] == BURST.accepted
    within_unknown = BURST.accepted <= rows["registrations"] <= BURST.accepted + BURST.unanswered
    ok = (
        (exact or within_unknown)
        and rows["events"] == rows["registrations"]
        and rows["people_registered_twice"] == 0
        and locked == 0
        and server_errors == 0
    )
    if exact:
        lines.append("one row per accepted POST: yes")
    elif within_unknown:
        lines.append(
            f"one row per accepted POST: {rows['registrations'] - BURST.accepted} more rows, "
            "from POSTs the client gave up on before their answer"
        )
    else:
        lines.append(
            f"one row per accepted POST: NO ({rows['registrations']} rows for "
            f"{BURST.accepted} accepted)"
        )
    return Check(ok, lines)


SCENARIO = Scenario(
    name="registration-burst",
    description="registrations (GET form + POST), a fresh signed-in person each, against /ok",
    candidate=register,
    default=False,
    setup=(("python", "-m", "bench.reg_seed", "--people", str(PEOPLE)),),
    prepare=prepare,
    verify=verify,
)
