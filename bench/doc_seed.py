"""`python -m bench.doc_seed`: a documents load for the document benchmarks, on the run's database.

Run by the harness as a scenario's set-up command (after `plenary demo`, before the server
starts), with the run's settings in its environment. It adds:

- documents to the demo meeting until its register holds ``--documents`` of them (contributions
  and TDs with Questions, agenda items, revisions and language versions), each with a real Word
  file made from the official contribution template (its cover and a body of text) in storage;
- with ``--search-documents M``: further past meetings of the same working party, each with a
  register of 2,000 such documents, until the database holds M documents;
- every new document indexed for search through plenary.documents.search.index_document, the
  function the background task runs, timed: the indexing rate is printed;
- with ``--big-file-mb S``: one more contribution whose file is an S MB Word document (the
  template with a large photograph), its bytes also copied under STATIC_ROOT so that a benchmark
  can compare the download with the server's raw static file send of the same bytes;
- a contribution reserved by a delegate in the upcoming meeting, for uploads;
- API tokens of two delegates (read tokens, many, since the API limits each caller to a few
  hundred requests a minute, and one read-write token) and a signed-in browser session.

What the benchmarks need is written to ``$PLENARY_VAR_DIR/doc-bench.json``. On a database that
already has the documents (PostgreSQL, which the harness uses as given), nothing is added again;
stored files that are missing (a new run's MEDIA_ROOT) are written again, byte for byte the same,
since every file is made from its document's number with a fixed random seed.
"""

import argparse
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import random
import shutil
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

REGISTER_MEETING = "sg11-wp1-2020-11-19"
UPLOAD_MEETING = "sg11-wp1-next"
PAST_MEETING_SIZE = 2000
READ_TOKENS_PER_PERSON = 40
# Members of five organizations and roles, so that the register is read under several people's
# grounds (the access rule's answer is kept per reader), 200 tokens in all: at 600 requests a
# minute each, enough for 2,000 requests a second.
TOKEN_PEOPLE = (
    "delegate@example.org",
    "focalpoint@example.org",
    "academic@example.org",
    "chair@example.org",
    "secretariat@example.org",
)
TOKEN_NAME = "Register load reader"
WRITE_TOKEN_NAME = "Upload load writer"
UPLOAD_TITLE = "Measurements of upload handling for large contributions"
BIG_TITLE = "Photographic survey of the field trial sites"
STATIC_FOLDER = "bench-documents"
OUT_NAME = "doc-bench.json"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A fixed date for every member of the Word packages made here, so that a file made again is
# the same bytes (the same SHA-256 as recorded).
ZIP_DATE = (2020, 11, 1, 0, 0, 0)

# Words of the field, most frequent first; search queries draw from the head, the middle and the
# tail (acronyms) of this list.
COMMON_WORDS = """
network signalling protocol service requirements control architecture interface security
management session user information procedure message function capability mobile transport
performance testing framework model data operator access resource configuration quality
interworking specification device terminal edge cloud virtual application gateway routing
identity policy charging emergency numbering address traffic latency bandwidth reliability
monitoring deployment orchestration controller cooperative federation verification conformance
interoperability roaming subscriber registration authentication authorization encryption
certificate trust privacy audit logging measurement benchmark parameter threshold timer
retransmission congestion synchronization clock packet frame stream media voice video codec
conference presence messaging broadcast multicast slicing virtualization container function
descriptor lifecycle onboarding scaling healing migration placement topology discovery
inventory catalogue template blueprint intent automation analytics telemetry anomaly
prediction learning inference dataset training fairness explainability sustainability energy
efficiency consumption carbon footprint lifecycle assessment recycling spectrum satellite
optical fibre copper wireless radio antenna propagation interference coexistence handover
mobility paging location positioning tracking sensor vehicle railway maritime aviation health
banking payment identity wallet ledger blockchain distributed consensus smart contract token
digital twin metaverse immersive haptic holographic tactile quantum key distribution
post-quantum migration legacy transition coexistence amendment corrigendum appendix supplement
recommendation draft revision consent approval determination liaison rapporteur editor
meeting agenda report contribution document clause figure table annex reference definition
abbreviation convention scope overview principle mechanism scenario use-case example
""".split()  # noqa: SIM905 - words read best as text


