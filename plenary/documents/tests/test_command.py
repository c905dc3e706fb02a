"""`plenary coverpage FILE [--json]`."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plenary.documents.tests import wordkit as kit
from plenary.documents.tests.test_coverpage import filled_contribution, filled_liaison

KEYS = {
    "kind",
    "number",
    "revision",
    "study_group",
    "study_period",
    "original_language",
    "questions",
    "place_and_date",
    "place",
    "date",
    "meeting",
    "working_party",
    "source",
    "title",
    "purpose",
    "keywords",
    "for_action",
    "for_comment",
    "for_information",
    "approval",
    "deadline",
    "contacts",
    "abstract",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("coverpage", *args, stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object(tmp_path):
    path = tmp_path / "SG11-C123.docx"
    path.write_bytes(filled_contribution())

    data = json.loads(run(str(path), "--json"))

    assert set(data) == KEYS
    assert data["number"] == "SG11-C123"
    assert data["questions"] == ["1/11", "2/11"]
    assert [c["name"] for c in data["contacts"]] == ["Delegate A", "Delegate B"]
    assert set(data["contacts"][0]) == {"name", "organization", "country", "tel", "email"}


def test_it_prints_the_template_as_shipped_with_empty_fields():
    data = json.loads(run(str(kit.liaison_template()), "--json"))

    assert data["kind"] == "LIAISON STATEMENT"
    assert data["questions"] == data["contacts"] == []
    assert data["title"] is None


def test_it_prints_a_readable_listing_without_json(tmp_path):
    path = tmp_path / "ls.docx"
    path.write_bytes(filled_liaison())

    text = run(str(path))

    assert "Kind: LIAISON STATEMENT" in text
    assert "For action to: ITU-T SG13, ITU-T SG17" in text
    assert "Contact 3:\n    Name: Delegate B" in text
    assert "{" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Minutes of the meeting\n", "not a Word document"),
        (None, "no such file"),
    ],
)
def test_it_fails_with_exit_code_2(tmp_path, content, message):
    path = tmp_path / "upload.docx"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message) as caught:
        run(str(path), "--json")

    assert caught.value.returncode == 2


def test_the_installed_command_exits_2_with_one_line_and_no_traceback(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_text("These are notes, not a Word document.\n")
    # The console script installed beside this interpreter, as a person would run it.
    plenary = Path(sys.executable).parent / "plenary"

    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [str(plenary), "coverpage", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PLENARY_ENV": "test"},
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert "not a Word document" in result.stderr
    assert "Traceback" not in result.stderr
