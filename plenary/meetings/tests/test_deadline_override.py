"""The secretariat moves one meeting's deadline, with a reason, or restores the policy's date."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.meetings.models import DeadlineOverride
from plenary.meetings.selectors import meeting_deadlines
from plenary.meetings.services.deadlines import deadline_override_clear, deadline_override_set

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


@pytest.fixture
def sg13_secretariat(demo) -> User:
    """A secretariat member of another study group."""
    user = User.objects.create_user(email="sg13-secretariat@example.org", password="x")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=user, name="counsellor")
    return user


def edit_url(meeting) -> str:
    return reverse("meetings:deadlines", kwargs={"slug": meeting.slug})


def clear_url(meeting, key="contributions") -> str:
    return reverse("meetings:deadline_clear", kwargs={"slug": meeting.slug, "key": key})


def override_data(key="contributions", date="2020-11-09", reason="Extended after an outage."):
    return {"key": key, f"{key}-date": date, f"{key}-reason": reason}


# The service


def test_it_moves_a_deadline_to_the_end_of_the_new_day_and_keeps_the_reason(
    seed_meeting, secretariat
):
    override = deadline_override_set(
        meeting=seed_meeting,
        key="contributions",
        date=dt.date(2020, 11, 9),
        reason="  Extended after an outage.  ",
        by=secretariat,
    )
    assert override.cutoff == dt.datetime(2020, 11, 10, 0, 0, tzinfo=ZURICH)
    assert override.reason == "Extended after an outage."
    assert override.set_by == secretariat
    deadline = meeting_deadlines(seed_meeting)["contributions"]
    assert (deadline.date, deadline.overridden) == (dt.date(2020, 11, 9), True)
    assert deadline.reason == "Extended after an outage."


def test_setting_again_replaces_the_override(seed_meeting, secretariat):
    for day, reason in ((9, "First"), (10, "Second")):
        deadline_override_set(
            meeting=seed_meeting,
            key="contributions",
            date=dt.date(2020, 11, day),
            reason=reason,
            by=secretariat,
        )
    override = DeadlineOverride.objects.get(meeting=seed_meeting)
    assert (override.date, override.reason) == (dt.date(2020, 11, 10), "Second")


@pytest.mark.parametrize(
    ("key", "date", "reason", "field"),
    [
        ("contributions", dt.date(2020, 11, 9), "   ", "reason"),
        ("contributions", dt.date(2020, 11, 19), "On the day", "date"),
        ("contributions", dt.date(2020, 12, 1), "After", "date"),
        ("coffee", dt.date(2020, 11, 9), "Why not", "key"),
    ],
)
def test_it_refuses_an_invalid_override_and_writes_nothing(
    seed_meeting, secretariat, key, date, reason, field
):
    with pytest.raises(ValidationError) as raised:
        deadline_override_set(
            meeting=seed_meeting, key=key, date=date, reason=reason, by=secretariat
        )
    assert field in raised.value.message_dict
    assert not DeadlineOverride.objects.exists()


@pytest.mark.parametrize("persona", ["chair", "delegate"])
def test_the_service_refuses_anyone_outside_the_secretariat(request, seed_meeting, persona):
    person = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        deadline_override_set(
            meeting=seed_meeting,
            key="contributions",
            date=dt.date(2020, 11, 9),
            reason="x",
            by=person,
        )
    with pytest.raises(PermissionDenied):
        deadline_override_clear(meeting=seed_meeting, key="contributions", by=person)


def test_clearing_restores_the_policys_date(seed_meeting, secretariat):
    deadline_override_set(
        meeting=seed_meeting,
        key="td_posting",
        date=dt.date(2020, 11, 13),
        reason="x",
        by=secretariat,
    )
    assert deadline_override_clear(meeting=seed_meeting, key="td_posting", by=secretariat)
    assert not deadline_override_clear(meeting=seed_meeting, key="td_posting", by=secretariat)
    deadline = meeting_deadlines(seed_meeting)["td_posting"]
    assert (deadline.date, deadline.overridden) == (dt.date(2020, 11, 12), False)


# The page


def test_the_secretariat_sees_each_deadline_with_a_form(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    response = client.get(edit_url(seed_meeting))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("19 September 2020", "19 October 2020", "6 November 2020", "12 November 2020"):
        assert text in page
    assert page.count('name="key"') == 4
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_secretariat_overrides_a_deadline_with_a_reason(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    response = client.post(edit_url(seed_meeting), override_data())
    assert response.status_code == 302
    assert response["Location"] == edit_url(seed_meeting)
    override = DeadlineOverride.objects.get(meeting=seed_meeting, key="contributions")
    assert override.reason == "Extended after an outage."
    page = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert "9 November 2020" in page and "Extended after an outage." in page


def test_a_blank_reason_shows_an_error_and_saves_nothing(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    response = client.post(edit_url(seed_meeting), override_data(reason=" "))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not DeadlineOverride.objects.exists()


def test_a_date_after_the_opening_shows_an_error(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    response = client.post(edit_url(seed_meeting), override_data(date="2020-11-20"))
    assert response.status_code == 200
    assert "before the meeting opens" in response.content.decode()
    assert not DeadlineOverride.objects.exists()


@pytest.mark.parametrize("data", [override_data(key="coffee"), {}])
def test_a_form_naming_no_deadline_is_refused_on_the_page(client, secretariat, seed_meeting, data):
    client.force_login(secretariat)
    response = client.post(edit_url(seed_meeting), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose which deadline to change" in html
    assert 'name="contributions-date"' in html  # the page, with its forms, not a 404
    assert not DeadlineOverride.objects.exists()


def test_restoring_an_unknown_deadline_is_not_found(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    assert client.post(clear_url(seed_meeting, key="coffee")).status_code == 404


def test_the_secretariat_restores_a_deadline(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    client.post(edit_url(seed_meeting), override_data())
    response = client.post(clear_url(seed_meeting))
    assert response.status_code == 302
    assert not DeadlineOverride.objects.exists()


@pytest.mark.parametrize("persona", ["chair", "delegate"])
def test_it_refuses_anyone_outside_the_secretariat(client, request, seed_meeting, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(seed_meeting)).status_code == 403
    assert client.post(edit_url(seed_meeting), override_data()).status_code == 403
    assert client.post(clear_url(seed_meeting)).status_code == 403
    assert not DeadlineOverride.objects.exists()


def test_it_refuses_the_secretariat_of_another_study_group(client, sg13_secretariat, seed_meeting):
    client.force_login(sg13_secretariat)
    assert client.get(edit_url(seed_meeting)).status_code == 403
    assert client.post(edit_url(seed_meeting), override_data()).status_code == 403
    assert not DeadlineOverride.objects.exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, seed_meeting):
    for response in (
        client.get(edit_url(seed_meeting)),
        client.post(edit_url(seed_meeting), override_data()),
        client.post(clear_url(seed_meeting)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not DeadlineOverride.objects.exists()


def test_it_refuses_other_methods(client, secretariat, seed_meeting):
    client.force_login(secretariat)
    assert client.put(edit_url(seed_meeting)).status_code == 405
    assert client.get(clear_url(seed_meeting)).status_code == 405


def test_a_draft_meeting_is_not_found_outside_the_secretariat(client, chair, seed_meeting):
    seed_meeting.status = "draft"
    seed_meeting.save(update_fields=["status"])
    client.force_login(chair)
    assert client.get(edit_url(seed_meeting)).status_code == 404
