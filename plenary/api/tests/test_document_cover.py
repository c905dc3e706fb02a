"""The cover data the API takes and gives beyond the register's: contacts, and a liaison
statement's addressees, approval and deadline."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.documents import services
from plenary.documents.models import Document, contact_of
from plenary.documents.tests.conftest import posted_contribution, stored_files
from plenary.documents.tests.test_search import make_pdf

from .conftest import _token, bearer

pytestmark = pytest.mark.django_db

PDF = make_pdf(["A draft TD."])
RAPPORTEUR = {
    "name": "Rapporteur for Q1/11",
    "organization": "Acme Networks",
    "country": "Switzerland",
    "tel": "+41 22 730 0000",
    "email": "rapporteur@acme.example",
}
EDITOR = {"name": "Editor of Q.SCC", "email": "editor@builders.example"}
EDITOR_IN_FULL = {**EDITOR, "organization": "", "country": "", "tel": ""}


@pytest.fixture
def media(tmp_path):
    return tmp_path / "media"


@pytest.fixture
def chair_token(chair) -> str:
    return _token(chair)


def _reserve(client, meeting, token, **body):
    return client.post(
        f"/api/v1/meetings/{meeting.slug}/contributions",
        {"title": "Signalling for X", "source": "Acme", **body},
        content_type="application/json",
        headers=bearer(token),
    )


def _submit(client, meeting, token, **fields):
    data = {
        "file": SimpleUploadedFile("td.pdf", PDF),
        "title": "Agenda update",
        "source": "Chairman, WP1/11",
        "level": "WP1",
        "purpose": "Admin",
        **fields,
    }
    return client.post(f"/api/v1/meetings/{meeting.slug}/tds", data, headers=bearer(token))


def _invalid(response, field: str) -> str:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == field, body
    return body["message"]


# Contacts --------------------------------------------------------------------------------------


def test_a_contribution_is_registered_with_its_contacts(client, next_meeting, delegate_token):
    response = _reserve(client, next_meeting, delegate_token, contacts=[RAPPORTEUR, EDITOR])
    assert response.status_code == 201, response.content
    assert response.json()["contacts"] == [RAPPORTEUR, EDITOR_IN_FULL]
    assert Document.objects.get().contacts == [RAPPORTEUR, EDITOR_IN_FULL]


def test_a_contribution_without_contacts_names_the_caller(
    client, next_meeting, delegate, delegate_token
):
    for contacts in (None, []):
        body = {} if contacts is None else {"contacts": contacts}
        response = _reserve(client, next_meeting, delegate_token, **body)
        assert response.json()["contacts"] == [contact_of(delegate)]


@pytest.mark.parametrize(
    ("contacts", "field", "message"),
    [
        ([RAPPORTEUR, {**EDITOR, "name": " "}], "contacts", "Contact 2: a name is required."),
        ([{**RAPPORTEUR, "email": "rapporteur-at-acme"}], "contacts", "is not a valid e-mail"),
        (
            [{**RAPPORTEUR, "tel": "1" * 201}],
            "contacts",
            "Contact 1: the telephone is longer than 200",
        ),
        ([EDITOR] * 11, "contacts", "Give at most 10 contacts (11 are given)."),
        ([{**EDITOR, "country": "CH\x00"}], "contacts", "Contact 1: the country holds a NUL"),
        (
            [{**EDITOR, "organization": "Ministry; Telecom Department"}],
            "contacts",
            "Contact 1: the organization holds a “;” or a line break.",
        ),
        ([{**EDITOR, "name": "Editor\nof Q.SCC"}], "contacts", "the name holds a “;”"),
        ([{**EDITOR, "e-mail": "x@y.example"}], "contacts.e-mail", "Extra inputs"),
        ([{"email": "x@y.example"}], "contacts.name", "required"),
    ],
)
def test_a_contribution_with_bad_contacts_is_400_naming_the_field(
    client, next_meeting, delegate_token, contacts, field, message
):
    response = _reserve(client, next_meeting, delegate_token, contacts=contacts)
    assert message in _invalid(response, field)
    assert not Document.objects.exists()


def test_a_draft_td_is_submitted_with_its_contacts(client, media, next_meeting, chair_token):
    response = _submit(client, next_meeting, chair_token, contacts=json.dumps([EDITOR, RAPPORTEUR]))
    assert response.status_code == 201, response.content
    assert response.json()["contacts"] == [EDITOR_IN_FULL, RAPPORTEUR]
    assert Document.objects.get().contacts == [EDITOR_IN_FULL, RAPPORTEUR]


def test_a_draft_td_without_contacts_names_the_caller(
    client, media, next_meeting, chair, chair_token
):
    for contacts in ("", "[]"):
        response = _submit(client, next_meeting, chair_token, contacts=contacts)
        assert response.json()["contacts"] == [contact_of(chair)]


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        (json.dumps([RAPPORTEUR, {**EDITOR, "name": ""}]), "Contact 2: a name is required."),
        (
            json.dumps([{**RAPPORTEUR, "email": "nope"}]),
            "Contact 1: \u201cnope\u201d is not a valid",
        ),
        (json.dumps([EDITOR] * 11), "Give at most 10 contacts"),
        (json.dumps([{**EDITOR, "name": "Editor\x00"}]), "Contact 1: the name holds a NUL"),
        (json.dumps([{**EDITOR, "phone": "1"}]), "contact 1 phone: Extra inputs"),
        (json.dumps(EDITOR), "Give contacts as a JSON array of objects"),
        ("Editor; Builders", "Give contacts as a JSON array of objects"),
    ],
)
def test_a_draft_td_with_bad_contacts_is_400_and_nothing_is_kept(
    client, media, next_meeting, chair_token, contacts, message
):
    response = _submit(client, next_meeting, chair_token, contacts=contacts)
    assert message in _invalid(response, "contacts")
    assert not Document.objects.exists() and stored_files(media) == []


def test_the_schema_documents_contacts_and_the_liaison_object(client):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    detail = components["DocumentDetail"]["properties"]
    assert {"contacts", "liaison"} <= set(detail)
    assert "null for every other document" in detail["liaison"]["description"]
    assert set(components["LiaisonOut"]["properties"]) == {
        "direction",
        "is_reply",
        "for_action",
        "for_comment",
        "for_information",
        "approval",
        "deadline",
    }
    form = schema["paths"]["/api/v1/meetings/{slug}/tds"]["post"]["requestBody"]["content"]
    assert "contacts" in form["multipart/form-data"]["schema"]["properties"]
    assert "contacts" in components["ContributionIn"]["properties"]


# The liaison statement's fields ----------------------------------------------------------------


def _posted_td(meeting, chair, secretariat, *, title, liaison=None) -> Document:
    draft = services.td_submit(
        meeting=meeting,
        actor=chair,
        fileobj=SimpleUploadedFile("td.pdf", PDF),
        filename="td.pdf",
        title=title,
        source="Chairman, WP1/11",
        level="WP1",
        liaison=liaison,
    )
    return services.td_post(document=draft, actor=secretariat)


@pytest.fixture
def ls(media, next_meeting, chair, secretariat) -> Document:
    return _posted_td(
        next_meeting,
        chair,
        secretariat,
        title="LS/o/r on signalling",
        liaison={
            "direction": "outgoing",
            "is_reply": True,
            "for_action": "ITU-T SG13",
            "for_comment": "",
            "for_information": "IETF",
            "approval": "rapporteur_group",
            "deadline": dt.date(2030, 3, 1),
        },
    )


def test_the_detail_gives_a_liaison_statements_fields(client, ls):
    body = client.get(f"/api/v1/documents/{ls.file_code}").json()
    assert body["liaison"] == {
        "direction": "outgoing",
        "is_reply": True,
        "for_action": "ITU-T SG13",
        "for_comment": "",
        "for_information": "IETF",
        "approval": "rapporteur_group",
        "deadline": "2030-03-01",
    }


def test_other_documents_have_no_liaison_object(client, media, next_meeting, chair, secretariat):
    td = _posted_td(next_meeting, chair, secretariat, title="Agenda update")
    contribution = services.contribution_register(
        meeting=next_meeting, actor=chair, title="Signalling", source="Acme"
    )
    for document in (td, contribution):
        assert client.get(f"/api/v1/documents/{document.file_code}").json()["liaison"] is None


def test_the_detail_takes_as_many_queries_for_a_liaison_statement(
    client, ls, next_meeting, chair, secretariat, delegate
):
    """The liaison statement's fields are read with the document: a TD, with or without them,
    costs what a contribution costs."""
    td = _posted_td(next_meeting, chair, secretariat, title="Agenda update")
    contribution = posted_contribution(next_meeting, delegate)

    def queries(document) -> int:
        url = f"/api/v1/documents/{document.file_code}"
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    for reader in (None, chair):
        if reader is not None:
            client.force_login(reader)
        assert queries(ls) == queries(td) == queries(contribution)


def test_contacts_are_for_those_who_may_read_the_file(
    client, next_meeting, delegate_token, outsider
):
    """A contact's e-mail and telephone are the file's cover page, not public metadata."""
    response = _reserve(client, next_meeting, delegate_token, contacts=[RAPPORTEUR])
    code = response.json()["code"]
    url = f"/api/v1/documents/{code}"
    assert client.get(url, headers=bearer(delegate_token)).json()["contacts"] == [RAPPORTEUR]
    assert client.get(url).json()["contacts"] == []
    assert client.get(url, headers=bearer(_token(outsider))).json()["contacts"] == []
