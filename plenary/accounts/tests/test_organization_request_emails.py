"""Join requests are e-mailed after commit: to the focal points (or the secretariat), then the
outcome to the person; both parts, times in the recipient's zone."""

import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse

from plenary.accounts import services
from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.membership.models import FocalPoint, Organization


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the queued tasks) as a real commit would."""

    def _run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return _run


@pytest.fixture
def dsmt(demo) -> Organization:
    return Organization.objects.get(short_name="DSMT")


@pytest.fixture
def dsmn(demo) -> Organization:
    """A Sector Member without a focal point."""
    return Organization.objects.get(short_name="DSMN")


@pytest.fixture
def waiting(committed, outsider, dsmt):
    join_request = committed(
        lambda: services.organization_request_create(
            person=outsider, organization=dsmt, note="Standards engineer"
        )
    )
    mail.outbox.clear()
    return join_request


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_a_request_goes_to_the_focal_points(committed, outsider, dsmt, focal_point):
    committed(
        lambda: services.organization_request_create(
            person=outsider, organization=dsmt, note="Standards engineer"
        )
    )
    [message] = mail.outbox
    assert message.to == ["focalpoint@example.org"]
    assert message.subject == (
        "Request to represent Demo Sector Member Telecom: Member of the public"
    )
    assert "outsider@example.org" in message.body
    assert "Standards engineer" in message.body
    assert "designated focal point of Demo Sector Member Telecom" in message.body
    assert "/accounts/organization/requests/" in message.body
    assert "Member of the public" in html_of(message)
    assert reverse("accounts:organization_requests") in html_of(message)


def test_every_focal_point_is_told(committed, outsider, dsmt):
    other = User.objects.create_user("fp2-dsmt@example.org", "x", name="Second focal point")
    FocalPoint.objects.create(organization=dsmt, person=other)
    committed(lambda: services.organization_request_create(person=outsider, organization=dsmt))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "focalpoint@example.org",
        "fp2-dsmt@example.org",
    ]


def test_without_a_focal_point_the_secretariat_is_told(committed, outsider, dsmn, secretariat):
    assistant = User.objects.create_user("assistant@example.org", "x", name="SG13 assistant")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=assistant, name="assistant")
    committed(lambda: services.organization_request_create(person=outsider, organization=dsmn))
    # The Director holds a secretariat role but does not handle join requests.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "assistant@example.org",
        "secretariat@example.org",
    ]
    assert "has no designated focal point" in mail.outbox[0].body
    assert "has no designated focal point" in html_of(mail.outbox[0])


def test_nothing_is_sent_before_commit(outsider, dsmt):
    services.organization_request_create(person=outsider, organization=dsmt)
    assert mail.outbox == []


def test_a_refused_request_sends_nothing(committed, outsider):
    tsb = Organization.objects.get(short_name="TSB")
    with pytest.raises(services.OrganizationRequestError):
        committed(lambda: services.organization_request_create(person=outsider, organization=tsb))
    assert mail.outbox == []


def test_the_person_is_told_of_approval(committed, waiting, focal_point):
    committed(lambda: services.organization_request_approve(request=waiting, by=focal_point))
    [message] = mail.outbox
    assert message.to == ["outsider@example.org"]
    assert message.subject == "You now represent Demo Sector Member Telecom"
    assert "is approved" in message.body
    assert "Reason" not in message.body
    assert "/accounts/organization/" in message.body
    assert "<strong>approved</strong>" in html_of(message)


def test_the_person_is_told_of_rejection_with_the_reason(committed, waiting, focal_point):
    committed(
        lambda: services.organization_request_reject(
            request=waiting, by=focal_point, reason="We do not know you <yet>."
        )
    )
    [message] = mail.outbox
    assert message.to == ["outsider@example.org"]
    assert message.subject == "Request rejected: Demo Sector Member Telecom"
    assert "Reason: We do not know you <yet>." in message.body
    assert "Reason: We do not know you &lt;yet&gt;." in html_of(message)


def test_the_decision_time_is_in_the_persons_time_zone(committed, waiting, focal_point, outsider):
    outsider.time_zone = "Asia/Tokyo"
    outsider.save(update_fields=["time_zone"])
    decided = committed(
        lambda: services.organization_request_approve(request=waiting, by=focal_point)
    )
    [message] = mail.outbox
    in_tokyo = decided.decided_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{in_tokyo:%H:%M} (Asia/Tokyo)" in message.body
    assert f"{in_tokyo:%H:%M} (Asia/Tokyo)" in html_of(message)


def test_a_withdrawal_sends_nothing(committed, waiting, outsider):
    committed(lambda: services.organization_request_withdraw(request=waiting, by=outsider))
    assert mail.outbox == []


def test_the_pages_send_the_e_mails(client, committed, outsider, dsmt, focal_point):
    client.force_login(outsider)
    committed(
        lambda: client.post(reverse("accounts:organization"), {"organization": dsmt.pk, "note": ""})
    )
    assert [m.to for m in mail.outbox] == [["focalpoint@example.org"]]
    join_request = outsider.organization_requests.get()
    client.force_login(focal_point)
    url = reverse("accounts:organization_request_reject", args=[join_request.pk])
    committed(lambda: client.post(url, {"reason": "Not our staff."}))
    assert [m.to for m in mail.outbox[1:]] == [["outsider@example.org"]]
    assert "Reason: Not our staff." in mail.outbox[1].body
