"""The meeting report assembled from the meeting's record: pure functions, no database.

`selectors.report_sources` reads the record into the plain rows below; `assemble` turns them and
the secretariat's text into the report as a JSON-ready dict, the one shape that the HTML page, the
Word file and the published snapshot all read.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

NO_COUNTRY = "No country (international organization or none given)"
NO_ORGANIZATION = "Invited experts and participants without an organization"


@dataclass(frozen=True)
class Facts:
    """What the report says about the meeting itself."""

    study_group_number: int | None
    study_group_name: str  # "Study Group 11"
    study_period: str  # "2017-2020"
    body_name: str  # "Working Party 1/11"
    meeting_title: str
    place: str  # "Virtual" or the city
    dates: str  # "19 November 2020" or "3-7 May 2021"
    hours: str  # "13:00-15:00 Geneva time"
    remote_tool: str = ""
    chairman: str = ""  # "Ms Xiaojie Zhu (China)"
    objective: str = ""
    languages: str = "English"


@dataclass(frozen=True)
class AgendaEntry:
    pk: int
    number: str
    depth: int
    title: str


@dataclass(frozen=True)
class DocumentRow:
    pk: int
    number: str
    kind: str
    title: str
    source: str
    abstract: str
    agenda_item_id: int | None


@dataclass(frozen=True)
class DecisionRow:
    kind: str
    kind_label: str
    text: str
    agenda_item_id: int | None
    agenda_title: str
    documents: tuple[str, ...] = ()
    work_items: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterventionRow:
    agenda_item_id: int | None
    speaker: str  # the delegation spoken for, else the speaker's affiliation


@dataclass(frozen=True)
class Participant:
    """One person: how they took part and what they are counted under."""

    category: str  # the organization category's label, "" without an organization
    country: str  # the country's name, "" when none
    registered: bool
    attended: bool


@dataclass(frozen=True)
class ApprovalRow:
    """A draft consented (AAP) or determined (TAP) at the meeting."""

    acronym: str
    title: str  # 'Draft new Recommendation ITU-T Q.SCC "..."'
    question: str
    decision: str  # "Consented (AAP)" / "Determined (TAP)"
    documents: tuple[str, ...]
    editors: str
    status: str


@dataclass(frozen=True)
class LiaisonRow:
    url: str  # the posted TD, or the agreed LS's own page until it is posted
    number: str
    title: str
    for_action: str = ""
    for_comment: str = ""
    for_information: str = ""
    approval: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class ProgrammeRow:
    acronym: str
    title: str
    question: str
    editors: str
    base_text: str
    timing: str
    process: str
    status: str
    change: str  # what this meeting did to it ("" when it only considered it)


@dataclass(frozen=True)
class FutureMeeting:
    slug: str
    title: str
    dates: str
    place: str


@dataclass(frozen=True)
class Contact:
    name: str
    organization: str = ""
    country: str = ""
    tel: str = ""
    email: str = ""


@dataclass(frozen=True)
class Sources:
    """Everything the report is drafted from, as the selectors read it."""

    facts: Facts
    agenda: list[AgendaEntry]
    documents: list[DocumentRow]
    decisions: list[DecisionRow]
    interventions: list[InterventionRow]
    participants: list[Participant]
    approvals: list[ApprovalRow]
    liaison_statements: list[LiaisonRow]
    work_programme: list[ProgrammeRow]
    future_meetings: list[FutureMeeting]
    contacts: list[Contact] = field(default_factory=list)


@dataclass(frozen=True)
class Edits:
    """The secretariat's text: cover title and source, introduction, closing, item summaries."""

    title: str
    source: str
    introduction: str = ""
    closing: str = ""
    summaries: dict[int, str] = field(default_factory=dict)


def default_edits(facts: Facts) -> Edits:
    """What a new draft starts with, for the secretariat to rewrite."""
    where = "virtually" if facts.place.casefold() == "virtual" else f"in {facts.place}"
    tool = f" ({facts.remote_tool})" if facts.remote_tool and where == "virtually" else ""
    opening = f"{facts.body_name} met {where}{tool} on {facts.dates}"
    if facts.hours:
        opening += f", {facts.hours}"
    if facts.chairman:
        opening += f", under the chairmanship of {facts.chairman}"
    introduction = opening + "."
    if facts.objective:
        introduction += "\n" + facts.objective
    place = "virtual" if facts.place.casefold() == "virtual" else facts.place
    return Edits(
        title=f"Report of the meeting of {facts.body_name} ({place}, {facts.dates})",
        source=f"Chairman, {facts.body_name}",
        introduction=introduction,
        closing="The chairman thanked the participants and the secretariat and closed the meeting.",
    )


