"""The register page kept in the cache: constant queries whatever the register's size, a new
page after every write, and each reader's file links from the one kept table."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.documents import register, services
from plenary.documents.models import Document
from plenary.meetings.models import Meeting
from plenary.meetings.services.agenda import agenda_item_move
from tests import servers

from .conftest import bulk_posted_contributions, filled, register_contribution, upload


def _queries(client, url, **query) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _row(text: str, document: Document) -> str:
    return text.split(f'id="doc-{document.pk}"', 1)[1].split("</tr>", 1)[0]


def _builds():
    return mock.patch.object(register, "_render", wraps=register._render)


def test_it_takes_as_many_queries_for_2000_documents_as_for_100(client, next_meeting, delegate):
    client.force_login(delegate)
    url = reverse("documents:register", args=[next_meeting.slug])
    bulk_posted_contributions(next_meeting, delegate, count=100)
    built_at_100, _ = _queries(client, url)
    kept_at_100, text = _queries(client, url)
    assert text.count('<tr id="doc-') == 100 and "Page 1 of 1" not in text
    bulk_posted_contributions(next_meeting, delegate, count=1900, start=101)
    built_at_2000, text = _queries(client, url)
    assert "Page 1 of 20" in text
    kept_at_2000, _ = _queries(client, url)
    assert built_at_2000 == built_at_100
    assert kept_at_2000 == kept_at_100 < built_at_100
    assert _queries(client, url, page="20")[0] == built_at_100
    assert _queries(client, url, page="20")[0] == kept_at_100


def test_it_is_built_once_for_an_outsider_and_a_member(client, next_meeting, delegate, outsider):
    bulk_posted_contributions(next_meeting, delegate, count=3)
    document = Document.objects.get(number=2)
    url = reverse("documents:register", args=[next_meeting.slug])
    link = reverse("documents:download", args=[document.pk, document.current_revision_id])
    with _builds() as build:
        client.force_login(delegate)
        as_member = client.get(url).content.decode()
        client.force_login(outsider)
        as_outsider = client.get(url).content.decode()
        client.logout()
        anonymous = client.get(url).content.decode()
        client.force_login(delegate)
        again = client.get(url).content.decode()
    assert build.call_count == 1
    assert f'<a href="{link}">file</a>' in _row(as_member, document)
    assert f'<a href="{link}">file</a>' in _row(again, document)
    assert ">file</a>" not in as_outsider and ">file</a>" not in anonymous
    assert _row(as_outsider, document) == _row(as_member, document).replace(
        f' <a href="{link}">file</a>', ""
    )


def test_a_readers_buttons_are_not_kept(client, next_meeting, secretariat, delegate):
    bulk_posted_contributions(next_meeting, delegate, count=1)
    url = reverse("documents:register", args=[next_meeting.slug])
    queue = reverse("documents:td_queue", args=[next_meeting.slug])
    client.force_login(secretariat)
    assert queue in client.get(url).content.decode()
    client.force_login(delegate)
    assert queue not in client.get(url).content.decode()


def test_filters_are_kept_apart_and_free_text_is_not_kept(client, next_meeting, delegate):
    bulk_posted_contributions(next_meeting, delegate, count=3)
    late = Document.objects.get(number=2)
    late.late = True
    late.save()
    url = reverse("documents:register", args=[next_meeting.slug])
    with _builds() as build:
        everything = client.get(url).content.decode()
        only_late = client.get(url, {"late": "on"}).content.decode()
        assert client.get(url, {"late": "on"}).content.decode() == only_late
        assert build.call_count == 2
        for _ in range(2):
            client.get(url, {"source": "demo"})
        assert build.call_count == 4
        shown = {"kind": "", "question": "", "agenda_item": "", "source": "", "sort": "number"}
        for _ in range(2):
            assert client.get(url, shown).content.decode().count('<tr id="doc-') == 3
        assert build.call_count == 5
    assert everything.count('<tr id="doc-') == 3 and only_late.count('<tr id="doc-') == 1
    assert 'name="late" id="id_late" checked' in only_late


def test_the_page_changes_as_a_contribution_is_posted_revised_and_withdrawn(
    client, media, next_meeting, delegate, outsider
):
    document = register_contribution(next_meeting, delegate)
    url = reverse("documents:register", args=[next_meeting.slug])
    client.force_login(outsider)
    assert "not yet uploaded" in _row(client.get(url).content.decode(), document)
    upload(document, delegate, filled(document))
    row = _row(client.get(url).content.decode(), document)
    assert "not yet uploaded" not in row and 'title="en">E original<' in row
    upload(document, delegate, filled(document))
    assert 'title="en">E Rev.1<' in _row(client.get(url).content.decode(), document)
    services.document_withdraw(document=document, actor=delegate)
    assert '<span class="badge">withdrawn</span>' in _row(
        client.get(url).content.decode(), document
    )


def test_the_page_changes_as_documents_are_allocated_and_the_agenda_moves(
    client, next_meeting, chair, delegate
):
    bulk_posted_contributions(next_meeting, delegate, count=2)
    document = Document.objects.get(number=1)
    first, second = next_meeting.agenda_items.filter(parent=None).order_by("position")[:2]
    Document.objects.update(agenda_item=None)
    url = reverse("documents:register", args=[next_meeting.slug])
    assert "<td>2</td>" not in _row(client.get(url).content.decode(), document)
    services.documents_allocate(
        meeting=next_meeting, actor=chair, allocations={document.pk: second.pk}
    )
    assert "<td>2</td>" in _row(client.get(url).content.decode(), document)
    agenda_item_move(item=second, direction="up")
    assert "<td>1</td>" in _row(client.get(url).content.decode(), document)


def test_a_translation_request_shows_at_once(client, next_meeting, delegate):
    Meeting.objects.filter(pk=next_meeting.pk).update(languages=["en", "fr"])
    next_meeting.refresh_from_db()
    document = register_contribution(next_meeting, delegate)
    url = reverse("documents:register", args=[next_meeting.slug])
    assert "translation requested" not in client.get(url).content.decode()
    services.translation_request(document=document, actor=delegate, languages=["fr"])
    assert "translation requested" in _row(client.get(url).content.decode(), document)


# Many readers at once: one builds, the others wait a bounded time ---------------------------------

KEY = "documents:register:page:0:build-lock"
LOCK = f"{KEY}:building"


def _entry(text: str) -> register.Slotted:
    return register.Slotted(parts=[text], slots=[])


@pytest.fixture(scope="module")
def redis_server():
    with servers.redis_server() as url:
        yield url


@pytest.fixture(params=["local memory", "redis"])
def pages(request, settings):
    """The pages cache, as each of the two backends settings.py configures."""
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": request.getfixturevalue("redis_server"),
                "KEY_PREFIX": "pages",
            },
        }
    cache = caches["pages"]
    cache.clear()
    return cache


def test_a_missing_page_is_built_once_kept_and_the_lock_let_go(pages):
    build = mock.Mock(return_value=_entry("built"))
    with mock.patch.object(register, "_pause") as pause:
        assert register.cached(KEY, build) == _entry("built")
        assert register.cached(KEY, build) == _entry("built")
    assert build.call_count == 1 and pause.call_count == 0
    assert pages.get(KEY) == _entry("built")
    assert pages.get(LOCK) is None


def test_a_reader_waiting_on_another_build_gets_its_page_without_building(pages):
    assert pages.add(LOCK, True, register.BUILD_LOCK_SECONDS)  # another request is building
    looks = []

    def the_other_request_keeps_it_meanwhile():
        looks.append(True)
        if len(looks) == 3:
            pages.set(KEY, _entry("built by the other request"), 60)

    build = mock.Mock(return_value=_entry("built here"))
    with mock.patch.object(register, "_pause", side_effect=the_other_request_keeps_it_meanwhile):
        assert register.cached(KEY, build) == _entry("built by the other request")
    assert build.call_count == 0 and len(looks) == 3


def test_a_reader_whose_wait_runs_out_builds_the_page_itself(pages):
    assert pages.add(LOCK, True, register.BUILD_LOCK_SECONDS)
    build = mock.Mock(return_value=_entry("built here"))
    with mock.patch.object(register, "_pause") as pause:
        assert register.cached(KEY, build) == _entry("built here")
    assert pause.call_count == register.BUILD_POLLS
    assert register.BUILD_POLLS * register.BUILD_POLL_SECONDS <= 0.5
    assert build.call_count == 1
    assert pages.get(KEY) == _entry("built here")
    assert pages.get(LOCK) is True  # the other request's lock is left to it


def test_the_lock_is_let_go_after_a_build_that_raised(pages):
    with mock.patch.object(register, "_pause") as pause:
        with pytest.raises(RuntimeError):
            register.cached(KEY, mock.Mock(side_effect=RuntimeError("the build failed")))
        assert pages.get(LOCK) is None and pages.get(KEY) is None
        assert register.cached(KEY, mock.Mock(return_value=_entry("next"))) == _entry("next")
    assert pause.call_count == 0


def test_a_waiting_reader_takes_the_build_over_when_the_builder_lets_go_without_it(pages):
    assert pages.add(LOCK, True, register.BUILD_LOCK_SECONDS)
    build = mock.Mock(return_value=_entry("built here"))
    with mock.patch.object(register, "_pause", side_effect=lambda: pages.delete(LOCK)) as pause:
        assert register.cached(KEY, build) == _entry("built here")
    assert pause.call_count == 1 and build.call_count == 1
    assert pages.get(KEY) == _entry("built here") and pages.get(LOCK) is None
