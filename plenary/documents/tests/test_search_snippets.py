"""Snippets of a file's text: its words highlighted where the file says them together, however
far into the quoted text that is, in whatever form the file writes them, and never for a reader
who may not read the file."""

import pytest
from django.db import connection

from plenary.documents import search, services
from plenary.documents.models import Document

from .conftest import filled, register_contribution, upload
from .test_search import committed, with_body  # noqa: F401 - the fixture

# About 650 characters of words no query below looks for.
FILLER = "Background on the general matters the study group considered at length. " * 9


@pytest.fixture
def deep(media, next_meeting, delegate, committed) -> Document:  # noqa: F811
    """A posted contribution whose file names "wallaroo" past its first 2,000 characters of
    text, "numbat" some 700 characters further on, and "capabilities" only in that form."""
    with committed():
        document = register_contribution(next_meeting, delegate, title="Study of timers")
        paragraphs = [
            *[FILLER] * 3,
            "The wallaroo gateway forwards every request it receives.",
            FILLER,
            "A numbat timer bounds the wait for an answer.",
            FILLER,
            "Terminals announce their capabilities when they register.",
            FILLER,
        ]
        upload(document, delegate, with_body(filled(document), paragraphs))
    document.refresh_from_db()
    return document


def _only_hit(user, text) -> search.Hit:
    [hit] = search.search_documents(user, text)[0:5]
    return hit


def test_a_word_far_into_the_file_is_quoted_where_the_file_says_it(deep, academic):
    assert deep.searchable.text.index("wallaroo") > 2 * len(FILLER)
    hit = _only_hit(academic, "wallaroo")
    assert hit.document == deep and hit.from_file
    assert "The <mark>wallaroo</mark> gateway forwards every request" in hit.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_headline's fragments")
def test_words_far_apart_in_the_file_are_both_quoted(deep, academic):
    """The query's words first appear some 700 characters apart, each far from the start:
    the quoted stretch holds both, and the headline's two fragments show them."""
    hit = _only_hit(academic, "numbat wallaroo")
    assert hit.from_file
    assert "<mark>wallaroo</mark> gateway" in hit.snippet
    assert "<mark>numbat</mark> timer" in hit.snippet


def test_a_word_written_in_another_form_is_still_quoted_from_the_file(deep, academic):
    """The file says "capabilities"; the query's "capability" reaches it only through the
    stemmer, which the search's own parser applies."""
    hit = _only_hit(academic, "capability")
    assert hit.from_file
    assert "<mark>capabilities</mark>" in hit.snippet


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_one_page_quotes_only_the_files_its_reader_may_read(
    deep,
    next_meeting,
    delegate,
    outsider,
    committed,  # noqa: F811
    who,
):
    """Two hits on one page: a public file, quoted from its text, and a file the reader may not
    read, found and quoted by its metadata alone."""
    with committed():
        public = register_contribution(next_meeting, delegate, title="Timers in gateways")
        body = ["Gateways arm two timers per request, as the wallaroo profile says."]
        upload(public, delegate, with_body(filled(public), body))
    Document.objects.filter(pk=public.pk).update(is_public=True)
    user = outsider if who == "outsider" else None
    assert search.search_documents(user, "wallaroo")[0:5][0].document == public
    hits = {hit.document: hit for hit in search.search_documents(user, "timers")[0:5]}
    assert set(hits) == {deep, public}
    assert hits[public].from_file and "<mark>timers</mark>" in hits[public].snippet.lower()
    assert not hits[deep].from_file
    assert "wallaroo" not in hits[deep].snippet and "Background" not in hits[deep].snippet


@pytest.fixture
def scattered(media, next_meeting, delegate, committed) -> Document:  # noqa: F811
    """A posted contribution about wallaroos (and, in its abstract, echidnas) whose file
    names "numbat" and "wallaroo" first some 1,300 characters apart, then together further on;
    says "timer numbat" before "numbat timer", and "numbat timer" before "numbat-timer"; and
    names "platypus" far from any "numbat"."""
    with committed():
        document = services.contribution_register(
            meeting=next_meeting,
            actor=delegate,
            title="Wallaroo habitats",
            source=delegate.organization.name,
            abstract="Echidna counts over the year.",
        )
        paragraphs = [
            "A numbat sleeps in a hollow log.",
            *[FILLER] * 2,
            "A wallaroo grazes on the hill.",
            *[FILLER] * 2,
            "Here the wallaroo and the numbat share one burrow.",
            FILLER,
            "Each timer numbat pair is counted once.",
            FILLER,
            "The numbat timer starts at dusk.",
            FILLER,
            "The numbat-timer profile sets the dusk.",
            *[FILLER] * 2,
            "Only here does a platypus swim.",
            FILLER,
        ]
        upload(document, delegate, with_body(filled(document), paragraphs))
    document.refresh_from_db()
    return document


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stretch ts_headline is given")
def test_words_found_apart_first_are_quoted_where_they_are_together(scattered, academic):
    """The first "numbat" and the first "wallaroo" are too far apart for one fragment; the
    snippet quotes the sentence that says both."""
    hit = _only_hit(academic, "numbat wallaroo")
    assert hit.from_file
    assert "the <mark>wallaroo</mark> and the <mark>numbat</mark> share one burrow" in hit.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stretch ts_headline is given")
def test_words_never_found_together_still_quote_the_file(scattered, academic):
    """The file says "echidna" on its cover (the abstract) and "platypus" pages further on,
    never together: its snippet still shows one of them highlighted, rather than none (and
    the abstract in its place)."""
    hit = _only_hit(academic, "echidna platypus")
    assert hit.from_file
    assert "<mark>Echidna</mark> counts" in hit.snippet or "<mark>platypus</mark>" in hit.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stretch ts_headline is given")
def test_words_far_apart_show_those_found_together(scattered, academic):
    """ "numbat" and "platypus" are never within SNIPPET_STRETCH_CHARS of each other: the
    snippet quotes one of them where the file says it."""
    text = scattered.searchable.text
    assert text.index("platypus") - text.rindex("numbat") > search.SNIPPET_STRETCH_CHARS
    hit = _only_hit(academic, "numbat platypus")
    assert hit.from_file
    assert "<mark>numbat</mark>" in hit.snippet or "<mark>platypus</mark>" in hit.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stretch ts_headline is given")
def test_a_phrase_is_quoted_where_its_words_are_in_order(scattered, academic):
    hit = _only_hit(academic, '"numbat timer"')
    assert hit.from_file
    assert "The <mark>numbat</mark> <mark>timer</mark> starts at dusk" in hit.snippet


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stretch ts_headline is given")
def test_a_hyphenated_word_is_quoted_where_the_file_writes_it_so(scattered, academic):
    hit = _only_hit(academic, "numbat-timer")
    assert hit.from_file
    assert "The <mark>numbat</mark>-<mark>timer</mark> profile sets" in hit.snippet


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_file_its_reader_may_not_read_is_never_quoted(scattered, outsider, who):
    """Found by its title, the file that says the word together with others shows none of
    its text."""
    hit = _only_hit(outsider if who == "outsider" else None, "wallaroo")
    assert hit.document == scattered and not hit.from_file
    assert hit.snippet == "<mark>Wallaroo</mark> habitats"
    assert search.search_documents(outsider, "numbat wallaroo")[0:5] == []
