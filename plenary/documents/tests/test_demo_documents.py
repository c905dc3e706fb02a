"""The demo's document register, and the agenda that shows it under each item."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.core.demo import load_demo
from plenary.documents import demo as documents_demo
from plenary.documents import search, services
from plenary.documents.coverpage import read_cover_page
from plenary.documents.models import (
    Document,
    DocumentEvent,
    DocumentText,
    LiaisonDetails,
    NumberCounter,
    Revision,
)
from plenary.documents.permissions import may_contribute

from .conftest import filled, register_contribution, upload

MODELS = (Document, Revision, DocumentEvent, DocumentText, LiaisonDetails, NumberCounter)


@pytest.fixture
def register(media, demo, seed_meeting, next_meeting):
    """The demo as `plenary demo` loads it, documents included."""
    load_demo()
    return {d.display_number: d for d in Document.objects.filter(meeting=seed_meeting)}


def _item(document: Document) -> str:
    return document.agenda_item.title if document.agenda_item else ""


def test_loading_twice_adds_nothing(register, media):
    counts = [model.objects.count() for model in MODELS]
    stored = sorted(p for p in media.rglob("*") if p.is_file())
    load_demo()
    assert [model.objects.count() for model in MODELS] == counts
    assert sorted(p for p in media.rglob("*") if p.is_file()) == stored


def test_the_seed_meeting_has_the_agenda_update_named_in_the_letter(register):
    update = register["SG11-TD53/WP1"]
    assert update.title == "Updates to the agenda"
    assert update.state == Document.State.POSTED and not update.late
    assert _item(update) == "Approval of the agenda"
    assert update.events.filter(type=DocumentEvent.Type.NUMBERED).exists()


def test_the_drafts_the_report_and_the_liaison_statement_are_tds_on_their_items(register):
    tds = [d for d in register.values() if d.kind == Document.Kind.TD]
    by_title = {d.title.split(":")[0]: d for d in tds}
    for draft in ("Draft Recommendation ITU-T Q.SCC", "Draft Recommendation ITU-T Q.VNFT-req"):
        assert _item(by_title[draft]) == "Consent of draft Recommendations"
    report = next(d for d in tds if d.title.startswith("Report of the Rapporteur Group"))
    assert _item(report).startswith("Review and approve the reports")
    ls = next(d for d in tds if d.is_liaison_statement)
    assert ls.title.startswith("LS/i")
    assert ls.liaison.direction == LiaisonDetails.Direction.INCOMING
    assert _item(ls) == "Approval of outgoing liaison statements"
    # Its contact is the sending study group's, as on its cover, not the secretariat's here.
    assert [c["email"] for c in ls.contacts] == ["sg13-secretariat@example.org"]


def test_contributions_come_from_the_demo_members_on_item_4(register):
    contributions = [d for d in register.values() if d.kind == Document.Kind.CONTRIBUTION]
    assert {d.source for d in contributions} == {
        "Demo Sector Member Telecom",
        "China",
        "Russian Federation",
        "Demo University of Technology",
    }
    for document in contributions:
        assert _item(document) == "Discussion of received contributions"
        assert document.state == Document.State.POSTED and not document.late
        assert document.submitted_by.email.endswith("@example.org")


def test_every_file_is_a_word_document_whose_cover_matches(register):
    for document in register.values():
        revision = document.current_revision
        assert revision.content_type.endswith("wordprocessingml.document")
        with default_storage.open(revision.storage_name, "rb") as stream:
            cover = read_cover_page(stream.read())
        assert cover.number == document.display_number
        assert cover.title == document.title
        assert cover.source == document.source
        if document.kind == Document.Kind.CONTRIBUTION:
            expected = "CONTRIBUTION"
        elif document.is_liaison_statement:
            expected = "LIAISON STATEMENT"  # made from the official liaison-statement template
        else:
            expected = "TD"
        assert cover.kind == expected


def _file(document: Document) -> bytes:
    with default_storage.open(document.current_revision.storage_name, "rb") as stream:
        return stream.read()


def test_every_file_has_body_text_in_place_of_the_template_instructions(register):
    papers = {p.title: p for p in [*documents_demo.CONTRIBUTIONS, *documents_demo.TDS]}
    for number, document in register.items():
        paper = papers[document.title]
        body = [p.text.strip() for p in docx.Document(io.BytesIO(_file(document))).paragraphs]
        text = [line for line in body if line]
        assert not any("Your text starts here" in line for line in text), number
        assert not any("Before submitting this document" in line for line in text), number
        assert not any(line.startswith("[") or line == "]" for line in text), number
        # The body text comes right after the cover, as an author's would.
        assert text[: len(paper.body)] == list(paper.body), number


def test_every_cover_names_the_documents_contacts_and_no_placeholder(register):
    for number, document in register.items():
        content = _file(document)
        cover = read_cover_page(content)
        assert cover.contacts, number
        assert [c.email for c in cover.contacts] == [c["email"] for c in document.contacts]
        assert [c.name for c in cover.contacts] == [c["name"] for c in document.contacts]
        cells = " ".join(
            cell.text
            for table in docx.Document(io.BytesIO(content)).tables[:3]
            for row in table.rows
            for cell in row.cells
        )
        for hint in ("[1/12, 2/12, etc.]", "Insert contact name", "+xx", "a@b.com", "[Insert"):
            assert hint not in cells, (number, hint)


def test_the_agenda_update_names_the_wp1_chairman_on_its_cover(register):
    [contact] = read_cover_page(_file(register["SG11-TD53/WP1"])).contacts
    assert (contact.name, contact.email) == ("Ms Xiaojie Zhu", "chair@example.org")


def test_files_and_history_carry_the_meetings_timeline_not_the_loading_day(register):
    start = dt.datetime(2020, 11, 1, tzinfo=dt.UTC)
    opening = dt.datetime(2020, 11, 19, tzinfo=dt.UTC)
    for number, document in register.items():
        revision = document.current_revision
        events = list(document.events.all())
        assert start <= revision.uploaded_at <= document.posted_at < opening, number
        assert start <= document.created_at <= revision.uploaded_at, number
        assert all(start <= event.at < opening for event in events), number
        posted = [e.at for e in events if e.type == DocumentEvent.Type.POSTED]
        assert posted in ([], [document.posted_at]), number
        # History reads in the order things happened.
        assert [e.at for e in events] == sorted(e.at for e in events), number
    update = register["SG11-TD53/WP1"]
    assert update.posted_at == documents_demo.TDS_POSTED
    assert update.current_revision.uploaded_at == documents_demo.TDS_SUBMITTED
    contribution = register["SG11-C1"]
    assert contribution.current_revision.uploaded_at == documents_demo.CONTRIBUTIONS_UPLOADED
    uploaded = contribution.events.get(type=DocumentEvent.Type.UPLOADED)
    assert uploaded.at == documents_demo.CONTRIBUTIONS_UPLOADED


def test_the_next_meeting_is_open_with_one_number_reserved(register, next_meeting, delegate):
    [reserved] = Document.objects.filter(meeting=next_meeting)
    assert reserved.state == Document.State.RESERVED and reserved.current_revision is None
    assert may_contribute(delegate, next_meeting) is None


def test_the_demo_register_is_searchable(register, academic, outsider):
    [hit] = search.search_documents(academic, "failover median")[0:5]
    assert hit.from_file and "<mark>" in hit.snippet
    assert search.search_documents(outsider, "failover median").count() == 0


# The agenda with its documents -----------------------------------------------------------------


def test_the_meeting_page_lists_documents_under_their_agenda_items(client, register):
    page = client.get(reverse("meetings:detail", args=["sg11-wp1-2020-11-19"])).content.decode()
    item_2 = page[page.index('id="agenda-2"') : page.index('id="agenda-3"')]
    assert "SG11-TD53/WP1" in item_2 and "Updates to the agenda" in item_2
    item_4 = page[page.index('id="agenda-4"') : page.index('id="agenda-5"')]
    assert item_4.count("SG11-C") == 4
    item_6 = page[page.index('id="agenda-6"') : page.index('id="agenda-7"')]
    assert "Q.SCC" in item_6 and "Q.VNFT-req" in item_6


def test_a_document_not_yet_posted_is_not_under_an_item(
    client, next_meeting, delegate, chair, media
):
    document = register_contribution(next_meeting, delegate, title="Reserved only")
    item = next_meeting.agenda_items.get(position=4)
    services.documents_allocate(
        meeting=next_meeting, actor=chair, allocations={document.pk: item.pk}
    )
    page = client.get(reverse("meetings:detail", args=[next_meeting.slug])).content.decode()
    assert "Reserved only" not in page


def test_the_agenda_takes_as_many_queries_for_many_documents_as_for_few(
    client, register, seed_meeting, delegate, chair
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("meetings:detail", args=[seed_meeting.slug]))
        assert response.status_code == 200
        return len(context)

    few = queries()
    item = seed_meeting.agenda_items.get(position=4)
    for n in range(10):
        document = register_contribution(seed_meeting, delegate, title=f"More input {n}")
        upload(document, delegate, filled(document))
        services.documents_allocate(
            meeting=seed_meeting, actor=chair, allocations={document.pk: item.pk}
        )
    assert queries() == few
