"""The liaison-statement pages over HTTP: who may do what, errors beside their fields, the Word
file downloaded before posting, and the incoming LS with their reply deadlines."""

import datetime as dt
import io

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from plenary.decisions import liaisons
from plenary.decisions.models import Decision, OutgoingLiaison
from plenary.documents.coverpage import read_cover_page
from plenary.documents.models import Document, LiaisonDetails

from .test_liaisons import POSTED, a_draft, post_td, question

pytestmark = pytest.mark.django_db
SLUG = "sg11-wp1-2020-11-19"
PEOPLE = ["delegate", "outsider", "sg_chairman", "other_chair"]


def url(name, *args):
    return reverse(f"decisions:{name}", args=[SLUG, *args])


@pytest.fixture
def q1(demo):
    return question("WP1/11", 1)


@pytest.fixture
def drafted(seed_meeting, q1, chair, secretariat) -> OutgoingLiaison:
    draft = a_draft(seed_meeting, q1, chair, secretariat)
    return liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)


@pytest.fixture
def agreed(drafted, chair) -> OutgoingLiaison:
    liaisons.liaison_agree(liaison=drafted, by=chair)
    drafted.refresh_from_db()
    return drafted


def form_data(seed_meeting, q1, chair, **changes) -> dict:
    data = {
        "agenda_item": seed_meeting.agenda_items.get(title__icontains="liaison").pk,
        "title": "progress on Q.SCC",
        "for_action": "ITU-T SG13",
        "for_information": "ETSI TC INT\nIETF",
        "approval": "working_party",
        "deadline": "2021-02-01",
        "questions": [q1.pk],
        "body": "SG11 informs SG13 of its progress.\nSG11 asks for comments.",
        "contacts": [chair.pk],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def as_person(client, person):
    client.force_login(person)
    return client


# Who may draft ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["chair", "secretariat"])
def test_it_shows_the_drafting_form_to_the_meetings_chair_and_the_secretariat(
    request, client, person, q1
):
    response = as_person(client, request.getfixturevalue(person)).get(url("liaison_new"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="for_comment"' in page and 'name="deadline"' in page
    # The approval levels a working-party meeting has: its own and its rapporteur groups'.
    assert 'value="working_party"' in page and 'value="study_group"' not in page
    assert "Q1/11" in page


@pytest.mark.parametrize("person", PEOPLE)
def test_it_refuses_the_drafting_form_to_others(request, client, person, seed_meeting, q1, chair):
    client = as_person(client, request.getfixturevalue(person))
    assert client.get(url("liaison_new")).status_code == 403
    response = client.post(url("liaison_new"), form_data(seed_meeting, q1, chair))
    assert response.status_code == 403
    assert not OutgoingLiaison.objects.exists()


def test_it_sends_someone_signed_out_to_sign_in(client, demo):
    response = client.get(url("liaison_new"))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_it_refuses_a_wrong_method(client, chair, drafted):
    client = as_person(client, chair)
    assert client.put(url("liaison_new")).status_code == 405
    assert client.get(url("liaison_agree", drafted.pk)).status_code == 405
    assert client.get(url("liaison_post", drafted.pk)).status_code == 405
    assert client.post(url("liaison_preview", drafted.pk)).status_code == 405


def test_the_chair_drafts_an_ls_and_is_taken_to_it(client, chair, seed_meeting, q1):
    response = as_person(client, chair).post(url("liaison_new"), form_data(seed_meeting, q1, chair))
    liaison = OutgoingLiaison.objects.get()
    assert response.status_code == 302 and response["Location"] == liaison.get_absolute_url()
    assert liaison.full_title == "LS/o on progress on Q.SCC"
    assert liaison.for_information == "ETSI TC INT\nIETF"
    assert liaison.drafted_by == chair
    page = client.get(response["Location"]).content.decode()
    assert (
        "LS/o on progress on Q.SCC" in page and "WP1/11 meeting (Virtual, 19 November 2020)" in page
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"deadline": None}, "deadline", "An LS that asks for action gives a reply deadline."),
        ({"deadline": "2020-11-01"}, "deadline", "Set a reply deadline after the meeting"),
        ({"deadline": "soon"}, "deadline", "Enter a valid date."),
        ({"approval": "study_group"}, "approval", "Select a valid choice."),
        ({"for_action": "", "for_information": ""}, "for_action", "Name at least one addressee"),
        ({"body": ""}, "body", "Write the text of the liaison statement."),
        ({"contacts": None}, "contacts", "Name at least one contact."),
        ({"agenda_item": 999999}, "agenda_item", "That item is not on this meeting"),
        ({"replies_to": 999999}, "replies_to", "not an incoming LS"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(
    client, chair, seed_meeting, q1, changes, field, message
):
    response = as_person(client, chair).post(
        url("liaison_new"), form_data(seed_meeting, q1, chair, **changes)
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    page = response.content.decode()
    # The error is rendered in the field's own block, right before its input.
    at = page.index(f'name="{field}"')
    assert escape(message) in page[at - 600 : at]
    assert 'value="progress on Q.SCC"' in page
    assert not OutgoingLiaison.objects.exists()


def test_an_edit_of_a_draft_is_saved_and_an_agreed_ls_is_not_edited(
    client, chair, seed_meeting, q1, drafted
):
    client = as_person(client, chair)
    assert client.get(url("liaison_edit", drafted.pk)).status_code == 200
    data = form_data(seed_meeting, q1, chair, title="revised subject")
    response = client.post(url("liaison_edit", drafted.pk), data)
    assert response.status_code == 302
    drafted.refresh_from_db()
    assert drafted.title == "revised subject"
    liaisons.liaison_agree(liaison=drafted, by=chair)
    response = client.post(url("liaison_edit", drafted.pk), form_data(seed_meeting, q1, chair))
    assert response.status_code == 302
    drafted.refresh_from_db()
    assert drafted.title == "revised subject"


# Agreement, preview and posting ----------------------------------------------------------------


@pytest.mark.parametrize("person", PEOPLE)
def test_others_neither_agree_nor_preview_nor_post(request, client, person, drafted, chair):
    client = as_person(client, request.getfixturevalue(person))
    assert client.post(url("liaison_agree", drafted.pk)).status_code == 403
    assert client.get(url("liaison_preview", drafted.pk)).status_code == 403
    liaisons.liaison_agree(liaison=drafted, by=chair)
    assert client.post(url("liaison_post", drafted.pk)).status_code == 403
    drafted.refresh_from_db()
    assert drafted.state == OutgoingLiaison.State.AGREED and drafted.document is None


def test_the_chair_agrees_by_a_decision_and_downloads_the_file(client, chair, drafted):
    client = as_person(client, chair)
    preview = client.get(url("liaison_preview", drafted.pk))
    assert preview.status_code == 200
    assert preview["Content-Type"] == liaisons.DOCX
    assert "attachment" in preview["Content-Disposition"]
    cover = read_cover_page(preview.content)
    assert cover.title == drafted.full_title and cover.number == liaisons.PREVIEW_NUMBER

    response = client.post(url("liaison_agree", drafted.pk), {"text": ""})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.kind == Decision.Kind.AGREEMENT and decision.recorded_by == chair
    decisions_page = client.get(url("meeting_decisions")).content.decode()
    assert drafted.full_title in decisions_page
    assert url("liaison_list") in decisions_page
    # The chair agrees; posting is the secretariat's.
    assert client.post(url("liaison_post", drafted.pk)).status_code == 403


def test_the_secretariat_generates_and_posts_the_td(client, secretariat, agreed):
    client = as_person(client, secretariat)
    page = client.get(url("liaison_detail", agreed.pk)).content.decode()
    assert "Generate and post as an LS/o TD" in page
    response = client.post(url("liaison_post", agreed.pk), follow=True)
    document = Document.objects.get(title__startswith="LS/o")
    assert document.display_number == "SG11-TD1/WP1"
    assert f"Posted as {document.display_number}." in response.content.decode()
    download = client.get(url("liaison_preview", agreed.pk))
    assert read_cover_page(download.content).number == "SG11-TD1/WP1"
    assert document.liaison.direction == LiaisonDetails.Direction.OUTGOING
    again = client.post(url("liaison_post", agreed.pk), follow=True).content.decode()
    assert "posted already as SG11-TD1/WP1" in again
    assert Document.objects.filter(title__startswith="LS/o").count() == 1


# Who sees what ---------------------------------------------------------------------------------


def test_drafts_are_the_chairs_and_agreed_ones_everyones(client, chair, delegate, drafted):
    assert client.get(url("liaison_detail", drafted.pk)).status_code == 404
    assert drafted.full_title not in client.get(url("liaison_list")).content.decode()
    as_person(client, chair)
    assert drafted.full_title in client.get(url("liaison_list")).content.decode()
    liaisons.liaison_agree(liaison=drafted, by=chair)
    client.logout()
    as_person(client, delegate)
    page = client.get(url("liaison_detail", drafted.pk)).content.decode()
    assert drafted.full_title in page and "Record the agreement" not in page
    assert "Download the generated Word file" not in page
    assert drafted.full_title in client.get(url("liaison_list")).content.decode()


def test_the_list_shows_incoming_ls_with_days_left_and_replies(
    client, chair, secretariat, seed_meeting, q1, monkeypatch
):
    incoming = post_td(
        seed_meeting,
        secretariat,
        title="LS/i on network slicing [from ITU-T SG13]",
        liaison={
            "direction": "incoming",
            "for_action": "ITU-T Study Group 11",
            "deadline": dt.date(2020, 12, 15),
        },
    )
    draft = a_draft(seed_meeting, q1, chair, secretariat, replies_to=incoming)
    reply = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
    real = liaisons.incoming_liaisons
    monkeypatch.setattr(
        liaisons,
        "incoming_liaisons",
        lambda user, meeting: real(user, meeting, today=dt.date(2020, 12, 18)),
    )
    page = as_person(client, chair).get(url("liaison_list")).content.decode()
    row = page[page.index(f'id="incoming-{incoming.pk}"') :]
    assert incoming.display_number in row and "15 December 2020" in row
    assert "overdue by 3 days" in row
    assert reply.full_title in row and "Draft" in row


def test_the_list_takes_as_many_queries_for_many_ls_as_for_few(
    client, chair, secretariat, seed_meeting, q1
):
    client = as_person(client, chair)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url("liaison_list")).status_code == 200
        return len(context)

    liaisons.liaison_draft(
        meeting=seed_meeting, draft=a_draft(seed_meeting, q1, chair, secretariat), by=chair
    )
    few = queries()
    for n in range(5):
        draft = a_draft(seed_meeting, q1, chair, secretariat, title=f"subject {n}")
        liaison = liaisons.liaison_draft(meeting=seed_meeting, draft=draft, by=chair)
        liaisons.liaison_agree(liaison=liaison, by=chair)
        liaisons.liaison_post(liaison=liaison, by=secretariat, now=POSTED)
    assert queries() == few


def test_the_generated_file_opens_in_python_docx_with_its_body(client, chair, drafted):
    content = as_person(client, chair).get(url("liaison_preview", drafted.pk)).content
    paragraphs = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert "SG11 thanks SG13 for its LS." in paragraphs
