"""Every refusal of an upload, with a real crafted file; storage, hashing and byte ranges."""

import hashlib
import io
import os
import struct
import zipfile
import zlib

import pytest
from django.test import RequestFactory
from pypdf import PdfWriter

from plenary.documents import files
from plenary.documents.word import SHIPPED_DIR, contribution_template_path, official_templates_dir

from .conftest import rezip, stored_files

MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"


@pytest.fixture
def docx() -> bytes:
    return contribution_template_path().read_bytes()


def refusal(content: bytes, name: str = "file.docx", allowed=("docx",)) -> str:
    with pytest.raises(files.UploadRefused) as caught:
        files.check_content(io.BytesIO(content), filename=name, allowed=allowed)
    return str(caught.value)


def pdf_refusal(content: bytes) -> str:
    return refusal(content, "report.pdf", allowed=("docx", "pdf"))


def blank_pdf(*, attachment: bytes = b"", **encryption) -> bytes:
    """A real one-page PDF made by pypdf; encrypted with ``encryption`` (writer.encrypt's)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if attachment:
        writer.add_attachment("data.bin", attachment)
    if encryption:
        writer.encrypt(**encryption)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def official_docx() -> list:
    shipped = sorted(SHIPPED_DIR.glob("*.docx"))
    reference = official_templates_dir()
    return shipped + (sorted(reference.glob("*.docx")) if reference else [])


@pytest.mark.parametrize(
    "path", official_docx(), ids=lambda path: f"{path.parent.name}-{path.stem}"
)
def test_it_accepts_the_official_templates(path):
    stream = io.BytesIO(path.read_bytes())
    assert files.check_content(stream, filename=path.name, allowed=("docx",)) is files.DOCX
    assert stream.tell() == 0


def test_it_accepts_a_pdf_where_pdf_is_allowed():
    stream = io.BytesIO(blank_pdf())
    kind = files.check_content(stream, filename="r.pdf", allowed=("docx", "pdf"))
    assert kind is files.PDF
    assert stream.tell() == 0  # the caller reads it again, from its start


@pytest.mark.parametrize(
    "encryption",
    [
        {"user_password": "pw", "algorithm": "AES-128"},
        {"user_password": "pw", "algorithm": "RC4-128"},
        {"user_password": "", "owner_password": "pw", "algorithm": "AES-128"},
    ],
    ids=["AES-128", "RC4-128", "restrictions only"],
)
def test_it_refuses_an_encrypted_pdf(encryption):
    message = pdf_refusal(blank_pdf(**encryption))
    assert message == (
        "The PDF is encrypted (protected by a password, or against printing or copying): "
        "remove the password and upload again."
    )


def test_it_refuses_a_truncated_pdf():
    pdf = blank_pdf()
    assert pdf_refusal(pdf[: len(pdf) // 2]) == (
        "The PDF is damaged: it does not end with the %%EOF marker that closes a PDF, so it was "
        "probably cut short. Save or export it as PDF again and upload the new file."
    )


def test_it_refuses_a_pdf_that_is_garbage_after_its_header():
    message = pdf_refusal(b"%PDF-1.7\n" + os.urandom(4096) + b"\n%%EOF\n")
    assert message.startswith("The PDF is damaged and cannot be read (")
    assert message.endswith("Save or export it as PDF again and upload the new file.")


def test_it_checks_a_large_pdf_without_reading_it_whole():
    pdf = blank_pdf(attachment=os.urandom(4 * 1024 * 1024))
    stream = CountingReader(pdf)
    assert files.check_content(stream, filename="r.pdf", allowed=("pdf",)) is files.PDF
    assert stream.bytes_read < 64 * 1024
    assert stream.tell() == 0


def test_it_refuses_large_garbage_without_searching_it_for_the_end_marker():
    # pypdf takes a marker inside a line on the last line only: above it, it would search on.
    stream = CountingReader(b"%PDF-1.7\n" + os.urandom(4 * 1024 * 1024) + b"\nx%%EOF\nmore\n")
    with pytest.raises(files.UploadRefused, match="probably cut short"):
        files.check_content(stream, filename="r.pdf", allowed=("pdf",))
    assert stream.bytes_read <= 8 + files.PDF_TAIL_BYTES
    assert stream.tell() == 0


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


def _with_document(docx: bytes, document: bytes, *, padding: int = 0) -> bytes:
    """The template with another word/document.xml, and a random (incompressible) picture."""
    add = {"word/media/padding.png": os.urandom(padding)} if padding else None
    return rezip(docx, replace={"word/document.xml": document}, add=add)


def _sizes(content: bytes) -> tuple[int, int]:
    entries = zipfile.ZipFile(io.BytesIO(content)).infolist()
    return sum(e.file_size for e in entries), sum(e.compress_size for e in entries)


def test_it_refuses_a_zip_bomb_in_one_part_beside_random_padding(docx):
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    bomb = document.replace(b"</w:body>", b" " * (16 * 1024 * 1024) + b"</w:body>")
    crafted = _with_document(docx, bomb, padding=256 * 1024)
    expanded, packed = _sizes(crafted)
    assert expanded < files.MAX_EXPANSION_RATIO * packed  # the package as a whole passes
    message = refusal(crafted)
    assert message.startswith("The part word/document.xml expands ")
    assert message.endswith("more than 100 times is refused as a possible ZIP bomb.")


def test_it_takes_a_small_part_that_compresses_very_well(docx):
    """An empty table's rows, or a blank uncompressed picture, compress a hundred times and more:
    a part is held to the ratio only past PART_RATIO_FROM_BYTES."""
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    rows = b"<w:tbl>" + b"<w:tr><w:tc><w:p/></w:tc></w:tr>" * 20_000 + b"</w:tbl>"
    crafted = rezip(
        docx,
        replace={"word/document.xml": document.replace(b"</w:body>", rows + b"</w:body>")},
        add={"word/media/blank.bmp": b"BM" + b"\xff" * (2 * 1024 * 1024)},
    )
    parts = {e.filename: e for e in zipfile.ZipFile(io.BytesIO(crafted)).infolist()}
    for name in ("word/document.xml", "word/media/blank.bmp"):
        assert parts[name].file_size > files.MAX_EXPANSION_RATIO * parts[name].compress_size
    assert files.check_content(io.BytesIO(crafted), filename="file.docx", allowed=("docx",)) == (
        files.DOCX
    )


def test_it_refuses_an_xml_part_past_its_own_limit(monkeypatch, docx):
    monkeypatch.setattr(files, "MAX_XML_PART_BYTES", 200_000)
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    noise = b"<!--" + os.urandom(150_000).hex().encode() + b"-->"
    crafted = _with_document(docx, document.replace(b"</w:body>", noise + b"</w:body>"))
    message = refusal(crafted)
    assert message.startswith("The part word/document.xml would expand to ")
    assert message.endswith("past the limit of 200000 bytes for one XML part.")


def test_it_refuses_xml_parts_past_their_limit_together(monkeypatch, docx):
    monkeypatch.setattr(files, "MAX_XML_BYTES", 150_000)
    assert "The package's XML parts would expand to" in refusal(docx)


def _misdeclare(content: bytes, name: str, size: int) -> bytes:
    """The package with the part's size declared as ``size``, its CRC that of the first ``size``
    bytes: what zipfile then reads without complaint."""
    package = zipfile.ZipFile(io.BytesIO(content))
    info = package.getinfo(name)
    crc = zlib.crc32(package.read(name)[:size])
    data = bytearray(content)
    struct.pack_into("<I", data, info.header_offset + 14, crc)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, central + 16, crc)
            struct.pack_into("<I", data, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def test_it_refuses_a_part_larger_than_the_package_declares(docx):
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    padded = document.replace(b"</w:body>", b" " * (4 * 1024 * 1024) + b"</w:body>")
    crafted = _misdeclare(_with_document(docx, padded), "word/document.xml", len(document))
    lied = zipfile.ZipFile(io.BytesIO(crafted))
    assert len(lied.read("word/document.xml")) == len(document)  # zipfile believes the lie
    assert refusal(crafted) == (
        "The .docx file is damaged: its part word/document.xml does not inflate to the size "
        "the package's directory gives."
    )


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


def test_it_refuses_a_package_whose_part_is_damaged(docx):
    data = bytearray(docx)
    offset = zipfile.ZipFile(io.BytesIO(docx)).getinfo("word/document.xml").header_offset
    data[offset : offset + 4] = b"XXXX"
    assert refusal(bytes(data)) == (
        "The .docx file is damaged: its part word/document.xml cannot be read "
        "(Bad magic number for file header)."
    )


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
