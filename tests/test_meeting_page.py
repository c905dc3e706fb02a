"""The meeting page shows everything the collective letter tells a delegate."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from plenary.core.demo import ANNEX_B_AGENDA
from plenary.core.middleware import TZ_COOKIE
from plenary.meetings.models import Meeting

URL = reverse("meetings:detail", kwargs={"slug": "sg11-wp1-2020-11-19"})


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_shows_every_fact_of_the_letter(client, seed_meeting):
    response = client.get(URL)
    assert response.status_code == 200
    text = _text(response)
    for fact in [
        "Virtual meeting of Working Party 1/11, 19 November 2020",
        "Working Party 1/11",
        "Signalling requirements and protocols for emerging telecommunications networks",
        "Study Group 11",
        "Mr Andrey Kucheryavy",
        "Ms Xiaojie Zhu",
        "Thursday, 19 November 2020",
        "13:00",
        "15:00",
        "Geneva time",
        "Europe/Zurich",
        "Fully virtual",
        "English only",
        "no interpretation",
        "No fellowships will be awarded",
        "MyMeetings",
        "Q.SCC",
        "Signalling requirements and information model of Cooperative Controller",
        "Q.VNFT-req",
        "Signalling requirements for VNF lifecycle management under the testing environment",
    ]:
        assert fact in text, fact
    positions = [text.index(title) for title in ANNEX_B_AGENDA]
    assert positions == sorted(positions), "the agenda is out of order"
    assert "14 Closure of the meeting" in text


@pytest.mark.parametrize(
    ("zone", "start", "end"),
    [("Asia/Shanghai", "20:00", "22:00"), ("America/New_York", "07:00", "09:00")],
)
def test_it_shows_the_viewers_own_time_from_the_browser(client, seed_meeting, zone, start, end):
    client.cookies[TZ_COOKIE] = zone
    text = _text(client.get(URL))
    assert f"Your time: Thu 19 Nov, {start}–{end} {zone}" in text.replace("&ndash;", "–")


def test_it_prefers_the_profile_time_zone_to_the_browsers(client, delegate, seed_meeting):
    delegate.time_zone = "Asia/Shanghai"
    delegate.save()
    client.force_login(delegate)
    client.cookies[TZ_COOKIE] = "America/New_York"
    text = _text(client.get(URL)).replace("&ndash;", "–")
    assert "20:00–22:00 Asia/Shanghai" in text
    assert "New_York" not in text


def test_it_shows_only_the_meeting_zone_without_a_viewer_zone(client, seed_meeting):
    client.cookies[TZ_COOKIE] = "Not/AZone"
    text = _text(client.get(URL))
    assert "Your time" not in text
    assert "Set your own in your profile" in text


def test_it_hides_a_draft_meeting_from_the_public_but_not_from_the_secretariat(
    seed_meeting, secretariat, delegate
):
    Meeting.objects.filter(pk=seed_meeting.pk).update(status=Meeting.Status.DRAFT)
    client = Client()
    assert client.get(URL).status_code == 404
    client.force_login(delegate)
    assert client.get(URL).status_code == 404
    client.force_login(secretariat)
    assert client.get(URL).status_code == 200


def test_it_answers_404_for_an_unknown_meeting(client, db):
    assert client.get("/meetings/no-such-meeting/").status_code == 404


def test_it_refuses_a_post(client, seed_meeting):
    assert client.post(URL).status_code == 405


def test_home_lists_upcoming_and_past_meetings(client, seed_meeting, next_meeting):
    response = client.get("/")
    text = _text(response)
    assert response.status_code == 200
    upcoming, past = text.split("Upcoming", 1)[1].split("Past", 1)
    assert next_meeting.title in upcoming
    assert seed_meeting.title in past


def test_home_has_an_empty_state(client, db):
    text = _text(client.get("/"))
    assert "No meeting is announced yet." in text
    assert "No past meetings." in text


def test_home_runs_a_constant_number_of_queries(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/")


def test_ok_endpoint(client, db):
    response = client.get("/ok")
    assert response.content == b"ok"


@pytest.mark.parametrize("persona", [None, "delegate", "chair", "secretariat"])
def test_it_runs_a_bounded_number_of_queries(
    client, seed_meeting, persona, request, django_assert_max_num_queries
):
    """Each section asks its own permission and deadline questions; roles and deadline overrides
    are read once per request, so the count stays flat as sections are added."""
    if persona:
        client.force_login(request.getfixturevalue(persona))
    with django_assert_max_num_queries(18):
        assert client.get(URL).status_code == 200
