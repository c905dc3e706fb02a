"""Submitting a draft TD through the API: the page's permission, form and service."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from plenary.accounts.models import User
from plenary.api.models import ApiToken
from plenary.documents.models import Document, LiaisonDetails
from plenary.documents.tests.conftest import stored_files
from plenary.documents.tests.test_search import make_pdf
from plenary.documents.word import contribution_template_path
from plenary.groups.models import Body, Role

from .conftest import _token, bearer

pytestmark = pytest.mark.django_db

PDF = make_pdf(["A draft TD."])


@pytest.fixture
def media(tmp_path):
    """Where the project's conftest keeps each test's stored files."""
    assert str(settings.MEDIA_ROOT) == str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def questions(demo) -> list[Body]:
    wp1 = Body.objects.get(acronym="WP1/11")
    return [
        Body.objects.create(
            kind=Body.Kind.QUESTION, parent=wp1, number=n, acronym=f"Q{n}/11", title=f"Q {n}"
        )
        for n in (1, 2)
    ]


@pytest.fixture
def chair_token(chair) -> str:
    return _token(chair)


def _docx() -> bytes:
    return contribution_template_path().read_bytes()


def _submit(client, meeting, token, *, content=None, name="td.docx", **fields):
    data = {
        "file": SimpleUploadedFile(name, _docx() if content is None else content),
        "title": "Agenda update",
        "source": "Chairman, WP1/11",
        "level": "WP1",
        "purpose": "Admin",
        **fields,
    }
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(
        f"/api/v1/meetings/{meeting.slug}/tds", data, headers=bearer(token) if token else {}
    )


def _error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field
    return body


def test_the_chair_submits_a_draft_td(
    client, media, next_meeting, chair, questions, chair_token, delegate_token
):
    response = _submit(
        client,
        next_meeting,
        chair_token,
        questions=["Q1/11", "Q2/11"],
        keywords="agenda",
        abstract="The updated agenda.",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert body["code"] == document.file_code and "-DRAFT-" in body["code"]
    assert body["state"] == "submitted" and body["kind"] == "td"
    assert body["questions"] == ["Q1/11", "Q2/11"] and body["purpose"] == "Admin"
    assert document.submitted_by == chair and document.level == "WP1"
    assert document.abstract == "The updated agenda." and document.current_revision.size > 0
    assert len(stored_files(media)) == 1
    # A draft is the submitter's and the secretariat's until posted: 404 to others.
    response = client.get(f"/api/v1/documents/{body['code']}", headers=bearer(delegate_token))
    assert response.status_code == 404
    mine = client.get(f"/api/v1/documents/{body['code']}", headers=bearer(chair_token))
    assert mine.json()["state"] == "submitted"


def test_the_secretariat_submits_a_pdf_liaison_statement(
    client, media, next_meeting, secretariat_token
):
    response = _submit(
        client,
        next_meeting,
        secretariat_token,
        content=PDF,
        name="ls.pdf",
        title="LS/o on signalling requirements",
        level="plen",
        ls_for_action="ITU-T SG13",
        ls_deadline="2031-03-01",
        ls_approval="working_party",
    )
    assert response.status_code == 201, response.content
    liaison = LiaisonDetails.objects.get()
    assert liaison.for_action == "ITU-T SG13" and liaison.deadline.isoformat() == "2031-03-01"
    assert Document.objects.get().level == "PLEN"


def test_bad_cover_data_is_400_with_the_field_and_nothing_is_kept(
    client, media, next_meeting, questions, chair_token
):
    cases = [
        ({"level": "XYZ"}, "level"),
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"purpose": "Gossip"}, "purpose"),
        ({"questions": ["Q9/99"]}, "questions"),
        ({"questions": ["Q1/11\x00"]}, "questions"),
        ({"title": "Agenda\x00update"}, "title"),
        ({"file": None}, "file"),
        ({"content": b""}, "file"),
        ({"title": "LS/o on X", "ls_for_action": "SG13"}, "ls_deadline"),
    ]
    for fields, field in cases:
        response = _submit(client, next_meeting, chair_token, **fields)
        assert response.status_code == 400, (fields, response.content)
        assert response.json()["code"] == "invalid"
        assert response.json()["field"] == field, fields
    assert not Document.objects.exists() and stored_files(media) == []


def test_refused_files_are_422_and_large_ones_413(
    client, media, settings, next_meeting, chair_token
):
    response = _submit(client, next_meeting, chair_token, content=b"MZ\x90\x00 a program")
    body = _error(response, 422, "file_refused", "file")
    assert "executable" in body["message"]
    response = _submit(client, next_meeting, chair_token, name="td.docm")
    _error(response, 422, "file_refused", "file")
    settings.PLENARY_UPLOAD_MAX_BYTES = 100
    _error(_submit(client, next_meeting, chair_token), 413, "too_large")
    assert not Document.objects.exists() and stored_files(media) == []


def test_those_the_page_refuses_are_refused(
    client, media, next_meeting, draft_meeting, delegate_token, outsider_token, chair
):
    """Delegates and outsiders do not submit TDs; nor does a rapporteur of another study group."""
    other = User.objects.create_user("rapporteur-sg13@example.org", "x", name="SG13 rapporteur")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=other, name="rapporteur")
    for token in (delegate_token, outsider_token, _token(other)):
        _error(_submit(client, next_meeting, token), 403, "may_not_submit_td")
    _error(
        _submit(client, next_meeting, _token(chair, ApiToken.Scope.READ)), 403, "token_read_only"
    )
    _error(_submit(client, next_meeting, None), 401, "not_authenticated")
    _error(_submit(client, draft_meeting, delegate_token), 404, "not_found")
    assert not Document.objects.exists() and stored_files(media) == []