def participation(participants: list[Participant]) -> dict[str, Any]:
    """Counts of registered and attending people by membership category and by country."""

    def table(key) -> list[dict[str, Any]]:
        registered = Counter(key(p) for p in participants if p.registered)
        attended = Counter(key(p) for p in participants if p.attended)
        labels = sorted(set(registered) | set(attended), key=lambda label: (label == "", label))
        return [
            {
                "label": label or (NO_ORGANIZATION if key is _category else NO_COUNTRY),
                "registered": registered[label],
                "attended": attended[label],
            }
            for label in labels
        ]

    return {
        "registered": sum(p.registered for p in participants),
        "attended": sum(p.attended for p in participants),
        "by_category": table(_category),
        "by_country": table(_country),
    }


def _category(p: Participant) -> str:
    return p.category


def _country(p: Participant) -> str:
    return p.country


def _speakers(rows: list[InterventionRow]) -> list[dict[str, Any]]:
    """Who spoke, in the order they first did, with how many times."""
    counts = Counter(row.speaker for row in rows)
    order = list(dict.fromkeys(row.speaker for row in rows))
    return [{"speaker": speaker, "count": counts[speaker]} for speaker in order]


def _plain(row) -> dict[str, Any]:
    """A row as JSON stores it (tuples become lists), so a draft and a snapshot look alike."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(row).items()}


def _document(row: DocumentRow) -> dict[str, Any]:
    return {
        "pk": row.pk,
        "number": row.number,
        "kind": row.kind,
        "title": row.title,
        "source": row.source,
        "abstract": row.abstract,
    }


def _decision(row: DecisionRow) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "kind_label": row.kind_label,
        "text": row.text,
        "agenda_title": row.agenda_title,
        "documents": list(row.documents),
        "work_items": list(row.work_items),
        "linked": [*row.work_items, *row.documents],
    }


def _abstract(sources: Sources) -> str:
    facts = sources.facts
    place = "virtual" if facts.place.casefold() == "virtual" else facts.place
    text = (
        f"This report gives the results of the meeting of {facts.body_name} "
        f"({place}, {facts.dates}): {len(sources.documents)} document(s) considered and "
        f"{len(sources.decisions)} decision(s) recorded."
    )
    consented = [row.acronym for row in sources.approvals if row.decision.startswith("Consent")]
    determined = [row.acronym for row in sources.approvals if row.decision.startswith("Determ")]
    if consented:
        text += f" Draft Recommendation(s) consented: {', '.join(consented)}."
    if determined:
        text += f" Draft Recommendation(s) determined: {', '.join(determined)}."
    if sources.liaison_statements:
        text += f" Outgoing liaison statements agreed: {len(sources.liaison_statements)}."
    return text


def assemble(sources: Sources, edits: Edits, *, number: str = "") -> dict[str, Any]:
    """The report as a JSON-ready dict; `number` is blank for a draft (SG11-R<n> once published)."""
    facts = sources.facts
    on_agenda = {entry.pk for entry in sources.agenda}
    items = []
    for entry in sources.agenda:
        items.append(
            {
                "pk": entry.pk,
                "number": entry.number,
                "depth": entry.depth,
                "title": entry.title,
                "summary": edits.summaries.get(entry.pk, ""),
                "documents": [
                    _document(d) for d in sources.documents if d.agenda_item_id == entry.pk
                ],
                "interventions": _speakers(
                    [i for i in sources.interventions if i.agenda_item_id == entry.pk]
                ),
                "decisions": [
                    _decision(d) for d in sources.decisions if d.agenda_item_id == entry.pk
                ],
            }
        )
    elsewhere = {
        "documents": [_document(d) for d in sources.documents if d.agenda_item_id not in on_agenda],
        "interventions": _speakers(
            [i for i in sources.interventions if i.agenda_item_id not in on_agenda]
        ),
        "decisions": [_decision(d) for d in sources.decisions if d.agenda_item_id not in on_agenda],
    }
    return {
        "number": number,
        "study_group": facts.study_group_number,
        "study_group_name": facts.study_group_name,
        "study_period": facts.study_period,
        "body": facts.body_name,
        "meeting_title": facts.meeting_title,
        "place": facts.place,
        "dates": facts.dates,
        "hours": facts.hours,
        "languages": facts.languages,
        "title": edits.title,
        "source": edits.source,
        "contacts": [_plain(contact) for contact in sources.contacts],
        "abstract": _abstract(sources),
        "introduction": edits.introduction,
        "closing": edits.closing,
        "participation": participation(sources.participants),
        "items": items,
        "elsewhere": elsewhere,
        "approvals": [_plain(row) for row in sources.approvals],
        "liaison_statements": [_plain(row) for row in sources.liaison_statements],
        "work_programme": [_plain(row) for row in sources.work_programme],
        "future_meetings": [_plain(row) for row in sources.future_meetings],
    }
