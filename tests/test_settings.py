"""Settings are read from the environment and refuse values they cannot use."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from plenary.env import env_bool, env_choice, env_int, env_list


def _clean_environment() -> dict[str, str]:
    """This process's environment less what the test run itself set (the browser tests lift
    Django's async guard, which the deploy checks rightly flag)."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PLENARY_", "DATABASE_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }


def _load_settings(tmp_path, **env):
    """Import the settings module in a fresh interpreter with the given environment."""
    base = _clean_environment()
    base.pop("SECRET_KEY", None)
    base.update({"PLENARY_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import plenary.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", default=True) is False


def test_it_refuses_a_boolean_it_cannot_read(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_it_refuses_a_non_integer_and_a_too_small_integer(monkeypatch):
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 5, minimum=1)


def test_it_splits_lists_and_checks_choices(monkeypatch):
    monkeypatch.setenv("X_LIST", " a.example, ,b.example ")
    assert env_list("X_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_CHOICE", "staging")
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env_choice("X_CHOICE", ("development", "production"), "development")


def test_it_defaults_to_sqlite_under_var_and_keeps_a_generated_secret_key(tmp_path):
    result = _load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    again = _load_settings(tmp_path)
    assert again.returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_it_uses_postgresql_from_database_url(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/plenary")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_it_refuses_an_unknown_database(tmp_path):
    result = _load_settings(tmp_path, DATABASE_URL="mysql://u@127.0.0.1/plenary")
    assert result.returncode != 0
    assert "DATABASE_URL must be sqlite or postgres" in result.stderr


def test_it_requires_a_secret_key_and_hosts_in_production(tmp_path):
    result = _load_settings(tmp_path, PLENARY_ENV="production", ALLOWED_HOSTS="plenary.example")
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    result = _load_settings(tmp_path, PLENARY_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is required" in result.stderr


def test_it_refuses_debug_in_production(tmp_path):
    result = _load_settings(
        tmp_path,
        PLENARY_ENV="production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="p.example",
        DEBUG="1",
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_it_refuses_an_unknown_environment_name(tmp_path):
    result = _load_settings(tmp_path, PLENARY_ENV="staging")
    assert result.returncode != 0
    assert "PLENARY_ENV must be one of" in result.stderr


def test_it_passes_the_deploy_checks_in_production(tmp_path):
    env = _clean_environment()
    env.update(
        PLENARY_ENV="production",
        PLENARY_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="plenary.example",
    )
    result = subprocess.run(
        [sys.executable, "-m", "plenary", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
