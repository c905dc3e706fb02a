"""Indexing at scale: the text read from a Word file's main part only, batches of documents, and
the SQLite query's access lists (whose cost must not grow with the whole archive)."""

import io
import threading
import tracemalloc
import zipfile
from unittest import mock

import docx
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from plenary.documents import extraction, files, search
from plenary.documents.models import Document, DocumentText
from plenary.documents.word import contribution_template_path

from .conftest import filled, register_contribution, rezip, upload


def _python_docx_text(content: bytes) -> str:
    """The text as plenary extracted it before, through python-docx's own paragraphs."""
    document = docx.Document(io.BytesIO(content))
    paragraphs = (Paragraph(p, document).text for p in document.element.body.iter(qn("w:p")))
    return search.clean_text("\n".join(text for text in paragraphs if text.strip()))


def test_the_text_is_the_one_python_docx_reads_tabs_and_breaks_included():
    document = docx.Document(io.BytesIO(contribution_template_path().read_bytes()))
    paragraph = document.add_paragraph("Before\ta tab")
    run = paragraph.add_run("after a line break")
    run.add_break()
    run.add_text("and on")
    paragraph.add_run("page").add_break(WD_BREAK.PAGE)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Nested"
    table.rows[0].cells[1].add_table(rows=1, cols=1).rows[0].cells[0].text = "Inner cell"
    out = io.BytesIO()
    document.save(out)
    content = out.getvalue()
    text = search.extract_text(io.BytesIO(content), files.DOCX.content_type)
    assert text == _python_docx_text(content)
    assert "Before\ta tab" in text and "Inner cell" in text


def test_a_large_picture_in_the_package_is_never_read():
    template = contribution_template_path().read_bytes()
    picture = bytes(8 * 1024 * 1024)  # 8 MB, stored as a part the document names
    rels = zipfile.ZipFile(io.BytesIO(template)).read("word/_rels/document.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdBig" Target="media/big.png" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/image"/></Relationships>',
    )
    content = rezip(
        template,
        replace={"word/_rels/document.xml.rels": rels.encode()},
        add={"word/media/big.png": picture},
    )
    search.extract_text(io.BytesIO(content), files.DOCX.content_type)  # imports done
    tracemalloc.start()
    try:
        text = search.extract_text(io.BytesIO(content), files.DOCX.content_type)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "CONTRIBUTION" in text
    assert peak < 2 * 1024 * 1024, f"{peak} bytes allocated to read the text"


@pytest.fixture
def three_posted(media, next_meeting, delegate, django_capture_on_commit_callbacks):
    """Three posted contributions, each with its own word in its file; not indexed yet."""
    documents = []
    with django_capture_on_commit_callbacks(execute=False):  # no indexing task runs
        for word in ("Axolotlrouting", "Bandicootframing", "Caracalqueueing"):
            document = register_contribution(next_meeting, delegate, title=f"On {word.lower()}")
            document.refresh_from_db()
            content = rezip(filled(document))
            body = docx.Document(io.BytesIO(content))
            body.add_paragraph(f"The {word} procedure.")
            out = io.BytesIO()
            body.save(out)
            upload(document, delegate, out.getvalue())
            documents.append(document)
    DocumentText.objects.all().delete()
    return documents


def test_a_batch_indexes_each_document_in_a_constant_number_of_queries(three_posted, delegate):
    first, *others = three_posted
    with CaptureQueriesContext(connection) as one:
        assert search.index_documents([first.pk]) == 1
    with CaptureQueriesContext(connection) as two:
        assert search.index_documents([d.pk for d in others]) == 2
    assert len(two) == len(one)
    words = ("Axolotlrouting", "Bandicootframing", "Caracalqueueing")
    for document, word in zip(three_posted, words, strict=True):
        assert word in DocumentText.objects.get(document=document).text
        results = search.search_documents(delegate, word)
        assert [hit.document.pk for hit in results[0:5]] == [document.pk]
    # Indexing again keeps one entry each and reads no file whose revision did not change.
    assert search.index_documents([d.pk for d in three_posted]) == 3
    assert DocumentText.objects.count() == 3


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 query's own plan")
def test_the_fts5_queries_build_no_access_list_of_the_archive(posted_for_plan, delegate):
    results = search.search_documents(delegate, "signalling")
    with CaptureQueriesContext(connection) as context:
        assert results.count() == 1
        assert [hit.document for hit in results[0:20]] == [posted_for_plan]
    fts = [q["sql"] for q in context.captured_queries if "documents_search" in q["sql"]]
    assert fts
    for sql in fts:
        # Readability is asked of each matching row by its key; the hidden documents are a
        # short list passed as one parameter. No list of the whole archive is built.
        assert 'rowid IN (SELECT "documents_document"' not in sql
        assert 'rowid NOT IN (SELECT "documents_document"' not in sql


