"""`plenary deadlines`: a policy's or a meeting's deadlines as JSON or a table; errors exit 2."""

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plenary.meetings.models import DeadlineOverride

SEED_JSON = {
    "translation": "2020-09-19",
    "registration": "2020-10-19",
    "contributions": "2020-11-06",
    "td_posting": "2020-11-12",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("deadlines", *args, stdout=out)
    return out.getvalue()


def _plenary() -> str:
    return str(Path(sys.executable).parent / "plenary")


@pytest.mark.django_db
def test_it_prints_one_json_object_for_an_opening_date():
    assert json.loads(run("--start", "2020-11-19", "--json")) == SEED_JSON


@pytest.mark.django_db
def test_it_prints_a_readable_table_without_json():
    out = run("--start", "2020-11-19")
    lines = out.strip().splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("Sat 2020-09-19")
    assert "Contributions for which translation is requested" in lines[0]
    assert "2020-11-06" in lines[2]


@pytest.mark.django_db
def test_it_uses_the_named_policy():
    result = json.loads(run("--start", "2020-11-19", "--policy", "weekday-cutoff", "--json"))
    assert result == {
        "translation": "2020-10-02",
        "registration": "2020-10-30",
        "contributions": "2020-11-09",
        "td_posting": "2020-11-13",
    }


def test_it_gives_a_meetings_stored_deadlines(seed_meeting):
    assert json.loads(run("--meeting", seed_meeting.slug, "--json")) == SEED_JSON


def test_it_gives_a_meetings_overridden_deadline(seed_meeting, secretariat):
    DeadlineOverride.objects.create(
        meeting=seed_meeting,
        key="td_posting",
        date=dt.date(2020, 11, 13),
        cutoff=dt.datetime(2020, 11, 14, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich")),
        reason="The TD template changed.",
        set_by=secretariat,
    )
    assert json.loads(run("--meeting", seed_meeting.slug, "--json"))["td_posting"] == "2020-11-13"
    assert "(changed: The TD template changed.)" in run("--meeting", seed_meeting.slug)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2020-13-19", "--json"], "YYYY-MM-DD"),
        (["--start", "19/11/2020"], "YYYY-MM-DD"),
        (["--start", "2020-11-19", "--policy", "nope", "--json"], "Unknown deadline policy"),
        (["--meeting", "no-such-meeting", "--json"], "No meeting"),
        (["--json"], "exactly one of"),
        (["--start", "2020-11-19", "--meeting", "x"], "exactly one of"),
        (["--start", "2020-11-19", "--time-zone", "Mars/Base"], "time zone"),
        (["--start", "0001-01-05"], "Cannot compute"),
    ],
)
def test_it_refuses_bad_input_with_exit_code_2(args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)


def test_the_console_script_prints_json_and_a_one_line_error():
    env = {**os.environ, "PLENARY_ENV": "test"}
    ok = subprocess.run(  # noqa: S603 (fixed arguments)
        [_plenary(), "deadlines", "--start", "2020-11-19", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == SEED_JSON
    assert len(ok.stdout.strip().splitlines()) == 1

    bad = subprocess.run(  # noqa: S603 (fixed arguments)
        [_plenary(), "deadlines", "--start", "2020-02-30", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr
    assert "YYYY-MM-DD" in bad.stderr
