"""Every refusal of an upload, with a real crafted file; storage, hashing and byte ranges."""

import hashlib
import io
import zipfile

import pytest
from django.test import RequestFactory

from plenary.documents import files
from plenary.documents.word import contribution_template_path

from .conftest import rezip, stored_files

MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"


@pytest.fixture
def docx() -> bytes:
    return contribution_template_path().read_bytes()


def refusal(content: bytes, name: str = "file.docx", allowed=("docx",)) -> str:
    with pytest.raises(files.UploadRefused) as caught:
        files.check_content(io.BytesIO(content), filename=name, allowed=allowed)
    return str(caught.value)


def test_it_accepts_the_official_template(docx):
    assert files.check_content(io.BytesIO(docx), filename="x.docx", allowed=("docx",)) is files.DOCX


def test_it_accepts_a_pdf_where_pdf_is_allowed():
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
    kind = files.check_content(io.BytesIO(pdf), filename="r.pdf", allowed=("docx", "pdf"))
    assert kind is files.PDF


def test_it_refuses_a_docm_by_name(docx):
    assert "Macro-enabled" in refusal(docx, "paper.docm")


def test_it_refuses_macro_enabled_content_named_docx(docx):
    types = zipfile.ZipFile(io.BytesIO(docx)).read("[Content_Types].xml")
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert main in types
    crafted = rezip(docx, replace={"[Content_Types].xml": types.replace(main, MACRO_MAIN)})
    assert "macro-enabled" in refusal(crafted)


def test_it_refuses_a_package_with_a_vba_project(docx):
    crafted = rezip(docx, add={"word/vbaProject.bin": b"\x00" * 64})
    assert "vbaProject.bin" in refusal(crafted)


@pytest.mark.parametrize(
    ("head", "what"),
    [(b"MZ\x90\x00", "Windows executable"), (b"\x7fELF\x02\x01", "Linux executable")],
)
def test_it_refuses_executables(head, what):
    assert what in refusal(head + b"\x00" * 200)


def test_it_refuses_content_that_disagrees_with_the_extension(docx):
    assert "content is a PDF" in refusal(b"%PDF-1.4\n...", "paper.docx")
    assert "ZIP package" in refusal(docx, "report.pdf", allowed=("docx", "pdf"))
    assert "does not start as one" in refusal(b"Hello, plain text", "paper.docx")


def test_it_refuses_extensions_it_does_not_take(docx):
    assert "Only .docx files" in refusal(docx, "paper.odt")
    assert "Only .docx files" in refusal(b"%PDF-1.4\n", "paper.pdf")


def test_it_refuses_a_zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", b"\x00" * (20 * 1024 * 1024))
    assert len(out.getvalue()) < 100_000
    assert "ZIP bomb" in refusal(out.getvalue())


def test_it_refuses_a_package_that_would_expand_past_the_cap(monkeypatch, docx):
    monkeypatch.setattr(files, "MAX_EXPANDED_BYTES", 1000)
    assert "past the limit" in refusal(docx)


def test_it_refuses_an_encrypted_office_file():
    ole2 = files.OLE2_MAGIC + b"\x00" * 504
    assert "encrypted" in refusal(ole2)
    assert "encrypted" in refusal(ole2, "old.doc")


def test_it_refuses_zip_entries_with_the_encryption_flag(docx):
    data = bytearray(docx)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        index = data.find(signature)
        while index != -1:
            data[index + flag_at] |= 0x01
            index = data.find(signature, index + 4)
    assert "encrypted" in refusal(bytes(data))


def test_it_refuses_a_zip_that_is_not_a_word_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", b"hello")
    assert "not a Word document" in refusal(out.getvalue())


def test_it_refuses_a_damaged_package():
    assert "damaged" in refusal(b"PK\x03\x04" + b"\x13" * 300)


def test_it_refuses_a_template_passed_off_as_a_document(docx):
    types = zipfile.ZipFile(io.BytesIO(docx)).read("[Content_Types].xml")
    crafted = rezip(
        docx,
        replace={
            "[Content_Types].xml": types.replace(
                b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
            )
        },
    )
    assert "template" in refusal(crafted)


def test_it_refuses_an_empty_file():
    assert "empty" in refusal(b"")


def test_it_stores_with_a_hash_and_its_own_name(media, docx):
    stored = files.store_upload(io.BytesIO(docx), filename="../../etc/x.docx", allowed=("docx",))
    assert stored.sha256 == hashlib.sha256(docx).hexdigest()
    assert stored.size == len(docx)
    assert stored.original_name == "x.docx"
    assert stored.storage_name.startswith("documents/") and ".." not in stored.storage_name
    assert [p.read_bytes() for p in stored_files(media)] == [docx]


def test_it_refuses_a_file_past_the_size_limit_and_stores_nothing(media, settings, docx):
    settings.PLENARY_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(files.UploadRefused, match="the limit is 1000 bytes"):
        files.store_upload(io.BytesIO(docx), filename="x.docx", allowed=("docx",))
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=10-", (10, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=0-1,5-6", None),
        ("bytes=9-3", None),
        ("items=0-3", None),
        ("bytes=-", None),
    ],
)
def test_it_parses_single_ranges(header, expected):
    assert files.parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=200-300", "bytes=-0"])
def test_it_rejects_ranges_past_the_end(header):
    with pytest.raises(files.RangeNotSatisfiable):
        files.parse_range(header, 100)


def _respond(media, docx, **headers):
    stored = files.store_upload(io.BytesIO(docx), filename="x.docx", allowed=("docx",))
    request = RequestFactory().get("/", headers=headers)
    return files.file_response(
        request,
        storage_name=stored.storage_name,
        size=stored.size,
        content_type=stored.content_type,
        filename="T17-SG11-C-0001!!MSW-E.docx",
        etag=stored.sha256,
    )


def test_it_serves_a_whole_file(media, docx):
    response = _respond(media, docx)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == docx
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(docx))
    assert 'filename="T17-SG11-C-0001!!MSW-E.docx"' in response["Content-Disposition"]


def test_it_serves_one_range(media, docx):
    response = _respond(media, docx, Range="bytes=10-19")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == docx[10:20]
    assert response["Content-Range"] == f"bytes 10-19/{len(docx)}"
    assert response["Content-Length"] == "10"


def test_it_answers_416_past_the_end(media, docx):
    response = _respond(media, docx, Range=f"bytes={len(docx)}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(docx)}"


def test_it_ignores_a_range_whose_if_range_no_longer_matches(media, docx):
    response = _respond(media, docx, Range="bytes=0-9", **{"If-Range": '"stale"'})
    assert response.status_code == 200
