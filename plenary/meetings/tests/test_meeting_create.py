"""Creating a meeting: the body's secretariat only, every field validated, nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plenary.accounts.models import User
from plenary.groups.models import Body, Role
from plenary.meetings.models import Meeting
from plenary.meetings.services.meetings import meeting_create, meeting_slug_suggestion

URL = reverse("meetings:new")


@pytest.fixture
def wp1(demo) -> Body:
    return Body.objects.get(acronym="WP1/11")


@pytest.fixture
def sg13_secretariat(demo) -> User:
    """A secretariat member of another study group."""
    user = User.objects.create_user(email="sg13-secretariat@example.org", password="x")
    Role.objects.create(body=Body.objects.get(acronym="SG13"), person=user, name="counsellor")
    return user


def form_data(body: Body, **changes) -> dict:
    data = {
        "body": body.pk,
        "title": "Virtual meeting of Working Party 1/11, 4 March 2027",
        "slug": "",
        "start_date": "2027-03-04",
        "end_date": "2027-03-04",
        "daily_start": "13:00",
        "daily_end": "15:00",
        "time_zone": "Europe/Zurich",
        "time_zone_label": "Geneva time",
        "mode": "virtual",
        "place": "",
        "languages": ["en", "fr"],
        "interpretation": "",
        "fellowships": "",
        "remote_tool": "MyMeetings",
        "remote_link": "https://meetings.example.org/wp1",
        "deadline_policy": "itu-t",
    }
    data.update(changes)
    return data


def test_it_shows_the_form_with_only_the_bodies_the_secretariat_serves(client, secretariat):
    client.force_login(secretariat)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "WP1/11" in page and "SG11" in page
    assert "SG13" not in page
    for language in ("Arabic", "Chinese", "English", "French", "Russian", "Spanish"):
        assert language in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_it_creates_a_draft_meeting_and_shows_its_deadlines(client, secretariat, wp1):
    client.force_login(secretariat)
    response = client.post(URL, form_data(wp1))
    meeting = Meeting.objects.get(slug="sg11-wp1-2027-03-04")
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.body == wp1
    assert meeting.languages == ["en", "fr"]
    assert meeting.daily_start == dt.time(13, 0)
    page = client.get(meeting.get_absolute_url()).content.decode()
    for text in ("4 January 2027", "4 February 2027", "19 February 2027", "25 February 2027"):
        assert text in page


def test_a_link_typed_without_its_scheme_is_taken_as_https(client, secretariat, wp1):
    client.force_login(secretariat)
    client.post(URL, form_data(wp1, remote_link="meetings.example.org/wp1"))
    meeting = Meeting.objects.get(slug="sg11-wp1-2027-03-04")
    assert meeting.remote_link == "https://meetings.example.org/wp1"


def test_it_keeps_a_slug_the_secretariat_chose(client, secretariat, wp1):
    client.force_login(secretariat)
    client.post(URL, form_data(wp1, slug="wp1-march"))
    assert Meeting.objects.filter(slug="wp1-march").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": "2027-03-03"}, "end_date"),
        ({"daily_end": "12:00"}, "daily_end"),
        ({"languages": []}, "languages"),
        ({"languages": ["en", "xx"]}, "languages"),
        ({"time_zone": "Mars/Base"}, "time_zone"),
        ({"mode": "teleport"}, "mode"),
        ({"remote_link": "not a link"}, "remote_link"),
        ({"deadline_policy": "nope"}, "deadline_policy"),
        ({"start_date": "2027-02-30"}, "start_date"),
        ({"title": ""}, "title"),
        ({"slug": "new"}, "slug"),
        ({"slug": "sg11-wp1-2020-11-19"}, "slug"),
    ],
)
def test_it_shows_errors_and_saves_nothing_on_bad_input(client, secretariat, wp1, changes, field):
    client.force_login(secretariat)
    before = Meeting.objects.count()
    response = client.post(URL, form_data(wp1, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    errors = form.errors.get(field) or form.non_field_errors()
    assert errors, form.errors
    assert Meeting.objects.count() == before


def test_the_service_validates_the_policy_and_writes_nothing(secretariat, wp1):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as raised:
        meeting_create(
            by=secretariat,
            body=wp1,
            title="A meeting",
            start_date=dt.date(2027, 3, 4),
            end_date=dt.date(2027, 3, 4),
            daily_start=dt.time(13),
            daily_end=dt.time(15),
            mode="virtual",
            languages=["en"],
            deadline_policy="withdrawn",
        )
    assert "deadline_policy" in raised.value.message_dict
    assert Meeting.objects.count() == before


def test_the_service_refuses_someone_outside_the_secretariat(chair, wp1):
    with pytest.raises(PermissionDenied):
        meeting_create(by=chair, body=wp1, title="A meeting")


def test_the_slug_suggestion_names_the_study_group_and_the_date(wp1):
    assert meeting_slug_suggestion(wp1, dt.date(2020, 11, 19)) == "sg11-wp1-2020-11-19"
    sg13 = Body.objects.get(acronym="SG13")
    assert meeting_slug_suggestion(sg13, dt.date(2026, 1, 5)) == "sg13-2026-01-05"


@pytest.mark.parametrize("persona", ["chair", "delegate"])
def test_it_refuses_anyone_outside_the_secretariat(client, request, wp1, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(wp1)).status_code == 403
    assert not Meeting.objects.filter(slug="sg11-wp1-2027-03-04").exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, wp1):
    response = client.post(URL, form_data(wp1))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Meeting.objects.filter(slug="sg11-wp1-2027-03-04").exists()


def test_it_refuses_other_methods(client, secretariat):
    client.force_login(secretariat)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_it_refuses_the_secretariat_of_another_study_group(client, sg13_secretariat, wp1):
    client.force_login(sg13_secretariat)
    page = client.get(URL).content.decode()
    assert "SG13" in page and "WP1/11" not in page
    assert client.post(URL, form_data(wp1)).status_code == 403
    assert not Meeting.objects.filter(body=wp1, start_date=dt.date(2027, 3, 4)).exists()


def test_the_home_page_links_new_meeting_for_the_secretariat_only(client, secretariat, delegate):
    client.force_login(secretariat)
    assert client.get(reverse("home")).content.decode().count(URL) == 1
    client.force_login(delegate)
    assert URL not in client.get(reverse("home")).content.decode()
