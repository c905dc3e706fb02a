"""The demo's documents: the register of the WP1/11 meeting of 19 November 2020, and a
contribution number reserved for the next meeting.

Everything goes through the services a person's clicks go through (numbers, cover checks, the TD
queue, allocation, history); the times the services stamp themselves (files, history) are then
set to when it would have happened, in the autumn of 2020. Each document is found again by its
meeting and title, so that loading twice adds nothing; each file is a real Word document made
from the official contribution template, its cover filled (contacts included) and its body text,
which search can find, in place of the template's instructions to authors. The incoming liaison
statement is made from the official liaison-statement template instead, under the TD header it is
posted with.
"""

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from docx.oxml.ns import qn

from plenary.accounts.models import User
from plenary.decisions.liaisons import LiaisonCover, fill_liaison_template
from plenary.documents import search, services
from plenary.documents.coverpage import Contact, fill_contribution_template
from plenary.documents.models import (
    Document,
    DocumentEvent,
    DocumentSettings,
    NumberCounter,
    Revision,
    contact_of,
)
from plenary.documents.word import contribution_template_path
from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import place_and_date

UTC = dt.UTC
# The demo's TDs continue the seed meeting's series where the agenda update, SG11-TD53/WP1 (named
# in the collective letter), takes its place: TD1 to TD52 are outside what the demo shows.
TD_NUMBERS_BEFORE = 52
# The seed meeting's timeline: contributions registered and uploaded before their deadline, the
# TDs submitted to the queue and posted before the TD target, then allocated by the chairman.
CONTRIBUTIONS_REGISTERED = dt.datetime(2020, 11, 2, 9, 0, tzinfo=UTC)
CONTRIBUTIONS_UPLOADED = dt.datetime(2020, 11, 2, 9, 30, tzinfo=UTC)
TDS_SUBMITTED = dt.datetime(2020, 11, 10, 9, 0, tzinfo=UTC)
TDS_POSTED = dt.datetime(2020, 11, 10, 14, 0, tzinfo=UTC)
DOCUMENTS_ALLOCATED = dt.datetime(2020, 11, 10, 15, 0, tzinfo=UTC)


@dataclass(frozen=True, eq=False)
class Paper:
    """One document of the demo register (hashed by identity, so its file can be cached)."""

    title: str
    source: str
    submitter: str
    agenda_item: str
    abstract: str
    body: Sequence[str]
    purpose: str = "Discussion"
    keywords: str = ""
    liaison: dict = field(default_factory=dict)
    # The sender's side of a liaison statement's cover (LS template fields).
    ls_cover: dict = field(default_factory=dict)


