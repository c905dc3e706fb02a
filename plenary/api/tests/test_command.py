"""`plenary token create`: the token alone on stdout; one line on stderr and exit 2 on errors."""

import hashlib
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from plenary.api.models import ApiToken


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_prints_the_token_alone(delegate):
    out = run("create", "--user", "Delegate@Example.org", "--scope", "read", "--name", "CRM")
    secret = out.strip()
    assert out == secret + "\n" and secret.startswith("pln_") and " " not in secret
    token = ApiToken.objects.get(user=delegate)
    assert (token.name, token.scope) == ("CRM", "read")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()


@pytest.mark.django_db
def test_it_names_the_token_when_no_name_is_given(delegate):
    run("create", "--user", delegate.email, "--scope", "read-write")
    assert ApiToken.objects.get(user=delegate).name == "Created with plenary token create"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--user", "nobody@example.org", "--scope", "read"], "No person with e-mail"),
        (["--user", "delegate@example.org", "--scope", "admin"], "--scope must be"),
        (["--user", "delegate@example.org"], "--scope must be"),
        (["--scope", "read"], "--user EMAIL is required"),
    ],
)
def test_it_refuses_bad_input_with_exit_2(demo, args, message):
    with pytest.raises(CommandError) as error:
        run("create", *args)
    assert error.value.returncode == 2
    assert message in str(error.value) and "\n" not in str(error.value)
    assert not ApiToken.objects.exists()


def test_the_real_command_writes_one_line_on_stderr(tmp_path):
    env = {**os.environ, "PLENARY_ENV": "test", "PLENARY_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "plenary",
            "token",
            "create",
            "--user",
            "x@example.org",
            "--scope",
            "write",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--scope must be read or read-write" in result.stderr
