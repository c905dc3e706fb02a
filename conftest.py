"""Fixtures shared by every test of the project: the demo data and the people tests act as."""

import pytest
from django.core.cache import caches

from plenary.accounts.models import User
from plenary.core.demo import DEMO_MEETING, NEXT_MEETING, load_demo
from plenary.meetings.models import Meeting


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: kept register pages, sessions, rate-limit counts (the
    database starts again in each test; what a cache kept of the last one must not leak in)."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Files the tests store go to a folder of their own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """The demo as `plenary demo` loads it, without its records: no document register (which
    would take the numbers the document tests expect; plenary/documents/tests load it where
    needed), decisions or registrations."""
    return load_demo(records=False)


@pytest.fixture
def seed_meeting(demo) -> Meeting:
    return Meeting.objects.get(slug=DEMO_MEETING)


@pytest.fixture
def next_meeting(demo) -> Meeting:
    return Meeting.objects.get(slug=NEXT_MEETING)


def _persona(email):
    @pytest.fixture
    def fixture(demo) -> User:
        return User.objects.get(email=email)

    return fixture


secretariat = _persona("secretariat@example.org")
chair = _persona("chair@example.org")
sg_chairman = _persona("sg11-chairman@example.org")
focal_point = _persona("focalpoint@example.org")
delegate = _persona("delegate@example.org")
associate = _persona("associate@example.org")
academic = _persona("academic@example.org")
outsider = _persona("outsider@example.org")