CONTRIBUTIONS = [
    Paper(
        title="Proposed modifications to draft Recommendation Q.SCC: information model of the "
        "Cooperative Controller",
        source="Demo Sector Member Telecom",
        submitter="delegate@example.org",
        agenda_item="Discussion of received contributions",
        abstract="This contribution proposes to align the information model of the Cooperative "
        "Controller in draft Recommendation Q.SCC with the resource attributes used by the "
        "orchestrator, and to add a state diagram for controller failover.",
        body=[
            "1 Introduction",
            "The current text of draft Recommendation Q.SCC defines the Cooperative Controller "
            "as a functional entity that coordinates several domain controllers.",
            "2 Proposal",
            "It is proposed to add the attribute controllerRole (primary, standby) to the "
            "information model and a failover state diagram to clause 8.",
        ],
    ),
    Paper(
        title="Clarifications to the signalling requirements of draft Recommendation Q.VNFT-req",
        source="China",
        submitter="chair@example.org",
        agenda_item="Discussion of received contributions",
        abstract="Proposes clarifications to the requirements on VNF instantiation and "
        "termination signalling under the testing environment.",
        body=[
            "1 Discussion",
            "The requirements on VNF lifecycle management signalling in clause 7 do not say "
            "which entity triggers the termination of a VNF under test.",
            "2 Proposal",
            "It is proposed that the test controller triggers instantiation, scaling and "
            "termination, and that each step is acknowledged to the test agent.",
        ],
    ),
    Paper(
        title="Proposal for a new work item on signalling requirements for the testing of "
        "network slicing",
        source="Russian Federation",
        submitter="sg11-chairman@example.org",
        agenda_item="Discussion of received contributions",
        abstract="Proposes a new work item, Q.NS-test, on the signalling requirements for "
        "testing network slicing in IMT-2020 networks, with a draft scope and work plan.",
        body=[
            "1 Scope of the proposed Recommendation",
            "The Recommendation would specify the signalling requirements for the testing of "
            "network slices, including slice isolation and slice lifecycle tests.",
            "2 Work plan",
            "A first draft is expected for the next meeting of Working Party 1/11.",
        ],
    ),
    Paper(
        title="Laboratory test results of a Cooperative Controller prototype",
        source="Demo University of Technology",
        submitter="academic@example.org",
        agenda_item="Discussion of received contributions",
        abstract="Reports failover times measured on a Cooperative Controller prototype in a "
        "university testbed, as input to draft Recommendation Q.SCC.",
        body=[
            "1 Testbed",
            "The prototype coordinates three SDN domain controllers in a laboratory testbed.",
            "2 Results",
            "The median failover time from the primary to the standby controller was 180 ms.",
        ],
    ),
]

TDS = [
    Paper(
        title="Updates to the agenda",
        source="Chairman, WP1/11",
        submitter="chair@example.org",
        agenda_item="Approval of the agenda",
        abstract="Updates to the draft agenda of the virtual meeting of Working Party 1/11 "
        "(19 November 2020) given in Annex B of the collective letter.",
        body=[
            "The draft agenda of Annex B to the collective letter is updated as follows.",
            "Agenda item 6: the consent of draft Recommendations Q.SCC and Q.VNFT-req depends "
            "on the results of the Rapporteur Group meetings.",
            "Agenda item 10: the incoming liaison statement from ITU-T SG13 is considered.",
        ],
        purpose="Admin",
        keywords="agenda",
    ),
    Paper(
        title="Draft Recommendation ITU-T Q.SCC: Signalling requirements and information model "
        "of Cooperative Controller (for consent)",
        source="Editor, Q.SCC",
        submitter="chair@example.org",
        agenda_item="Consent of draft Recommendations",
        abstract="The text of draft Recommendation Q.SCC as agreed by the Rapporteur Group, "
        "proposed for consent.",
        body=[
            "Summary",
            "This Recommendation specifies the signalling requirements and the information "
            "model of the Cooperative Controller, which coordinates several domain controllers "
            "in software-defined networks.",
            "1 Scope",
            "The Recommendation covers the interfaces between the Cooperative Controller and "
            "domain controllers, and the attributes of the information model.",
        ],
        purpose="Decision",
        keywords="Cooperative Controller; SDN; information model",
    ),
    Paper(
        title="Draft Recommendation ITU-T Q.VNFT-req: Signalling requirements for VNF lifecycle "
        "management under the testing environment (for consent)",
        source="Editor, Q.VNFT-req",
        submitter="chair@example.org",
        agenda_item="Consent of draft Recommendations",
        abstract="The text of draft Recommendation Q.VNFT-req as agreed by the Rapporteur "
        "Group, proposed for consent.",
        body=[
            "Summary",
            "This Recommendation specifies the signalling requirements for the lifecycle "
            "management of virtual network functions (VNF) under the testing environment.",
            "1 Scope",
            "Instantiation, scaling, healing and termination of VNFs under test.",
        ],
        purpose="Decision",
        keywords="VNF; lifecycle management; testing",
    ),
    Paper(
        title="Report of the Rapporteur Group meeting on Questions 1/11 and 2/11 "
        "(virtual, 2-6 November 2020)",
        source="Rapporteurs, Questions 1/11 and 2/11",
        submitter="chair@example.org",
        agenda_item="Review and approve the reports and outputs of Rapporteur Group meetings",
        abstract="The Rapporteur Group agreed the texts of draft Recommendations Q.SCC and "
        "Q.VNFT-req for consent and reviewed four contributions.",
        body=[
            "1 Opening",
            "The Rapporteur Group met virtually from 2 to 6 November 2020.",
            "2 Results",
            "The meeting agreed to propose draft Recommendations Q.SCC and Q.VNFT-req for "
            "consent at the Working Party 1/11 meeting of 19 November 2020.",
        ],
        purpose="Agreement",
        keywords="report; rapporteur group",
    ),
    Paper(
        title="LS/i on network slicing management and orchestration [from ITU-T SG13]",
        source="ITU-T Study Group 13",
        submitter="secretariat@example.org",
        agenda_item="Approval of outgoing liaison statements",
        abstract="ITU-T SG13 informs SG11 of its progress on network slicing management and "
        "orchestration in IMT-2020 networks.",
        body=[
            "ITU-T Study Group 13 thanks Study Group 11 for its liaison statement on testing "
            "of network slicing.",
            "SG13 has started work on the management and orchestration of network slices and "
            "invites SG11 to take this into account in its testing specifications.",
        ],
        purpose="Information",
        keywords="network slicing; IMT-2020",
        liaison={
            "direction": "incoming",
            "for_information": "ITU-T Study Group 11",
            "approval": "study_group",
        },
        ls_cover={
            "questions": ["21/13"],
            "meeting": "Virtual meeting of Study Group 13",
            "ls_study_group": "13",
            "for_information": ["ITU-T Study Group 11"],
            "approval": "ITU-T Study Group 13 meeting (virtual)",
            "contacts": [
                Contact(
                    name="Counsellor, ITU-T SG13",
                    organization="ITU Telecommunication Standardization Bureau",
                    country="Switzerland",
                    email="sg13-secretariat@example.org",
                )
            ],
        },
    ),
]

