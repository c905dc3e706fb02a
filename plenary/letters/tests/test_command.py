import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from plenary.letters.tests.reference import FACTS, docx_text, html_text, normalize


def test_it_writes_the_word_file(seed_meeting, tmp_path):
    path = tmp_path / "letter.docx"
    call_command("letter", meeting=seed_meeting.slug, file_format="docx", output=str(path))
    text = normalize(docx_text(path.read_bytes()))
    assert [fact for fact in FACTS if normalize(fact) not in text] == []


def test_it_writes_the_html_document(seed_meeting, tmp_path):
    path = tmp_path / "letter.html"
    call_command("letter", "--meeting", seed_meeting.slug, "--format", "html", "-o", str(path))
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    text = normalize(html_text(html))
    assert [fact for fact in FACTS if normalize(fact) not in text] == []


@pytest.mark.parametrize(
    ("slug", "file_format", "where", "message"),
    [
        ("no-such-meeting", "docx", "letter.docx", "No meeting"),
        (None, "pdf", "letter.pdf", "Unknown format"),
        (None, "docx", "missing-folder/letter.docx", "Cannot write"),
    ],
)
def test_it_refuses_bad_input_with_exit_code_2(
    seed_meeting, tmp_path, slug, file_format, where, message
):
    with pytest.raises(CommandError) as raised:
        call_command(
            "letter",
            meeting=slug or seed_meeting.slug,
            file_format=file_format,
            output=str(tmp_path / where),
        )
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_it_prints_one_line_and_exits_2_from_the_shell(tmp_path):
    env = {**os.environ, "PLENARY_ENV": "test"}
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "plenary",
            "letter",
            "--meeting",
            "any",
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "x.pdf"),
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "Unknown format 'pdf'" in done.stderr
    assert not (tmp_path / "x.pdf").exists()
