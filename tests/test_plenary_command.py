"""The `plenary` console script wraps Django's management commands."""

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _plenary() -> list[str]:
    script = Path(sys.executable).parent / "plenary"
    return [str(script)] if script.exists() else [shutil.which("plenary") or "plenary"]


def test_it_lists_the_product_commands():
    result = subprocess.run(
        [*_plenary(), "help"], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "demo", "serve", "createsuperuser", "worker"):
        assert command in result.stdout


def test_it_refuses_a_bad_port():
    result = subprocess.run(
        [*_plenary(), "serve", "--port", "70000"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "--port must be between 1 and 65535" in result.stderr
