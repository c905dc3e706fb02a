"""Search at scale: ranking bounded to the newest matches, snippets for the page alone, and the
access rule unchanged wherever a hit falls (ranked or past the ranked ones)."""

import pytest
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plenary.documents import search, services
from plenary.documents.models import Document, DocumentText

from .conftest import filled, register_contribution, upload
from .test_search import SECRET, posted, with_body  # noqa: F401 - the fixture


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _register(meeting, person, title, abstract="") -> Document:
    return services.contribution_register(
        meeting=meeting,
        actor=person,
        title=title,
        source="Demo Sector Member Telecom",
        abstract=abstract,
    )


@pytest.fixture
def five(next_meeting, delegate, committed) -> list[Document]:
    """Five documents with the same word, oldest first; the oldest has it in its title (the
    best match), the others only in their abstracts."""
    with committed():
        documents = [_register(next_meeting, delegate, "Quollnet signalling requirements")]
        for n in range(4):
            documents.append(
                _register(
                    next_meeting,
                    delegate,
                    f"Study part {n}",
                    abstract=f"Part {n} mentions the quollnet procedure once.",
                )
            )
    return documents


def test_a_query_ranks_every_match_when_there_are_few(five, delegate):
    results = search.search_documents(delegate, "quollnet")
    hits = results[0:10]
    assert results.count() == 5
    assert hits[0].document == five[0]  # the title's match, although the oldest
    assert all(hit.rank < search.UNRANKED for hit in hits)


def test_past_the_ranked_matches_the_older_ones_follow_newest_first(five, delegate, monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 3)
    results = search.search_documents(delegate, "quollnet")
    hits = results[0:5]
    assert results.count() == 5
    # The three newest, ranked; then the two older ones, newest first and unranked: the
    # oldest is the best match, but a word this common ranks only its newest documents.
    assert {hit.document for hit in hits[:3]} == set(five[2:])
    assert all(hit.rank < search.UNRANKED for hit in hits[:3])
    assert [hit.document for hit in hits[3:]] == [five[1], five[0]]
    assert [hit.rank for hit in hits[3:]] == [search.UNRANKED, search.UNRANKED]
    # Pages put together give the same order, whatever their bounds.
    again = search.search_documents(delegate, "quollnet")
    assert [h.document for h in again[0:2] + again[2:4] + again[4:5]] == [h.document for h in hits]


def test_the_snippets_are_made_for_the_page_alone(five, delegate, monkeypatch):
    quoted: list[int] = []
    for backend in (search._Fts5, search._TsVector):
        original = backend.snippets

        def recording(self, ids, *, readable, original=original):
            quoted.extend(ids)
            assert set(readable) <= set(ids)
            return original(self, ids, readable=readable)

        monkeypatch.setattr(backend, "snippets", recording)
    results = search.search_documents(delegate, "quollnet")
    hits = results[1:3]
    assert len(hits) == 2 and all("<mark>" in hit.snippet for hit in hits)
    assert sorted(quoted) == sorted(hit.document.pk for hit in hits)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_past_the_ranked_matches_an_outsider_still_sees_no_file_text(
    posted,  # noqa: F811
    next_meeting,
    delegate,
    outsider,
    committed,
    monkeypatch,
    who,
):
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    with committed():
        newer = _register(next_meeting, delegate, "Cooperative controllers, a survey")
    user = outsider if who == "outsider" else None
    results = search.search_documents(user, "cooperative")
    hits = results[0:5]
    assert results.count() == 2
    assert [hit.document for hit in hits] == [newer, posted]
    assert hits[1].rank == search.UNRANKED
    assert not hits[1].from_file
    assert SECRET not in hits[1].snippet and "zebra" not in hits[1].snippet.lower()
    assert search.search_documents(user, SECRET).count() == 0
    assert search.search_documents(user, SECRET)[0:5] == []


def test_a_member_finds_the_file_text_past_the_ranked_matches(
    posted,  # noqa: F811
    next_meeting,
    delegate,
    academic,
    committed,
    monkeypatch,
):
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    with committed():
        _register(next_meeting, delegate, "Cooperative controllers, a survey")
    results = search.search_documents(academic, "cooperative")
    older = results[1:2]
    assert [hit.document for hit in older] == [posted]
    assert older[0].from_file is False or "<mark>" in older[0].snippet
    [hit] = search.search_documents(academic, SECRET)[0:5]
    assert hit.document == posted and hit.from_file
    assert f"<mark>{SECRET}</mark>" in hit.snippet


