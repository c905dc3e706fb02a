"""The project's shared fixtures (tests/conftest.py), for the tests of this app."""

import pytest

from tests.conftest import (  # noqa: F401
    demo,
    outsider,
    secretariat,
    seed_meeting,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The demo sets nine passwords; a fast hasher keeps the tests of this app quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
