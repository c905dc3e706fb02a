"""The cover page's contacts, typed on the contribution and draft TD pages, one a line."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from plenary.documents import services
from plenary.documents.coverpage import read_cover_page
from plenary.documents.forms import ContactsField, contact_line
from plenary.documents.models import Document, contact_of
from plenary.documents.word import contribution_template_path

from .test_search import make_pdf

PDF = make_pdf(["A draft TD."])
RAPPORTEUR = (
    "Rapporteur for Q1/11; Acme Networks; Switzerland; +41 22 730 0000; rapporteur@acme.example"
)
EDITOR = "Editor of Q.SCC; Builders Ltd; Ghana; ; editor@builders.example"


class _Form(forms.Form):
    contacts = ContactsField()


def _clean(text: str):
    form = _Form({"contacts": text})
    return form.is_valid(), form.cleaned_data.get("contacts"), form.errors.get("contacts", [])


# The field ---------------------------------------------------------------------------------------


def test_it_reads_one_contact_a_line_in_the_cover_pages_order():
    valid, contacts, _ = _clean(f"{RAPPORTEUR}\n\n  {EDITOR}  \n")
    assert valid
    assert contacts == [
        {
            "name": "Rapporteur for Q1/11",
            "organization": "Acme Networks",
            "country": "Switzerland",
            "tel": "+41 22 730 0000",
            "email": "rapporteur@acme.example",
        },
        {
            "name": "Editor of Q.SCC",
            "organization": "Builders Ltd",
            "country": "Ghana",
            "tel": "",
            "email": "editor@builders.example",
        },
    ]


def test_it_takes_a_name_alone_and_blank_means_nobody_given():
    assert _clean("Carol Chair")[1] == [
        {"name": "Carol Chair", "organization": "", "country": "", "tel": "", "email": ""}
    ]
    assert _clean("  \n ") == (True, None, [])


def test_it_shows_a_list_of_contacts_as_lines():
    assert (
        ContactsField().prepare_value(_clean(f"{RAPPORTEUR}\n{EDITOR}")[1])
        == f"{RAPPORTEUR}\n{EDITOR}"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{RAPPORTEUR}\n; Acme; CH; ; x@acme.example", "Line 2: a name is required."),
        (
            "Rapporteur; Acme; CH; ; not-an-address",
            "Line 1: \u201cnot-an-address\u201d is not a valid e-mail.",
        ),
        (f"Rapporteur; {'A' * 201}", "Line 1: the organization is longer than 200 characters."),
        (f"{RAPPORTEUR}\n{'B' * 201}", "Line 2: the name is longer than 200 characters."),
        ("Rapporteur; Acme; CH; 1; a@b.example; extra", "Line 1: 6 fields; give at most 5"),
        ("\n".join(f"Person {n}" for n in range(11)), "Give at most 10 contacts (11 are given)."),
    ],
)
def test_it_refuses_with_a_message_naming_the_line(text, message):
    valid, _, errors = _clean(text)
    assert not valid
    assert any(error.startswith(message) for error in errors), errors


def test_it_names_every_line_at_fault_at_once():
    _, _, errors = _clean(f"{RAPPORTEUR}\n; no name\nEve; ; ; ; eve@")
    assert errors == [
        "Line 2: a name is required.",
        "Line 3: \u201ceve@\u201d is not a valid e-mail.",
    ]


def test_ten_contacts_are_enough():
    valid, contacts, _ = _clean("\n".join(f"Person {n}" for n in range(10)))
    assert valid and len(contacts) == 10


# Contributions -------------------------------------------------------------------------------


def test_the_contribution_form_starts_with_the_submitters_line(client, next_meeting, delegate):
    client.force_login(delegate)
    page = client.get(reverse("documents:contribution_new", args=[next_meeting.slug]))
    text = page.content.decode()
    assert 'name="contacts"' in text
    assert escape(contact_line(contact_of(delegate))) in text
    assert "name; organization; country; tel; e-mail" in text


def test_a_contribution_registers_its_contacts_into_the_template_and_page(
    client, media, next_meeting, delegate, questions
):
    client.force_login(delegate)
    response = client.post(
        reverse("documents:contribution_new", args=[next_meeting.slug]),
        {
            "title": "Signalling for Y",
            "source": "Demo Sector Member Telecom",
            "questions": [questions[0].pk],
            "contacts": f"{RAPPORTEUR}\n{EDITOR}",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert [c["name"] for c in document.contacts] == ["Rapporteur for Q1/11", "Editor of Q.SCC"]
    template = client.get(reverse("documents:template", args=[document.pk]))
    cover = read_cover_page(template.content)
    assert [(c.name, c.email) for c in cover.contacts] == [
        ("Rapporteur for Q1/11", "rapporteur@acme.example"),
        ("Editor of Q.SCC", "editor@builders.example"),
    ]
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Contacts" in page and "Acme Networks" in page
    assert 'href="mailto:editor@builders.example"' in page


def test_a_contribution_left_blank_names_the_submitter(
    client, media, next_meeting, delegate, questions
):
    client.force_login(delegate)
    client.post(
        reverse("documents:contribution_new", args=[next_meeting.slug]),
        {"title": "T", "source": "S", "questions": [questions[0].pk], "contacts": ""},
    )
    assert Document.objects.get().contacts == [contact_of(delegate)]


def test_the_contribution_page_keeps_what_was_typed_and_names_the_line(
    client, next_meeting, delegate, questions
):
    client.force_login(delegate)
    response = client.post(
        reverse("documents:contribution_new", args=[next_meeting.slug]),
        {
            "title": "T",
            "source": "S",
            "questions": [questions[0].pk],
            "contacts": f"{RAPPORTEUR}\nEditor; ; ; ; editor-at-builders",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert escape("Line 2: \u201ceditor-at-builders\u201d is not a valid e-mail.") in text
    assert "Rapporteur for Q1/11; Acme Networks" in text
    assert not Document.objects.exists()


# Draft TDs -------------------------------------------------------------------------------------


def _td_post(client, meeting, **fields):
    return client.post(
        reverse("documents:td_new", args=[meeting.slug]),
        {
            "file": SimpleUploadedFile("td.pdf", PDF),
            "level": "WP1",
            "title": "Agenda update",
            "source": "Chairman, WP1/11",
            "purpose": "Admin",
            **fields,
        },
    )


def test_the_td_form_starts_with_the_submitters_line(client, next_meeting, chair):
    client.force_login(chair)
    page = client.get(reverse("documents:td_new", args=[next_meeting.slug])).content.decode()
    assert escape(contact_line(contact_of(chair))) in page


def test_a_draft_td_records_its_contacts_and_shows_them(client, media, next_meeting, chair):
    client.force_login(chair)
    response = _td_post(client, next_meeting, contacts=f"{EDITOR}\n{RAPPORTEUR}")
    assert response.status_code == 302
    draft = Document.objects.get()
    assert [c["email"] for c in draft.contacts] == [
        "editor@builders.example",
        "rapporteur@acme.example",
    ]
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Builders Ltd" in page and "+41 22 730 0000" in page


def test_a_docx_td_left_blank_names_the_submitter_not_the_files_cover(
    client, media, next_meeting, chair
):
    client.force_login(chair)
    content = contribution_template_path().read_bytes()
    response = _td_post(
        client, next_meeting, file=SimpleUploadedFile("td.docx", content), contacts=""
    )
    assert response.status_code == 302
    assert Document.objects.get().contacts == [contact_of(chair)]


def test_a_draft_td_with_a_bad_contact_is_not_submitted(client, media, next_meeting, chair):
    client.force_login(chair)
    response = _td_post(client, next_meeting, contacts=f"{RAPPORTEUR}\n; Acme")
    assert response.status_code == 200
    assert escape("Line 2: a name is required.") in response.content.decode()
    assert not Document.objects.exists()


@pytest.fixture
def returned(media, next_meeting, chair, secretariat) -> Document:
    draft = services.td_submit(
        meeting=next_meeting,
        actor=chair,
        fileobj=SimpleUploadedFile("draft.pdf", PDF),
        filename="draft.pdf",
        title="Agenda update",
        source="Chairman, WP1/11",
        level="WP1",
        purpose="Admin",
        contacts=[
            {
                "name": "Rapporteur for Q1/11",
                "organization": "",
                "country": "",
                "tel": "",
                "email": "",
            }
        ],
    )
    return services.td_return(document=draft, actor=secretariat, reason="Name the editor too")


def _resubmit(client, document, **fields):
    return client.post(
        reverse("documents:td_resubmit", args=[document.pk]),
        {
            "level": "WP1",
            "title": document.title,
            "source": document.source,
            "purpose": "Admin",
            **fields,
        },
    )


def test_the_resubmit_form_shows_the_drafts_contacts(client, returned, chair):
    client.force_login(chair)
    page = client.get(reverse("documents:td_resubmit", args=[returned.pk])).content.decode()
    assert "Rapporteur for Q1/11; ; ; ; </textarea>" in page


def test_corrected_contacts_alone_are_a_correction(client, returned, chair):
    client.force_login(chair)
    response = _resubmit(client, returned, contacts=f"Rapporteur for Q1/11\n{EDITOR}")
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.state == Document.State.SUBMITTED
    assert [c["name"] for c in returned.contacts] == ["Rapporteur for Q1/11", "Editor of Q.SCC"]
    assert "corrected contacts" in returned.events.last().detail


def test_unchanged_contacts_are_no_correction(client, returned, chair):
    client.force_login(chair)
    response = _resubmit(client, returned, contacts="Rapporteur for Q1/11; ; ; ;")
    assert response.status_code == 200
    assert "Nothing was corrected" in response.content.decode()


def test_contacts_emptied_on_resubmission_name_the_submitter(client, returned, chair):
    client.force_login(chair)
    assert _resubmit(client, returned, contacts="").status_code == 302
    returned.refresh_from_db()
    assert returned.contacts == [contact_of(chair)]


def test_the_page_shows_contacts_only_to_those_who_may_read_the_file(
    client, media, next_meeting, delegate, outsider
):
    document = services.contribution_register(
        meeting=next_meeting,
        actor=delegate,
        title="Signalling for Y",
        source="Demo Sector Member Telecom",
        contacts=[{"name": "Rapporteur for Q1/11", "email": "rapporteur@acme.example"}],
    )
    url = document.get_absolute_url()
    client.force_login(delegate)
    assert "rapporteur@acme.example" in client.get(url).content.decode()
    client.force_login(outsider)
    assert "rapporteur@acme.example" not in client.get(url).content.decode()
    client.logout()
    page = client.get(url).content.decode()
    assert "rapporteur@acme.example" not in page and "Signalling for Y" in page
