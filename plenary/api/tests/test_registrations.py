"""The registration routes: mine, register, withdraw, and a focal point's queue and decisions."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.accounts.models import User
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations import services
from plenary.registrations.models import Registration, RegistrationEvent

from .conftest import _token, bearer

pytestmark = pytest.mark.django_db

State = Registration.State


def _register(client, meeting, token, **body):
    return client.post(
        f"/api/v1/meetings/{meeting.slug}/registrations",
        {"mode": "remote", "delegation_role": "delegate", **body},
        content_type="application/json",
        headers=bearer(token) if token else {},
    )


def _post(client, url, token, body=None):
    return client.post(
        url,
        body if body is not None else {},
        content_type="application/json",
        headers=bearer(token),
    )


def _error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field  # the client's own word, not the route's "payload"
    return body


@pytest.fixture
def focal_point_token(focal_point) -> str:
    return _token(focal_point)


@pytest.fixture
def chair_token(chair) -> str:
    return _token(chair)


@pytest.fixture
def other_focal_point(demo) -> User:
    """The focal point of another Sector Member (Demo Sector Member Networks)."""
    org = Organization.objects.get(short_name="DSMN")
    person = User.objects.create_user(
        "focalpoint-dsmn@example.org", "x", name="Focal point of DSMN", organization=org
    )
    FocalPoint.objects.create(organization=org, person=person)
    return person


@pytest.fixture
def pending(next_meeting, delegate) -> Registration:
    """The delegate's request, waiting for the focal point of Demo Sector Member Telecom."""
    return services.registration_create(
        meeting=next_meeting,
        person=delegate,
        mode="remote",
        delegation_role="delegate",
        by=delegate,
    )


# Registering -----------------------------------------------------------------------------------


def test_a_member_registers_and_waits_for_the_focal_point(
    client, next_meeting, delegate, delegate_token
):
    response = _register(client, next_meeting, delegate_token, delegation_role="head")
    assert response.status_code == 201
    body = response.json()
    registration = Registration.objects.get()
    assert body["id"] == registration.pk and registration.person == delegate
    assert body["state"] == "pending" and registration.state == State.PENDING
    assert body["delegation_role"] == "head" and body["mode"] == "remote"
    assert body["person"] == {"name": delegate.display_name, "email": delegate.email}
    assert body["organization"] == "Demo Sector Member Telecom"
    assert body["meeting"] == next_meeting.slug and body["reason"] is None
    assert RegistrationEvent.objects.get().to_state == State.PENDING

    mine = client.get(
        f"/api/v1/meetings/{next_meeting.slug}/registrations", headers=bearer(delegate_token)
    ).json()
    assert [r["id"] for r in mine["items"]] == [registration.pk] and mine["next"] is None


def test_registering_reads_little_and_writes_once(client, next_meeting, delegate_token):
    """The burst's path reads four times: the token with its person, their organization and
    roles; the meeting with its body; its deadline overrides; the organization's automatic
    approval with its focal points. The registration, its event and (with the database backend)
    its e-mail's task are written in one transaction; nothing is read back for the answer, and
    no live registration is looked up first (the database's constraint refuses a second one)."""
    with CaptureQueriesContext(connection) as captured:
        response = _register(client, next_meeting, delegate_token)
    assert response.status_code == 201
    statements = [q["sql"].split()[0].upper() for q in captured.captured_queries]
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert statements.count("SELECT") == 4, captured.captured_queries
    assert '"groups_role"' in captured.captured_queries[0]["sql"]  # the roles come with the token
    assert statements.count("INSERT") == 2  # the immediate task backend writes no task row
    assert statements.count("UPDATE") == 1  # the token's last use
    assert '"registrations_registration"' not in tables.split("INSERT", 1)[0]


def test_a_focal_points_own_request_is_approved_at_once(client, next_meeting, focal_point_token):
    response = _register(client, next_meeting, focal_point_token)
    assert response.status_code == 201
    assert response.json()["state"] == "approved"
    assert response.json()["approved_automatically"] is True


