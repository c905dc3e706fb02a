"""The upload page refuses a file past the size limit before reading it, and keeps nothing."""

import os

import pytest
from django.urls import reverse

from plenary.documents.models import Document, DocumentEvent, Revision

from .conftest import filled, register_contribution, rezip, stored_files, upload_file

LIMIT = 1024 * 1024


@pytest.fixture
def small_limit(settings):
    settings.PLENARY_UPLOAD_MAX_BYTES = LIMIT


def _filled_with_picture(document: Document, size: int) -> bytes:
    """The document's own filled template, made ``size`` bytes larger by a random picture."""
    return rezip(filled(document), add={"word/media/photo.png": os.urandom(size)})


def _post(client, document: Document, content: bytes):
    return client.post(
        reverse("documents:upload", args=[document.pk]),
        {"file": upload_file(content), "language": "E"},
        follow=True,
    )


def test_it_refuses_a_file_past_the_limit_and_keeps_nothing(
    client, media, small_limit, next_meeting, delegate
):
    document = register_contribution(next_meeting, delegate)
    content = _filled_with_picture(document, 2 * LIMIT)
    client.force_login(delegate)
    response = _post(client, document, content)
    assert response.redirect_chain == [(document.get_absolute_url(), 302)]
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["The file is past the limit of 1 MB."]
    document.refresh_from_db()
    assert document.state == Document.State.RESERVED
    assert document.current_revision is None
    assert not Revision.objects.exists()
    assert not DocumentEvent.objects.filter(type=DocumentEvent.Type.UPLOADED).exists()
    assert stored_files(media) == []


def test_it_takes_a_file_under_the_limit(client, media, small_limit, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    content = _filled_with_picture(document, LIMIT // 2)
    client.force_login(delegate)
    response = _post(client, document, content)
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"The file of {document.display_number} is posted."]
    document.refresh_from_db()
    assert document.state == Document.State.POSTED
    assert [path.read_bytes() for path in stored_files(media)] == [content]