def test_a_changed_title_is_searched_in_place_of_the_old_one(five, delegate):
    document = five[0]
    Document.objects.filter(pk=document.pk).update(title="Numbatroute signalling requirements")
    search.index_document(document.pk)
    assert [h.document for h in search.search_documents(delegate, "numbatroute")[0:5]] == [document]
    assert document not in [h.document for h in search.search_documents(None, "quollnet")[0:9]]
    assert search.search_documents(None, "quollnet").count() == 4


def test_the_api_search_takes_a_constant_number_of_queries(
    client, next_meeting, delegate, committed
):
    def add(count, start):
        with committed():
            for n in range(start, start + count):
                _register(next_meeting, delegate, f"Tapirlink item {n}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            response = client.get(reverse("api-v1:search"), {"q": "tapirlink", "limit": 10})
        assert response.status_code == 200
        return len(context)

    add(2, 0)
    few = queries()
    add(18, 2)
    assert queries() == few


def test_a_deleted_document_is_no_hit(five, delegate):
    gone = five[-1]
    Document.objects.filter(pk=gone.pk).delete()
    assert gone.pk not in [
        h.document.pk for h in search.search_documents(delegate, "quollnet")[0:9]
    ]
    search.index_document(gone.pk)  # what reindexing does for a document that is no more
    assert search.search_documents(delegate, "quollnet").count() == 4


def test_the_page_lists_the_ranked_matches_and_says_more_were_found(
    client, five, delegate, monkeypatch
):
    monkeypatch.setattr(search, "RANKED_MATCHES", 3)
    monkeypatch.setattr("plenary.documents.views.SEARCH_PAGE_SIZE", 2)
    client.force_login(delegate)
    first = client.get(reverse("documents:search"), {"q": "quollnet"}).content.decode()
    assert "More than 3 documents found: the 3 newest are listed" in first
    assert "Page 1 of 2" in first
    second = client.get(reverse("documents:search"), {"q": "quollnet", "page": 2})
    listed = [hit.document for hit in second.context["hits"]]
    assert len(listed) == 1 and listed[0] in five[2:]  # the older two are not listed


def test_the_page_counts_exactly_when_every_match_is_ranked(client, five, delegate):
    client.force_login(delegate)
    page = client.get(reverse("documents:search"), {"q": "quollnet"}).content.decode()
    assert "5 documents found" in page and "More than" not in page


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_public_file_is_found_by_its_text_by_anyone(
    posted,  # noqa: F811
    outsider,
    who,
):
    """A file marked public is read by everyone, so its text is searched for everyone too; until
    then, the same word finds nothing for them."""
    user = outsider if who == "outsider" else None
    assert search.search_documents(user, SECRET)[0:5] == []
    Document.objects.filter(pk=posted.pk).update(is_public=True)
    [hit] = search.search_documents(user, SECRET)[0:5]
    assert hit.document == posted and hit.from_file and SECRET in hit.snippet


# The newest matches: by the metadata and by the file's text together --------------------------

# The windows of newest documents PostgreSQL looks in first (by the metadata, by the files' text):
# the default, and windows of one document, which these few documents cross.
WINDOWS = [(search.METADATA_WINDOW, search.FILE_WINDOW), (1, 1)]


def _set_windows(monkeypatch, windows: tuple[int, int]) -> None:
    """These windows, the first of the files' too: as if the planner expected the query in
    every file (for one it expects in few, the first window spans what it needs at once)."""
    monkeypatch.setattr(search, "METADATA_WINDOW", windows[0])
    monkeypatch.setattr(search, "FILE_WINDOW", windows[1])
    monkeypatch.setattr(search._TsVector, "_estimated_matches", lambda self, cursor: 1e9)


@pytest.fixture
def mixed(media, next_meeting, delegate, committed) -> dict[str, Document]:
    """Five posted documents with the word "wallabyhop", oldest first: in the file's text alone
    (f1, f2, f3) and in the title (m1, m2), in turn."""
    documents = {}
    for name in ("f1", "m1", "f2", "m2", "f3"):
        title = f"Wallabyhop study {name}" if name.startswith("m") else f"Study {name}"
        with committed():
            document = register_contribution(next_meeting, delegate, title=title)
            body = [f"Part {name} of the study mentions wallabyhop once."]
            upload(document, delegate, with_body(filled(document), body))
        documents[name] = document
    return documents


@pytest.mark.parametrize("windows", WINDOWS)
def test_the_newest_matches_interleave_the_metadata_and_the_files(
    mixed, academic, monkeypatch, windows
):
    """With one ranked match, every hit after it is in order of age: the metadata's newest
    matches bound where the files' are looked for, and the rest follow page by page."""
    _set_windows(monkeypatch, windows)
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    results = search.search_documents(academic, "wallabyhop")
    hits = results[0:5]
    names = {document.pk: name for name, document in mixed.items()}
    assert [names[hit.document.pk] for hit in hits] == ["f3", "m2", "f2", "m1", "f1"]
    assert hits[0].rank < search.UNRANKED and hits[0].from_file
    assert all(hit.rank == search.UNRANKED for hit in hits[1:])
    again = search.search_documents(academic, "wallabyhop")
    assert [h.document for h in again[0:1] + again[1:3] + again[3:5]] == [
        hit.document for hit in hits
    ]
    monkeypatch.setattr(search, "RANKED_MATCHES", 500)
    ranked = search.search_documents(academic, "wallabyhop")[0:5]
    # Every match ranked: the titles' first.
    assert {names[hit.document.pk] for hit in ranked[:2]} == {"m1", "m2"}
    assert {names[hit.document.pk] for hit in ranked[2:]} == {"f1", "f2", "f3"}


@pytest.mark.parametrize("windows", WINDOWS)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_reader_of_few_files_finds_an_older_public_one_past_newer_closed_ones(
    mixed, outsider, monkeypatch, windows, who
):
    """The files' newest matches are closed to them: the older public file is still found by
    its text, in its place among the metadata's matches."""
    _set_windows(monkeypatch, windows)
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    user = outsider if who == "outsider" else None
    names = {document.pk: name for name, document in mixed.items()}
    assert [names[h.document.pk] for h in search.search_documents(user, "wallabyhop")[0:5]] == [
        "m2",
        "m1",
    ]
    Document.objects.filter(pk=mixed["f1"].pk).update(is_public=True)
    hits = search.search_documents(user, "wallabyhop")[0:5]
    assert [names[hit.document.pk] for hit in hits] == ["m2", "m1", "f1"]
    assert hits[2].from_file and "<mark>wallabyhop</mark>" in hits[2].snippet


def _file_windows(statements: list[str]) -> list[str]:
    """The statements that looked for matches by the files' text in a window of keys."""
    return [sql for sql in statements if "AND NOT (t.metadata_vector @@" in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's windows")
@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_query_expected_in_few_files_is_looked_for_in_one_window(
    mixed, academic, outsider, monkeypatch, who
):
    """Windows of one key, which these documents cross one by one; but the planner expects the
    word in one file, so the first window of the files spans every key the newest matches
    need, and the same matches are found in one statement."""
    monkeypatch.setattr(search, "METADATA_WINDOW", 1)
    monkeypatch.setattr(search, "FILE_WINDOW", 1)
    user = academic if who == "member" else outsider
    Document.objects.filter(pk=mixed["f1"].pk).update(is_public=True)
    names = {document.pk: name for name, document in mixed.items()}
    found = {}
    for estimate in (1e9, 1):
        monkeypatch.setattr(
            search._TsVector, "_estimated_matches", lambda self, cursor, n=estimate: n
        )
        backend = search.search_documents(user, "wallabyhop").backend
        with CaptureQueriesContext(connection) as context:
            newest = backend.newest(0, 5)
        found[estimate] = [(names[pk], readable) for pk, readable in newest]
        windows = _file_windows([query["sql"] for query in context.captured_queries])
        assert (len(windows) == 1) == (estimate == 1)
    expected = (
        [("f3", True), ("m2", True), ("f2", True), ("m1", True), ("f1", True)]
        if who == "member"
        else [("m2", False), ("m1", False), ("f1", True)]
    )
    assert found[1] == found[1e9] == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's windows")
def test_a_query_expected_in_every_file_is_looked_for_in_one_window(mixed, academic, monkeypatch):
    """The planner expects the word in every document: the first window of the files spans the
    keys all the newest matches need (and a quarter more), not FILE_WINDOW keys holding half of
    them, which would read the word's GIN entries again in a second window."""
    monkeypatch.setattr(search, "METADATA_WINDOW", 1)
    # Three keys would hold three of the five matches: more than half.
    monkeypatch.setattr(search, "FILE_WINDOW", 3)
    top = DocumentText.objects.aggregate(top=Max("document_id"))["top"]
    monkeypatch.setattr(search._TsVector, "_estimated_matches", lambda self, cursor: top)
    backend = search.search_documents(academic, "wallabyhop").backend
    with CaptureQueriesContext(connection) as context:
        newest = backend.newest(0, 5)
    assert len(_file_windows([query["sql"] for query in context.captured_queries])) == 1
    assert [pk for pk, _ in newest] == sorted((d.pk for d in mixed.values()), reverse=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_planner_is_asked_how_many_files_match_unless_the_query_is_a_phrase(mixed, academic):
    """A phrase's estimate is a guess, and each of its matches is tested again on the row's
    vector: its first window stays FILE_WINDOW."""
    for text, asked in (("wallabyhop", True), ('"mentions wallabyhop"', False)):
        with CaptureQueriesContext(connection) as context:
            assert len(search.search_documents(academic, text)[0:5]) == 5
        statements = [query["sql"] for query in context.captured_queries]
        assert any(sql.startswith("EXPLAIN") for sql in statements) == asked


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN indexes")
def test_the_metadata_index_keeps_a_short_list_of_pending_entries(db):
    """Every search through the metadata's GIN index reads its pending list in full: it is
    merged into the index at 256 kB rather than 4 MB. The files' index keeps the default."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class "
            "WHERE relname IN ('documenttext_metadata_gin', 'documenttext_full_gin')"
        )
        options = dict(cursor.fetchall())
    assert options == {
        "documenttext_metadata_gin": ["gin_pending_list_limit=256"],
        "documenttext_full_gin": None,
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_planner_settings_end_with_the_search_in_a_callers_transaction(mixed, academic):
    def settings() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan'),"
                " current_setting('max_parallel_workers_per_gather')"
            )
            return list(cursor.fetchone())

    before = settings()
    with transaction.atomic():
        assert len(search.search_documents(academic, "wallabyhop")[0:5]) == 5
        assert settings() == before
    assert settings() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_count_past_the_ranked_matches_is_planned_as_the_newest_matches_are(
    mixed, academic, monkeypatch
):
    """Past RANKED_MATCHES the count reads every match; it does so under the settings that make
    the newest matches' windows go through the GIN indexes (otherwise a word in most documents
    has every file's vector read), which end with it inside a caller's transaction too."""
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    with transaction.atomic(), CaptureQueriesContext(connection) as context:
        assert search.search_documents(academic, "wallabyhop").count() == 5
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan')")
            assert cursor.fetchone() == ("on",)
    statements = [query["sql"] for query in context.captured_queries]
    counted = next(i for i, sql in enumerate(statements) if sql.startswith("SELECT count(*)"))
    assert "set_config" in statements[counted - 1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ts_headline's bounded text")
def test_a_file_matched_only_past_the_quoted_text_is_found_and_quoted_by_its_metadata(
    posted,  # noqa: F811
    academic,
    monkeypatch,
):
    """PostgreSQL quotes a file from its first SNIPPET_TEXT_CHARS characters: a document whose
    file says the word only further on is found and ranked all the same, its snippet taken
    from its metadata, unhighlighted."""
    [hit] = search.search_documents(academic, SECRET)[0:5]
    assert hit.from_file and f"<mark>{SECRET}</mark>" in hit.snippet
    text = posted.searchable.text
    monkeypatch.setattr(search, "SNIPPET_TEXT_CHARS", text.index(SECRET))
    [hit] = search.search_documents(academic, SECRET)[0:5]
    assert hit.document == posted and hit.rank < search.UNRANKED
    assert not hit.from_file and "<mark>" not in hit.snippet and SECRET not in hit.snippet
