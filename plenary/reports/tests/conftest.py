"""The record a report is drafted from, made directly (fast) for the report tests, and the
people who may and may not touch the report."""

import datetime as dt
import io

import docx
import pytest
from django.utils import timezone
from docx.oxml.ns import qn

from plenary.accounts.models import User
from plenary.decisions.models import Decision, OutgoingLiaison, WorkItem
from plenary.documents import services as documents
from plenary.documents.models import Document, LiaisonDetails
from plenary.groups.models import Body, Role
from plenary.live.models import Attendance, Intervention, Room
from plenary.membership.models import Organization
from plenary.registrations.models import Registration

T0 = dt.datetime(2020, 11, 19, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def other_secretariat(demo) -> User:
    """The secretariat counsellor of another study group (SG13)."""
    person = User.objects.create_user(email="sg13-secretariat@example.org", name="SG13 counsellor")
    Role.objects.create(
        body=Body.objects.get(acronym="SG13"), person=person, name=Role.Name.COUNSELLOR
    )
    return person


def item(meeting, position: int):
    return meeting.agenda_items.get(parent=None, position=position)


def posted(meeting, *, title, kind=Document.Kind.CONTRIBUTION, agenda=None, abstract="", **extra):
    """A posted document of the meeting, numbered as the services number it."""
    study_group = meeting.body.study_group
    period = documents.study_period_of(meeting)
    scope = {}
    if kind == Document.Kind.TD:
        scope = {"meeting": meeting, "level": "WP1", "number_scope": Document.Scope.MEETING}
    number = documents.next_number(
        study_group=study_group, study_period=period, kind=kind, meeting=scope.get("meeting")
    )
    return Document.objects.create(
        kind=kind,
        study_group=study_group,
        study_period=period,
        number=number,
        title=title,
        source=extra.pop("source", "Demo Sector Member Telecom"),
        abstract=abstract,
        state=Document.State.POSTED,
        submitted_by=User.objects.get(email="delegate@example.org"),
        agenda_item=agenda,
        **({"meeting": meeting} | scope),
        **extra,
    )


def decide(meeting, agenda, kind, text, *, documents=(), work_items=(), corrects=None):
    """A decision row as the service leaves it (the service itself is tested in decisions)."""
    decision = Decision.objects.create(
        meeting=meeting,
        agenda_item=agenda,
        agenda_title=agenda.title if agenda else "Removed item",
        kind=kind,
        text=text,
        corrects=corrects,
        recorded_by=User.objects.get(email="chair@example.org"),
    )
    decision.documents.set(documents)
    decision.work_items.set(work_items)
    return decision


def register(meeting, email, *, organization=None, state=Registration.State.APPROVED, **fields):
    person = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, name=email.split("@")[0], **fields
    )
    return Registration.objects.create(
        meeting=meeting,
        person=person,
        mode=Registration.Mode.REMOTE,
        delegation_role=Registration.DelegationRole.DELEGATE,
        organization=organization if organization is not None else person.organization,
        state=state,
        registered_by=person,
    )


def room_of(meeting) -> Room:
    return Room.objects.get_or_create(meeting=meeting, slot=None)[0]


def attend(meeting, person, *, minutes=30):
    Attendance.objects.create(
        room=room_of(meeting),
        person=person,
        channel_name=f"test.{person.pk}.{timezone.now().timestamp()}",
        joined_at=T0,
        left_at=T0 + dt.timedelta(minutes=minutes),
    )


def speak(meeting, person, agenda, *, delegation="", affiliation="", at=0):
    Intervention.objects.create(
        room=room_of(meeting),
        person=person,
        agenda_item=agenda,
        delegation=delegation,
        affiliation=affiliation,
        started_at=T0 + dt.timedelta(minutes=at),
        ended_at=T0 + dt.timedelta(minutes=at + 1),
    )