def test_registering_twice_is_a_conflict(client, next_meeting, pending, delegate_token):
    body = _error(_register(client, next_meeting, delegate_token), 409, "already_registered")
    assert "pending approval" in body["message"]
    assert Registration.objects.count() == 1


def test_after_the_deadline_the_refusal_gives_its_date(client, seed_meeting, delegate_token):
    body = _error(_register(client, seed_meeting, delegate_token), 403, "deadline_passed")
    assert "19 October 2020" in body["message"] and "secretariat" in body["message"]
    assert not Registration.objects.exists()


def test_bad_values_are_400_with_the_field(client, next_meeting, delegate_token):
    # A virtual meeting is attended remotely only.
    _error(
        _register(client, next_meeting, delegate_token, mode="in_person"), 400, "invalid", "mode"
    )
    _error(_register(client, next_meeting, delegate_token, mode="by_post"), 400, "invalid", "mode")
    response = _register(client, next_meeting, delegate_token, delegation_role="invited_expert")
    _error(response, 400, "invalid", "delegation_role")
    response = client.post(
        f"/api/v1/meetings/{next_meeting.slug}/registrations",
        '"remote"',
        content_type="application/json",
        headers=bearer(delegate_token),
    )
    _error(response, 400, "invalid")
    assert not Registration.objects.exists()


def test_membership_decides_who_may_register(
    client, next_meeting, outsider_token, associate, outsider
):
    body = _error(_register(client, next_meeting, outsider_token), 403, "may_not_register")
    assert "member organization" in body["message"]
    # An Associate admitted to SG13 only: another study group's meeting is not for its people.
    body = _error(_register(client, next_meeting, _token(associate)), 403, "may_not_register")
    assert "not admitted" in body["message"]
    assert not Registration.objects.exists()


def test_a_read_token_and_the_anonymous_may_not_register(client, next_meeting, delegate_read_token):
    _error(_register(client, next_meeting, delegate_read_token), 403, "token_read_only")
    _error(_register(client, next_meeting, None), 401, "not_authenticated")
    response = client.get(f"/api/v1/meetings/{next_meeting.slug}/registrations")
    _error(response, 401, "not_authenticated")
    assert not Registration.objects.exists()


def test_a_session_registers_with_the_csrf_token_only(next_meeting, delegate):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(delegate)
    url = f"/api/v1/meetings/{next_meeting.slug}/registrations"
    body = {"mode": "remote", "delegation_role": "delegate"}
    response = browser.post(url, body, content_type="application/json")
    _error(response, 403, "csrf_failed")
    assert not Registration.objects.exists()
    browser.get(reverse("registrations:mine"))  # a page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        url, body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201 and Registration.objects.get().person == delegate


def test_a_draft_meeting_is_404(client, draft_meeting, delegate_token):
    _error(_register(client, draft_meeting, delegate_token), 404, "not_found")
    response = client.get(
        f"/api/v1/meetings/{draft_meeting.slug}/registrations", headers=bearer(delegate_token)
    )
    _error(response, 404, "not_found")


def test_mine_lists_only_my_own(client, next_meeting, pending, focal_point_token):
    """The focal point decides the delegate's request, but 'mine' is theirs alone."""
    response = client.get(
        f"/api/v1/meetings/{next_meeting.slug}/registrations", headers=bearer(focal_point_token)
    )
    assert response.status_code == 200 and response.json()["items"] == []


# Withdrawing -----------------------------------------------------------------------------------


def test_the_participant_withdraws_and_may_register_again(
    client, next_meeting, pending, delegate_token
):
    url = f"/api/v1/registrations/{pending.pk}/withdraw"
    response = _post(client, url, delegate_token)
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    _error(_post(client, url, delegate_token), 409, "invalid_transition")
    assert _register(client, next_meeting, delegate_token).status_code == 201
    mine = client.get(
        f"/api/v1/meetings/{next_meeting.slug}/registrations", headers=bearer(delegate_token)
    ).json()["items"]
    assert [r["state"] for r in mine] == ["pending", "withdrawn"]  # newest first


