"""People, meetings and files for the document tests (the personas come from tests/conftest.py)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from plenary.documents import services
from plenary.documents.models import Document, Revision
from plenary.groups.models import Body

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a folder of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def questions(demo) -> list[Body]:
    """Two Questions of Working Party 1/11."""
    wp1 = Body.objects.get(acronym="WP1/11")
    return [
        Body.objects.create(
            kind=Body.Kind.QUESTION, parent=wp1, number=n, acronym=f"Q{n}/11", title=f"Q {n}"
        )
        for n in (1, 2)
    ]


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def register_contribution(meeting, person, *, title="Signalling for X", source=None, questions=()):
    return services.contribution_register(
        meeting=meeting,
        actor=person,
        title=title,
        source=source or person.organization.name,
        questions=questions,
    )


def filled(document: Document) -> bytes:
    """The template as Plenary fills it for the document: a file whose cover matches."""
    return services.contribution_template(document=document)


def upload_file(content: bytes, name: str = "contribution.docx", content_type: str = DOCX_TYPE):
    return SimpleUploadedFile(name, content, content_type=content_type)


def upload(document: Document, person, content: bytes, name: str = "contribution.docx", **kw):
    return services.revision_upload(
        document=document,
        actor=person,
        fileobj=upload_file(content, name),
        filename=name,
        **kw,
    )


def rezip(content: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """A copy of a ZIP package with some parts replaced or added."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def bulk_posted_contributions(meeting, person, *, count: int, start: int = 1, questions=()) -> None:
    """Posted contributions numbered from `start`, made in bulk for the register's query counts."""
    study_group = meeting.body.study_group
    period = services.study_period_of(meeting)
    documents = Document.objects.bulk_create(
        Document(
            kind=Document.Kind.CONTRIBUTION,
            study_group=study_group,
            study_period=period,
            meeting=meeting,
            number=n,
            title=f"Contribution {n}",
            source="Demo Sector Member Telecom",
            state=Document.State.POSTED,
            submitted_by=person,
            agenda_item=meeting.agenda_items.first(),
        )
        for n in range(start, start + count)
    )
    revisions = Revision.objects.bulk_create(
        Revision(
            document=d,
            number=0,
            storage_name=f"documents/x/{d.pk}.docx",
            original_name="c.docx",
            size=1,
            sha256="0" * 64,
            content_type="application/pdf",
            uploaded_by=person,
        )
        for d in documents
    )
    for document, revision in zip(documents, revisions, strict=True):
        document.current_revision = revision
        document.questions.set(questions)
    Document.objects.bulk_update(documents, ["current_revision"])


def posted_contribution(meeting, person) -> Document:
    """A contribution the person registered and uploaded its file for: posted."""
    document = register_contribution(meeting, person)
    upload(document, person, filled(document))
    document.refresh_from_db()
    return document
