"""Files handled like a careful archive: checked from their content, hashed, stored, served.

An upload is refused, with a reason a person can act on, when it is too large, is not what its name
says, is an executable, is macro-enabled, is encrypted (a PDF too, or the old binary Word format,
which shares the encrypted files' container), is damaged, or is a ZIP that expands past a ratio or
size limit, as a whole or in any one part.
Nothing here touches the database: the services store a file first, then write rows, and delete
the file again if the rows cannot be written.

Downloads stream from storage and honour one byte range (RFC 9110 section 14), so that an
interrupted download of a large report can resume.
"""

import copy
import hashlib
import re
import uuid
import zipfile
import zlib
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from pypdf import PdfReader

from plenary.core import asgi_files

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# A Word package's XML compresses well, but not by a hundred times, over the whole package or in
# any one part (the parts of the official templates expand at most 12 times, python-docx's 32).
MAX_EXPANSION_RATIO = 100
# One part is held to the ratio only past this size: a small part may well compress a hundred
# times (an empty table's XML, a blank uncompressed picture) and costs nothing to expand.
PART_RATIO_FROM_BYTES = 8 * 1024 * 1024
MAX_EXPANDED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_CONTENT_TYPES_BYTES = 256 * 1024
# Reading the cover page holds every XML part of the package in memory, whole, and parses it
# (coverpage/wordml.py, python-docx). The document.xml of a 300-page standard is a few MB, so
# these are generous, and they bound the memory one upload can take in the request.
MAX_XML_PART_BYTES = 64 * 1024 * 1024
MAX_XML_BYTES = 128 * 1024 * 1024
_XML_PART_RE = re.compile(r"\.(?:xml|rels)$", re.IGNORECASE)
# Acrobat requires a PDF's %%EOF marker within its last 1024 bytes (PDF Reference 1.7, appendix H,
# note 18). pypdf would search the whole file for it instead: minutes for 100 MB of garbage.
PDF_TAIL_BYTES = 1024
# Where pypdf's backward search for the marker stops: a line that starts with %%EOF, or the last
# line if it holds %%EOF anywhere.
_PDF_EOF_RE = re.compile(rb"[\r\n](?:%%EOF|[^\r\n]*%%EOF[^\r\n]*[\r\n]*\Z)")
CHUNK = 64 * 1024

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MACRO_TYPES = ("macroEnabled", "vbaProject", "vbaData")
_TEMPLATE_TYPE = "wordprocessingml.template.main+xml"
_OVERRIDE_RE = re.compile(
    rb"<Override\b[^>]*?PartName=\"/word/document\.xml\"[^>]*?ContentType=\"([^\"]+)\"|"
    rb"<Override\b[^>]*?ContentType=\"([^\"]+)\"[^>]*?PartName=\"/word/document\.xml\""
)

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
_EXECUTABLE_MAGICS = {
    b"MZ": "a Windows executable",
    b"\x7fELF": "a Linux executable",
    b"\xcf\xfa\xed\xfe": "a macOS executable",
    b"\xce\xfa\xed\xfe": "a macOS executable",
    b"\xca\xfe\xba\xbe": "a macOS or Java executable",
    b"#!": "a script",
}


class UploadRefused(Exception):
    """The upload is not accepted; the message says why, in words for the person uploading."""


@dataclass(frozen=True)
class FileKind:
    """A type of file Plenary accepts."""

    name: str
    extension: str
    content_type: str


