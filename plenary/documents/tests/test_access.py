"""The one access rule, walked over every route that returns a file."""

import io
import zipfile

import pytest
from django.urls import reverse

from plenary.accounts.models import User
from plenary.documents.models import Document
from plenary.documents.permissions import can_read_document_file, documents_with_readable_files
from plenary.registrations.models import Registration

from .conftest import filled, register_contribution, upload


@pytest.fixture
def posted(media, next_meeting, delegate) -> Document:
    document = register_contribution(next_meeting, delegate)
    upload(document, delegate, filled(document))
    document.refresh_from_db()
    return document


def _download(client, document):
    return client.get(
        reverse("documents:download", args=[document.pk, document.current_revision_id])
    )


def _zip_names(client, meeting) -> list[str]:
    response = client.get(reverse("documents:zip", args=[meeting.slug]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return zipfile.ZipFile(io.BytesIO(content)).namelist()


def test_a_member_gets_the_file_from_every_route(client, posted, academic):
    client.force_login(academic)
    response = _download(client, posted)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"
    assert _zip_names(client, posted.meeting) == [posted.current_revision.download_name]
    page = client.get(posted.get_absolute_url()).content.decode()
    assert posted.current_revision.download_name in page


def test_an_outsider_sees_the_title_but_gets_no_file(client, posted, outsider):
    client.force_login(outsider)
    assert _download(client, posted).status_code == 403
    assert _zip_names(client, posted.meeting) == []
    page = client.get(posted.get_absolute_url()).content.decode()
    assert posted.title in page and posted.current_revision.download_name not in page
    register = client.get(reverse("documents:register", args=[posted.meeting.slug]))
    text = register.content.decode()
    assert posted.title in text
    assert reverse("documents:download", args=[posted.pk, posted.current_revision_id]) not in text


def test_an_anonymous_visitor_is_sent_to_sign_in_and_gets_an_empty_zip(client, posted):
    response = _download(client, posted)
    assert response.status_code == 302 and "login" in response["Location"]
    assert _zip_names(client, posted.meeting) == []


def test_an_associate_of_another_study_group_gets_no_file(client, posted, associate):
    client.force_login(associate)
    assert _download(client, posted).status_code == 403
    assert _zip_names(client, posted.meeting) == []


def test_an_approved_invited_expert_of_the_meeting_reads_its_files(client, posted, secretariat):
    expert = User.objects.create_user(email="expert@example.org", name="Invited expert")
    registration = Registration.objects.create(
        meeting=posted.meeting,
        person=expert,
        mode=Registration.Mode.REMOTE,
        delegation_role=Registration.DelegationRole.INVITED_EXPERT,
        state=Registration.State.PENDING,
        registered_by=secretariat,
    )
    assert not can_read_document_file(expert, posted)
    registration.state = Registration.State.APPROVED
    registration.save()
    assert can_read_document_file(expert, posted)
    client.force_login(expert)
    assert _download(client, posted).status_code == 200


def test_a_public_document_is_open_to_all(client, posted):
    Document.objects.filter(pk=posted.pk).update(is_public=True)
    assert _download(client, posted).status_code == 200
    assert _zip_names(client, posted.meeting) == [posted.current_revision.download_name]


def test_the_rule_and_its_query_form_agree(posted, outsider, academic, associate, secretariat):
    people = [None, outsider, academic, associate, secretariat]
    for person in people:
        as_set = set(documents_with_readable_files(person, Document.objects.all()))
        user = person if person is not None else _anonymous()
        assert (posted in as_set) == can_read_document_file(user, posted)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_a_draft_td_is_hidden_from_others(client, media, next_meeting, chair, academic):
    from plenary.documents import services
    from plenary.documents.word import contribution_template_path

    with contribution_template_path().open("rb") as handle:
        draft = services.td_submit(
            meeting=next_meeting,
            actor=chair,
            fileobj=handle,
            filename="agenda.docx",
            title="Agenda update",
            source="Chairman, WP1/11",
            level="WP1",
        )
    client.force_login(academic)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert _download(client, draft).status_code == 404
    client.force_login(chair)
    assert _download(client, draft).status_code == 200
