"""The document routes: public metadata, files through the one access rule, search, queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.api.pagination import Ordering, encode_cursor
from plenary.documents import services
from plenary.documents.models import Document, Revision
from plenary.documents.tests.conftest import (
    bulk_posted_contributions,
    filled,
    register_contribution,
    upload,
)
from plenary.documents.tests.test_search import with_body
from plenary.groups.models import Body

from .conftest import bearer

pytestmark = pytest.mark.django_db

SECRET = "Quokkafrequency"  # a word only the file's text holds


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
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
def posted(media, next_meeting, delegate, questions, django_capture_on_commit_callbacks):
    """A posted contribution whose file says SECRET, indexed for search."""
    with django_capture_on_commit_callbacks(execute=True):
        document = register_contribution(
            next_meeting,
            delegate,
            title="Signalling for cooperative controllers",
            questions=questions[:1],
        )
        upload(document, delegate, with_body(filled(document), [f"The {SECRET} parameter."]))
    document.refresh_from_db()
    return document


@pytest.fixture
def reserved(next_meeting, delegate) -> Document:
    return register_contribution(next_meeting, delegate, title="Still to be written", source="Acme")


def _codes(response) -> list[str]:
    return [d["code"] for d in response.json()["items"]]


# The register ----------------------------------------------------------------------------------


def test_the_register_gives_the_metadata_to_everyone(client, posted, reserved, outsider_token):
    url = f"/api/v1/meetings/{posted.meeting.slug}/documents"
    response = client.get(url, headers=bearer(outsider_token))
    assert response.status_code == 200
    body = response.json()
    assert _codes(response) == [posted.file_code, reserved.file_code]
    first = body["items"][0]
    assert first["number"] == posted.display_number
    assert first["title"] == "Signalling for cooperative controllers"
    assert first["questions"] == ["Q1/11"] and first["revision"] == 0
    assert first["languages"] == ["E"] and first["state"] == "posted"
    assert first["readable"] is False and first["file_url"] is None
    assert body["items"][1]["state"] == "reserved" and body["items"][1]["revision"] is None
    assert body["next"] is None


def test_a_member_is_given_the_file_link(client, posted, delegate_token):
    url = f"/api/v1/meetings/{posted.meeting.slug}/documents"
    [row] = client.get(url, headers=bearer(delegate_token)).json()["items"]
    assert row["readable"] is True
    assert row["file_url"] == f"http://testserver/api/v1/documents/{posted.file_code}/file"


def test_the_register_filters(client, posted, reserved):
    url = f"/api/v1/meetings/{posted.meeting.slug}/documents"
    assert _codes(client.get(f"{url}?question=Q1/11")) == [posted.file_code]
    assert _codes(client.get(f"{url}?source=acme")) == [reserved.file_code]
    assert _codes(client.get(f"{url}?type=td")) == []
    assert _codes(client.get(f"{url}?late=true")) == []
    assert len(_codes(client.get(f"{url}?agenda_item=none"))) == 2
    assert _codes(client.get(f"{url}?agenda_item=9.9")) == []
    response = client.get(f"{url}?type=memo")
    assert response.status_code == 400 and response.json()["field"] == "type"


def test_the_register_follows_its_cursor(client, next_meeting, delegate):
    bulk_posted_contributions(next_meeting, delegate, count=7, start=1)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents?limit=3"
    seen = []
    while url:
        body = client.get(url).json()
        seen += [d["number"] for d in body["items"]]
        url = body["next"]
    assert seen == [f"SG11-C{n}" for n in range(1, 8)]
    response = client.get(f"/api/v1/meetings/{next_meeting.slug}/documents?cursor=nonsense")
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_the_register_of_an_unknown_or_draft_meeting_is_404(client, draft_meeting):
    for slug in ("no-such-meeting", draft_meeting.slug):
        response = client.get(f"/api/v1/meetings/{slug}/documents")
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_register_takes_a_constant_number_of_queries(
    client, next_meeting, delegate, django_assert_num_queries
):
    """Two page sizes, two document counts, and a page reached by its cursor: one count."""
    client.force_login(delegate)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    bulk_posted_contributions(next_meeting, delegate, count=10, start=1)
    baseline = _queries(client, f"{url}?limit=5")
    bulk_posted_contributions(next_meeting, delegate, count=140, start=11)
    for limit in (5, 100):
        with django_assert_num_queries(baseline):
            response = client.get(f"{url}?limit={limit}")
        assert len(response.json()["items"]) == limit
    with django_assert_num_queries(baseline):
        response = client.get(response.json()["next"])
    assert len(response.json()["items"]) == 50 and response.json()["next"] is None


# One document ----------------------------------------------------------------------------------


def test_the_detail_gives_revisions_to_members_only(client, posted, delegate_token, outsider_token):
    url = f"/api/v1/documents/{posted.file_code}"
    member = client.get(url, headers=bearer(delegate_token)).json()
    [revision] = member["revisions"]
    assert revision["file_name"] == posted.current_revision.download_name
    assert revision["file_url"].endswith(
        f"/documents/{posted.file_code}/file?revision=0&language=E"
    )
    outsider = client.get(url, headers=bearer(outsider_token))
    assert outsider.status_code == 200
    assert outsider.json()["title"] == posted.title and outsider.json()["revisions"] == []


def test_an_unknown_code_is_404_and_a_malformed_one_400(client, posted):
    period = posted.study_period.code
    for code in (
        f"{period}-SG11-C-9999",
        f"{period}-SG11-C-123",
        "X-SG11-Z-1",
        f"{period}-SG11-990231-TD-WP1-0001",
    ):
        response = client.get(f"/api/v1/documents/{code}")
        assert response.status_code == 404, code
        assert response.json()["code"] == "not_found"
    response = client.get("/api/v1/documents/bad%20code")
    assert response.status_code == 400 and response.json()["field"] == "code"


def test_a_draft_is_404_but_to_its_submitter(client, next_meeting, chair, delegate_token):
    draft = Document.objects.create(
        kind=Document.Kind.TD,
        study_group=next_meeting.body.study_group,
        study_period=services.study_period_of(next_meeting),
        meeting=next_meeting,
        title="A draft TD",
        source="Rapporteur",
        state=Document.State.SUBMITTED,
        submitted_by=chair,
    )
    url = f"/api/v1/documents/{draft.file_code}"
    for headers in ({}, bearer(delegate_token)):
        assert client.get(url, headers=headers).status_code == 404
        assert client.get(f"{url}/file", headers=headers).status_code == 404
    client.force_login(chair)
    assert client.get(url).json()["state"] == "submitted"
    listed = client.get(f"/api/v1/meetings/{next_meeting.slug}/documents")
    assert draft.file_code not in _codes(listed)


# The file --------------------------------------------------------------------------------------


def test_a_member_gets_the_bytes_and_ranges(client, posted, delegate_token):
    url = f"/api/v1/documents/{posted.file_code}/file"
    response = client.get(url, headers=bearer(delegate_token))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content[:2] == b"PK" and len(content) == posted.current_revision.size
    assert posted.current_revision.download_name in response["Content-Disposition"]
    ranged = client.get(url, headers={**bearer(delegate_token), "Range": "bytes=2-9"})
    assert ranged.status_code == 206
    assert b"".join(ranged.streaming_content) == content[2:10]
    assert client.get(f"{url}?revision=3", headers=bearer(delegate_token)).status_code == 404


def test_an_outsider_never_gets_the_file(client, posted, outsider_token):
    url = f"/api/v1/documents/{posted.file_code}/file"
    response = client.get(url, headers=bearer(outsider_token))
    assert response.status_code == 403
    assert response.json()["code"] == "member_only"
    response = client.get(url)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_an_associate_of_another_study_group_is_refused_the_file(client, posted, associate):
    client.force_login(associate)
    response = client.get(f"/api/v1/documents/{posted.file_code}/file")
    assert response.status_code == 403 and response.json()["code"] == "member_only"


def test_a_reserved_contribution_has_no_file_yet(client, reserved, delegate_token):
    response = client.get(
        f"/api/v1/documents/{reserved.file_code}/file", headers=bearer(delegate_token)
    )
    assert response.status_code == 404 and response.json()["code"] == "no_file"


# Search ----------------------------------------------------------------------------------------


def test_search_quotes_the_file_to_members_only(client, posted, delegate_token, outsider_token):
    [hit] = client.get(f"/api/v1/search?q={SECRET}", headers=bearer(delegate_token)).json()["items"]
    assert hit["code"] == posted.file_code and hit["from_file"]
    assert f"<mark>{SECRET}</mark>" in hit["snippet_html"]
    assert (
        client.get(f"/api/v1/search?q={SECRET}", headers=bearer(outsider_token)).json()["items"]
        == []
    )
    [hit] = client.get("/api/v1/search?q=cooperative", headers=bearer(outsider_token)).json()[
        "items"
    ]
    assert not hit["from_file"] and SECRET not in hit["snippet_html"]
    response = client.get("/api/v1/search")
    assert response.status_code == 400 and response.json()["field"] == "q"


def _register_titled(meeting, actor, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        services.contribution_register(
            meeting=meeting,
            actor=actor,
            title=f"Tapirnet item {n}",
            source="Demo Sector Member Telecom",
        )


def test_search_pages_follow_one_another_and_the_last_has_no_next(
    client, next_meeting, delegate, delegate_token, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register_titled(next_meeting, delegate, 5)
    seen, url, pages = [], "/api/v1/search?q=tapirnet&limit=2", 0
    while url:
        body = client.get(url, headers=bearer(delegate_token)).json()
        seen += [item["title"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and sorted(seen) == [f"Tapirnet item {n}" for n in range(5)]
    # A page that ends exactly at the last match has no next page.
    body = client.get("/api/v1/search?q=tapirnet&limit=5", headers=bearer(delegate_token)).json()
    assert len(body["items"]) == 5 and body["next"] is None


def test_a_search_through_the_api_takes_a_constant_number_of_queries(
    client, next_meeting, delegate, delegate_token, django_capture_on_commit_callbacks
):
    """Every hit's number, code and meeting come with the page's one read of the documents
    (search.HIT_FIELDS), however many hits it shows."""

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/api/v1/search?q=tapirnet", headers=bearer(delegate_token))
        assert response.status_code == 200
        return len(context), len(response.json()["items"])

    with django_capture_on_commit_callbacks(execute=True):
        _register_titled(next_meeting, delegate, 2)
    queries()  # what the first request of a token reads once
    few, shown = queries()
    assert shown == 2
    with django_capture_on_commit_callbacks(execute=True):
        _register_titled(next_meeting, delegate, 18, start=2)
    assert queries() == (few, 20)


def test_crafted_cursors_are_bad_input(client, posted):
    for ordering, values in (("search", [2**70]), ("documents", ["td", 2**70, 1])):
        cursor = encode_cursor(Ordering(ordering, ("x",) * len(values), ()), values)
        url = (
            "/api/v1/search?q=x"
            if ordering == "search"
            else (f"/api/v1/meetings/{posted.meeting.slug}/documents")
        )
        response = client.get(f"{url}{'&' if '?' in url else '?'}cursor={cursor}")
        assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


# Reserving a number and uploading ----------------------------------------------------------------


def _reserve(client, meeting, token, **body):
    return client.post(
        f"/api/v1/meetings/{meeting.slug}/contributions",
        {"title": "Signalling for X", **body},
        content_type="application/json",
        headers=bearer(token),
    )


def test_a_member_reserves_a_number(client, next_meeting, delegate, questions, delegate_token):
    response = _reserve(client, next_meeting, delegate_token, questions=["Q2/11"])
    assert response.status_code == 201
    body = response.json()
    document = Document.objects.get(title="Signalling for X")
    assert body["code"] == document.file_code and body["state"] == "reserved"
    assert body["number"] == document.display_number and body["questions"] == ["Q2/11"]
    assert body["source"] == delegate.organization.name
    assert document.submitted_by == delegate


def test_reserving_refuses_what_the_page_refuses(
    client, next_meeting, questions, outsider_token, delegate_read_token, delegate_token
):
    response = _reserve(client, next_meeting, outsider_token, questions=["Q1/11"])
    assert response.status_code == 403 and response.json()["code"] == "may_not_contribute"
    response = _reserve(client, next_meeting, delegate_read_token, questions=["Q1/11"])
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"
    response = client.post(
        f"/api/v1/meetings/{next_meeting.slug}/contributions",
        {"title": "X"},
        content_type="application/json",
    )
    assert response.status_code == 401
    response = _reserve(client, next_meeting, delegate_token, questions=["Q9/99"])
    assert response.status_code == 400 and response.json()["field"] == "questions"
    response = _reserve(client, next_meeting, delegate_token)  # Questions are required here
    assert response.status_code == 400 and response.json()["field"] == "questions"
    response = client.post(
        f"/api/v1/meetings/{next_meeting.slug}/contributions",
        '"Signalling for X"',
        content_type="application/json",
        headers=bearer(delegate_token),
    )
    assert response.status_code == 400
    assert not Document.objects.exists()


def _upload(client, document, token, content, name="contribution.docx"):
    return client.post(
        f"/api/v1/documents/{document.file_code}/upload",
        {"file": SimpleUploadedFile(name, content), "language": "E"},
        headers=bearer(token),
    )


def test_the_submitter_uploads_the_file(client, media, reserved, delegate_token):
    response = _upload(client, reserved, delegate_token, filled(reserved))
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "posted" and body["revision"] == 0
    assert [r["language"] for r in body["revisions"]] == ["E"]


def test_uploads_are_refused_as_data(
    client, media, settings, reserved, delegate_token, outsider_token
):
    response = _upload(client, reserved, outsider_token, filled(reserved))
    assert response.status_code == 403
    response = _upload(client, reserved, delegate_token, b"MZ\x90\x00 not a document")
    assert response.status_code == 422 and response.json()["code"] == "file_refused"
    assert "executable" in response.json()["message"]
    settings.PLENARY_UPLOAD_MAX_BYTES = 100
    response = _upload(client, reserved, delegate_token, filled(reserved))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    settings.PLENARY_UPLOAD_MAX_BYTES = 100 * 2**20
    reserved.state = Document.State.WITHDRAWN
    reserved.save()
    response = _upload(client, reserved, delegate_token, filled(reserved))
    assert response.status_code == 409 and response.json()["code"] == "refused"
    response = client.post(
        f"/api/v1/documents/{reserved.file_code}/upload",
        b"--x\r\nnot multipart",
        content_type="multipart/form-data",
        headers=bearer(delegate_token),
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Revision.objects.exists()


def test_a_nul_character_is_refused_as_input_not_sent_to_the_database(
    client, next_meeting, posted, questions, delegate_token
):
    """PostgreSQL cannot hold a NUL in a query's text: it must be a 400, never a 500."""
    url = f"/api/v1/meetings/{posted.meeting.slug}/documents"
    for name in ("question", "source"):
        response = client.get(url, {name: "Q1\x00"})
        assert response.status_code == 400 and response.json()["field"] == name
    response = _reserve(client, next_meeting, delegate_token, questions=["Q2/11\x00"])
    assert response.status_code == 400 and response.json()["field"] == "questions"
    assert not Document.objects.filter(title="Signalling for X").exists()


def test_a_reservation_names_the_work_items_it_addresses(
    client, next_meeting, questions, delegate_token
):
    response = _reserve(
        client, next_meeting, delegate_token, questions=["Q2/11"], work_items=["Q.UNKNOWN"]
    )
    assert response.status_code == 400 and response.json()["field"] == "work_items"
    assert "Q.UNKNOWN" in response.json()["message"]
    assert not Document.objects.filter(title="Signalling for X").exists()
    response = _reserve(
        client, next_meeting, delegate_token, questions=["Q2/11"], work_items=["q.scc"]
    )
    assert response.status_code == 201
    document = Document.objects.get(title="Signalling for X")
    assert [item.acronym for item in document.work_items.all()] == ["Q.SCC"]