@pytest.fixture
def record(seed_meeting):
    """A meeting record with something in every section of the report."""
    m = seed_meeting
    orgs = {o.short_name: o for o in Organization.objects.all()}
    chair = User.objects.get(email="chair@example.org")
    delegate = User.objects.get(email="delegate@example.org")
    academic = User.objects.get(email="academic@example.org")
    register(m, "delegate@example.org")
    register(m, "focalpoint@example.org")
    register(m, "academic@example.org")
    register(m, "ru-delegate@example.org", organization=orgs["Russian Federation"])
    register(m, "expert@example.org", organization=None, country="KE")
    register(m, "pending@example.org", organization=orgs["DSMN"], state="pending")
    attend(m, delegate)
    attend(m, delegate, minutes=5)  # a second connection of the same person counts once
    attend(m, academic)
    attend(m, chair)  # took part without registering: counted under China
    c1 = posted(m, title="Proposal on Q.SCC", agenda=item(m, 4), abstract="Aligns the model.")
    c2 = posted(
        m,
        title="Test results",
        agenda=item(m, 4),
        abstract="Failover 180 ms.",
        source="Demo University of Technology",
    )
    posted(m, title="Held back", agenda=item(m, 4), held_for_next=True)
    posted(m, title="Not allocated yet", abstract="Lost nowhere.")
    td_scc = posted(
        m,
        title="Draft Q.SCC for consent",
        kind=Document.Kind.TD,
        agenda=item(m, 6),
        abstract="Text for consent.",
        source="Editor, Q.SCC",
    )
    ls_out = posted(
        m,
        title="LS/o on testing of network slicing [to ITU-T SG13]",
        kind=Document.Kind.TD,
        agenda=item(m, 10),
        abstract="Informs SG13.",
    )
    LiaisonDetails.objects.create(
        document=ls_out,
        direction="outgoing",
        for_action="ITU-T SG13",
        deadline=dt.date(2021, 3, 1),
        approval="working_party",
    )
    ls_in = posted(
        m, title="LS/i on slicing [from ITU-T SG13]", kind=Document.Kind.TD, agenda=item(m, 10)
    )
    q_scc = WorkItem.objects.get(acronym="Q.SCC")
    q_vnft = WorkItem.objects.get(acronym="Q.VNFT-req")
    q_scc.status = WorkItem.Status.CONSENTED
    q_scc.save()
    decide(m, item(m, 4), Decision.Kind.DOCUMENTS_NOTED, "Contributions noted.", documents=[c1, c2])
    decide(
        m,
        item(m, 6),
        Decision.Kind.CONSENT,
        "Q.SCC consented.",
        documents=[td_scc],
        work_items=[q_scc],
    )
    wrong = decide(
        m, item(m, 10), Decision.Kind.AGREEMENT, "LS to SG12 agreed.", documents=[ls_out]
    )
    decide(
        m,
        item(m, 10),
        Decision.Kind.AGREEMENT,
        "LS to SG13 agreed.",
        documents=[ls_out],
        corrects=wrong,
    )
    decide(m, item(m, 10), Decision.Kind.AGREEMENT, "Incoming LS acknowledged.", documents=[ls_in])
    for title, state in (("testing of slicing", "agreed"), ("a draft not agreed", "draft")):
        OutgoingLiaison.objects.create(
            meeting=m,
            agenda_item=item(m, 10),
            title=title,
            for_information="ITU-T SG12",
            approval="working_party",
            body="Text.",
            drafted_by=chair,
            state=state,
            decision=decide(m, item(m, 10), Decision.Kind.AGREEMENT, f"LS on {title} agreed.")
            if state == "agreed"
            else None,
        )
    speak(m, delegate, item(m, 4), delegation="Demo Sector Member Telecom", at=0)
    speak(m, academic, item(m, 4), affiliation="Demo University of Technology (Brazil)", at=2)
    speak(m, delegate, item(m, 4), delegation="Demo Sector Member Telecom", at=4)
    speak(m, chair, None, affiliation="China", at=6)
    return {"meeting": m, "q_scc": q_scc, "q_vnft": q_vnft, "ls_out": ls_out, "c1": c1}


def body_of(content: bytes) -> list[tuple[str, object]]:
    """A Word file's body in reading order: ("h1"/"h2"/"p", text) and ("table", rows)."""
    document = docx.Document(io.BytesIO(content))
    out: list[tuple[str, object]] = []
    paragraphs = {p._p: p for p in document.paragraphs}
    tables = {t._tbl: t for t in document.tables}
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            p = paragraphs[element]
            style = p.style.name
            kind = f"h{style[-1]}" if style.startswith("Heading") else "p"
            out.append((kind, p.text))
        elif element.tag == qn("w:tbl"):
            table = tables[element]
            out.append(("table", [[cell.text for cell in row.cells] for row in table.rows]))
    return out


def section(body, heading: str, level: int = 1) -> list[tuple[str, object]]:
    """What lies between a heading of that level (its text after the number) and the next
    heading of its level or above."""
    start = next(
        i
        for i, (kind, text) in enumerate(body)
        if kind == f"h{level}" and str(text).split("\t")[-1] == heading
    )
    level = int(body[start][0][1])
    end = next(
        (
            i
            for i in range(start + 1, len(body))
            if body[i][0].startswith("h") and int(body[i][0][1]) <= level
        ),
        len(body),
    )
    return body[start + 1 : end]
