"""Outgoing liaison statements: drafted at the meeting, agreed by a decision, then generated from
the official template and posted as an LS/o TD; and the incoming ones with their reply deadlines.

Three parts: the Word file (pure: python-docx over the shipped LS template), the reads the pages
share, and the writes, each in one transaction with a history row.
"""

import copy
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plenary.accounts.models import User
from plenary.decisions import services as decision_services
from plenary.decisions.models import Decision, LiaisonEvent, OutgoingLiaison
from plenary.decisions.permissions import can_record_decision
from plenary.documents import files, numbering
from plenary.documents import services as document_services
from plenary.documents.coverpage import Contact, CoverPageError
from plenary.documents.coverpage.reader import ORIGINAL_RE, STUDY_GROUP_RE, STUDY_PERIOD_RE
from plenary.documents.coverpage.wordml import (
    DOCNUMBER_STYLE,
    W_P,
    W_R,
    W_T,
    cell_paragraphs,
    clean,
    cover_tables,
    open_document,
    paragraph_lines,
    paragraph_style,
    row_cells,
    scan_tables,
)
from plenary.documents.models import (
    Document,
    DocumentSettings,
    LiaisonDetails,
    NumberCounter,
    contact_of,
)
from plenary.documents.permissions import can_manage_documents
from plenary.documents.word import SHIPPED_DIR, contribution_template_path
from plenary.groups.models import Body, StudyPeriod
from plenary.meetings.models import AgendaItem, Meeting
from plenary.meetings.selectors import place_and_date

LIAISON_TEMPLATE = "liaison-statement-template.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREVIEW_NUMBER = "Draft (numbered when posted)"
Approval = LiaisonDetails.Approval

# The Word file ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiaisonCover:
    """What the generated file says: a TD header (number, study group, study period) above the
    official LS cover table, the abstract, then the body and the list of attachments."""

    number: str
    study_group: str
    study_period: str
    title: str
    source: str
    questions: Sequence[str] = ()
    meeting: str = ""
    ls_study_group: str = ""
    working_party: str = ""
    for_action: Sequence[str] = ()
    for_comment: Sequence[str] = ()
    for_information: Sequence[str] = ()
    approval: str = ""
    deadline: str = ""
    contacts: Sequence[Contact] = field(default_factory=tuple)
    abstract: str = ""
    body: Sequence[str] = ()
    attachments: Sequence[str] = ()
    original_language: str = "English"


def liaison_template_path():
    """The liaison-statement template as shipped with Plenary."""
    return SHIPPED_DIR / LIAISON_TEMPLATE


