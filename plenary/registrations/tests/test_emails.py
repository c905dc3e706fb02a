"""E-mails go out after commit, to the right people, in their time zone, with both parts."""

import zoneinfo

import pytest

from plenary.accounts.models import User
from plenary.groups.models import Role
from plenary.registrations import services
from plenary.registrations.models import Registration


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the queued tasks) as a real commit would."""

    def _run(action):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = action()
        return result, callbacks

    return _run


def html_of(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_a_request_goes_to_the_focal_points(committed, register, delegate, mailoutbox):
    registration, _ = committed(lambda: register(delegate, delegation_role="head"))
    [message] = mailoutbox
    assert message.to == ["focalpoint@example.org"]
    assert "Registration request to approve" in message.subject
    assert "Delegate of Demo Sector Member Telecom" in message.subject
    assert "Head of delegation" in message.body
    assert "/registrations/approvals/" in message.body
    assert "Delegate of Demo Sector Member Telecom" in html_of(message)
    assert registration.state == Registration.State.PENDING


def test_it_sends_nothing_before_commit(register, delegate, mailoutbox):
    register(delegate)  # the test transaction never commits
    assert mailoutbox == []


def test_it_writes_times_in_the_recipients_time_zone(
    committed, register, delegate, focal_point, next_meeting, mailoutbox
):
    focal_point.time_zone = "Asia/Tokyo"
    focal_point.save()
    committed(lambda: register(delegate))
    [message] = mailoutbox
    in_tokyo = next_meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{in_tokyo:%H:%M} (Asia/Tokyo)" in message.body
    assert "13:00 Geneva time" in message.body
    assert f"{in_tokyo:%H:%M} (Asia/Tokyo)" in html_of(message)


def test_without_a_focal_point_the_secretariat_is_told(
    committed, register, other_delegate, secretariat, mailoutbox
):
    # A TSB assistant of SG11 is told too; the Director (a secretariat role of ITU-T) is not.
    assistant = User.objects.create_user("assistant@example.org", "x", name="SG11 assistant")
    Role.objects.create(body=secretariat.roles.get().body, person=assistant, name="assistant")
    committed(lambda: register(other_delegate))
    assert sorted(m.to[0] for m in mailoutbox) == [
        "assistant@example.org",
        "secretariat@example.org",
    ]
    assert "has no designated focal point" in mailoutbox[0].body
    assert "/registrations/meeting/sg11-wp1-next/" in mailoutbox[0].body


def test_the_person_is_told_of_approval(committed, pending, focal_point, mailoutbox):
    committed(lambda: services.registration_approve(registration=pending, by=focal_point))
    [message] = mailoutbox
    assert message.to == ["delegate@example.org"]
    assert message.subject.startswith("Registration approved")
    assert "is approved" in message.body
    assert "remote-participation link" in message.body
    assert "approved" in html_of(message)


def test_the_person_is_told_of_rejection_and_why(committed, pending, focal_point, mailoutbox):
    committed(
        lambda: services.registration_reject(
            registration=pending, by=focal_point, reason="Another colleague attends."
        )
    )
    [message] = mailoutbox
    assert message.to == ["delegate@example.org"]
    assert message.subject.startswith("Registration rejected")
    assert "Reason: Another colleague attends." in message.body
    assert "Another colleague attends." in html_of(message)


def test_the_person_is_told_of_cancellation(committed, approved, secretariat, mailoutbox):
    committed(
        lambda: services.registration_cancel(
            registration=approved, by=secretariat, reason="Duplicate registration."
        )
    )
    [message] = mailoutbox
    assert message.to == ["delegate@example.org"]
    assert "cancelled by the secretariat" in message.body
    assert "Duplicate registration." in message.body


def test_an_automatic_approval_is_announced_as_such(committed, register, focal_point, mailoutbox):
    committed(lambda: register(focal_point))
    [message] = mailoutbox
    assert message.to == ["focalpoint@example.org"]
    assert "approved automatically" in message.body


def test_a_withdrawal_sends_nothing(committed, pending, delegate, mailoutbox):
    committed(lambda: services.registration_withdraw(registration=pending, by=delegate))
    assert mailoutbox == []


def test_a_failed_request_sends_nothing(committed, register, associate, mailoutbox):
    with pytest.raises(services.NotEligible):
        committed(lambda: register(associate))
    assert mailoutbox == []
