"""A bearer token read in one statement: the token, its person, their organization and roles,
as the ORM would load them, and nothing kept from one request to the next."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plenary.accounts.models import User
from plenary.api.auth import token_authenticate
from plenary.api.models import ApiToken
from plenary.api.routes.registrations import _meeting_read
from plenary.api.services import token_create, token_revoke
from plenary.groups.models import Body, Role
from plenary.groups.permissions import forget_roles, roles_held
from plenary.meetings.models import Meeting

from .conftest import bearer

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _statements(captured) -> list[str]:
    return [q["sql"].split()[0].upper() for q in captured.captured_queries]


def test_it_loads_what_the_orm_loads_in_one_statement(delegate, delegate_token):
    token_authenticate(delegate_token)  # the first use notes last_used_at
    with CaptureQueriesContext(connection) as captured:
        token = token_authenticate(delegate_token)
        user, organization = token.user, token.user.organization
        held = roles_held(user)
    assert _statements(captured) == ["SELECT"]
    stored = ApiToken.objects.select_related("user__organization").get(pk=token.pk)
    assert _fields(token) == _fields(stored)
    assert _fields(user) == _fields(stored.user)
    assert _fields(organization) == _fields(stored.user.organization)
    assert token.last_used_at.tzinfo is not None and user.date_joined.tzinfo is not None
    assert not token._state.adding and token._state.db == "default"
    assert user.is_authenticated and held == frozenset()


def test_it_brings_every_role_the_person_holds(delegate, delegate_token):
    bodies = list(Body.objects.order_by("pk")[:2])
    for body in bodies:
        Role.objects.create(person=delegate, body=body, name=Role.Name.EDITOR)
    Role.objects.create(person=delegate, body=bodies[0], name=Role.Name.RAPPORTEUR)
    token = token_authenticate(delegate_token)
    forget_roles(delegate)
    assert roles_held(token.user) == roles_held(delegate) and len(roles_held(delegate)) == 3


def test_a_person_without_an_organization_is_read_too(outsider, outsider_token):
    token = token_authenticate(outsider_token)
    assert token.user == outsider and token.user.organization_id is None
    with CaptureQueriesContext(connection) as captured:
        assert token.user.organization is None
    assert len(captured) == 0


def test_each_request_sees_the_roles_and_the_token_as_they_are_now(
    client, delegate, delegate_token, seed_meeting
):
    """Nothing is kept between requests: a role given, a role taken, a token revoked."""
    assert roles_held(token_authenticate(delegate_token).user) == frozenset()
    role = Role.objects.create(person=delegate, body=seed_meeting.body, name=Role.Name.COUNSELLOR)
    assert roles_held(token_authenticate(delegate_token).user) == {
        (seed_meeting.body_id, Role.Name.COUNSELLOR)
    }
    role.delete()
    assert roles_held(token_authenticate(delegate_token).user) == frozenset()
    token_revoke(token=ApiToken.objects.get(user=delegate))
    assert token_authenticate(delegate_token) is None
    response = client.get("/api/v1/me", headers=bearer(delegate_token))
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


def test_an_inactive_persons_token_and_unknown_secrets_are_refused(delegate, delegate_token):
    assert token_authenticate("pln_unknown") is None
    assert token_authenticate("not-a-token") is None
    User.objects.filter(pk=delegate.pk).update(is_active=False)
    assert token_authenticate(delegate_token) is None


@pytest.mark.django_db(transaction=True)
def test_the_first_use_is_noted_and_a_read_within_the_minute_does_not_write(delegate):
    """The last-use instant is a convenience: on PostgreSQL its own transaction commits
    asynchronously; on SQLite it is a plain UPDATE. Either way it is written."""
    token, secret = token_create(user=delegate, name="script", scope="read")
    with CaptureQueriesContext(connection) as captured:
        token_authenticate(secret)
    assert "UPDATE" in _statements(captured)
    statements = [q["sql"] for q in captured.captured_queries]
    asynchronous = "SET LOCAL synchronous_commit TO OFF" in statements
    assert asynchronous is (connection.vendor == "postgresql")
    noted = ApiToken.objects.get(pk=token.pk).last_used_at
    assert noted is not None and abs((timezone.now() - noted).total_seconds()) < 60
    with CaptureQueriesContext(connection) as captured:
        token_authenticate(secret)
    assert _statements(captured) == ["SELECT"]


def test_a_meeting_is_read_with_its_body_and_parent_as_the_orm_reads_it(seed_meeting):
    with CaptureQueriesContext(connection) as captured:
        meeting, _ = _meeting_read(seed_meeting.slug)
        body, parent = meeting.body, meeting.body.parent
    assert len(captured) == 1
    stored = Meeting.objects.select_related("body__parent").get(pk=seed_meeting.pk)
    assert _fields(meeting) == _fields(stored) and meeting.languages == stored.languages
    assert _fields(body) == _fields(stored.body)
    assert _fields(parent) == _fields(stored.body.parent)
    assert _meeting_read("no-such-meeting") == (None, set())


def test_a_body_without_a_parent_is_read_as_none(seed_meeting):
    root = Body.objects.filter(parent__isnull=True).first()
    Meeting.objects.filter(pk=seed_meeting.pk).update(body=root)
    with CaptureQueriesContext(connection) as captured:
        meeting, _ = _meeting_read(seed_meeting.slug)
        assert meeting.body == root and meeting.body.parent is None
    assert len(captured) == 1