def fill_liaison_template(cover: LiaisonCover) -> bytes:
    """The official LS template with its cover table, abstract and body filled; a .docx.

    The template's cover has no document number, study period or "For comment to:" row: the TD
    header of the official contribution template (logo, study period, number, study group) is put
    above it, as posted LS TDs carry it, and the comment row is added where A.1 lists it.
    """
    document = open_document(liaison_template_path())
    scan = scan_tables(cover_tables(document))
    if scan.kind != "LIAISON STATEMENT" or not scan.first("title"):
        raise CoverPageError("not a liaison-statement template: no LIAISON STATEMENT row")
    _add_td_header(document, cover)
    entries = {entry.label: entry for entry in reversed(scan.entries)}

    def write(label: str, paragraphs: list[list[str]], position: int = 0) -> None:
        entry = entries.get(label)
        if entry is None or len(entry.cells) <= position:
            raise CoverPageError(f"not a liaison-statement template: no {label} cell")
        _set_cell(entry.cells[position].tc, paragraphs)

    write("questions", [[", ".join(cover.questions)]])
    write("meeting", [[cover.meeting]])
    write("study_group", [[cover.ls_study_group or cover.study_group]])
    write("working_party", [[cover.working_party]])
    write("source", [[cover.source]])
    write("title", [[cover.title]])
    write("for_action", [list(cover.for_action)])
    write("for_information", [list(cover.for_information)])
    write("approval", [[cover.approval]])
    write("deadline", [[cover.deadline]])
    _add_comment_row(entries["for_information"].tr, list(cover.for_comment))
    _write_contacts([e.tr for e in scan.all("contact")], list(cover.contacts))
    write("abstract", [[line] for line in cover.abstract.splitlines() if line.strip()])
    _write_body(document, list(cover.body), list(cover.attachments))
    _write_page_header(document, cover.number)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_td_header(document, cover: LiaisonCover) -> None:
    """Copy the contribution template's header rows (logo, study period, number, study group,
    original language) into a table of their own above the LS cover."""
    source = open_document(contribution_template_path())
    header = copy.deepcopy(source.tables[0]._tbl)
    for tr in header.tr_lst[3:]:
        header.remove(tr)
    for blip in header.iter(qn("a:blip")):
        old = blip.get(qn("r:embed"))
        if old:
            image = source.part.related_parts[old]
            rid, _ = document.part.get_or_add_image(io.BytesIO(image.blob))
            blip.set(qn("r:embed"), rid)
    used = {el.get(qn("w:val")) for el in header.iter(qn("w:pStyle"), qn("w:rStyle"))}
    for style_id in sorted(used - {None}):
        if document.styles.element.get_by_id(style_id) is None:
            style = source.styles.element.get_by_id(style_id)
            if style is not None:
                document.styles.element.append(copy.deepcopy(style))
    lines = {
        STUDY_GROUP_RE: f"STUDY GROUP {cover.study_group}",
        STUDY_PERIOD_RE: f"STUDY PERIOD {cover.study_period}",
        ORIGINAL_RE: f"Original: {cover.original_language}",
    }
    for p in header.iter(W_P):
        text = clean(" ".join(paragraph_lines(p)))
        if paragraph_style(p) == DOCNUMBER_STYLE:
            _set_paragraph(p, [cover.number])
            continue
        for pattern, value in lines.items():
            if pattern.match(text):
                _set_paragraph(p, [value])
    ls_table = cover_tables(document)[0]
    ls_table.addprevious(header)
    ls_table.addprevious(OxmlElement("w:p"))


def _add_comment_row(information_tr, addressees: list[str]) -> None:
    """A "For comment to:" row, made from the "For information to:" row, placed before it."""
    row = copy.deepcopy(information_tr)
    information_tr.addprevious(row)
    label, value = (cell for cell in row_cells(row) if not cell.continues)
    _set_cell(label.tc, [["For comment to:"]])
    for style in value.tc.iter(qn("w:pStyle")):
        style.set(qn("w:val"), "LSForComment")
    _set_cell(value.tc, [addressees])


def _write_contacts(rows: list, contacts: list[Contact]) -> None:
    """One "Contact:" row per contact, cloned from the template's rows as its notes ask."""
    if not rows:
        raise CoverPageError("not a liaison-statement template: no Contact: row")
    while len(rows) < len(contacts):
        clone = copy.deepcopy(rows[-1])
        rows[-1].addnext(clone)
        rows.append(clone)
    for extra in rows[max(len(contacts), 1) :]:
        extra.getparent().remove(extra)
    for tr, contact in zip(rows, contacts or [Contact()], strict=False):
        identity, reach = [c for c in row_cells(tr)[1:] if not c.continues][:2]
        names = [contact.name, contact.organization, contact.country]
        _set_cell(identity.tc, [[x for x in names if x]])
        ways = [("Tel:", contact.tel), ("E-mail:", contact.email)]
        _set_cell(reach.tc, [[f"{label}\t{value}" for label, value in ways if value]])


def _write_body(document, paragraphs: list[str], attachments: list[str]) -> None:
    """The text in place of the template's "[Your text starts here]", then the attachments."""
    tables = cover_tables(document)
    anchor = next(
        p
        for p in tables[-1].itersiblings(W_P)
        if clean(" ".join(paragraph_lines(p))).startswith("[Your text starts here")
    )
    texts = [text for text in paragraphs if text.strip()]
    if attachments:
        texts += ["Attachments:", *attachments]
    last = anchor
    for text in texts:
        p = copy.deepcopy(anchor)
        _set_paragraph(p, [text])
        last.addnext(p)
        last = p
    anchor.getparent().remove(anchor)


