"""Contributions by direct posting: number at once, filled template, checked upload, revisions."""

import io

import docx as python_docx
import pytest
from django.urls import reverse

from plenary.documents import files, services
from plenary.documents.coverpage import read_cover_page
from plenary.documents.models import Document, Revision

from . import wordkit
from .conftest import filled, register_contribution, stored_files, upload, upload_file


def _edited(content: bytes, label: str, text: str) -> bytes:
    document = python_docx.Document(io.BytesIO(content))
    wordkit.type_into_label(document, label, text)
    return wordkit.to_bytes(document)


def test_it_fills_the_template_with_the_registration(media, next_meeting, delegate, questions):
    document = register_contribution(next_meeting, delegate, questions=questions)
    cover = read_cover_page(filled(document))
    assert cover.number == document.display_number
    assert cover.title == "Signalling for X"
    assert cover.source == "Demo Sector Member Telecom"
    assert cover.questions == ["1/11", "2/11"]
    assert cover.contacts[0].email == "delegate@example.org"


def test_it_posts_an_upload_whose_cover_matches(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    content = filled(document)
    revision = upload(document, delegate, content)
    document.refresh_from_db()
    assert (revision.number, revision.language) == (0, "E")
    assert document.state == Document.State.POSTED
    assert document.current_revision == revision
    assert not document.late and not document.held_for_next
    assert revision.download_name == f"{document.file_code}!!MSW-E.docx"
    assert [p.read_bytes() for p in stored_files(media)] == [content]


def test_it_makes_revisions_with_the_same_number(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    content = filled(document)
    upload(document, delegate, content)
    first = upload(document, delegate, content)
    second = upload(document, delegate, content)
    french = upload(document, delegate, content, language="F")
    assert (first.number, second.number, french.number) == (1, 2, 2)
    assert second.download_name.endswith("!R2!MSW-E.docx")
    document.refresh_from_db()
    assert document.current_revision == second
    assert document.number == 1


@pytest.mark.parametrize(
    ("label", "text", "message"),
    [
        ("Title", "Something else", "The cover page's title is \u201cSomething else\u201d"),
        ("Source", "Another company", "The cover page's source is \u201cAnother company\u201d"),
    ],
)
def test_it_refuses_a_cover_that_does_not_match(
    media, next_meeting, delegate, label, text, message
):
    document = register_contribution(next_meeting, delegate)
    content = _edited(filled(document), label, text)
    with pytest.raises(services.DocumentRefused, match=message):
        upload(document, delegate, content)
    assert not Revision.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_a_cover_with_another_number(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    other = register_contribution(next_meeting, delegate)
    with pytest.raises(services.DocumentRefused) as caught:
        upload(document, delegate, filled(other))
    assert f"gives the number {other.display_number}" in str(caught.value)
    assert f"this contribution is {document.display_number}" in str(caught.value)


def test_it_tolerates_spacing_and_case_in_title_and_source(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    content = _edited(filled(document), "Title", "  signalling   for x. ")
    assert upload(document, delegate, content).number == 0


def test_it_refuses_the_untouched_template(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    content = wordkit.contribution_template().read_bytes()
    with pytest.raises(services.DocumentRefused, match="gives no document number"):
        upload(document, delegate, content)


def test_it_marks_a_late_upload_and_holds_it_for_the_next_meeting(
    media, seed_meeting, delegate, secretariat
):
    document = register_contribution(seed_meeting, delegate)
    upload(document, delegate, filled(document))
    document.refresh_from_db()
    assert document.late and document.held_for_next
    assert "late" in [e.type for e in document.events.all()]
    services.document_admit(document=document, actor=secretariat)
    document.refresh_from_db()
    assert document.late and not document.held_for_next
    assert document.admitted_by == secretariat
    upload(document, delegate, filled(document))
    document.refresh_from_db()
    assert not document.held_for_next


def test_a_failed_write_leaves_no_record_and_no_file(media, next_meeting, delegate, monkeypatch):
    document = register_contribution(next_meeting, delegate)

    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_revision_record", broken)
    with pytest.raises(RuntimeError):
        upload(document, delegate, filled(document))
    assert stored_files(media) == []
    assert not Revision.objects.exists()


def test_it_refuses_uploads_to_a_withdrawn_contribution(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    services.document_withdraw(document=document, actor=delegate)
    with pytest.raises(services.DocumentRefused, match="withdrawn"):
        upload(document, delegate, filled(document))


def test_it_refuses_an_executable_before_reading_the_cover(media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    with pytest.raises(files.UploadRefused, match="executable"):
        upload(document, delegate, b"MZ" + b"\x00" * 100)


# Pages ------------------------------------------------------------------------------------------


def test_a_member_registers_downloads_and_uploads_through_the_pages(
    client, media, next_meeting, delegate, questions
):
    client.force_login(delegate)
    url = reverse("documents:contribution_new", args=[next_meeting.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Signalling for Y",
            "source": "Demo Sector Member Telecom",
            "questions": [questions[0].pk],
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    page = client.get(document.get_absolute_url())
    assert "Not yet uploaded" in page.content.decode()
    template = client.get(reverse("documents:template", args=[document.pk]))
    assert template.status_code == 200
    assert read_cover_page(template.content).number == document.display_number
    response = client.post(
        reverse("documents:upload", args=[document.pk]),
        {"file": upload_file(template.content), "language": "E"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.state == Document.State.POSTED


def test_the_upload_page_shows_the_precise_refusal(client, media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    client.force_login(delegate)
    content = _edited(filled(document), "Title", "Wrong title")
    response = client.post(
        reverse("documents:upload", args=[document.pk]),
        {"file": upload_file(content), "language": "E"},
        follow=True,
    )
    text = response.content.decode()
    assert "The upload was refused" in text
    assert "Wrong title" in text
    assert not Revision.objects.exists()


def test_an_outsider_cannot_register_a_contribution(client, next_meeting, outsider):
    client.force_login(outsider)
    url = reverse("documents:contribution_new", args=[next_meeting.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "source": "y"}).status_code == 403
    assert not Document.objects.exists()


def test_an_associate_of_another_study_group_cannot_register(client, next_meeting, associate):
    client.force_login(associate)
    url = reverse("documents:contribution_new", args=[next_meeting.slug])
    assert client.get(url).status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, next_meeting):
    response = client.get(reverse("documents:contribution_new", args=[next_meeting.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_someone_else_cannot_upload_withdraw_or_get_the_template(
    client, media, next_meeting, delegate, academic
):
    document = register_contribution(next_meeting, delegate)
    client.force_login(academic)
    assert client.get(reverse("documents:template", args=[document.pk])).status_code == 403
    response = client.post(
        reverse("documents:upload", args=[document.pk]),
        {"file": upload_file(filled(document)), "language": "E"},
    )
    assert response.status_code == 403
    assert client.post(reverse("documents:withdraw", args=[document.pk])).status_code == 403
    assert client.post(reverse("documents:admit", args=[document.pk])).status_code == 403


def test_upload_and_withdraw_take_post_only(client, media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    client.force_login(delegate)
    assert client.get(reverse("documents:upload", args=[document.pk])).status_code == 405
    assert client.get(reverse("documents:withdraw", args=[document.pk])).status_code == 405


def test_withdrawal_through_the_page_keeps_the_number(client, media, next_meeting, delegate):
    document = register_contribution(next_meeting, delegate)
    client.force_login(delegate)
    url = reverse("documents:withdraw", args=[document.pk])
    response = client.post(url, {"reason": "merged"}, follow=True)
    assert "Tick the box to confirm the withdrawal" in response.content.decode()
    document.refresh_from_db()
    assert document.state == Document.State.RESERVED
    client.post(url, {"reason": "merged", "confirm": "on"})
    document.refresh_from_db()
    assert document.state == Document.State.WITHDRAWN and document.number == 1
    register = client.get(reverse("documents:register", args=[next_meeting.slug]))
    assert "withdrawn" in register.content.decode()


def test_only_the_first_file_decides_whether_a_contribution_is_late(
    media, next_meeting, delegate, secretariat
):
    """A contribution received on time stays on time when the secretariat adds its French
    version, or its author a revision, after the deadline; the revision's history says when."""
    import datetime as dt

    from plenary.meetings.selectors import meeting_deadlines

    cutoff = meeting_deadlines(next_meeting)["contributions"].cutoff
    document = register_contribution(next_meeting, delegate)
    content = filled(document)
    upload(document, delegate, content, now=cutoff - dt.timedelta(days=3))
    upload(document, secretariat, content, language="F", now=cutoff + dt.timedelta(days=2))
    upload(document, delegate, content, now=cutoff + dt.timedelta(days=3))
    document.refresh_from_db()
    assert not document.late and not document.held_for_next
    assert not document.events.filter(type="late").exists()
    details = list(document.events.filter(type="uploaded").values_list("detail", flat=True))
    assert [d.endswith("after the contribution deadline") for d in details] == [
        False,
        False,
        True,
    ]
    assert details[2].startswith("Rev.1 (E)")


def test_the_template_gives_the_meetings_place_and_all_its_dates(media, next_meeting, delegate):
    import datetime as dt

    next_meeting.place = "Geneva"
    next_meeting.start_date, next_meeting.end_date = dt.date(2027, 4, 28), dt.date(2027, 5, 7)
    next_meeting.save()
    document = register_contribution(next_meeting, delegate)
    assert read_cover_page(filled(document)).place_and_date == "Geneva, 28 April - 7 May 2027"


def test_the_forms_say_when_the_study_group_has_no_questions(client, next_meeting, delegate, chair):
    """The demo's study group has none on record: the forms say so rather than show a bare
    label (the tests' ``questions`` fixture adds some)."""
    client.force_login(delegate)
    url = reverse("documents:contribution_new", args=[next_meeting.slug])
    assert "SG11 has no Questions on record." in client.get(url).content.decode()
    client.force_login(chair)
    url = reverse("documents:td_new", args=[next_meeting.slug])
    assert "SG11 has no Questions on record." in client.get(url).content.decode()
