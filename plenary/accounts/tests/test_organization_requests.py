"""Joining an organization is approved by its focal point or the secretariat; nobody claims it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from plenary.accounts import services
from plenary.accounts.models import OrganizationRequest, User
from plenary.membership.models import FocalPoint, Organization

State = OrganizationRequest.State


@pytest.fixture
def dsmt(demo) -> Organization:
    return Organization.objects.get(short_name="DSMT")


@pytest.fixture
def other_focal_point(demo) -> User:
    org = Organization.objects.get(short_name="DSMN")
    person = User.objects.create_user("fp-dsmn@example.org", "x", name="FP", organization=org)
    FocalPoint.objects.create(organization=org, person=person)
    return person


@pytest.fixture
def waiting(outsider, dsmt) -> OrganizationRequest:
    return services.organization_request_create(person=outsider, organization=dsmt, note="Engineer")


class TestServices:
    def test_the_focal_point_approves_and_the_person_joins(self, waiting, focal_point, outsider):
        services.organization_request_approve(request=waiting, by=focal_point)
        outsider.refresh_from_db()
        assert outsider.organization.short_name == "DSMT"
        waiting.refresh_from_db()
        assert (waiting.state, waiting.decided_by) == (State.APPROVED, focal_point)

    def test_the_secretariat_approves(self, waiting, secretariat, outsider):
        services.organization_request_approve(request=waiting, by=secretariat)
        outsider.refresh_from_db()
        assert outsider.organization_id == waiting.organization_id

    @pytest.mark.parametrize("who", ["other_focal_point", "delegate", "outsider"])
    def test_others_may_not_approve(self, waiting, who, request):
        with pytest.raises(PermissionDenied):
            services.organization_request_approve(request=waiting, by=request.getfixturevalue(who))
        assert User.objects.get(email="outsider@example.org").organization is None

    def test_rejection_needs_a_reason(self, waiting, focal_point):
        with pytest.raises(services.OrganizationRequestError):
            services.organization_request_reject(request=waiting, by=focal_point, reason=" ")
        services.organization_request_reject(request=waiting, by=focal_point, reason="Unknown.")
        waiting.refresh_from_db()
        assert (waiting.state, waiting.reason) == (State.REJECTED, "Unknown.")

    def test_one_request_waits_at_a_time(self, waiting, outsider):
        other = Organization.objects.get(short_name="DUT")
        with pytest.raises(services.OrganizationRequestError) as error:
            services.organization_request_create(person=outsider, organization=other)
        assert "already have a request waiting" in error.value.message

    def test_the_database_keeps_one_pending_request(self, waiting, outsider, dsmt):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrganizationRequest.objects.create(person=outsider, organization=dsmt)

    def test_the_secretariat_cannot_be_joined_by_request(self, outsider):
        tsb = Organization.objects.get(short_name="TSB")
        with pytest.raises(services.OrganizationRequestError):
            services.organization_request_create(person=outsider, organization=tsb)

    def test_the_person_withdraws(self, waiting, outsider, focal_point):
        with pytest.raises(PermissionDenied):
            services.organization_request_withdraw(request=waiting, by=focal_point)
        services.organization_request_withdraw(request=waiting, by=outsider)
        waiting.refresh_from_db()
        assert waiting.state == State.WITHDRAWN

    def test_a_decided_request_cannot_be_decided_again(self, waiting, focal_point):
        services.organization_request_approve(request=waiting, by=focal_point)
        with pytest.raises(services.OrganizationRequestError):
            services.organization_request_reject(request=waiting, by=focal_point, reason="x")


class TestPages:
    def test_the_profile_cannot_set_the_organization(self, client, outsider, dsmt):
        client.force_login(outsider)
        client.post(
            reverse("accounts:profile"),
            {"name": "Someone", "organization": dsmt.pk, "time_zone": ""},
        )
        outsider.refresh_from_db()
        assert outsider.organization is None

    def test_a_person_asks_and_the_focal_point_approves(self, client, outsider, focal_point, dsmt):
        client.force_login(outsider)
        url = reverse("accounts:organization")
        assert client.get(url).status_code == 200
        response = client.post(url, {"organization": dsmt.pk, "note": "Engineer"}, follow=True)
        assert "Your request is sent." in response.content.decode()
        join_request = OrganizationRequest.objects.get()

        client.force_login(focal_point)
        queue = client.get(reverse("accounts:organization_requests"))
        assert "Member of the public" in queue.content.decode()
        client.post(reverse("accounts:organization_request_approve", args=[join_request.pk]))
        outsider.refresh_from_db()
        assert outsider.organization == dsmt

    def test_errors_stand_next_to_the_field(self, client, outsider):
        client.force_login(outsider)
        response = client.post(reverse("accounts:organization"), {"organization": ""})
        html = response.content.decode()
        assert 'id="id_organization_error"' in html
        assert 'aria-describedby="id_organization_error"' in html

    def test_the_queue_refuses_people_who_decide_nothing(self, client, delegate):
        client.force_login(delegate)
        assert client.get(reverse("accounts:organization_requests")).status_code == 403

    def test_another_focal_point_cannot_approve_or_reject(self, client, waiting, other_focal_point):
        client.force_login(other_focal_point)
        approve = reverse("accounts:organization_request_approve", args=[waiting.pk])
        reject = reverse("accounts:organization_request_reject", args=[waiting.pk])
        assert client.post(approve).status_code == 403
        assert client.post(reject, {"reason": "x"}).status_code == 403
        assert (
            "Member of the public"
            not in client.get(reverse("accounts:organization_requests")).content.decode()
        )

    def test_reject_page(self, client, waiting, focal_point):
        client.force_login(focal_point)
        url = reverse("accounts:organization_request_reject", args=[waiting.pk])
        assert "Give the reason" in client.post(url, {"reason": ""}).content.decode()
        client.post(url, {"reason": "Not our staff."})
        waiting.refresh_from_db()
        assert waiting.state == State.REJECTED

    def test_anonymous_and_wrong_methods(self, client, waiting, focal_point):
        for name in ("accounts:organization", "accounts:organization_requests"):
            response = client.get(reverse(name))
            assert response.status_code == 302 and "login" in response.url
        client.force_login(focal_point)
        approve = reverse("accounts:organization_request_approve", args=[waiting.pk])
        assert client.get(approve).status_code == 405
        assert client.post(reverse("accounts:organization_requests")).status_code == 405

    def test_only_the_person_withdraws_through_the_page(self, client, waiting, focal_point):
        url = reverse("accounts:organization_request_withdraw", args=[waiting.pk])
        client.force_login(focal_point)
        assert client.post(url).status_code == 404
        client.force_login(waiting.person)
        client.post(url)
        waiting.refresh_from_db()
        assert waiting.state == State.WITHDRAWN