def _tail_words(count: int) -> list[str]:
    """Acronyms and identifiers, the rare words of a technical corpus (FTS5 and PostgreSQL both
    keep them as single tokens)."""
    rng = random.Random("tail-words")
    letters = "ABCDEFGHIJKLMNOPRSTUVW"
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 6))))
    return sorted(words)


TAIL_WORDS = _tail_words(4000)
VOCABULARY = COMMON_WORDS + TAIL_WORDS
# Zipf's law: the n-th word's weight is 1/n (cumulated once: random.choices is then fast).
CUM_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(VOCABULARY))))


def search_queries() -> dict[str, list[str]]:
    """Queries of one, two and three words: frequent, middling and rare words mixed."""
    rng = random.Random("search-queries")
    head, middle, tail = COMMON_WORDS[:40], COMMON_WORDS[40:], TAIL_WORDS
    queries: dict[str, list[str]] = {"1": [], "2": [], "3": []}
    for i in range(60):
        pools = [head, middle, tail]
        queries["1"].append(rng.choice(pools[i % 3]))
        queries["2"].append(f"{rng.choice(head)} {rng.choice(pools[i % 3])}")
        queries["3"].append(f"{rng.choice(head)} {rng.choice(middle)} {rng.choice(pools[i % 3])}")
    return queries


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(VOCABULARY, cum_weights=CUM_WEIGHTS, k=count)


def _sentence(rng: random.Random, count: int) -> str:
    words = _words(rng, count)
    return " ".join(words).capitalize() + "."


# Word files ------------------------------------------------------------------------------------


def _paragraph_xml(text: str, style: str | None = None) -> str:
    style_xml = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{style_xml}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _package(parts: dict[str, bytes], *, stored: frozenset[str] = frozenset()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            if name in stored:
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data, compresslevel=1)
    return out.getvalue()


_DOS_DATE = ((ZIP_DATE[0] - 1980) << 9) | (ZIP_DATE[1] << 5) | ZIP_DATE[2]


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


class _Packer:
    """Writes Word packages that differ from a template only in word/document.xml: the other
    members are compressed once and copied, which makes a file in well under a millisecond."""

    def __init__(self, template: bytes):
        self.members = []
        for name, data in _parts(template).items():
            packed = None if name == "word/document.xml" else _deflate(data)
            self.members.append((name, data, packed))

    def package(self, document_xml: bytes) -> bytes:
        out = io.BytesIO()
        central = []
        for name, data, packed in self.members:
            if packed is None:
                data, packed = document_xml, _deflate(document_xml)
            encoded = name.encode("utf-8")
            crc = zlib.crc32(data)
            central.append((encoded, crc, len(packed), len(data), out.tell()))
            out.write(
                struct.pack(
                    "<IHHHHHIIIHH",
                    0x04034B50,
                    20,
                    0,
                    8,
                    0,
                    _DOS_DATE,
                    crc,
                    len(packed),
                    len(data),
                    len(encoded),
                    0,
                )
            )
            out.write(encoded)
            out.write(packed)
        start = out.tell()
        for encoded, crc, packed_size, size, offset in central:
            out.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    _DOS_DATE,
                    crc,
                    packed_size,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
            )
            out.write(encoded)
        end = out.tell()
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), end - start, start, 0
            )
        )
        return out.getvalue()