DOCX = FileKind(
    "docx",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
PDF = FileKind("pdf", ".pdf", "application/pdf")
KINDS = {kind.name: kind for kind in (DOCX, PDF)}


@dataclass(frozen=True)
class StoredFile:
    """A file that passed the checks and now sits in storage."""

    storage_name: str
    original_name: str
    size: int
    sha256: str
    content_type: str


def upload_max_bytes() -> int:
    """The size limit of one upload (PLENARY_UPLOAD_MAX_BYTES)."""
    return int(getattr(settings, "PLENARY_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def _size_of(fileobj: IO[bytes]) -> int:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


def _extension(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _human(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size} bytes"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB"


def too_large_message() -> str:
    """What a page or the API says of a body past the upload limit, before reading it."""
    return f"The file is past the limit of {_human(upload_max_bytes())}."


def check_content(fileobj: IO[bytes], *, filename: str, allowed: Collection[str]) -> FileKind:
    """The kind of file this really is, judged from its bytes; UploadRefused if not acceptable.

    ``allowed`` names the kinds the caller takes ("docx", "pdf"). The file is read from its start
    and left at its start.
    """
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    extension = _extension(filename)
    if not head:
        raise UploadRefused("The file is empty.")
    for magic, what in _EXECUTABLE_MAGICS.items():
        if head.startswith(magic):
            raise UploadRefused(f"The file is {what}, not a document; executables are refused.")
    if extension in (".docm", ".dotm"):
        raise UploadRefused(
            "Macro-enabled Word files (.docm) are refused: save the document as .docx."
        )
    if head.startswith(OLE2_MAGIC):
        raise UploadRefused(
            "The file is encrypted (password-protected) or in the old binary Word format (.doc): "
            "remove the password and save it as .docx."
        )
    accepted = [KINDS[name] for name in allowed]
    names = " or ".join(kind.extension for kind in accepted)
    kind = next((k for k in accepted if k.extension == extension), None)
    if kind is None:
        raise UploadRefused(
            f"Only {names} files are accepted here; "
            f"this one is {extension or 'a file without extension'}."
        )
    if head.startswith(PDF_MAGIC):
        if kind is not PDF:
            raise UploadRefused(f"The file's content is a PDF, but its name ends in {extension}.")
        try:
            _check_pdf(fileobj)
        finally:
            fileobj.seek(0)
        return PDF
    if head.startswith(ZIP_MAGIC):
        if kind is not DOCX:
            raise UploadRefused(
                f"The file's content is a ZIP package (such as .docx), but its name ends in "
                f"{extension}."
            )
        try:
            _check_docx_package(fileobj)
        finally:
            fileobj.seek(0)
        return DOCX
    raise UploadRefused(
        f"The file's content is not a {kind.extension} file (it does not start as one)."
    )


def _check_docx_package(fileobj: IO[bytes]) -> None:
    """A valid, unencrypted, macro-free Word document package that does not expand absurdly."""
    try:
        package = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UploadRefused(
            "The .docx file is damaged: it is not a readable ZIP package."
        ) from None
    with package:
        entries = package.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UploadRefused(f"The package holds more than {MAX_ZIP_ENTRIES} parts.")
        if any(entry.flag_bits & 0x1 for entry in entries):
            raise UploadRefused("The package is encrypted: remove the password and upload again.")
        names = {entry.filename for entry in entries}
        if any(
            name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for name in names
        ):
            raise UploadRefused(
                "The document contains macros (vbaProject.bin); save it as .docx without macros."
            )
        expanded = sum(entry.file_size for entry in entries)
        packed = sum(entry.compress_size for entry in entries)
        if expanded > MAX_EXPANDED_BYTES:
            raise UploadRefused(
                f"The package would expand to {_human(expanded)}, past the limit of "
                f"{_human(MAX_EXPANDED_BYTES)}."
            )
        if expanded > MAX_EXPANSION_RATIO * max(packed, 1):
            raise UploadRefused(
                f"The package expands {expanded // max(packed, 1)} times over its size; "
                f"more than {MAX_EXPANSION_RATIO} times is refused as a possible ZIP bomb."
            )
        for entry in entries:
            if entry.file_size > PART_RATIO_FROM_BYTES and entry.file_size > (
                MAX_EXPANSION_RATIO * max(entry.compress_size, 1)
            ):
                raise UploadRefused(
                    f"The part {_part(entry)} expands "
                    f"{entry.file_size // max(entry.compress_size, 1)} times over its compressed "
                    f"size; more than {MAX_EXPANSION_RATIO} times is refused as a possible ZIP "
                    "bomb."
                )
        xml_parts = [entry for entry in entries if _XML_PART_RE.search(entry.filename)]
        for entry in xml_parts:
            if entry.file_size > MAX_XML_PART_BYTES:
                raise UploadRefused(
                    f"The part {_part(entry)} would expand to {_human(entry.file_size)}, past the "
                    f"limit of {_human(MAX_XML_PART_BYTES)} for one XML part."
                )
        xml_expanded = sum(entry.file_size for entry in xml_parts)
        if xml_expanded > MAX_XML_BYTES:
            raise UploadRefused(
                f"The package's XML parts would expand to {_human(xml_expanded)}, past the limit "
                f"of {_human(MAX_XML_BYTES)}."
            )
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise UploadRefused(
                "The file is a ZIP package but not a Word document "
                "(it has no [Content_Types].xml and word/document.xml)."
            )
        for entry in xml_parts:
            _check_true_size(package, entry)
        with package.open("[Content_Types].xml") as part:
            content_types = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    if len(content_types) > MAX_CONTENT_TYPES_BYTES:
        raise UploadRefused("The package's [Content_Types].xml is implausibly large.")
    match = _OVERRIDE_RE.search(content_types)
    main = (match.group(1) or match.group(2)).decode("ascii", "replace") if match else ""
    if any(marker in main for marker in _MACRO_TYPES):
        raise UploadRefused("The document is macro-enabled (.docm); save it as .docx.")
    if _TEMPLATE_TYPE in main:
        raise UploadRefused(
            "The file is a Word template (.dotx), not a document; save it as .docx."
        )
    if main != DOCX_MAIN:
        raise UploadRefused(
            "The package's main part is not a Word document "
            f"(its content type is {main or 'missing'})."
        )


def _part(entry: zipfile.ZipInfo) -> str:
    """A part's name as shown in a refusal: an uploader's part name may be absurdly long."""
    name = entry.filename
    return name if len(name) <= 80 else name[:77] + "..."


def _check_true_size(package: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """The part inflates to exactly the size the package's directory gives; read in chunks.

    The limits above trust the declared sizes, and so does zipfile: it stops reading a part at its
    declared size, and a crafted CRC matches what it stopped at. But read whole, as the cover
    reader reads XML parts, zipfile first inflates all the part's compressed data in one go: a
    part declared as 1 MB that inflates to 200 MB took 440 MB. Reading one byte past the declared
    size, in chunks, finds the lie while holding one chunk.
    """
    probe = copy.copy(entry)
    probe.file_size = entry.file_size + 1
    errors = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError)
    inflated = 0
    try:
        with package.open(probe) as part:
            while inflated < entry.file_size and (
                chunk := part.read(min(CHUNK, entry.file_size - inflated))
            ):
                inflated += len(chunk)
            try:
                # One byte more, or the CRC that fails on it, is a part larger than declared.
                beyond = part.read(1)
            except errors:
                beyond = b"?"
    except errors as exc:
        raise UploadRefused(
            f"The .docx file is damaged: its part {_part(entry)} cannot be read ({exc})."
        ) from None
    if inflated != entry.file_size or beyond:
        raise UploadRefused(
            f"The .docx file is damaged: its part {_part(entry)} does not inflate to the size "
            "the package's directory gives."
        )


def _check_pdf(fileobj: IO[bytes]) -> None:
    """A complete PDF that pypdf can open and that is not encrypted.

    pypdf reads the cross-reference table and the trailer from the stream, seeking, so that a
    100 MB PDF costs what its table costs; only a damaged table makes it read the whole file
    into memory, to rebuild the table.
    """
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(max(0, size - PDF_TAIL_BYTES))
    if not _PDF_EOF_RE.search(fileobj.read(PDF_TAIL_BYTES)):
        raise UploadRefused(
            "The PDF is damaged: it does not end with the %%EOF marker that closes a PDF, so it "
            "was probably cut short. Save or export it as PDF again and upload the new file."
        )
    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj)
        encrypted = reader.is_encrypted
        if not encrypted:
            # Opening reads the table and trailer only; the catalog is where the document begins.
            reader.root_object  # noqa: B018
    # pypdf raises many kinds of error on a hostile file, not only its own PdfReadError.
    except Exception as exc:
        reason = str(exc).rstrip(".") or type(exc).__name__
        raise UploadRefused(
            f"The PDF is damaged and cannot be read ({reason[:200]}). Save or export it as PDF "
            "again and upload the new file."
        ) from None
    if encrypted:
        raise UploadRefused(
            "The PDF is encrypted (protected by a password, or against printing or copying): "
            "remove the password and upload again."
        )


class _HashingReader:
    """Reads a file through, counting and hashing what passes."""

    def __init__(self, fileobj: IO[bytes]):
        self._file = fileobj
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        if offset == 0 and whence == 0:
            self.sha256, self.size = hashlib.sha256(), 0
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()


def store_upload(
    fileobj: IO[bytes],
    *,
    filename: str,
    allowed: Collection[str],
    max_bytes: int | None = None,
) -> StoredFile:
    """Check an upload, then stream it into storage while hashing it; UploadRefused if refused.

    The stored name is Plenary's own (a date folder and a random name), never the uploader's.
    The caller owns the stored file from here: delete it with discard_stored() if what follows
    fails.
    """
    limit = upload_max_bytes() if max_bytes is None else max_bytes
    size = _size_of(fileobj)
    if size > limit:
        raise UploadRefused(f"The file is {_human(size)}; the limit is {_human(limit)}.")
    kind = check_content(fileobj, filename=filename, allowed=allowed)
    now = timezone.now()
    name = f"documents/{now:%Y/%m}/{uuid.uuid4().hex}{kind.extension}"
    reader = _HashingReader(fileobj)
    fileobj.seek(0)
    stored_name = default_storage.save(name, File(reader, name=name))  # type: ignore[arg-type]
    if reader.size != size:
        default_storage.delete(stored_name)
        raise UploadRefused("The file changed size while it was being stored; upload it again.")
    original = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    return StoredFile(
        storage_name=stored_name,
        original_name=original,
        size=size,
        sha256=reader.sha256.hexdigest(),
        content_type=kind.content_type,
    )


def discard_stored(stored: StoredFile) -> None:
    """Remove a stored file whose database rows were never written."""
    default_storage.delete(stored.storage_name)


# Downloads -------------------------------------------------------------------------------------

_RANGE_RE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    """The Range header asks for bytes past the end of the file."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single byte range, inclusive; None to send the whole file.

    Several ranges, or a header that is not a byte range, are ignored (the whole file is a valid
    answer to both); a range starting past the end raises RangeNotSatisfiable.
    """
    if not header or "," in header:
        return None
    match = _RANGE_RE.match(header)
    if not match:
        return None
    first_text, last_text = match.groups()
    if first_text == "" and last_text == "":
        return None
    if first_text == "":
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None
    if first >= size:
        raise RangeNotSatisfiable
    last = int(last_text) if last_text else size - 1
    return first, min(last, size - 1)


def read_stored(name: str, first: int, length: int) -> Iterator[bytes]:
    """Bytes ``first`` to ``first + length`` of a stored file, in chunks; opened when iterated."""
    with default_storage.open(name, "rb") as stream:
        stream.seek(first)
        left = length
        while left > 0:
            data = stream.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data


def _local_path(storage_name: str) -> str | None:
    """The stored file's path on this machine, or None for a storage without one."""
    try:
        return default_storage.path(storage_name)
    except NotImplementedError:
        return None


def file_response(
    request: Any,
    *,
    storage_name: str,
    size: int,
    content_type: str,
    filename: str,
    etag: str,
) -> HttpResponse:
    """Stream a stored file, whole (200), one byte range (206), or refuse the range (416).

    Under `plenary serve` the response carries the headers only and the server sends the bytes
    from its event loop (plenary/core/asgi_files.py), so that a slow reader holds no page
    thread; elsewhere (Django's test client, a WSGI server, a storage without local paths) the
    body streams from here.
    """
    quoted_etag = f'"{etag}"'
    common = {
        "Accept-Ranges": "bytes",
        "ETag": quoted_etag,
        "Content-Disposition": content_disposition_header(True, filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-transform",
    }
    header = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != quoted_etag:
        header = None
    try:
        wanted = parse_range(header, size)
    except RangeNotSatisfiable:
        response = HttpResponse(status=416, headers={**common, "Content-Range": f"bytes */{size}"})
        del response["Content-Disposition"]
        return response
    first, last = wanted if wanted is not None else (0, size - 1)
    length = last - first + 1
    headers = {**common, "Content-Length": str(length)}
    if wanted is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    status = 200 if wanted is None else 206
    path = _local_path(storage_name)
    token = asgi_files.offer(request, path=path, offset=first, length=length) if path else None
    if token:
        headers[asgi_files.MARK_HEADER] = token
        response = HttpResponse(status=status, content_type=content_type)
    elif wanted is None:
        response = FileResponse(
            default_storage.open(storage_name, "rb"),
            content_type=content_type,
            as_attachment=True,
            filename=filename,
        )
    else:
        response = StreamingHttpResponse(
            read_stored(storage_name, first, length), status=206, content_type=content_type
        )
    for key, value in headers.items():
        response[key] = value
    return response
