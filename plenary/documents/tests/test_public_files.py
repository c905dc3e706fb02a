"""The secretariat makes a document's files public, or members-only again, from its page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from plenary.accounts.models import User
from plenary.documents import services
from plenary.documents.models import Document
from plenary.groups.models import Body, Role

from .conftest import posted_contribution
from .test_search import make_pdf


@pytest.fixture
def posted(media, next_meeting, delegate) -> Document:
    return posted_contribution(next_meeting, delegate)


@pytest.fixture
def sg13_secretariat(demo) -> User:
    """The counsellor of another study group: secretariat, but not of this meeting's."""
    person = User.objects.create_user(email="sg13-counsellor@example.org", name="SG13 counsellor")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=person, name="counsellor")
    return person


def _mark(client, document, access, **kwargs):
    return client.post(
        reverse("documents:access", args=[document.pk]), {"access": access}, **kwargs
    )


def _download(client, document):
    return client.get(
        reverse("documents:download", args=[document.pk, document.current_revision_id])
    )


def test_it_offers_the_secretariat_the_button(client, posted, secretariat):
    client.force_login(secretariat)
    page = client.get(posted.get_absolute_url()).content.decode()
    assert reverse("documents:access", args=[posted.pk]) in page
    assert "Make the file public" in page and "Make the file members-only" not in page


@pytest.mark.parametrize("persona", ["delegate", "chair", "academic", "outsider"])
def test_it_offers_no_button_to_others(client, posted, persona, request):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(posted.get_absolute_url()).content.decode()
    assert reverse("documents:access", args=[posted.pk]) not in page


def test_it_opens_the_file_to_anonymous_visitors_and_closes_it_again(client, posted, secretariat):
    assert _download(Client(), posted).status_code == 302  # to sign in
    client.force_login(secretariat)
    response = _mark(client, posted, "public", follow=True)
    assert response.redirect_chain[-1][0] == posted.get_absolute_url()
    assert f"The file of {posted.display_number} is now public" in response.content.decode()
    assert "Make the file members-only" in response.content.decode()
    posted.refresh_from_db()
    assert posted.is_public
    assert _download(Client(), posted).status_code == 200

    response = _mark(client, posted, "members", follow=True)
    assert f"The file of {posted.display_number} is now members-only" in (response.content.decode())
    posted.refresh_from_db()
    assert not posted.is_public
    response = _download(Client(), posted)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_register_shows_the_new_access_at_once(client, posted, secretariat):
    """The register's pages are kept in the cache: the change must reach them at once."""
    link = reverse("documents:download", args=[posted.pk, posted.current_revision_id])
    register = reverse("documents:register", args=[posted.meeting.slug])
    api = f"/api/v1/meetings/{posted.meeting.slug}/documents"
    visitor = Client()
    assert link not in visitor.get(register).content.decode()
    assert visitor.get(api).json()["items"][0]["readable"] is False
    client.force_login(secretariat)
    _mark(client, posted, "public")
    assert link in visitor.get(register).content.decode()
    assert visitor.get(api).json()["items"][0]["readable"] is True
    _mark(client, posted, "members")
    assert link not in visitor.get(register).content.decode()
    assert visitor.get(api).json()["items"][0]["readable"] is False


def test_the_history_says_who_changed_the_access(client, posted, secretariat):
    client.force_login(secretariat)
    _mark(client, posted, "public")
    _mark(client, posted, "members")
    events = posted.events.filter(type="access").order_by("at", "pk")
    assert [(e.actor, e.detail) for e in events] == [
        (secretariat, "made public"),
        (secretariat, "made members-only"),
    ]
    page = client.get(reverse("documents:detail", args=[posted.pk])).content.decode()
    assert "File access changed: made members-only" in page


def test_asking_for_the_access_it_has_changes_nothing(client, posted, secretariat):
    client.force_login(secretariat)
    response = _mark(client, posted, "members", follow=True)
    assert "is already members-only" in response.content.decode()
    assert not posted.events.filter(type="access").exists()


def test_a_draft_marked_public_opens_once_posted(client, media, next_meeting, chair, secretariat):
    draft = services.td_submit(
        meeting=next_meeting,
        actor=chair,
        fileobj=SimpleUploadedFile("td.pdf", make_pdf(["Agenda update"])),
        filename="td.pdf",
        title="Agenda update",
        source="Chairman, WP1/11",
        level="WP1",
    )
    client.force_login(secretariat)
    response = _mark(client, draft, "public", follow=True)
    assert "anyone may download it once it is posted" in response.content.decode()
    assert _download(Client(), draft).status_code == 404
    services.td_post(document=draft, actor=secretariat)
    assert _download(Client(), draft).status_code == 200


@pytest.mark.parametrize(
    "persona", ["delegate", "chair", "academic", "outsider", "sg13_secretariat"]
)
def test_it_refuses_everyone_but_the_meetings_secretariat(client, posted, persona, request):
    """The submitter, the meeting's chair, a member, an outsider and another study group's
    secretariat alike."""
    client.force_login(request.getfixturevalue(persona))
    assert _mark(client, posted, "public").status_code == 403
    posted.refresh_from_db()
    assert not posted.is_public


def test_it_sends_anonymous_visitors_to_sign_in(client, posted):
    response = _mark(client, posted, "public")
    assert response.status_code == 302 and "login" in response["Location"]
    posted.refresh_from_db()
    assert not posted.is_public


def test_it_takes_post_only_with_its_csrf_token(posted, secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("documents:access", args=[posted.pk])
    assert client.get(url, {"access": "public"}).status_code == 405
    assert client.post(url, {"access": "public"}).status_code == 403
    posted.refresh_from_db()
    assert not posted.is_public


def test_it_refuses_an_unknown_choice(client, posted, secretariat):
    client.force_login(secretariat)
    response = _mark(client, posted, "everyone", follow=True)
    assert "Say whether the file is to be public or members-only." in response.content.decode()
    posted.refresh_from_db()
    assert not posted.is_public


def test_a_collective_letters_access_is_not_changed(client, posted, secretariat):
    """A letter is open to everyone whatever its mark: no button, and the service refuses."""
    Document.objects.filter(pk=posted.pk).update(kind=Document.Kind.COLLECTIVE_LETTER)
    letter = Document.objects.get(pk=posted.pk)
    client.force_login(secretariat)
    assert "Make the file public" not in client.get(letter.get_absolute_url()).content.decode()
    with pytest.raises(services.DocumentRefused, match="open to everyone"):
        services.document_access_set(document=letter, actor=secretariat, public=True)
    response = _mark(client, letter, "public", follow=True)
    assert "A collective letter is open to everyone whatever its mark." in (
        response.content.decode()
    )
    letter.refresh_from_db()
    assert not letter.is_public