def _write_page_header(document, number: str) -> None:
    """Pages after the first show the number in the header's ShortName control; a content
    control bound to document-library metadata would show its empty value, so it is unbound."""
    for part in document.part.package.iter_parts():
        if not re.fullmatch(r"/word/header\d*\.xml", str(part.partname)):
            continue
        for sdt in part.element.iter(qn("w:sdt")):
            props = sdt.find(qn("w:sdtPr"))
            alias = props.find(qn("w:alias")) if props is not None else None
            if alias is None or alias.get(qn("w:val")) != "ShortName":
                continue
            for name in ("w:showingPlcHdr", "w:dataBinding"):
                for element in props.findall(qn(name)):
                    props.remove(element)
            for p in sdt.iter(W_P):
                for style in p.iter(qn("w:rStyle")):
                    style.getparent().remove(style)
                _set_paragraph(p, [number])


def _set_cell(tc, paragraphs: list[list[str]]) -> None:
    """Replace a cell's text, one paragraph per item, keeping the first paragraph's look."""
    existing = list(cell_paragraphs(tc))
    model = existing[0] if existing else OxmlElement("w:p")
    for p in existing:
        p.getparent().remove(p)
    for lines in paragraphs or [[]]:
        p = copy.deepcopy(model)
        _set_paragraph(p, lines)
        tc.append(p)


def _set_paragraph(p, lines: list[str]) -> None:
    """Replace a paragraph's runs by ``lines`` (manual line breaks between them; a tab in a line
    is a tab), keeping its style and its first run's font, without the "fill me in" highlight."""
    props = p.find(qn("w:pPr"))
    first = next((r for r in p.iter(W_R) if r.find(W_T) is not None), None)
    run_props = None
    if first is not None and first.find(qn("w:rPr")) is not None:
        run_props = copy.deepcopy(first.find(qn("w:rPr")))
        for highlight in run_props.findall(qn("w:highlight")):
            run_props.remove(highlight)
    for child in list(p):
        if child is not props:
            p.remove(child)
    if props is not None:
        for highlight in props.iter(qn("w:highlight")):
            highlight.getparent().remove(highlight)
    for index, line in enumerate(lines):
        for position, part in enumerate(line.split("\t")):
            run = OxmlElement("w:r")
            if run_props is not None:
                run.append(copy.deepcopy(run_props))
            if index and position == 0:
                run.append(OxmlElement("w:br"))
            if position:
                run.append(OxmlElement("w:tab"))
            text = OxmlElement("w:t")
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            text.text = part
            run.append(text)
            p.append(run)


def _period(meeting: Meeting) -> StudyPeriod | None:
    """The study period the meeting falls in (none for a meeting outside every period, whose
    documents cannot be numbered either)."""
    return StudyPeriod.for_year(meeting.start_date.year)


def _question_number(question: Body) -> str:
    """'1/11' for Q1/11."""
    return question.acronym.removeprefix("Q")


def approval_levels(meeting: Meeting) -> list[str]:
    """The levels at which this meeting may approve an LS (A.1): its own and those meeting
    within it (a study-group meeting holds its working parties' and rapporteur groups')."""
    kind = meeting.body.kind
    if kind == Body.Kind.STUDY_GROUP:
        return [Approval.STUDY_GROUP, Approval.WORKING_PARTY, Approval.RAPPORTEUR_GROUP]
    if kind == Body.Kind.WORKING_PARTY:
        return [Approval.WORKING_PARTY, Approval.RAPPORTEUR_GROUP]
    return [Approval.RAPPORTEUR_GROUP]


def _working_party(meeting: Meeting, questions: Sequence[Body]) -> Body | None:
    """The working party an LS comes from: the meeting's, or that of all its Questions."""
    if meeting.body.kind == Body.Kind.WORKING_PARTY:
        return meeting.body
    parents = {q.parent for q in questions if q.parent.kind == Body.Kind.WORKING_PARTY}
    return parents.pop() if len(parents) == 1 else None