NEXT_MEETING_RESERVATION = Paper(
    title="Draft requirements for the signalling of Cooperative Controllers in edge networks",
    source="Demo Sector Member Telecom",
    submitter="delegate@example.org",
    agenda_item="Discussion of received contributions",
    abstract="A first draft of requirements, to be uploaded before the deadline.",
    body=[],
)


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()


def _instructions(document) -> list:
    """The template's note to authors after the cover: from "[Your text starts here." to the
    paragraph that closes its bracket."""
    body = document.element.body
    found: list = []
    for element in body.iterchildren(qn("w:p")):
        text = _text(element)
        if not found and not text.startswith("[Your text starts here"):
            continue
        found.append(element)
        if text.endswith("]"):
            return found
    return []


def _with_body(content: bytes, paragraphs: Sequence[str], *, kind: str | None = None) -> bytes:
    """A Word file whose body text takes the place of the template's instructions to authors
    (before its closing line); ``kind`` replaces the cover's CONTRIBUTION line (a TD made from
    the contribution template says TD there)."""
    document = docx.Document(io.BytesIO(content))
    if kind is not None:
        for paragraph in document.tables[0]._tbl.iter(qn("w:p")):
            texts = list(paragraph.iter(qn("w:t")))
            if _text(paragraph) == "CONTRIBUTION":
                texts[0].text = kind
                for extra in texts[1:]:
                    extra.text = ""
    instructions = _instructions(document)
    for text in paragraphs:
        style = "Heading 1" if text[:1].isdigit() or text == "Summary" else None
        paragraph = document.add_paragraph(text, style=style if style in document.styles else None)
        if instructions:
            instructions[0].addprevious(paragraph._p)
    for element in instructions:
        element.getparent().remove(element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_CONTRIBUTION_FILES: dict[tuple[str, Paper], bytes] = {}


# Contact rows as a cache key can hold them: each row's (part, value) pairs.
Contacts = tuple[tuple[tuple[str, str], ...], ...]


def _frozen(contacts: Sequence[dict[str, str]]) -> Contacts:
    return tuple(tuple(contact.items()) for contact in contacts)


@cache
def _td_file(number: str, venue: str, paper: Paper, contacts: Contacts) -> bytes:
    cover = fill_contribution_template(
        contribution_template_path(),
        {
            "number": number,
            "study_group": "11",
            "study_period": "2017-2020",
            "questions": [],
            "place_and_date": venue,
            "source": paper.source,
            "title": paper.title,
            "contacts": [dict(contact) for contact in contacts],
            "abstract": paper.abstract,
        },
    )
    return _with_body(cover, paper.body, kind="TD")


@cache
def _liaison_file(number: str, paper: Paper) -> bytes:
    """An incoming LS: the official LS template, filled as its sender did, under SG11's TD
    header."""
    return fill_liaison_template(
        LiaisonCover(
            number=number,
            study_group="11",
            study_period="2017-2020",
            title=paper.title,
            source=paper.source,
            abstract=paper.abstract,
            body=paper.body,
            **paper.ls_cover,
        )
    )


def _contribution_file(document: Document, paper: Paper) -> bytes:
    """The filled template with the paper's body; made once per process for each number."""
    key = (document.display_number, paper)
    if key not in _CONTRIBUTION_FILES:
        filled = services.contribution_template(document=document)
        _CONTRIBUTION_FILES[key] = _with_body(filled, paper.body)
    return _CONTRIBUTION_FILES[key]


def _existing(meeting: Meeting, paper: Paper) -> Document | None:
    return Document.objects.filter(meeting=meeting, title=paper.title).first()


def _backdate(
    document: Document,
    *,
    created: dt.datetime,
    uploaded: dt.datetime,
    events: dict[str, dt.datetime],
) -> None:
    """Set the times the services stamp with the clock (auto_now_add) to the demo's timeline."""
    Document.objects.filter(pk=document.pk).update(created_at=created)
    Revision.objects.filter(document=document).update(uploaded_at=uploaded)
    for type_, at in events.items():
        DocumentEvent.objects.filter(document=document, type=type_).update(at=at)


def _contribution(meeting: Meeting, paper: Paper, people: dict[str, User]) -> Document | None:
    if _existing(meeting, paper):
        return None
    submitter = people[paper.submitter]
    document = services.contribution_register(
        meeting=meeting,
        actor=submitter,
        title=paper.title,
        source=paper.source,
        abstract=paper.abstract,
    )
    content = _contribution_file(document, paper)
    name = f"{document.file_code}!!MSW-E.docx"
    services.revision_upload(
        document=document,
        actor=submitter,
        fileobj=SimpleUploadedFile(name, content),
        filename=name,
        now=CONTRIBUTIONS_UPLOADED,
    )
    _backdate(
        document,
        created=CONTRIBUTIONS_REGISTERED,
        uploaded=CONTRIBUTIONS_UPLOADED,
        events={
            DocumentEvent.Type.RESERVED: CONTRIBUTIONS_REGISTERED,
            DocumentEvent.Type.UPLOADED: CONTRIBUTIONS_UPLOADED,
        },
    )
    return document


def _prime_td_numbers(meeting: Meeting) -> None:
    """Start the seed meeting's TD series after TD52, once."""
    study_group = services.study_group_of(meeting)
    per_meeting = services.td_scope_of(study_group) == DocumentSettings.TdScope.MEETING
    NumberCounter.objects.get_or_create(
        study_group=study_group,
        study_period=services.study_period_of(meeting),
        kind=Document.Kind.TD,
        meeting=meeting if per_meeting else None,
        defaults={"last": TD_NUMBERS_BEFORE},
    )


def _next_td_number(meeting: Meeting) -> int:
    study_group = services.study_group_of(meeting)
    per_meeting = services.td_scope_of(study_group) == DocumentSettings.TdScope.MEETING
    counter = NumberCounter.objects.get(
        study_group=study_group,
        study_period=services.study_period_of(meeting),
        kind=Document.Kind.TD,
        meeting=meeting if per_meeting else None,
    )
    return counter.last + 1


def _td(meeting: Meeting, paper: Paper, people: dict[str, User]) -> Document | None:
    if _existing(meeting, paper):
        return None
    number = f"SG11-TD{_next_td_number(meeting)}/WP1"
    # An incoming LS names its sender's contacts, as its cover does; others their submitter.
    if paper.ls_cover:
        contacts = [
            {part: value or "" for part, value in asdict(contact).items()}
            for contact in paper.ls_cover["contacts"]
        ]
        content = _liaison_file(number, paper)
    else:
        contacts = [contact_of(people[paper.submitter])]
        content = _td_file(number, place_and_date(meeting), paper, _frozen(contacts))
    name = f"{number.replace('/', '-')}.docx"
    draft = services.td_submit(
        meeting=meeting,
        actor=people[paper.submitter],
        fileobj=SimpleUploadedFile(name, content),
        filename=name,
        title=paper.title,
        source=paper.source,
        level="WP1",
        purpose=paper.purpose,
        keywords=paper.keywords,
        abstract=paper.abstract,
        contacts=contacts,
        liaison=paper.liaison or None,
    )
    posted = services.td_post(
        document=draft, actor=people["secretariat@example.org"], now=TDS_POSTED
    )
    _backdate(
        posted,
        created=TDS_SUBMITTED,
        uploaded=TDS_SUBMITTED,
        events={
            DocumentEvent.Type.SUBMITTED: TDS_SUBMITTED,
            DocumentEvent.Type.NUMBERED: TDS_POSTED,
            DocumentEvent.Type.POSTED: TDS_POSTED,
        },
    )
    return posted


def load_documents(*, seed: Meeting, upcoming: Meeting) -> None:
    """Give the seed meeting its register and reserve a number for the next meeting; adds
    nothing that is already there. Runs inside load_demo's transaction."""
    emails = {paper.submitter for paper in [*CONTRIBUTIONS, *TDS]} | {
        "secretariat@example.org",
        NEXT_MEETING_RESERVATION.submitter,
    }
    people = {user.email: user for user in User.objects.filter(email__in=emails)}
    _prime_td_numbers(seed)
    new = [_contribution(seed, paper, people) for paper in CONTRIBUTIONS]
    new += [_td(seed, paper, people) for paper in TDS]
    items = {item.title: item.pk for item in AgendaItem.objects.filter(meeting=seed)}
    allocations = {
        document.pk: items[paper.agenda_item]
        for document, paper in zip(new, [*CONTRIBUTIONS, *TDS], strict=True)
        if document is not None and paper.agenda_item in items
    }
    if allocations:
        services.documents_allocate(
            meeting=seed, actor=people["chair@example.org"], allocations=allocations
        )
        DocumentEvent.objects.filter(
            document__in=list(allocations), type=DocumentEvent.Type.ALLOCATED
        ).update(at=DOCUMENTS_ALLOCATED)
    if not _existing(upcoming, NEXT_MEETING_RESERVATION):
        reserved = services.contribution_register(
            meeting=upcoming,
            actor=people[NEXT_MEETING_RESERVATION.submitter],
            title=NEXT_MEETING_RESERVATION.title,
            source=NEXT_MEETING_RESERVATION.source,
            abstract=NEXT_MEETING_RESERVATION.abstract,
        )
        new.append(reserved)
    # The services queue indexing for after the commit, which a worker runs; the demo indexes its
    # new documents at once too, so that search works before any worker has started.
    for document in new:
        if document is not None:
            search.index_document(document.pk)
