"""Fixtures of the API tests: the shared personas, tokens, and a clean rate-limit cache."""

import pytest
from django.core.cache import cache

from plenary.api.models import ApiToken
from plenary.api.services import token_create
from plenary.meetings.models import Meeting


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with unspent rate-limit windows."""
    cache.clear()
    yield
    cache.clear()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _token(user, scope=ApiToken.Scope.READ_WRITE) -> str:
    return token_create(user=user, name="test", scope=scope)[1]


@pytest.fixture
def delegate_token(delegate) -> str:
    return _token(delegate)


@pytest.fixture
def delegate_read_token(delegate) -> str:
    return _token(delegate, ApiToken.Scope.READ)


@pytest.fixture
def secretariat_token(secretariat) -> str:
    return _token(secretariat)


@pytest.fixture
def outsider_token(outsider) -> str:
    return _token(outsider)


@pytest.fixture
def draft_meeting(seed_meeting) -> Meeting:
    """A draft of the next WP1/11 meeting: only the secretariat knows it exists."""
    draft = Meeting.objects.get(pk=seed_meeting.pk)
    draft.pk = None
    draft.slug = "sg11-wp1-draft"
    draft.title = "Draft meeting of Working Party 1/11"
    draft.status = Meeting.Status.DRAFT
    draft.save()
    return draft
