"""The report's pages: who reads the draft, who edits and publishes, what the public sees, and
the page's query count whatever the size of the record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.decisions.models import Decision
from plenary.documents.models import Document
from plenary.reports import services
from plenary.reports.models import MeetingReport

from .conftest import attend, decide, item, posted, register, speak

SLUG = "sg11-wp1-2020-11-19"
PAGE = reverse("reports:page", args=[SLUG])
EDIT = reverse("reports:edit", args=[SLUG])
PUBLISH = reverse("reports:publish", args=[SLUG])
DRAFT_DOCX = reverse("reports:draft_docx", args=[SLUG])
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def as_user(client):
    def login(person):
        client.force_login(person)
        return client

    return login


def _form(meeting, **changes):
    data = {"title": "Report of WP1/11", "source": "Chairman, WP1/11", "introduction": "Intro."}
    data.update({f"summary_{i.pk}": "" for i in meeting.agenda_items.all()})
    data.update(changes)
    return data


# Reading ---------------------------------------------------------------------------------------


def test_the_secretariat_reads_the_draft_with_its_actions(as_user, record, secretariat):
    page = as_user(secretariat).get(PAGE).content.decode()
    assert 'id="draft-notice"' in page and "SG11-R (draft)" in page
    assert EDIT in page and PUBLISH in page
    assert "Q.SCC consented." in page and "Aligns the model." in page


def test_the_meetings_chair_reads_the_draft_but_neither_edits_nor_publishes(as_user, record, chair):
    client = as_user(chair)
    page = client.get(PAGE).content.decode()
    assert "Q.SCC consented." in page and 'id="draft-notice"' in page
    assert EDIT not in page and PUBLISH not in page
    response = client.get(DRAFT_DOCX)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, _form(record["meeting"])).status_code == 403
    assert client.post(PUBLISH).status_code == 403
    assert not MeetingReport.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "delegate", "other_secretariat", "sg_chairman"])
def test_others_see_no_draft(client, request, record, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="not-published"' in page
    assert "Q.SCC consented." not in page
    expected = 302 if who == "anonymous" else 403
    assert client.get(DRAFT_DOCX).status_code == 403
    assert client.get(EDIT).status_code == expected
    assert client.post(PUBLISH).status_code == expected
    assert client.post(EDIT, _form(record["meeting"])).status_code == expected
    assert not MeetingReport.objects.exists()


def test_members_read_the_published_report_and_others_learn_its_number(
    client, record, secretariat, delegate, outsider
):
    report = services.report_publish(meeting=record["meeting"], by=secretariat)
    decide(record["meeting"], item(record["meeting"], 13), "agreement", "After publication.")
    # The public and a signed-in outsider learn that it exists, not what it says.
    for person, status in ((None, 200), (outsider, 403)):
        if person is not None:
            client.force_login(person)
        response = client.get(PAGE)
        page = response.content.decode()
        assert response.status_code == status and 'id="member-only"' in page
        assert "SG11-R1" in page and "Q.SCC consented." not in page
    client.logout()
    client.force_login(delegate)
    page = client.get(PAGE).content.decode()
    assert "SG11-R1" in page and "Q.SCC consented." in page and "Aligns the model." in page
    assert "After publication." not in page and 'id="draft-notice"' not in page
    client.logout()
    # The Word file itself is a report Document: the documents' access rule guards it.
    download = report.document.current_revision.get_absolute_url()
    assert client.get(DRAFT_DOCX)["Location"] == download
    assert client.get(download)["Location"].startswith(reverse("login"))
    client.force_login(delegate)
    assert client.get(download).status_code == 200


# Editing and publishing ------------------------------------------------------------------------


def test_the_secretariat_edits_then_publishes(as_user, record, secretariat):
    client = as_user(secretariat)
    m = record["meeting"]
    form = client.get(EDIT)
    assert form.status_code == 200 and "Report of the meeting of Working Party 1/11" in (
        form.content.decode()
    )
    summary = f"summary_{item(m, 6).pk}"
    response = client.post(EDIT, _form(m, **{summary: "Both drafts <b>were</b> consented."}))
    assert response.status_code == 302 and response["Location"] == PAGE
    page = client.get(PAGE).content.decode()
    assert "Both drafts &lt;b&gt;were&lt;/b&gt; consented." in page  # escaped
    response = client.post(PUBLISH)
    assert response.status_code == 302
    report = MeetingReport.objects.get(meeting=m)
    assert report.is_published and report.document.display_number == "SG11-R1"
    assert report.content["title"] == "Report of WP1/11"
    # Published: the edit form sends back to the page; publishing again says why not.
    assert client.get(EDIT)["Location"] == PAGE
    client.post(PUBLISH)
    assert "already published as SG11-R1" in client.get(PAGE).content.decode()
    assert Document.objects.filter(kind=Document.Kind.REPORT).count() == 1


def test_a_bad_form_is_shown_again_and_saves_nothing(as_user, record, next_meeting, secretariat):
    client = as_user(secretariat)
    response = client.post(EDIT, _form(record["meeting"], title=""))
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not MeetingReport.objects.exists()


@pytest.mark.parametrize(("url", "method"), [(PUBLISH, "get"), (EDIT, "put"), (PAGE, "post")])
def test_wrong_methods_are_refused(as_user, record, secretariat, url, method):
    assert getattr(as_user(secretariat), method)(url).status_code == 405


def test_a_draft_meeting_is_hidden_from_everyone_but_the_secretariat(client, record, delegate):
    Meeting = record["meeting"].__class__
    Meeting.objects.filter(pk=record["meeting"].pk).update(status="draft")
    client.force_login(delegate)
    assert client.get(PAGE).status_code == 404


def test_the_meeting_page_links_the_report(client, record):
    page = client.get(reverse("meetings:detail", args=[SLUG])).content.decode()
    assert f'href="{PAGE}"' in page


# Query counts ----------------------------------------------------------------------------------


def _grow(meeting, n: int) -> None:
    """More of everything the report lists: documents, decisions, people, interventions."""
    for k in range(n):
        agenda = item(meeting, 4 + k % 3)
        document = posted(meeting, title=f"More input {k}", agenda=agenda, abstract=f"A{k}")
        decide(meeting, agenda, Decision.Kind.DOCUMENTS_NOTED, f"Noted {k}.", documents=[document])
        person = register(meeting, f"grown{k}@example.org").person
        attend(meeting, person)
        speak(meeting, person, agenda, delegation=f"Delegation {k}", at=10 + k)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_the_draft_page_takes_as_many_queries_for_a_large_record_as_for_a_small_one(
    as_user, record, secretariat, django_assert_num_queries
):
    client = as_user(secretariat)
    small = _queries(client, PAGE)
    _grow(record["meeting"], 12)
    with django_assert_num_queries(small):
        response = client.get(PAGE)
    assert response.content.decode().count("More input") == 12


def test_the_published_page_takes_as_many_queries_for_a_large_record_as_for_a_small_one(
    client, record, next_meeting, secretariat, delegate, django_assert_num_queries
):
    client.force_login(delegate)
    services.report_publish(meeting=next_meeting, by=secretariat)
    small = _queries(client, reverse("reports:page", args=[next_meeting.slug]))
    _grow(record["meeting"], 12)
    services.report_publish(meeting=record["meeting"], by=secretariat)
    with django_assert_num_queries(small):
        response = client.get(PAGE)
    assert response.content.decode().count("More input") == 12
