"""Personal access tokens: stored hashed, shown once, revocable, scoped."""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.api.auth import token_authenticate
from plenary.api.models import ApiToken
from plenary.api.services import token_create, token_revoke

from .conftest import bearer

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_digest_of_the_secret(delegate):
    token, secret = token_create(user=delegate, name="CRM sync", scope="read")
    assert secret.startswith("pln_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix) and len(stored.prefix) < 16


def test_it_refuses_a_blank_name_or_an_unknown_scope(delegate):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        token_create(user=delegate, name="  ", scope="read")
    with pytest.raises(ValidationError):
        token_create(user=delegate, name="x", scope="admin")


def test_it_authenticates_with_a_bearer_token_and_notes_the_use(client, delegate, delegate_token):
    response = client.get("/api/v1/me", headers=bearer(delegate_token))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == delegate.email
    assert body["token"]["scope"] == "read-write"
    assert "digest" not in body["token"]
    assert ApiToken.objects.get(user=delegate).last_used_at is not None


def test_it_refuses_a_revoked_token(client, delegate, delegate_token):
    token_revoke(token=ApiToken.objects.get(user=delegate))
    response = client.get("/api/v1/meetings", headers=bearer(delegate_token))
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_it_refuses_an_unknown_token_even_on_public_routes(client, demo):
    response = client.get("/api/v1/meetings", headers=bearer("pln_not-a-token"))
    assert response.status_code == 401
    assert response.json() == {
        "code": "token_invalid",
        "message": "The bearer token is unknown or revoked.",
    }


def test_it_refuses_a_read_token_on_a_write(client, delegate, delegate_read_token):
    token = ApiToken.objects.get(user=delegate)
    response = client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(delegate_read_token))
    assert response.status_code == 403
    assert response.json()["code"] == "token_read_only"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_write_token_may_revoke_itself(client, delegate, delegate_token):
    token = ApiToken.objects.get(user=delegate)
    response = client.delete(f"/api/v1/tokens/{token.pk}", headers=bearer(delegate_token))
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=bearer(delegate_token)).status_code == 401


def test_it_does_not_revoke_another_persons_token(client, delegate, outsider_token):
    victim, _ = token_create(user=delegate, name="mine", scope="read")
    response = client.delete(f"/api/v1/tokens/{victim.pk}", headers=bearer(outsider_token))
    assert response.status_code == 404
    victim.refresh_from_db()
    assert victim.revoked_at is None


def test_the_session_works_and_writes_need_csrf(delegate):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(delegate)
    assert browser.get("/api/v1/me").json()["token"] is None
    token, _ = token_create(user=delegate, name="mine", scope="read")
    response = browser.delete(f"/api/v1/tokens/{token.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    browser.get(reverse("tokens:list"))  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.delete(f"/api/v1/tokens/{token.pk}", headers={"X-CSRFToken": csrf})
    assert response.status_code == 204


def test_member_routes_refuse_the_anonymous(client, demo):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# The token page ---------------------------------------------------------------------------------


def test_the_profile_links_to_the_token_page(client, delegate):
    client.force_login(delegate)
    assert reverse("tokens:list") in client.get(reverse("accounts:profile")).text


def test_it_shows_a_new_token_once(client, delegate):
    client.force_login(delegate)
    response = client.post(reverse("tokens:list"), {"name": "Editor", "scope": "read-write"})
    assert response.status_code == 302
    page = client.get(reverse("tokens:list")).text
    token = ApiToken.objects.get(user=delegate)
    secret = re.search(r'value="(pln_[^"]+)"', page).group(1)
    assert secret.startswith(token.prefix)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get(reverse("tokens:list")).text
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_the_page_refuses_a_nameless_token(client, delegate):
    client.force_login(delegate)
    response = client.post(reverse("tokens:list"), {"name": "", "scope": "read"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_the_page_revokes_own_tokens_only(client, delegate, outsider):
    mine, _ = token_create(user=delegate, name="mine", scope="read")
    theirs, _ = token_create(user=outsider, name="theirs", scope="read")
    client.force_login(delegate)
    assert client.post(reverse("tokens:revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("tokens:revoke", args=[mine.pk])).status_code == 302
    assert client.get(reverse("tokens:revoke", args=[mine.pk])).status_code == 405
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_the_page_needs_a_sign_in(client, demo):
    response = client.get(reverse("tokens:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_noting_a_use_commits_without_waiting_for_the_disk_on_postgresql(delegate):
    """The last-use instant is a convenience: on PostgreSQL its own transaction commits
    asynchronously; on SQLite it is a plain UPDATE. Either way it is written."""
    token, secret = token_create(user=delegate, name="script", scope="read")
    with CaptureQueriesContext(connection) as captured:
        assert token_authenticate(secret).pk == token.pk
    statements = [q["sql"] for q in captured.captured_queries]
    asynchronous = "SET LOCAL synchronous_commit TO OFF" in statements
    assert asynchronous is (connection.vendor == "postgresql")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    with CaptureQueriesContext(connection) as captured:
        token_authenticate(secret)  # used again within the minute: only read
    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SELECT"]