def approval_line(liaison: OutgoingLiaison) -> str:
    """The cover's Approval: 'WP1/11 meeting (Virtual, 19 November 2020)'."""
    meeting = liaison.meeting
    where = place_and_date(meeting)
    questions = list(liaison.questions.all())
    if liaison.approval == Approval.STUDY_GROUP:
        return f"{meeting.body.study_group.acronym} meeting ({where})"
    if liaison.approval == Approval.WORKING_PARTY:
        working_party = _working_party(meeting, questions)
        return f"{working_party.acronym if working_party else 'Working party'} meeting ({where})"
    names = ", ".join(q.acronym for q in questions)
    return f"Rapporteur group meeting on {names} ({where})"


def _td_level(liaison: OutgoingLiaison) -> str:
    """WPn for what a working party sends, PLEN for the study group's own."""
    working_party = _working_party(liaison.meeting, list(liaison.questions.all()))
    if working_party is not None and liaison.approval != Approval.STUDY_GROUP:
        return f"WP{working_party.number}"
    return "PLEN"


def _contact_of(person: User) -> Contact:
    return Contact(**{part: value or None for part, value in contact_of(person).items()})


def source_of(meeting: Meeting) -> str:
    """Who sends it: 'ITU-T Study Group 11' (a working party's LS too speaks for its SG)."""
    return f"ITU-T {meeting.body.study_group.long_name}"


def liaison_cover(liaison: OutgoingLiaison, number: str) -> LiaisonCover:
    """The cover of the LS as the meeting drafted it, under the TD number ``number``."""
    meeting = liaison.meeting
    study_group = meeting.body.study_group
    questions = list(liaison.questions.order_by("number"))
    working_party = _working_party(meeting, questions)
    return LiaisonCover(
        number=number,
        study_group=str(study_group.number),
        study_period=str(_period(meeting) or ""),
        title=liaison.full_title,
        source=source_of(meeting),
        questions=[_question_number(q) for q in questions],
        meeting=place_and_date(meeting),
        working_party=working_party.acronym.removeprefix("WP") if working_party else "",
        for_action=OutgoingLiaison.split(liaison.for_action),
        for_comment=OutgoingLiaison.split(liaison.for_comment),
        for_information=OutgoingLiaison.split(liaison.for_information),
        approval=approval_line(liaison),
        deadline=f"{liaison.deadline:%-d %B %Y}" if liaison.deadline else "",
        contacts=[_contact_of(person) for person in liaison.contacts.order_by("name", "pk")],
        abstract=liaison.abstract,
        body=liaison.body.splitlines(),
        attachments=[
            f"{d.display_number}: {d.title}"
            for d in liaison.documents.select_related("study_group").order_by("kind", "number")
        ],
    )


