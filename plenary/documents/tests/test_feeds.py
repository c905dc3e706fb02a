"""Atom feeds of newly posted documents: public metadata only, never a file."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from plenary.documents import services
from plenary.meetings.models import Meeting

from .conftest import filled, register_contribution, upload

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def posted(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate, title="Signalling for numbat gateways")
    document.abstract = "Requirements for gateways & <friends>."
    document.save(update_fields=["abstract"])
    upload(document, delegate, filled(document))
    document.refresh_from_db()
    return document


def _entries(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314 - our own feed


def test_the_meeting_feed_lists_posted_documents(client, posted, next_meeting, delegate):
    reserved = register_contribution(next_meeting, delegate, title="Not yet uploaded")
    entries = _entries(client.get(reverse("documents:meeting_feed", args=[next_meeting.slug])))
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [f"{posted.display_number}: Signalling for numbat gateways"]
    assert (
        reserved.title
        not in client.get(
            reverse("documents:meeting_feed", args=[next_meeting.slug])
        ).content.decode()
    )
    [entry] = entries
    assert entry.find(f"{ATOM}link").get("href").endswith(posted.get_absolute_url())
    summary = entry.findtext(f"{ATOM}summary")
    assert "Requirements for gateways & <friends>." in summary
    assert "Demo Sector Member Telecom" in summary
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Demo Sector Member Telecom"


def test_a_feed_never_carries_a_file_or_a_link_to_one(client, posted, next_meeting):
    body = client.get(reverse("documents:meeting_feed", args=[next_meeting.slug])).content
    assert b"/files/" not in body
    assert posted.current_revision.download_name.encode() not in body
    assert b"PK\x03\x04" not in body


def test_the_study_group_feed_spans_its_meetings(client, posted, seed_meeting, delegate):
    other = register_contribution(seed_meeting, delegate, title="Earlier numbat work")
    upload(other, delegate, filled(other))
    entries = _entries(client.get(reverse("documents:study_group_feed", args=["SG11"])))
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [f"{other.display_number}: Earlier numbat work", str(posted)]


def test_a_feed_of_an_unknown_or_draft_meeting_is_not_found(client, next_meeting):
    assert client.get(reverse("documents:meeting_feed", args=["nope"])).status_code == 404
    Meeting.objects.filter(pk=next_meeting.pk).update(status=Meeting.Status.DRAFT)
    url = reverse("documents:meeting_feed", args=[next_meeting.slug])
    assert client.get(url).status_code == 404
    assert client.get(reverse("documents:study_group_feed", args=["ITU-T"])).status_code == 404


def test_the_study_group_feed_leaves_out_draft_meetings(client, posted, next_meeting):
    Meeting.objects.filter(pk=next_meeting.pk).update(status=Meeting.Status.DRAFT)
    assert _entries(client.get(reverse("documents:study_group_feed", args=["SG11"]))) == []


def test_the_meeting_page_and_register_link_the_feed(client, next_meeting):
    feed = reverse("documents:meeting_feed", args=[next_meeting.slug])
    for url in (
        reverse("meetings:detail", args=[next_meeting.slug]),
        reverse("documents:register", args=[next_meeting.slug]),
    ):
        page = client.get(url).content.decode()
        head = page[: page.index("</head>")]
        link = f'type="application/atom+xml" title="Documents of this meeting" href="{feed}"'
        assert link in head


def test_a_feed_takes_a_constant_number_of_queries(
    client, media, next_meeting, delegate, secretariat, django_assert_max_num_queries
):
    for n in range(12):
        document = register_contribution(next_meeting, delegate, title=f"Item {n}")
        upload(document, delegate, filled(document))
        services.document_access_set(document=document, actor=secretariat, public=n % 2 == 0)
    with django_assert_max_num_queries(6):
        client.get(reverse("documents:meeting_feed", args=[next_meeting.slug]))
