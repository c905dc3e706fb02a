"""The demo's document register, and the agenda that shows it under each item."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.core.demo import load_demo
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