def liaison_preview(*, liaison: OutgoingLiaison, user) -> bytes:
    """The file as it will be generated, before it has a number (the chairs and secretariat)."""
    if not can_record_decision(user, liaison.meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat see draft LSs.")
    number = liaison.document.display_number if liaison.document else PREVIEW_NUMBER
    return fill_liaison_template(liaison_cover(liaison, number))


# Reads -----------------------------------------------------------------------------------------


def liaisons_visible_to(user, meeting: Meeting) -> QuerySet[OutgoingLiaison]:
    """The meeting's outgoing LSs: drafts for its chairs and secretariat, agreed ones for all."""
    liaisons = OutgoingLiaison.objects.filter(meeting=meeting)
    if not can_record_decision(user, meeting):
        liaisons = liaisons.exclude(state=OutgoingLiaison.State.DRAFT)
    return liaisons.select_related(
        "meeting", "agenda_item", "decision", "document__study_group", "replies_to__study_group"
    ).order_by("created_at", "id")


@dataclass(frozen=True)
class IncomingLiaison:
    """An incoming LS and where its reply stands."""

    document: Document
    deadline: dt.date | None
    days_left: int | None  # negative when overdue
    action_asked: bool
    replies: list[OutgoingLiaison]

    @property
    def days_overdue(self) -> int:
        """How many days past the deadline (0 when not past it)."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def answered(self) -> bool:
        return any(r.state == OutgoingLiaison.State.POSTED for r in self.replies)


def incoming_liaisons(
    user, meeting: Meeting, today: dt.date | None = None
) -> list[IncomingLiaison]:
    """The posted incoming LSs of the meeting's study group in its study period, those with the
    nearest reply deadline first, each with the outgoing LSs that answer it."""
    study_group = meeting.body.study_group
    replies = OutgoingLiaison.objects.select_related("document__study_group", "meeting")
    if not can_record_decision(user, meeting):
        replies = replies.exclude(state=OutgoingLiaison.State.DRAFT)
    documents = (
        Document.objects.filter(
            study_group=study_group,
            study_period=_period(meeting),
            kind=Document.Kind.TD,
            state=Document.State.POSTED,
            liaison__direction=LiaisonDetails.Direction.INCOMING,
        )
        .select_related("liaison", "study_group", "meeting")
        .prefetch_related(Prefetch("liaison_replies", queryset=replies.order_by("id")))
        .order_by("number", "id")
    )
    today = today or timezone.localdate(timezone=meeting.tz)
    rows = []
    for document in documents:
        deadline = document.liaison.deadline
        rows.append(
            IncomingLiaison(
                document=document,
                deadline=deadline,
                days_left=(deadline - today).days if deadline else None,
                action_asked=bool(document.liaison.for_action.strip()),
                replies=list(document.liaison_replies.all()),
            )
        )
    far = dt.date.max
    return sorted(rows, key=lambda row: (row.answered, row.deadline or far))


def incoming_for_reply(meeting: Meeting) -> QuerySet[Document]:
    """The incoming LSs of the meeting's study group, this study period, an LS may answer."""
    return Document.objects.filter(
        study_group=meeting.body.study_group,
        study_period=_period(meeting),
        kind=Document.Kind.TD,
        state=Document.State.POSTED,
        liaison__direction=LiaisonDetails.Direction.INCOMING,
    ).select_related("study_group")


def attachable_documents(meeting: Meeting) -> QuerySet[Document]:
    """What an LS may attach: the study group's posted contributions, TDs and reports of the
    study period."""
    return Document.objects.filter(
        study_group=meeting.body.study_group,
        study_period=_period(meeting),
        state=Document.State.POSTED,
        number__isnull=False,
        kind__in=[Document.Kind.CONTRIBUTION, Document.Kind.TD, Document.Kind.REPORT],
    ).select_related("study_group")


def questions_of(meeting: Meeting) -> QuerySet[Body]:
    """The Questions of the meeting's study group (under it or under one of its WPs)."""
    study_group = meeting.body.study_group
    return Body.objects.filter(kind=Body.Kind.QUESTION).filter(
        Q(parent=study_group) | Q(parent__parent=study_group)
    )


def possible_contacts(meeting: Meeting) -> QuerySet[User]:
    """People who may be named as contacts: those holding a role in the study group or in a body
    below it (chairmen, rapporteurs, editors, the secretariat)."""
    study_group = meeting.body.study_group
    tree = (
        Q(roles__body=study_group)
        | Q(roles__body__parent=study_group)
        | Q(roles__body__parent__parent=study_group)
    )
    return User.objects.filter(tree).select_related("organization").distinct().order_by("name")


# Writes ----------------------------------------------------------------------------------------


@dataclass
class LiaisonDraft:
    """What the meeting drafts; the service checks it against the meeting."""

    agenda_item: AgendaItem | None
    title: str
    body: str
    approval: str
    for_action: str = ""
    for_comment: str = ""
    for_information: str = ""
    deadline: dt.date | None = None
    abstract: str = ""
    questions: Sequence[Body] = ()
    documents: Sequence[Document] = ()
    replies_to: Document | None = None
    contacts: Sequence[User] = ()


_PREFIX_RE = re.compile(r"^\s*LS(?:/[oir])*\s+on(?:\s+|$)", re.IGNORECASE)


def _addressees(text: str) -> str:
    return "\n".join(OutgoingLiaison.split(text))


def _checked(meeting: Meeting, draft: LiaisonDraft) -> LiaisonDraft:
    """The draft made tidy, or a ValidationError naming each field that is wrong."""
    errors: dict[str, str] = {}
    title = _PREFIX_RE.sub("", draft.title.strip()).strip()
    for_action, for_comment, for_information = (
        _addressees(draft.for_action),
        _addressees(draft.for_comment),
        _addressees(draft.for_information),
    )
    study_group = meeting.body.study_group
    questions, documents, contacts = (
        list(draft.questions),
        list(draft.documents),
        list(draft.contacts),
    )
    if draft.agenda_item is None or draft.agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = "Choose an item of this meeting's agenda."
    if not title:
        errors["title"] = 'Give the subject of the LS (what follows "LS/o on").'
    elif len(title) > 400:
        errors["title"] = "Keep the subject under 400 characters."
    if not (for_action or for_comment or for_information):
        errors["for_action"] = "Name at least one addressee, for action, comment or information."
    if for_action and draft.deadline is None:
        errors["deadline"] = "An LS that asks for action gives a reply deadline."
    elif draft.deadline is not None and draft.deadline <= meeting.end_date:
        errors["deadline"] = (
            f"Set a reply deadline after the meeting (it ends on {meeting.end_date:%-d %B %Y})."
        )
    levels = approval_levels(meeting)
    if draft.approval not in levels:
        allowed = ", ".join(Approval(level).label.lower() for level in levels)
        errors["approval"] = f"A meeting of {meeting.body} approves at this level: {allowed}."
    if any(q.kind != Body.Kind.QUESTION or q.study_group != study_group for q in questions):
        errors["questions"] = f"Choose Questions of {study_group}."
    elif draft.approval == Approval.RAPPORTEUR_GROUP and not questions:
        errors["questions"] = "Name the Question(s) of the rapporteur group that approves it."
    elif draft.approval == Approval.WORKING_PARTY and _working_party(meeting, questions) is None:
        errors["questions"] = "Name Questions of the one working party that approves it."
    attachable = attachable_documents(meeting).filter(pk__in=[d.pk for d in documents])
    if len(set(attachable.values_list("pk", flat=True))) != len({d.pk for d in documents}):
        errors["documents"] = f"Attach only posted documents of {study_group} of this study period."
    replies_to = draft.replies_to
    if replies_to is not None and not incoming_for_reply(meeting).filter(pk=replies_to.pk).exists():
        errors["replies_to"] = f"Choose an incoming LS posted to {study_group}."
    if not draft.body.strip():
        errors["body"] = "Write the text of the liaison statement."
    if not contacts:
        errors["contacts"] = "Name at least one contact."
    elif not {c.pk for c in contacts} <= set(
        possible_contacts(meeting).values_list("pk", flat=True)
    ):
        errors["contacts"] = f"Name as contacts people holding a role in {study_group}."
    if errors:
        raise ValidationError(errors)
    return LiaisonDraft(
        agenda_item=draft.agenda_item,
        title=title,
        body=draft.body.strip(),
        approval=draft.approval,
        for_action=for_action,
        for_comment=for_comment,
        for_information=for_information,
        deadline=draft.deadline,
        abstract=draft.abstract.strip(),
        questions=questions,
        documents=documents,
        replies_to=replies_to,
        contacts=contacts,
    )


_SCALARS = (
    "agenda_item",
    "title",
    "body",
    "approval",
    "for_action",
    "for_comment",
    "for_information",
    "deadline",
    "abstract",
    "replies_to",
)


def _store(liaison: OutgoingLiaison, draft: LiaisonDraft) -> None:
    for name in _SCALARS:
        setattr(liaison, name, getattr(draft, name))
    liaison.save()
    liaison.questions.set(draft.questions)
    liaison.documents.set(draft.documents)
    liaison.contacts.set(draft.contacts)


def _event(liaison: OutgoingLiaison, type_: str, by: User, detail: str = "") -> LiaisonEvent:
    return LiaisonEvent.objects.create(liaison=liaison, type=type_, by=by, detail=detail[:300])


@transaction.atomic
def liaison_draft(*, meeting: Meeting, draft: LiaisonDraft, by: User) -> OutgoingLiaison:
    """Draft an outgoing LS for the meeting (its chairs and the secretariat)."""
    if not can_record_decision(by, meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat draft LSs.")
    clean_draft = _checked(meeting, draft)
    liaison = OutgoingLiaison(meeting=meeting, drafted_by=by)
    _store(liaison, clean_draft)
    _event(liaison, LiaisonEvent.Type.DRAFTED, by, liaison.full_title)
    return liaison


def _locked(liaison: OutgoingLiaison) -> OutgoingLiaison:
    return (
        OutgoingLiaison.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "replies_to__study_group")
        .get(pk=liaison.pk)
    )


@transaction.atomic
def liaison_update(*, liaison: OutgoingLiaison, draft: LiaisonDraft, by: User) -> OutgoingLiaison:
    """Change a draft LS; once agreed, the agreed text stands."""
    if not can_record_decision(by, liaison.meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat edit LSs.")
    liaison = _locked(liaison)
    if liaison.state != OutgoingLiaison.State.DRAFT:
        raise ValidationError("This LS is agreed already; its agreed text is not changed.")
    _store(liaison, _checked(liaison.meeting, draft))
    _event(liaison, LiaisonEvent.Type.EDITED, by)
    return liaison


def _as_draft(liaison: OutgoingLiaison) -> LiaisonDraft:
    return LiaisonDraft(
        **{name: getattr(liaison, name) for name in _SCALARS},
        questions=list(liaison.questions.all()),
        documents=list(liaison.documents.all()),
        contacts=list(liaison.contacts.all()),
    )


def _agreement_text(liaison: OutgoingLiaison) -> str:
    parts = [
        f"{label} {', '.join(OutgoingLiaison.split(value))}"
        for label, value in (
            ("for action to", liaison.for_action),
            ("for comment to", liaison.for_comment),
            ("for information to", liaison.for_information),
        )
        if value
    ]
    text = f"The meeting agreed the outgoing liaison statement \u201c{liaison.full_title}\u201d, "
    text += "; ".join(parts)
    if liaison.deadline:
        text += f"; reply by {liaison.deadline:%-d %B %Y}"
    return text + "."


@transaction.atomic
def liaison_agree(*, liaison: OutgoingLiaison, by: User, text: str = "") -> Decision:
    """Record the meeting's agreement of a draft LS: a Decision of kind agreement under its
    agenda item, linking the documents it attaches and the LS it answers."""
    if not can_record_decision(by, liaison.meeting):
        raise PermissionDenied("Only the meeting's chairs and the secretariat record decisions.")
    liaison = _locked(liaison)
    if liaison.state != OutgoingLiaison.State.DRAFT:
        raise ValidationError("This LS is agreed already.")
    draft = _checked(liaison.meeting, _as_draft(liaison))
    documents = list(draft.documents) + ([draft.replies_to] if draft.replies_to else [])
    decision = decision_services.decision_record(
        meeting=liaison.meeting,
        agenda_item=draft.agenda_item,
        kind=Decision.Kind.AGREEMENT,
        text=text.strip() or _agreement_text(liaison),
        documents=documents,
        by=by,
        details={"outgoing_liaison": liaison.pk, "title": liaison.full_title},
    )
    liaison.state = OutgoingLiaison.State.AGREED
    liaison.decision = decision
    liaison.save(update_fields=["state", "decision"])
    _event(liaison, LiaisonEvent.Type.AGREED, by, f"decision {decision.pk}")
    return decision


def _next_td_number(meeting: Meeting) -> int:
    """The number td_post will give the meeting's next TD, read under the lock td_post takes.

    The sequence's counter row stays locked until this transaction ends, so no other TD can be
    numbered in between; where the sequence has no counter yet, the number is read as
    next_number would start it, and the caller checks it against what td_post gave.
    """
    study_group = document_services.study_group_of(meeting)
    study_period = document_services.study_period_of(meeting)
    per_meeting = document_services.td_scope_of(study_group) == DocumentSettings.TdScope.MEETING
    scope = {"study_group": study_group, "study_period": study_period, "kind": Document.Kind.TD}
    counter = (
        NumberCounter.objects.select_for_update()
        .filter(**scope, meeting=meeting if per_meeting else None)
        .first()
    )
    if counter is not None:
        return counter.last + 1
    existing = Document.objects.filter(**scope)
    if per_meeting:
        existing = existing.filter(meeting=meeting, number_scope=Document.Scope.MEETING)
    else:
        existing = existing.filter(number_scope=Document.Scope.STUDY_PERIOD)
    return (existing.aggregate(top=Max("number"))["top"] or 0) + 1


def liaison_post(*, liaison: OutgoingLiaison, by: User, now: dt.datetime | None = None) -> Document:
    """Generate the agreed LS from the official template and post it as an LS/o TD (the
    secretariat): numbered in the meeting's TD series, its number on the cover, its LS details
    recorded, allocated to the LS's agenda item. Nothing is kept if any step fails."""
    if not can_manage_documents(by, liaison.meeting):
        raise PermissionDenied("Only the secretariat posts TDs.")
    stored: list[str] = []
    try:
        return _post(liaison=liaison, by=by, now=now, stored=stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def _post(*, liaison: OutgoingLiaison, by: User, now: dt.datetime | None, stored: list[str]):
    liaison = _locked(liaison)
    if liaison.state != OutgoingLiaison.State.AGREED:
        raise ValidationError(
            "Only an agreed LS is posted."
            if liaison.state == OutgoingLiaison.State.DRAFT
            else f"This LS is posted already as {liaison.document.display_number}."
        )
    meeting = liaison.meeting
    level = _td_level(liaison)
    try:
        number = _next_td_number(meeting)
        written = numbering.document_number(
            Document.Kind.TD, meeting.body.study_group.number, number, level=level
        )
        content = fill_liaison_template(liaison_cover(liaison, written))
        cover_contacts = [
            {k: v or "" for k, v in asdict(_contact_of(p)).items()}
            for p in liaison.contacts.order_by("name", "pk")
        ]
        name = f"{written.replace('/', '-')}.docx"
        document = document_services.td_submit(
            meeting=meeting,
            actor=by,
            fileobj=io.BytesIO(content),
            filename=name,
            title=liaison.full_title,
            source=source_of(meeting),
            level=level,
            questions=liaison.questions.all(),
            purpose="Information",
            abstract=liaison.abstract,
            contacts=cover_contacts,
            liaison={
                "direction": LiaisonDetails.Direction.OUTGOING,
                "is_reply": liaison.replies_to_id is not None,
                "for_action": liaison.for_action,
                "for_comment": liaison.for_comment,
                "for_information": liaison.for_information,
                "approval": liaison.approval,
                "deadline": liaison.deadline,
            },
        )
        stored.append(document.current_revision.storage_name)
        document = document_services.td_post(document=document, actor=by, now=now)
    except (document_services.DocumentRefused, files.UploadRefused) as exc:
        raise ValidationError(str(exc)) from exc
    if document.number != number:
        raise ValidationError(
            "Another TD took the number while the file was being made; post the LS again."
        )
    if liaison.agenda_item_id is not None:
        document_services.documents_allocate(
            meeting=meeting, actor=by, allocations={document.pk: liaison.agenda_item_id}
        )
        document.refresh_from_db(fields=["agenda_item"])
    liaison.state = OutgoingLiaison.State.POSTED
    liaison.document = document
    liaison.save(update_fields=["state", "document"])
    _event(liaison, LiaisonEvent.Type.POSTED, by, document.display_number)
    return document


def liaison_addressees(liaison: OutgoingLiaison) -> Iterable[tuple[str, list[str]]]:
    """(for action / comment / information, addressees) pairs that are not empty."""
    for label, value in (
        ("For action to", liaison.for_action),
        ("For comment to", liaison.for_comment),
        ("For information to", liaison.for_information),
    ):
        if value:
            yield label, OutgoingLiaison.split(value)
