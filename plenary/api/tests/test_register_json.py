"""The register as JSON kept in the cache: constant queries whatever the register's size and the
page size, a new page after every write, and each caller's `readable` from the one kept page."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plenary.api.routes import documents as routes
from plenary.api.schemas import DocumentPage
from plenary.api.services import token_create
from plenary.documents import services
from plenary.documents.models import Document
from plenary.documents.tests.conftest import bulk_posted_contributions, register_contribution
from plenary.groups.models import Role

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _get(client, url, token=None) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=bearer(token) if token else {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return len(captured), response.json()


def _builds():
    return mock.patch.object(routes, "_register_page", wraps=routes._register_page)


def test_it_takes_the_same_queries_for_100_and_2000_documents_and_any_page_size(
    client, next_meeting, delegate, delegate_read_token
):
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    bulk_posted_contributions(next_meeting, delegate, count=100)
    _get(client, f"{url}?type=td", delegate_read_token)  # the token's first use is noted once
    built, _ = _get(client, f"{url}?limit=5", delegate_read_token)
    kept, _ = _get(client, f"{url}?limit=5", delegate_read_token)
    assert kept < built
    bulk_posted_contributions(next_meeting, delegate, count=1900, start=101)
    for limit in (5, 100):
        assert _get(client, f"{url}?limit={limit}", delegate_read_token)[0] == built
        queries, body = _get(client, f"{url}?limit={limit}", delegate_read_token)
        assert queries == kept and len(body["items"]) == limit
    queries, deeper = _get(client, body["next"], delegate_read_token)
    assert queries == built and deeper["items"][0]["number"] == "SG11-C101"
    assert _get(client, body["next"], delegate_read_token)[0] == kept


def test_it_is_built_once_for_an_outsider_and_a_member(
    client, next_meeting, delegate, delegate_read_token, outsider_token
):
    bulk_posted_contributions(next_meeting, delegate, count=2)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    with _builds() as build:
        _, as_member = _get(client, url, delegate_read_token)
        _, as_outsider = _get(client, url, outsider_token)
        _, anonymous = _get(client, url)
        _, again = _get(client, url, delegate_read_token)
    assert build.call_count == 1
    assert as_member == again
    code = as_member["items"][0]["code"]
    assert as_member["items"][0]["readable"] is True
    assert as_member["items"][0]["file_url"] == f"http://testserver/api/v1/documents/{code}/file"
    for body in (as_outsider, anonymous):
        assert [item["readable"] for item in body["items"]] == [False, False]
        assert [item["file_url"] for item in body["items"]] == [None, None]
        assert body["items"] == [
            item | {"readable": False, "file_url": None} for item in as_member["items"]
        ]
    assert DocumentPage.model_validate(as_member).model_dump(mode="json") == as_member


def test_the_links_follow_the_address_asked_for(client, next_meeting, delegate):
    bulk_posted_contributions(next_meeting, delegate, count=1)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    first = client.get(url).json()["items"][0]["api_url"]
    other = client.get(url, headers={"Host": "127.0.0.1"}).json()["items"][0]["api_url"]
    assert first.startswith("http://testserver/") and other.startswith("http://127.0.0.1/")


def test_free_text_and_unknown_names_are_not_kept(client, next_meeting, delegate):
    bulk_posted_contributions(next_meeting, delegate, count=2)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    with _builds() as build:
        for _ in range(2):
            assert len(_get(client, f"{url}?source=demo")[1]["items"]) == 2
            _, body = _get(client, f"{url}?limit=1&utm=x")
        assert build.call_count == 4
    assert "utm=x" in body["next"]


def test_the_page_changes_after_each_write(client, next_meeting, delegate, chair):
    bulk_posted_contributions(next_meeting, delegate, count=2)
    document = Document.objects.get(number=1)
    item = next_meeting.agenda_items.exclude(pk=document.agenda_item_id).first()
    reserved = register_contribution(next_meeting, delegate, title="Late idea")
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"

    def first_item():
        return _get(client, url)[1]["items"][0]

    assert [i["title"] for i in _get(client, url)[1]["items"]][-1] == "Late idea"
    services.documents_allocate(
        meeting=next_meeting, actor=chair, allocations={document.pk: item.pk}
    )
    assert first_item()["agenda_item"] != "1"
    services.document_withdraw(document=document, actor=delegate)
    assert first_item()["state"] == "withdrawn"
    services.document_withdraw(document=reserved, actor=delegate)
    assert _get(client, url)[1]["items"][-1]["state"] == "withdrawn"


def test_a_kept_page_costs_a_member_three_statements(
    client, next_meeting, delegate, delegate_read_token
):
    """The token with its person, organization and roles; the meeting; the register's version.
    The access rule's answer for the page was kept with it for this reader at the first read."""
    bulk_posted_contributions(next_meeting, delegate, count=3)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    _get(client, url, delegate_read_token)  # built, and the token's first use noted
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=bearer(delegate_read_token))
    assert response.status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 3, statements
    assert '"groups_role"' in statements[0] and '"accounts_user"' in statements[0]
    assert not any('"groups_role"' in sql for sql in statements[1:])
    assert not any('"documents_document"."id" IN' in sql for sql in statements)


def _readable(client, url, token) -> dict[str, bool]:
    return {item["title"]: item["readable"] for item in _get(client, url, token)[1]["items"]}


def test_the_rules_answer_is_kept_for_each_reader_and_follows_their_roles(
    client, next_meeting, delegate, academic, delegate_read_token
):
    bulk_posted_contributions(next_meeting, delegate, count=2)
    reserved = register_contribution(next_meeting, delegate, title="Not yet uploaded")
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    academic_token = token_create(user=academic, name="script", scope="read")[1]
    for _ in range(2):  # built then kept: each reader their own answer
        assert _readable(client, url, delegate_read_token)["Not yet uploaded"] is True  # theirs
        assert _readable(client, url, academic_token)["Not yet uploaded"] is False
    # A role given counts from the next request: the kept answer was the person's old grounds'.
    Role.objects.create(
        person=academic, body=next_meeting.body.study_group, name=Role.Name.COUNSELLOR
    )
    assert _readable(client, url, academic_token)["Not yet uploaded"] is True
    services.document_withdraw(document=reserved, actor=delegate)  # a new version of the page
    assert _readable(client, url, academic_token)["Not yet uploaded"] is True


def test_an_associates_answer_is_asked_afresh_each_time(client, next_meeting, delegate, associate):
    """The rule reads an Associate's admitted study groups, which no document change marks."""
    bulk_posted_contributions(next_meeting, delegate, count=2)
    url = f"/api/v1/meetings/{next_meeting.slug}/documents"
    token = token_create(user=associate, name="script", scope="read")[1]
    assert set(_readable(client, url, token).values()) == {False}  # not admitted to SG11
    associate.organization.admitted_to.add(next_meeting.body.study_group)
    assert set(_readable(client, url, token).values()) == {True}
