"""Search: text extracted from real files, ranked hits, escaped highlights and the access rule."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.documents import files, search, services
from plenary.documents.models import Document, DocumentText
from plenary.documents.word import contribution_template_path

from .conftest import filled, register_contribution, upload

SECRET = "Quokkafrequency"  # a word only the file's text holds


def with_body(content: bytes, paragraphs: list[str], table: list[list[str]] = ()) -> bytes:
    """A copy of a .docx with paragraphs and a table appended after its cover."""
    document = docx.Document(io.BytesIO(content))
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_pdf(lines: list[str]) -> bytes:
    """A small but complete PDF (one page, Helvetica) written by hand."""
    text = " T* ".join(f"({line}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services queue on commit (the indexing task) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def posted(media, next_meeting, delegate, committed) -> Document:
    """A posted contribution whose file says SECRET in a paragraph and in a table."""
    with committed():
        document = register_contribution(
            next_meeting, delegate, title="Signalling for cooperative controllers"
        )
        content = with_body(
            filled(document),
            [f"The {SECRET} parameter tunes the cooperative controller."],
            [["Parameter", "Meaning"], ["Zebrawidth", "the width of the zebra crossing"]],
        )
        upload(document, delegate, content)
    document.refresh_from_db()
    return document


def _hits(user, text) -> list[search.Hit]:
    results = search.search_documents(user, text)
    return results[0 : results.count()]


# Extraction ------------------------------------------------------------------------------------


def test_it_extracts_paragraphs_and_tables_from_a_docx():
    content = with_body(
        contribution_template_path().read_bytes(),
        ["First paragraph of the body.", "Second paragraph."],
        [["Cell one", "Cell two"]],
    )
    text = search.extract_text(io.BytesIO(content), files.DOCX.content_type)
    assert "CONTRIBUTION" in text  # the cover table
    assert "First paragraph of the body." in text and "Second paragraph." in text
    assert "Cell one" in text and "Cell two" in text


def test_it_extracts_the_text_of_a_pdf():
    content = make_pdf(["Draft Recommendation Q.SCC", "Cooperative Controller requirements"])
    text = search.extract_text(io.BytesIO(content), "application/pdf")
    assert "Draft Recommendation Q.SCC" in text
    assert "Cooperative Controller requirements" in text


def test_a_damaged_file_gives_no_text_rather_than_an_error():
    assert search.extract_text(io.BytesIO(b"%PDF-1.7\nnonsense"), "application/pdf") == ""
    assert search.extract_text(io.BytesIO(b"PK\x03\x04broken"), files.DOCX.content_type) == ""


def test_it_strips_the_snippet_markers_from_extracted_text():
    assert search.clean_text(f"a{search.START}b{search.STOP}c\x00d") == "a b c d"


# Indexing through the services -----------------------------------------------------------------


def test_an_upload_queues_extraction_of_its_text(posted):
    entry = DocumentText.objects.get(document=posted)
    assert entry.revision_id == posted.current_revision_id
    assert SECRET in entry.text and "Zebrawidth" in entry.text


def test_a_posted_pdf_td_is_found_by_its_text(
    media, next_meeting, chair, secretariat, delegate, committed
):
    with committed():
        draft = services.td_submit(
            meeting=next_meeting,
            actor=chair,
            fileobj=SimpleUploadedFile("td.pdf", make_pdf(["Pangolinrouting for testbeds"])),
            filename="td.pdf",
            title="Output of the rapporteur group",
            source="Rapporteur, Q1/11",
            level="WP1",
        )
    assert _hits(delegate, "pangolinrouting") == []  # a draft is nobody's search result
    with committed():
        services.td_post(document=draft, actor=secretariat)
    hits = _hits(delegate, "pangolinrouting")
    assert [h.document.display_number for h in hits] == ["SG11-TD1/WP1"]
    assert hits[0].from_file
    assert "<mark>Pangolinrouting</mark>" in hits[0].snippet


def test_reindexing_keeps_one_entry_per_document(posted):
    search.index_document(posted.pk)
    search.index_document(posted.pk)
    assert DocumentText.objects.filter(document=posted).count() == 1
    assert search.reindex_all() == Document.objects.count()


def test_the_reindex_command_rebuilds_lost_entries(posted, delegate):
    DocumentText.objects.all().delete()
    out = io.StringIO()
    call_command("reindex", stdout=out)
    count = Document.objects.count()
    assert out.getvalue().startswith(f"Indexed {count} document{'s' * (count != 1)} in ")
    assert DocumentText.objects.count() == count
    assert SECRET in DocumentText.objects.get(document=posted).text
    assert [hit.document for hit in search.search_documents(delegate, SECRET)[0:5]] == [posted]


# Ranking and snippets --------------------------------------------------------------------------


def test_a_match_in_the_title_ranks_above_one_in_the_abstract(next_meeting, delegate, committed):
    with committed():
        abstract_only = services.contribution_register(
            meeting=next_meeting,
            actor=delegate,
            title="Proposed changes to the test plan",
            source="Demo Sector Member Telecom",
            abstract="Among other things this mentions the wombatcast procedure once.",
        )
        in_title = services.contribution_register(
            meeting=next_meeting,
            actor=delegate,
            title="Wombatcast signalling requirements",
            source="Demo Sector Member Telecom",
        )
    hits = _hits(delegate, "wombatcast")
    assert [h.document.pk for h in hits] == [in_title.pk, abstract_only.pk]
    assert hits[0].rank <= hits[1].rank
    assert "<mark>Wombatcast</mark>" in hits[0].snippet
    assert "<mark>wombatcast</mark>" in hits[1].snippet


def test_snippets_are_escaped_before_they_are_highlighted(next_meeting, delegate, committed):
    with committed():
        services.contribution_register(
            meeting=next_meeting,
            actor=delegate,
            title='Numbatlink <script>alert("x")</script> & more',
            source="Demo Sector Member Telecom",
        )
    [hit] = _hits(delegate, "numbatlink")
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert hit.snippet.startswith("<mark>Numbatlink</mark>")


def test_highlight_drops_stray_markers():
    raw = f"a {search.START}b{search.STOP} <c> {search.STOP}d{search.START}"
    assert search.highlight(raw) == "a <mark>b</mark> &lt;c&gt; d"


def test_a_query_is_never_read_as_fts5_syntax():
    assert search.fts5_query('cooperative "vnf lifecycle" OR NEAR(x) -y*') == (
        '"cooperative" "vnf lifecycle" "OR" "NEAR x" "y"'
    )
    assert search.fts5_query(' "" * ') == ""


def test_an_empty_query_finds_nothing(posted, delegate):
    assert search.search_documents(delegate, "   ").count() == 0


# The access rule -------------------------------------------------------------------------------


def test_a_member_finds_the_file_text_with_a_snippet(posted, academic):
    [hit] = _hits(academic, SECRET)
    assert hit.document == posted and hit.from_file
    assert f"<mark>{SECRET}</mark>" in hit.snippet


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_an_outsider_never_matches_or_sees_the_file_text(posted, outsider, who):
    user = outsider if who == "outsider" else None
    assert _hits(user, SECRET) == []
    assert _hits(user, "zebrawidth") == []
    [hit] = _hits(user, "cooperative controllers")
    assert hit.document == posted and not hit.from_file
    assert SECRET not in hit.snippet and "zebra" not in hit.snippet.lower()
    assert "<mark>" in hit.snippet


def test_the_search_page_shows_escaped_snippets_to_members(client, posted, academic):
    client.force_login(academic)
    response = client.get(reverse("documents:search"), {"q": SECRET})
    assert response.status_code == 200
    assert f"<mark>{SECRET}</mark>" in response.content.decode()
    assert posted.display_number in response.content.decode()


def test_the_search_page_gives_an_outsider_titles_but_no_file_text(client, posted, outsider):
    client.force_login(outsider)
    page = client.get(reverse("documents:search"), {"q": "cooperative " + SECRET}).content
    assert posted.title.encode() not in page  # all words are required, and one is in the file
    page = client.get(reverse("documents:search"), {"q": "cooperative"}).content.decode()
    assert posted.display_number in page
    assert SECRET not in page and "Zebrawidth" not in page


def test_the_search_page_pages_its_results(client, next_meeting, delegate, committed):
    with committed():
        for n in range(25):
            services.contribution_register(
                meeting=next_meeting,
                actor=delegate,
                title=f"Dugongmesh study part {n}",
                source="Demo Sector Member Telecom",
            )
    first = client.get(reverse("documents:search"), {"q": "dugongmesh"})
    assert first.context["count"] == 25 and len(first.context["hits"]) == 20
    second = client.get(reverse("documents:search"), {"q": "dugongmesh", "page": 2})
    assert len(second.context["hits"]) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_the_search_page_takes_only_get(client):
    assert client.post(reverse("documents:search"), {"q": "x"}).status_code == 405


def test_the_search_page_without_a_query_is_a_form(client, db):
    response = client.get(reverse("documents:search"))
    assert response.status_code == 200 and b'name="q"' in response.content


def test_a_search_page_takes_a_constant_number_of_queries(
    client, next_meeting, delegate, committed
):
    def add(count):
        with committed():
            for n in range(count):
                services.contribution_register(
                    meeting=next_meeting,
                    actor=delegate,
                    title=f"Tapirnet item {n}",
                    source="Demo Sector Member Telecom",
                )

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("documents:search"), {"q": "tapirnet"})
        assert response.status_code == 200
        return len(context)

    client.force_login(delegate)
    add(2)
    few = queries()
    add(18)
    assert queries() == few
