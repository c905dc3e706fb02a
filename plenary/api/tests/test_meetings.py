"""The meeting routes: public reads, drafts private to the secretariat, the page's own data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plenary.api.services import token_create
from plenary.meetings.models import DeadlineOverride, Meeting

from .conftest import bearer

pytestmark = pytest.mark.django_db


def slugs(response) -> list[str]:
    return [m["slug"] for m in response.json()["items"]]


def test_the_list_is_public(client, seed_meeting, next_meeting):
    response = client.get("/api/v1/meetings")
    assert response.status_code == 200
    body = response.json()
    assert slugs(response) == [next_meeting.slug, seed_meeting.slug]  # latest first
    first = body["items"][0]
    assert first["body"] == "WP1/11" and first["status"] == "announced"
    assert first["url"] == f"http://testserver/meetings/{next_meeting.slug}/"
    assert first["api_url"] == f"http://testserver/api/v1/meetings/{next_meeting.slug}"
    assert body["next"] is None


def test_it_filters_upcoming_and_past(client, seed_meeting, next_meeting):
    assert slugs(client.get("/api/v1/meetings?when=upcoming")) == [next_meeting.slug]
    assert slugs(client.get("/api/v1/meetings?when=past")) == [seed_meeting.slug]
    response = client.get("/api/v1/meetings?when=soon")
    assert response.status_code == 400
    assert response.json()["field"] == "when"


def test_a_draft_is_hidden_from_others_and_listed_for_the_secretariat(
    client, draft_meeting, outsider_token, delegate_token, secretariat_token
):
    for token in (None, outsider_token, delegate_token):
        headers = bearer(token) if token else {}
        assert draft_meeting.slug not in slugs(client.get("/api/v1/meetings", headers=headers))
        for tail in ("", "/deadlines", "/agenda", "/timeplan", "/calendar.ics"):
            response = client.get(f"/api/v1/meetings/{draft_meeting.slug}{tail}", headers=headers)
            assert response.status_code == 404, tail
            assert response.json()["code"] == "not_found"
    headers = bearer(secretariat_token)
    assert draft_meeting.slug in slugs(client.get("/api/v1/meetings", headers=headers))
    for tail in ("", "/deadlines", "/agenda", "/timeplan", "/calendar.ics"):
        response = client.get(f"/api/v1/meetings/{draft_meeting.slug}{tail}", headers=headers)
        assert response.status_code == 200, tail


def test_an_unknown_meeting_is_404_and_a_malformed_slug_400(client, demo):
    response = client.get("/api/v1/meetings/no-such-meeting")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No meeting matches that slug."}
    response = client.get("/api/v1/meetings/bad%20slug")
    assert response.status_code == 400
    assert response.json()["field"] == "slug"


def test_the_detail_says_what_the_letter_says(client, seed_meeting):
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["start_date"] == "2020-11-19"
    assert body["starts_at"] == "2020-11-19T13:00:00+01:00"
    assert body["time_zone"] == "Europe/Zurich" and body["languages"] == ["en"]
    assert set(body["drafts"]) == {w.acronym for w in seed_meeting.drafts.all()}
    assert body["links"]["deadlines"].endswith(f"/api/v1/meetings/{seed_meeting.slug}/deadlines")


def test_the_remote_link_is_for_participants_only(
    client, seed_meeting, outsider_token, secretariat_token
):
    Meeting.objects.filter(pk=seed_meeting.pk).update(remote_link="https://example.org/join")
    url = f"/api/v1/meetings/{seed_meeting.slug}"
    assert client.get(url, headers=bearer(outsider_token)).json()["remote_link"] is None
    shown = client.get(url, headers=bearer(secretariat_token)).json()["remote_link"]
    assert shown == "https://example.org/join"


def test_the_deadlines_come_from_meeting_deadlines(client, seed_meeting, secretariat):
    cutoff = dt.datetime(2020, 10, 1, 12, 0, tzinfo=dt.UTC)
    DeadlineOverride.objects.create(
        meeting=seed_meeting,
        key="registration",
        date=cutoff.date(),
        cutoff=cutoff,
        reason="Extended by the chairman",
        set_by=secretariat,
    )
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}/deadlines")
    assert response.status_code == 200
    items = {d["key"]: d for d in response.json()["items"]}
    assert set(items) == {"translation", "registration", "contributions", "td_posting"}
    registration = items["registration"]
    assert registration["overridden"] is True
    assert registration["reason"] == "Extended by the chairman"
    assert registration["cutoff"] == "2020-10-01T14:00:00+02:00"  # ISO 8601, meeting's offset
    assert registration["passed"] is True
    assert items["translation"]["overridden"] is False


def test_a_broken_deadline_policy_is_a_conflict_not_a_crash(client, seed_meeting):
    Meeting.objects.filter(pk=seed_meeting.pk).update(deadline_policy="no-such-policy")
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}/deadlines")
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_policy_invalid"


def test_the_agenda_is_numbered(client, seed_meeting):
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}/agenda")
    assert response.status_code == 200
    body = response.json()
    assert body["working_copy"] is True and body["version"] is None
    numbers = [(i["number"], i["title"]) for i in body["items"]]
    assert numbers[0] == ("1", "Opening remarks")
    assert ("2", "Approval of the agenda") in numbers
    assert all(i["depth"] == i["number"].count(".") for i in body["items"])


def test_the_time_plan_has_local_hours_and_instants(client, seed_meeting):
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}/timeplan")
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Europe/Zurich"
    slot = body["slots"][0]
    assert slot["start"] == "13:00" and slot["starts_at"] == "2020-11-19T13:00:00+01:00"


def test_the_calendar_is_the_pages_ics(client, seed_meeting):
    response = client.get(f"/api/v1/meetings/{seed_meeting.slug}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response.content == client.get(f"/meetings/{seed_meeting.slug}/calendar.ics").content


def test_the_list_walks_pages_with_cursors(client, seed_meeting):
    _copies(seed_meeting, 7)
    seen, url, pages = [], "/api/v1/meetings?limit=3&when=past", 0
    while url:
        body = client.get(url).json()
        seen += [m["slug"] for m in body["items"]]
        url, pages = body["next"], pages + 1
        assert url is None or url.startswith("http://testserver/api/v1/meetings?")
        assert url is None or "when=past" in url
    assert pages == 3
    expected = list(
        Meeting.objects.filter(end_date__lt=timezone.now().date())
        .order_by("-start_date", "slug")
        .values_list("slug", flat=True)
    )
    assert seen == expected and len(seen) == 8


def test_a_foreign_cursor_is_refused(client, seed_meeting):
    _copies(seed_meeting, 3)
    next_url = client.get("/api/v1/meetings?limit=1").json()["next"]
    cursor = next_url.split("cursor=")[1].split("&")[0]
    response = client.get(f"/api/v1/meetings?when=upcoming&cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"
    response = client.get("/api/v1/meetings?cursor=garbage!")
    assert response.json() == {
        "code": "invalid_cursor",
        "message": "The cursor is not one this list gave out (or its filters changed).",
        "field": "cursor",
    }


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_the_list_takes_the_same_number_of_queries_for_any_page_size(
    client, seed_meeting, secretariat, django_assert_num_queries, who
):
    _copies(seed_meeting, 25)
    headers = {}
    if who == "secretariat":
        headers = bearer(token_create(user=secretariat, name="q", scope="read")[1])
        client.get("/api/v1/meetings", headers=headers)  # the first use notes last_used_at
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/meetings?limit=2", headers=headers).json()["items"]) == 2
    with django_assert_num_queries(len(small)):
        assert len(client.get("/api/v1/meetings?limit=25", headers=headers).json()["items"]) == 25


def _copies(meeting: Meeting, n: int) -> None:
    for index in range(n):
        copy = Meeting.objects.get(pk=meeting.pk)
        copy.pk = None
        copy.slug = f"{meeting.slug}-copy-{index:02}"
        copy.start_date = copy.end_date = meeting.start_date - dt.timedelta(days=30 * (index % 4))
        copy.save()


def test_editors_see_the_working_agenda_and_others_the_published_one(
    client, seed_meeting, secretariat, secretariat_token
):
    from plenary.meetings.services.agenda import agenda_item_update, agenda_publish

    agenda_publish(meeting=seed_meeting, by=secretariat)
    first = seed_meeting.agenda_items.get(parent=None, position=1)
    agenda_item_update(item=first, title="Opening of the meeting")
    url = f"/api/v1/meetings/{seed_meeting.slug}/agenda"
    public = client.get(url).json()
    assert (public["version"], public["working_copy"]) == (1, False)
    assert public["items"][0]["title"] == "Opening remarks"
    editor = client.get(url, headers=bearer(secretariat_token)).json()
    assert (editor["version"], editor["working_copy"]) == (None, True)
    assert editor["items"][0]["title"] == "Opening of the meeting"