def test_only_the_participant_withdraws(
    client, pending, focal_point_token, outsider_token, delegate_read_token
):
    url = f"/api/v1/registrations/{pending.pk}/withdraw"
    # The focal point may see the request, not withdraw it; the outsider may not know of it.
    _error(_post(client, url, focal_point_token), 403, "forbidden")
    _error(_post(client, url, outsider_token), 404, "not_found")
    _error(_post(client, url, delegate_read_token), 403, "token_read_only")
    _error(_post(client, "/api/v1/registrations/999999/withdraw", outsider_token), 404, "not_found")
    assert Registration.objects.get().state == State.PENDING


# The focal point's queue -----------------------------------------------------------------------


def test_the_focal_point_sees_and_approves(client, next_meeting, pending, focal_point_token):
    queue = client.get("/api/v1/registrations/pending", headers=bearer(focal_point_token)).json()
    assert [r["id"] for r in queue["items"]] == [pending.pk]
    assert queue["items"][0]["person"]["email"] == "delegate@example.org"
    url = f"/api/v1/registrations/{pending.pk}/approve"
    response = _post(client, url, focal_point_token)
    assert response.status_code == 200
    assert response.json()["state"] == "approved" and response.json()["decided_at"]
    pending.refresh_from_db()
    assert pending.state == State.APPROVED and pending.decided_by.email == "focalpoint@example.org"
    _error(_post(client, url, focal_point_token), 409, "invalid_transition")
    queue = client.get("/api/v1/registrations/pending", headers=bearer(focal_point_token)).json()
    assert queue["items"] == []


def test_the_focal_point_rejects_with_a_reason(
    client, next_meeting, pending, focal_point_token, delegate_token
):
    url = f"/api/v1/registrations/{pending.pk}/reject"
    _error(_post(client, url, focal_point_token), 400, "invalid", "reason")
    _error(_post(client, url, focal_point_token, {"reason": "   "}), 400, "invalid", "reason")
    _error(_post(client, url, focal_point_token, {"reason": "x" * 2001}), 400, "invalid", "reason")
    _error(_post(client, url, focal_point_token, {"reason": "No\x00"}), 400, "invalid", "reason")
    assert Registration.objects.get().state == State.PENDING
    response = _post(client, url, focal_point_token, {"reason": "Our delegation is full."})
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert response.json()["reason"] == "Our delegation is full."
    [mine] = client.get(
        f"/api/v1/meetings/{next_meeting.slug}/registrations", headers=bearer(delegate_token)
    ).json()["items"]
    assert mine["state"] == "rejected" and mine["reason"] == "Our delegation is full."


def test_another_organizations_focal_point_cannot_see_or_decide(client, pending, other_focal_point):
    token = _token(other_focal_point)
    queue = client.get("/api/v1/registrations/pending", headers=bearer(token))
    assert queue.status_code == 200 and queue.json()["items"] == []
    for action, body in (("approve", {}), ("reject", {"reason": "No."})):
        response = _post(client, f"/api/v1/registrations/{pending.pk}/{action}", token, body)
        _error(response, 404, "not_found")
    assert Registration.objects.get().state == State.PENDING


def test_those_who_may_not_decide_are_refused(
    client, pending, delegate_token, chair_token, outsider_token, delegate_read_token
):
    _error(
        client.get("/api/v1/registrations/pending", headers=bearer(delegate_token)),
        403,
        "not_a_decider",
    )
    _error(client.get("/api/v1/registrations/pending"), 401, "not_authenticated")
    url = f"/api/v1/registrations/{pending.pk}/approve"
    # The participant sees their request but may not approve it; the chair of the meeting's
    # body sees it (the participant list) but does not decide.
    _error(_post(client, url, delegate_token), 403, "forbidden")
    _error(_post(client, url, chair_token), 403, "forbidden")
    _error(_post(client, url, outsider_token), 404, "not_found")
    _error(_post(client, url, delegate_read_token), 403, "token_read_only")
    assert Registration.objects.get().state == State.PENDING


