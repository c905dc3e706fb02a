import pytest
from django.urls import reverse

from plenary.letters.tests.reference import FACTS, docx_text, html_text, normalize
from plenary.meetings.models import Meeting

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page(meeting):
    return reverse("letters:page", kwargs={"slug": meeting.slug})


def _docx(meeting):
    return reverse("letters:docx", kwargs={"slug": meeting.slug})


def test_it_shows_every_fact_to_the_public(client, seed_meeting):
    response = client.get(_page(seed_meeting))
    assert response.status_code == 200
    text = normalize(html_text(response.content.decode()))
    missing = [fact for fact in FACTS if normalize(fact) not in text]
    assert missing == []
    assert _docx(seed_meeting) in response.content.decode()


def test_it_serves_the_word_file(client, seed_meeting):
    response = client.get(_docx(seed_meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert (
        f'filename="{seed_meeting.slug}-collective-letter.docx"' in response["Content-Disposition"]
    )
    assert "Dear Sir/Madam," in docx_text(response.content)


def test_it_is_linked_from_the_meeting_page(client, seed_meeting):
    response = client.get(seed_meeting.get_absolute_url())
    assert _page(seed_meeting) in response.content.decode()
    assert _docx(seed_meeting) in response.content.decode()


@pytest.mark.parametrize("url", [_page, _docx])
def test_it_hides_a_draft_meetings_letter_from_the_public(client, seed_meeting, url):
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save(update_fields=["status"])
    assert client.get(url(seed_meeting)).status_code == 404


@pytest.mark.parametrize("url", [_page, _docx])
def test_it_hides_a_draft_meetings_letter_from_an_outsider(client, seed_meeting, outsider, url):
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save(update_fields=["status"])
    client.force_login(outsider)
    assert client.get(url(seed_meeting)).status_code == 404


@pytest.mark.parametrize("url", [_page, _docx])
def test_it_shows_a_draft_meetings_letter_to_the_secretariat(
    client, seed_meeting, secretariat, url
):
    seed_meeting.status = Meeting.Status.DRAFT
    seed_meeting.save(update_fields=["status"])
    client.force_login(secretariat)
    assert client.get(url(seed_meeting)).status_code == 200


def test_it_is_404_for_an_unknown_meeting(client, demo):
    assert client.get("/meetings/no-such-meeting/letter/").status_code == 404


@pytest.mark.parametrize("url", [_page, _docx])
def test_it_refuses_post(client, seed_meeting, url):
    assert client.post(url(seed_meeting)).status_code == 405


def test_it_escapes_the_meetings_data(client, seed_meeting):
    item = seed_meeting.agenda_items.get(position=1)
    item.title = "<script>alert(1)</script> & more"
    item.save(update_fields=["title"])
    content = client.get(_page(seed_meeting)).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in content