def _parts(template: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        return {name: package.read(name) for name in package.namelist()}


def with_body(template: bytes, paragraphs: list[tuple[str, str | None]]) -> bytes:
    """The template (a filled cover) with body paragraphs added before its section end."""
    parts = _parts(template)
    body = "".join(_paragraph_xml(text, style) for text, style in paragraphs)
    xml = parts["word/document.xml"].decode("utf-8")
    at = xml.rfind("<w:sectPr")
    parts["word/document.xml"] = (xml[:at] + body + xml[at:]).encode("utf-8")
    return _package(parts)


def _png(width: int, height: int, rng: random.Random) -> bytes:
    """A real PNG of noise (a photograph does not compress either), stored without compression."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = width * 3
    noise = rng.randbytes(row * height)
    raw = b"".join(b"\x00" + noise[y * row : (y + 1) * row] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


def large_docx(template: bytes, size: int, *, seed: str) -> bytes:
    """A valid Word document of about ``size`` bytes: the template with a large photograph (a
    part the document's relationships name, so that any reader of the package meets it)."""
    rng = random.Random(seed)
    parts = _parts(template)
    overhead = len(template) + 4096
    width = 2000
    height = max(1, (size - overhead) // (width * 3 + 1))
    parts["word/media/survey-photo.png"] = _png(width, height, rng)
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    relation = (
        '<Relationship Id="rIdSurveyPhoto" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="media/survey-photo.png"/>'
    )
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>", relation + "</Relationships>"
    ).encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if 'Extension="png"' not in types:
        types = types.replace(
            "</Types>", '<Default Extension="png" ContentType="image/png"/></Types>'
        )
        parts["[Content_Types].xml"] = types.encode("utf-8")
    return _package(parts, stored=frozenset({"word/media/survey-photo.png"}))


# The load --------------------------------------------------------------------------------------


def _document_text(rng: random.Random) -> list[tuple[str, str | None]]:
    paragraphs: list[tuple[str, str | None]] = [("Summary", "Heading1")]
    paragraphs.append((_sentence(rng, 40), None))
    for section in range(1, rng.randint(3, 5) + 1):
        paragraphs.append((f"{section} " + " ".join(_words(rng, 4)).capitalize(), "Heading1"))
        for _ in range(rng.randint(1, 3)):
            paragraphs.append((" ".join(_sentence(rng, 18) for _ in range(3)), None))
    return paragraphs


def _storage_name(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"documents/2020/11/{digest}.docx"


class Loader:
    """Makes documents, revisions and files for one meeting after another."""

    def __init__(self, media_root: Path):
        from plenary.accounts.models import User
        from plenary.documents import services
        from plenary.groups.models import Body
        from plenary.meetings.models import Meeting

        self.media_root = media_root
        seed_meeting = Meeting.objects.select_related("body").get(slug=REGISTER_MEETING)
        self.study_group = services.study_group_of(seed_meeting)
        self.study_period = services.study_period_of(seed_meeting)
        self.td_scope = services.td_scope_of(self.study_group)
        self.questions = list(
            Body.objects.filter(kind=Body.Kind.QUESTION).order_by("pk").values_list("pk", flat=True)
        )
        self.people = list(
            User.objects.filter(has_member_access=True, is_active=True).order_by("pk")
        )
        self.templates: dict[str, tuple[str, _Packer]] = {}

    def _template(self, kind: str, place_and_date: str) -> tuple[str, "_Packer"]:
        from plenary.documents.word import filled_contribution

        key = f"{kind}|{place_and_date}"
        if key not in self.templates:
            filled = filled_contribution(
                {
                    "number": "SG11-C999" if kind == "contribution" else "SG11-TD999/WP1",
                    "study_group": str(self.study_group.number),
                    "study_period": str(self.study_period),
                    "questions": [],
                    "place_and_date": place_and_date,
                    "source": "SOURCE-PLACEHOLDER",
                    "title": "TITLE-PLACEHOLDER",
                    "contacts": [],
                    "abstract": "ABSTRACT-PLACEHOLDER",
                }
            )
            xml = _parts(filled)["word/document.xml"].decode("utf-8")
            self.templates[key] = (xml, _Packer(filled))
        return self.templates[key]

    def file_bytes(self, document, key: str) -> bytes:
        """The document's Word file: its cover filled in and a body of text (made the same
        way every time from ``key``)."""
        meeting = document.meeting
        place_and_date = f"{meeting.place or 'Virtual'}, {meeting.start_date:%-d %B %Y}"
        xml, packer = self._template(document.kind, place_and_date)
        placeholder = "SG11-C999" if document.kind == "contribution" else "SG11-TD999/WP1"
        xml = (
            xml.replace(placeholder, escape(document.display_number))
            .replace("TITLE-PLACEHOLDER", escape(document.title))
            .replace("SOURCE-PLACEHOLDER", escape(document.source))
            .replace("ABSTRACT-PLACEHOLDER", escape(document.abstract))
        )
        body = "".join(
            _paragraph_xml(text, style) for text, style in _document_text(random.Random(key))
        )
        at = xml.rfind("<w:sectPr")
        return packer.package((xml[:at] + body + xml[at:]).encode("utf-8"))

    def write(self, storage_name: str, data: bytes) -> None:
        path = self.media_root / storage_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def fill(self, meeting, count: int, rng: random.Random) -> list[int]:
        """Add ``count`` posted documents to the meeting; returns their ids."""
        from django.db import transaction
        from django.db.models import Max
        from django.utils import timezone

        from plenary.documents.models import Document, Revision

        agenda = list(meeting.agenda_items.values_list("pk", flat=True))
        scope = {"study_group": self.study_group, "study_period": self.study_period}
        next_c = (
            Document.objects.filter(**scope, kind="contribution").aggregate(top=Max("number"))[
                "top"
            ]
            or 0
        )
        tds = Document.objects.filter(**scope, kind="td")
        tds = (
            tds.filter(meeting=meeting, number_scope="meeting")
            if self.td_scope == "meeting"
            else tds.filter(number_scope="study_period")
        )
        next_td = tds.aggregate(top=Max("number"))["top"] or 0
        posted = timezone.make_aware(dt.datetime.combine(meeting.start_date, dt.time(9)))
        documents = []
        for _ in range(count):
            is_td = rng.random() < 0.35
            if is_td:
                next_td += 1
                number, kind, level = next_td, "td", "WP1"
                number_scope = self.td_scope
            else:
                next_c += 1
                number, kind, level = next_c, "contribution", ""
                number_scope = "study_period"
            person = rng.choice(self.people)
            organization = person.organization.name if person.organization else "Member State"
            documents.append(
                Document(
                    kind=kind,
                    study_group=self.study_group,
                    study_period=self.study_period,
                    meeting=meeting,
                    number=number,
                    number_scope=number_scope,
                    level=level,
                    title=" ".join(_words(rng, rng.randint(6, 11))).capitalize(),
                    source=organization if rng.random() < 0.7 else f"{organization}, Editor",
                    abstract=_sentence(rng, rng.randint(20, 45)),
                    purpose="Discussion" if kind == "td" else "",
                    keywords=", ".join(_words(rng, 4)),
                    contacts=[{"name": person.display_name, "email": person.email}],
                    state=Document.State.POSTED,
                    late=rng.random() < 0.05,
                    agenda_item_id=rng.choice(agenda) if agenda and rng.random() < 0.8 else None,
                    submitted_by=person,
                    posted_at=posted,
                )
            )
        with transaction.atomic():
            created = Document.objects.bulk_create(documents, batch_size=500)
            if created and created[0].pk is None:  # a database that returns no ids
                created = list(
                    Document.objects.filter(meeting=meeting).order_by("-pk")[: len(documents)]
                )[::-1]
            links = []
            revisions = []
            for document in created:
                for question in rng.sample(self.questions, k=min(len(self.questions), 2))[
                    : rng.randint(1, 2)
                ]:
                    links.append(
                        Document.questions.through(document_id=document.pk, body_id=question)
                    )
                slots = [(0, "E")]
                if rng.random() < 0.15:
                    slots.append((1, "E"))
                if rng.random() < 0.1:
                    slots.append((slots[-1][0], "F"))
                for number, language in slots:
                    key = f"{meeting.slug}:{document.kind}:{document.number}:{number}:{language}"
                    data = self.file_bytes(document, key)
                    name = _storage_name(key)
                    self.write(name, data)
                    revisions.append(
                        Revision(
                            document=document,
                            number=number,
                            language=language,
                            storage_name=name,
                            original_name=f"{document.file_code}!R{number}!MSW-{language}.docx",
                            size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(),
                            content_type=DOCX_TYPE,
                            uploaded_by=document.submitted_by,
                        )
                    )
            Document.questions.through.objects.bulk_create(links, batch_size=1000)
            Revision.objects.bulk_create(revisions, batch_size=500)
            current = {}
            for revision in Revision.objects.filter(
                document__in=[d.pk for d in created], language="E"
            ).order_by("document_id", "number"):
                current[revision.document_id] = revision.pk
            for document in created:
                document.current_revision_id = current[document.pk]
            Document.objects.bulk_update(created, ["current_revision"], batch_size=500)
            self._advance_counters(meeting)
        return [d.pk for d in created]

    def _advance_counters(self, meeting) -> None:
        """Set the numbering counters past the numbers given here, as the services would."""
        from django.db.models import Max

        from plenary.documents.models import Document, NumberCounter

        scope = {"study_group": self.study_group, "study_period": self.study_period}
        top_c = Document.objects.filter(**scope, kind="contribution", number_scope="study_period")
        counter_meeting = meeting if self.td_scope == "meeting" else None
        top_td = Document.objects.filter(**scope, kind="td", number_scope=self.td_scope)
        if counter_meeting is not None:
            top_td = top_td.filter(meeting=meeting)
        for kind, on_meeting, existing in (
            ("contribution", None, top_c),
            ("td", counter_meeting, top_td),
        ):
            top = existing.aggregate(top=Max("number"))["top"] or 0
            counter, _ = NumberCounter.objects.get_or_create(**scope, kind=kind, meeting=on_meeting)
            if counter.last < top:
                counter.last = top
                counter.save(update_fields=["last"])

    def repair_files(self) -> int:
        """Write again the seeded files missing from storage (a new MEDIA_ROOT); returns how
        many were written."""
        from plenary.documents.models import Revision

        written = 0
        revisions = Revision.objects.filter(storage_name__startswith="documents/2020/11/")
        for revision in revisions.select_related(
            "document__meeting", "document__study_group"
        ).iterator(chunk_size=2000):
            if (self.media_root / revision.storage_name).exists():
                continue
            document = revision.document
            key = (
                f"{document.meeting.slug}:{document.kind}:{document.number}:"
                f"{revision.number}:{revision.language}"
            )
            if _storage_name(key) != revision.storage_name:
                continue
            self.write(revision.storage_name, self.file_bytes(document, key))
            written += 1
        return written


def _past_meeting(index: int):
    """The index-th meeting of the working party before the demo meeting (made once)."""
    from plenary.meetings.models import Meeting

    seed = Meeting.objects.get(slug=REGISTER_MEETING)
    start = seed.start_date - dt.timedelta(weeks=7 * (index + 1))
    slug = f"sg11-wp1-{start:%Y-%m-%d}"
    existing = Meeting.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    meeting = Meeting.objects.get(pk=seed.pk)
    meeting.pk = None
    meeting.id = None
    meeting.slug = slug
    meeting.start_date = start
    meeting.end_date = start + (seed.end_date - seed.start_date)
    meeting.title = seed.title.replace(f"{seed.start_date:%-d %B %Y}", f"{start:%-d %B %Y}")
    meeting.letter_reference = ""
    meeting.letter_date = None
    meeting.status = Meeting.Status.CLOSED
    meeting.save()
    return meeting


TASK_SAMPLE = 300


def _index(ids: list[int]) -> dict:
    """Index the new documents with the product's own functions, timed: the first few one at a
    time through index_document (what the background task runs after an upload), the rest
    through index_documents (what reindex_all runs: batches, the files read in a pool of
    processes while the database writes)."""
    from plenary.documents import search

    one_by_one, batched = ids[:TASK_SAMPLE], ids[TASK_SAMPLE:]
    started = time.perf_counter()
    for pk in one_by_one:
        search.index_document(pk)
    single = time.perf_counter() - started
    started = time.perf_counter()
    search.index_documents(batched)
    batch = time.perf_counter() - started
    facts = {
        "task": {"documents": len(one_by_one), "seconds": round(single, 2)},
        "batch": {"documents": len(batched), "seconds": round(batch, 2)},
    }
    for name, label in (("task", "index_document, one by one"), ("batch", "index_documents")):
        count, seconds = facts[name]["documents"], facts[name]["seconds"]
        facts[name]["per_second"] = round(count / seconds) if seconds else None
        if count:
            print(
                f"indexing ({label}): {count} documents in {seconds:.1f} s = "
                f"{count / max(seconds, 1e-9):.0f} documents/s",
                flush=True,
            )
    return facts


def _tokens() -> tuple[list[str], str]:
    """Fresh read tokens (earlier runs' revoked first) and one read-write token."""
    from plenary.accounts.models import User
    from plenary.api.models import ApiToken
    from plenary.api.services import token_create, token_revoke

    read: list[str] = []
    write = ""
    for email in TOKEN_PEOPLE:
        user = User.objects.get(email=email)
        for token in ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, name__startswith=TOKEN_NAME
        ) | ApiToken.objects.filter(
            user=user, revoked_at__isnull=True, name__startswith=WRITE_TOKEN_NAME
        ):
            token_revoke(token=token)
        for i in range(READ_TOKENS_PER_PERSON):
            _, secret = token_create(user=user, name=f"{TOKEN_NAME} {i + 1}", scope="read")
            read.append(secret)
        if not write:
            _, write = token_create(user=user, name=WRITE_TOKEN_NAME, scope="read-write")
    return read, write


def _session(email: str) -> str:
    """A signed-in browser session of the person, as the sign-in page would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from plenary.accounts.models import User

    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return session.session_key


def _upload_target() -> dict:
    """A contribution reserved by the first token person in the upcoming meeting, and its
    filled template (what a delegate downloads before writing)."""
    from plenary.accounts.models import User
    from plenary.documents import services
    from plenary.documents.models import Document
    from plenary.meetings.models import Meeting

    user = User.objects.get(email=TOKEN_PEOPLE[0])
    meeting = Meeting.objects.select_related("body").get(slug=UPLOAD_MEETING)
    document = Document.objects.filter(meeting=meeting, title=UPLOAD_TITLE).first()
    if document is None:
        document = services.contribution_register(
            meeting=meeting,
            actor=user,
            title=UPLOAD_TITLE,
            source=user.organization.name if user.organization else "Member State",
            abstract="Large annexes with photographs of the measurement set-up.",
        )
    return {
        "code": document.file_code,
        "template": services.contribution_template(document=document),
    }


def _big_download(loader: Loader, size_mb: int, var_dir: Path) -> dict:
    """A posted contribution with a large file, and the same bytes under STATIC_ROOT."""
    from django.conf import settings

    from plenary.accounts.models import User
    from plenary.documents import services
    from plenary.documents.models import Document, Revision
    from plenary.meetings.models import Meeting

    user = User.objects.get(email=TOKEN_PEOPLE[0])
    meeting = Meeting.objects.select_related("body").get(slug=REGISTER_MEETING)
    document = (
        Document.objects.filter(meeting=meeting, title=BIG_TITLE)
        .select_related("current_revision", "study_group", "study_period", "meeting")
        .first()
    )
    if document is None or document.current_revision is None:
        if document is None:
            document = services.contribution_register(
                meeting=meeting,
                actor=user,
                title=BIG_TITLE,
                source=user.organization.name if user.organization else "Member State",
                abstract="Photographs of the trial sites.",
            )
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = large_docx(
            services.contribution_template(document=document),
            size_mb * 1024 * 1024,
            seed=document.file_code,
        )
        name = f"{document.file_code}!!MSW-E.docx"
        services.revision_upload(
            document=document,
            actor=user,
            fileobj=SimpleUploadedFile(name, data, content_type=DOCX_TYPE),
            filename=name,
        )
        document.refresh_from_db()
    revision = Revision.objects.get(pk=document.current_revision_id)
    stored = loader.media_root / revision.storage_name
    if not stored.exists():  # a new MEDIA_ROOT: the same bytes again
        data = large_docx(
            services.contribution_template(document=document),
            size_mb * 1024 * 1024,
            seed=document.file_code,
        )
        if hashlib.sha256(data).hexdigest() != revision.sha256:
            raise SystemExit("the large file cannot be made again identically; drop the database")
        loader.write(revision.storage_name, data)
    static = Path(settings.STATIC_ROOT) / STATIC_FOLDER / f"{document.file_code}.docx"
    static.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(stored, static)
    return {
        "code": document.file_code,
        "page_path": revision.get_absolute_url(),
        "api_path": f"/api/v1/documents/{document.file_code}/file",
        "static_path": f"/{settings.STATIC_URL.strip('/')}/{STATIC_FOLDER}/{static.name}",
        "size": revision.size,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.doc_seed", description=__doc__)
    p.add_argument("--documents", type=int, default=2000, help="the demo meeting's register size")
    p.add_argument(
        "--search-documents",
        type=int,
        default=0,
        help="documents in the database in all (past meetings of 2,000 are added)",
    )
    p.add_argument(
        "--big-file-mb", type=int, default=0, help="add a contribution with a file this large"
    )
    args = p.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plenary.settings")
    import django

    django.setup()
    from django.conf import settings

    from plenary.documents.models import Document
    from plenary.meetings.models import Meeting

    var_dir = Path(settings.VAR_DIR)
    loader = Loader(Path(settings.MEDIA_ROOT))
    rng = random.Random(f"doc-seed-{args.documents}-{args.search_documents}")
    new_ids: list[int] = []
    started = time.perf_counter()

    register = Meeting.objects.get(slug=REGISTER_MEETING)
    listed = Document.objects.filter(meeting=register).exclude(state__in=("submitted", "returned"))
    missing = args.documents - listed.count()
    if missing > 0:
        new_ids += loader.fill(register, missing, rng)
    index = 0
    while Document.objects.count() < args.search_documents:
        meeting = _past_meeting(index)
        index += 1
        have = Document.objects.filter(meeting=meeting).count()
        want = min(PAST_MEETING_SIZE - have, args.search_documents - Document.objects.count())
        if want > 0:
            new_ids += loader.fill(meeting, want, rng)
            print(f"  {Document.objects.count()} documents", flush=True)
    made = time.perf_counter() - started
    repaired = loader.repair_files() if not new_ids else 0
    print(
        f"documents: {len(new_ids)} added in {made:.1f} s ({listed.count()} in the register of "
        f"{REGISTER_MEETING}, {Document.objects.count()} in all"
        + (f"; {repaired} stored files written again" if repaired else "")
        + ")",
        flush=True,
    )
    indexing = _index(new_ids) if new_ids else None

    read_tokens, write_token = _tokens()
    upload = _upload_target()
    template_path = var_dir / "upload-template.docx"
    template_path.write_bytes(upload["template"])
    facts = {
        "register": REGISTER_MEETING,
        "register_documents": listed.count(),
        "documents": Document.objects.count(),
        "read_tokens": read_tokens,
        "write_token": write_token,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": _session(TOKEN_PEOPLE[0]),
        "upload": {"code": upload["code"], "template": str(template_path)},
        "queries": search_queries(),
        "indexing": indexing,
    }
    if args.big_file_mb:
        facts["download"] = _big_download(loader, args.big_file_mb, var_dir)
    from django.db import connection

    if connection.vendor == "postgresql":
        # A live database is kept by autovacuum: its statistics current, its dead row versions
        # removed and its visibility map set. One loaded a moment ago has none of that (and a
        # server may run with autovacuum off, as the test machines' does): the planner would
        # choose as if its tables were empty, and every read would step over the row versions
        # the load left behind. VACUUM cannot run inside a transaction block.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    out = var_dir / OUT_NAME
    out.write_text(json.dumps(facts, indent=1))
    out.chmod(0o600)
    print(f"wrote {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
