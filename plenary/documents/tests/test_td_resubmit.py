"""A draft TD returned by the secretariat is corrected and resubmitted by its submitter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plenary.documents import services
from plenary.documents.models import Document, DocumentEvent, Revision
from plenary.documents.word import contribution_template_path

from .conftest import stored_files
from .test_search import make_pdf

PDF = make_pdf(["A draft TD."])


def _submit(meeting, person, *, title="Agenda update"):
    return services.td_submit(
        meeting=meeting,
        actor=person,
        fileobj=SimpleUploadedFile("draft.docx", contribution_template_path().read_bytes()),
        filename="draft.docx",
        title=title,
        source="Chairman, WP1/11",
        level="WP1",
        purpose="Admin",
    )


@pytest.fixture
def returned(media, next_meeting, chair, secretariat) -> Document:
    draft = _submit(next_meeting, chair)
    return services.td_return(document=draft, actor=secretariat, reason="Use the TD template")


def _resubmit(document, person, **changes):
    fields = {
        "title": document.title,
        "source": document.source,
        "level": document.level,
        "purpose": document.purpose,
        "keywords": document.keywords,
        "abstract": document.abstract,
        "questions": list(document.questions.all()),
    }
    fields.update(changes)
    return services.td_resubmit(document=document, actor=person, **fields)


def test_a_corrected_file_goes_back_to_the_queue_with_the_history_kept(
    returned, chair, secretariat, media, django_capture_on_commit_callbacks
):
    old = returned.current_revision
    with django_capture_on_commit_callbacks(execute=True):
        resubmitted = _resubmit(
            returned, chair, fileobj=SimpleUploadedFile("fixed.pdf", PDF), filename="fixed.pdf"
        )
    assert resubmitted.state == Document.State.SUBMITTED
    assert resubmitted.return_reason == "" and resubmitted.number is None
    revision = resubmitted.current_revision
    assert (revision.number, revision.original_name) == (0, "fixed.pdf")
    assert revision.content_type == "application/pdf"
    assert not Revision.objects.filter(pk=old.pk).exists()
    # The returned file left storage once the new one was committed in its place.
    assert [p.name for p in stored_files(media)] == [revision.storage_name.rsplit("/", 1)[-1]]
    events = list(resubmitted.events.values_list("type", "detail"))
    assert [t for t, _ in events] == ["submitted", "returned", "resubmitted"]
    assert events[1][1] == "Use the TD template"
    assert "new file fixed.pdf (replaces draft.docx)" in events[2][1]
    posted = services.td_post(document=resubmitted, actor=secretariat)
    assert posted.display_number == "SG11-TD1/WP1"
    assert posted.current_revision.number == 0


def test_cover_data_alone_may_be_corrected(returned, chair):
    old_revision = returned.current_revision_id
    resubmitted = _resubmit(returned, chair, title="Updates to the agenda", level="PLEN")
    assert (resubmitted.title, resubmitted.level) == ("Updates to the agenda", "PLEN")
    assert resubmitted.current_revision_id == old_revision
    event = resubmitted.events.get(type=DocumentEvent.Type.RESUBMITTED)
    assert event.detail == "corrected title, level"


def test_a_resubmission_that_corrects_nothing_is_refused(returned, chair):
    with pytest.raises(services.DocumentRefused, match="Nothing was corrected"):
        _resubmit(returned, chair)
    returned.refresh_from_db()
    assert returned.state == Document.State.RETURNED
    assert not returned.events.filter(type=DocumentEvent.Type.RESUBMITTED).exists()


def test_only_a_returned_draft_can_be_resubmitted(media, next_meeting, chair, secretariat):
    draft = _submit(next_meeting, chair)
    with pytest.raises(services.DocumentRefused, match="returned by the secretariat"):
        _resubmit(draft, chair, title="Other")
    posted = services.td_post(document=draft, actor=secretariat)
    with pytest.raises(services.DocumentRefused):
        _resubmit(posted, chair, title="Other")


def test_a_refused_file_leaves_the_returned_draft_and_no_orphan(returned, chair, media):
    before = sorted(p.name for p in stored_files(media))
    with pytest.raises(services.files.UploadRefused):
        _resubmit(
            returned,
            chair,
            fileobj=SimpleUploadedFile("fixed.pdf", b"MZ" + b"\x00" * 64),
            filename="fixed.pdf",
        )
    returned.refresh_from_db()
    assert returned.state == Document.State.RETURNED
    assert sorted(p.name for p in stored_files(media)) == before


def test_a_failure_after_storing_discards_the_new_file(returned, chair, media, monkeypatch):
    before = sorted(p.name for p in stored_files(media))

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError):
        _resubmit(
            returned, chair, fileobj=SimpleUploadedFile("fixed.pdf", PDF), filename="fixed.pdf"
        )
    returned.refresh_from_db()
    assert returned.state == Document.State.RETURNED
    assert Revision.objects.filter(document=returned).count() == 1
    assert sorted(p.name for p in stored_files(media)) == before


def test_the_submitter_resubmits_through_the_pages(client, returned, chair, secretariat):
    client.force_login(chair)
    page = client.get(returned.get_absolute_url()).content.decode()
    assert "Use the TD template" in page
    url = reverse("documents:td_resubmit", args=[returned.pk])
    assert url in page
    form = client.get(url)
    assert form.status_code == 200 and "Agenda update" in form.content.decode()
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("fixed.pdf", PDF),
            "level": "WP1",
            "title": "Agenda update (corrected)",
            "source": "Chairman, WP1/11",
            "purpose": "Admin",
        },
    )
    assert response.status_code == 302
    returned.refresh_from_db()
    assert returned.state == Document.State.SUBMITTED
    assert returned.title == "Agenda update (corrected)"
    client.force_login(secretariat)
    queue = client.get(reverse("documents:td_queue", args=[returned.meeting.slug]))
    assert f'id="draft-{returned.pk}"' in queue.content.decode()
    assert reverse("documents:td_post", args=[returned.pk]) in queue.content.decode()


def test_the_page_shows_a_refusal_and_keeps_what_was_typed(client, returned, chair):
    client.force_login(chair)
    url = reverse("documents:td_resubmit", args=[returned.pk])
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("fixed.pdf", b"MZ" + b"\x00" * 64),
            "level": "WP1",
            "title": "Kept title",
            "source": "Chairman, WP1/11",
            "purpose": "Admin",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kept title" in text and "errorlist" in text
    returned.refresh_from_db()
    assert returned.state == Document.State.RETURNED


@pytest.mark.parametrize("persona", ["delegate", "outsider", "academic"])
def test_others_cannot_resubmit(client, returned, persona, request):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("documents:td_resubmit", args=[returned.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "x"}).status_code == 404
    returned.refresh_from_db()
    assert returned.state == Document.State.RETURNED