def test_the_secretariat_decides_for_organizations_without_a_focal_point(
    client, next_meeting, pending, secretariat_token, focal_point_token
):
    dsmn = Organization.objects.get(short_name="DSMN")
    person = User.objects.create_user(
        "delegate-dsmn@example.org", "x", name="Delegate of DSMN", organization=dsmn
    )
    assert _register(client, next_meeting, _token(person)).json()["state"] == "pending"
    other = Registration.objects.get(person=person)
    queue = client.get("/api/v1/registrations/pending", headers=bearer(secretariat_token)).json()
    assert {r["id"] for r in queue["items"]} == {pending.pk, other.pk}
    focal = client.get("/api/v1/registrations/pending", headers=bearer(focal_point_token)).json()
    assert [r["id"] for r in focal["items"]] == [pending.pk]
    response = _post(
        client,
        f"/api/v1/registrations/{other.pk}/approve",
        secretariat_token,
    )
    assert response.status_code == 200 and response.json()["state"] == "approved"
    only = client.get(
        f"/api/v1/registrations/pending?meeting={next_meeting.slug}",
        headers=bearer(secretariat_token),
    ).json()
    assert [r["id"] for r in only["items"]] == [pending.pk]
    elsewhere = client.get(
        "/api/v1/registrations/pending?meeting=sg11-wp1-2020-11-19",
        headers=bearer(secretariat_token),
    ).json()
    assert elsewhere["items"] == []


# Constant queries ------------------------------------------------------------------------------


def _queries(client, url, token) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=bearer(token))
    assert response.status_code == 200
    return len(captured), response.json()


def test_the_queue_takes_a_constant_number_of_queries(client, next_meeting, focal_point):
    dsmt = focal_point.organization
    token = _token(focal_point)

    def requests_from(start: int, count: int) -> None:
        for n in range(start, start + count):
            person = User.objects.create_user(
                f"delegate-{n}@example.org", "x", name=f"Delegate {n}", organization=dsmt
            )
            services.registration_create(
                meeting=next_meeting,
                person=person,
                mode="remote",
                delegation_role="delegate",
                by=person,
            )

    requests_from(0, 3)
    _queries(client, "/api/v1/registrations/pending", token)  # the token's first use is noted
    baseline, _ = _queries(client, "/api/v1/registrations/pending?limit=2", token)
    requests_from(3, 40)
    count, body = _queries(client, "/api/v1/registrations/pending?limit=30", token)
    assert count == baseline and len(body["items"]) == 30
    seen = [r["id"] for r in body["items"]]
    count, body = _queries(client, body["next"], token)
    assert count == baseline and body["next"] is None
    seen += [r["id"] for r in body["items"]]
    assert seen == list(
        Registration.objects.order_by("created_at", "id").values_list("pk", flat=True)
    )


def test_my_list_takes_a_constant_number_of_queries(client, next_meeting, delegate):
    token = _token(delegate)
    url = f"/api/v1/meetings/{next_meeting.slug}/registrations"

    def withdrawn(count: int) -> None:
        for _ in range(count):
            registration = services.registration_create(
                meeting=next_meeting,
                person=delegate,
                mode="remote",
                delegation_role="delegate",
                by=delegate,
            )
            services.registration_withdraw(registration=registration, by=delegate)

    withdrawn(2)
    _queries(client, url, token)  # the token's first use is noted
    baseline, _ = _queries(client, f"{url}?limit=1", token)
    withdrawn(25)
    count, body = _queries(client, f"{url}?limit=20", token)
    assert count == baseline and len(body["items"]) == 20
    count, body = _queries(client, body["next"], token)
    assert count == baseline and len(body["items"]) == 7 and body["next"] is None