@pytest.fixture
def posted_for_plan(media, next_meeting, delegate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # indexed
        return register_contribution(next_meeting, delegate)


@pytest.mark.django_db(transaction=True)
def test_an_index_entry_of_its_own_commits_without_waiting_for_the_disk_on_postgresql(
    next_meeting, delegate, django_capture_on_commit_callbacks
):
    """The index is derived data: on PostgreSQL its own transaction commits asynchronously; inside
    a caller's transaction it leaves the caller's durability alone. Either way it is written."""
    with django_capture_on_commit_callbacks(execute=False):
        document = register_contribution(next_meeting, delegate, title="On wombatrouting")
    with CaptureQueriesContext(connection) as own:
        assert search.index_documents([document.pk]) == 1
    with CaptureQueriesContext(connection) as nested, transaction.atomic():
        assert search.index_documents([document.pk]) == 1
    asynchronous = "SET LOCAL synchronous_commit TO OFF"
    assert (asynchronous in [q["sql"] for q in own.captured_queries]) is (
        connection.vendor == "postgresql"
    )
    assert asynchronous not in [q["sql"] for q in nested.captured_queries]
    assert [h.document.pk for h in search.search_documents(delegate, "wombatrouting")[0:5]] == [
        document.pk
    ]


def test_indexing_a_document_reads_it_once_and_writes_its_entry_once(three_posted, delegate):
    """One query reads the document with what its entry holds; on PostgreSQL the entry and both
    vectors are written by one statement, each row once. A title changed later is indexed with
    the text already extracted, and no file is read again."""
    document = three_posted[0]
    with CaptureQueriesContext(connection) as context:
        assert search.index_documents([document.pk]) == 1
    statements = [q["sql"] for q in context.captured_queries]
    reads = [sql for sql in statements if sql.startswith("SELECT")]
    assert len(reads) == 1 and "documents_documenttext" in reads[0]
    if connection.vendor == "postgresql":
        writes = [sql for sql in statements if "documents_documenttext" in sql and sql != reads[0]]
        assert len(writes) == 1 and writes[0].startswith("INSERT") and "full_vector" in writes[0]
    Document.objects.filter(pk=document.pk).update(title="Quokkaswitching study")
    with mock.patch.object(search, "revision_text", side_effect=AssertionError("file read")):
        assert search.index_documents([document.pk]) == 1
    for word in ("Quokkaswitching", "Axolotlrouting"):
        assert [hit.document.pk for hit in search.search_documents(delegate, word)[0:5]] == [
            document.pk
        ]


def test_many_documents_are_read_in_a_pool_of_processes_with_the_same_words(
    three_posted, delegate, monkeypatch
):
    """Past POOLED_FROM documents, index_documents reads the files in a pool of processes, a
    batch ahead of the database: each entry gets the words its own file holds, as one by one."""
    monkeypatch.setattr(search, "INDEX_BATCH", 1)
    monkeypatch.setattr(search, "POOLED_FROM", 2)
    # As in a command's process, whatever threads earlier tests left idle in this one.
    monkeypatch.setattr(extraction.threading, "active_count", lambda: 1)
    pooled = []
    real_pool = search.extraction_pool

    def counted_pool(processes):
        pooled.append(processes)
        return real_pool(processes)

    monkeypatch.setattr(search, "extraction_pool", counted_pool)
    reads_here = mock.patch.object(search, "revision_text", side_effect=AssertionError("here"))
    with reads_here:
        assert search.index_documents([d.pk for d in three_posted]) == 3
    assert len(pooled) == 1
    texts = dict(DocumentText.objects.values_list("document_id", "text"))
    DocumentText.objects.all().delete()
    for document in three_posted:
        search.index_document(document.pk)
    assert dict(DocumentText.objects.values_list("document_id", "text")) == texts
    words = ("Axolotlrouting", "Bandicootframing", "Caracalqueueing")
    for document, word in zip(three_posted, words, strict=True):
        assert word in texts[document.pk]
        assert [hit.document.pk for hit in search.search_documents(delegate, word)[0:5]] == [
            document.pk
        ]


def test_a_few_documents_are_read_here_without_a_pool(three_posted, monkeypatch):
    monkeypatch.setattr(
        search, "extraction_pool", mock.Mock(side_effect=AssertionError("a pool started"))
    )
    assert search.index_documents([d.pk for d in three_posted]) == 3
    assert DocumentText.objects.exclude(text="").count() == 3


def test_a_process_running_threads_forks_no_pool():
    """A fork copies no other thread, nor a lock one of them holds: a server reads the files
    itself."""
    release = threading.Event()
    waiting = threading.Thread(target=release.wait, daemon=True)
    waiting.start()
    try:
        assert extraction.extraction_pool(2) is None
    finally:
        release.set()
        waiting.join()
