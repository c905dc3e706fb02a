"""The shapes of the API's responses, as the OpenAPI document publishes them."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

# A time of day without a zone ("13:00"); JSON Schema's "time" format would demand an offset.
WALL_CLOCK = r"^[0-2][0-9]:[0-5][0-9]$"


class Page(Schema):
    next: str | None = Field(
        description="The URL of the next page, or null on the last page; follow it as is."
    )


class MeetingSummary(Schema):
    slug: str
    title: str
    body: str = Field(description="The acronym of the meeting's body, e.g. 'WP1/11'.")
    status: str = Field(description="draft, announced, in_progress, closed or cancelled.")
    mode: str = Field(description="physical, virtual or hybrid.")
    start_date: dt.date
    end_date: dt.date
    time_zone: str = Field(description="IANA time zone of the meeting, e.g. 'Europe/Zurich'.")
    place: str
    url: str = Field(description="The meeting's page.")
    api_url: str


class MeetingPage(Page):
    items: list[MeetingSummary]


class Links(Schema):
    deadlines: str
    agenda: str
    timeplan: str
    calendar: str


class MeetingDetail(MeetingSummary):
    starts_at: dt.datetime = Field(description="Opening, with the meeting's UTC offset.")
    ends_at: dt.datetime
    daily_start: str = Field(
        pattern=WALL_CLOCK, description="Daily hours, HH:MM wall-clock in the meeting's zone."
    )
    daily_end: str = Field(pattern=WALL_CLOCK)
    time_zone_label: str
    languages: list[str]
    interpretation: bool
    fellowships: bool
    remote_tool: str
    remote_link: str | None = Field(
        description="Given to the meeting's managers and approved participants only."
    )
    letter_reference: str
    letter_date: dt.date | None
    objective: str
    drafts: list[str] = Field(description="Acronyms of the draft Recommendations considered.")
    links: Links


class DeadlineOut(Schema):
    key: str
    label: str
    date: dt.date
    cutoff: dt.datetime = Field(description="The instant the deadline closes (exclusive).")
    passed: bool
    overridden: bool
    reason: str = Field(description="Why the secretariat changed it, when overridden.")


class Deadlines(Schema):
    meeting: str
    time_zone: str
    items: list[DeadlineOut]


class PlanInfo(Schema):
    meeting: str
    version: int | None = Field(description="The published version shown; null if none yet.")
    published_at: dt.datetime | None
    working_copy: bool = Field(
        description="True when these are the editors' unpublished rows (or nothing is published)."
    )


class AgendaItemOut(Schema):
    number: str = Field(description="'1', '2', '2.1': derived from the item's place.")
    depth: int
    title: str
    description: str


class Agenda(PlanInfo):
    items: list[AgendaItemOut]


class SlotOut(Schema):
    date: dt.date
    start: str = Field(pattern=WALL_CLOCK, description="HH:MM wall-clock, meeting's time zone.")
    end: str = Field(pattern=WALL_CLOCK)
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    session_key: str
    room: str


class TimePlan(PlanInfo):
    time_zone: str
    slots: list[SlotOut]


class WorkItemOut(Schema):
    acronym: str
    title: str
    study_group: str
    question: str | None
    kind: str
    approval_process: str
    status: str
    timing: dt.date | None = Field(description="Target month (its first day).")
    editors: list[str]


class WorkItemPage(Page):
    items: list[WorkItemOut]


class TokenOut(Schema):
    id: int
    name: str
    scope: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class Me(Schema):
    email: str
    name: str
    organization: str | None
    member_access: bool
    token: TokenOut | None = Field(description="The token of this request; null for a session.")


class RevisionOut(Schema):
    number: int = Field(description="0 for the original, then 1 for Rev.1, 2 for Rev.2.")
    language: str = Field(description="A, C, E, F, R or S.")
    file_name: str = Field(description="The ITU file name, e.g. T17-SG11-C-0123!R1!MSW-E.docx.")
    size: int
    sha256: str
    content_type: str
    uploaded_at: dt.datetime
    file_url: str | None = Field(
        description="Where to download it; null when the caller may not read the file."
    )


class DocumentSummary(Schema):
    code: str = Field(description="The ITU file code, e.g. T17-SG11-C-0123; the document's key.")
    number: str = Field(description="The number people write: SG11-C123, SG11-TD53/WP1.")
    kind: str = Field(description="contribution, td, report or collective_letter.")
    state: str = Field(description="reserved (not yet uploaded), posted, withdrawn ...")
    title: str
    source: str
    questions: list[str] = Field(description="Acronyms of the Questions, e.g. 'Q2/11'.")
    agenda_item: str | None = Field(description="The agenda item's number, e.g. '2.1'.")
    posted_at: dt.datetime | None
    revision: int | None = Field(description="The latest revision; null before any upload.")
    late: bool
    languages: list[str] = Field(description="Languages of the latest revision.")
    readable: bool = Field(description="Whether the caller may download the file.")
    meeting: str | None = Field(description="The meeting's slug.")
    api_url: str
    file_url: str | None = Field(
        description="The latest file; null before any upload or when the caller may not read it."
    )


class DocumentPage(Page):
    items: list[DocumentSummary]


class ContactOut(Schema):
    """One contact row of the cover page."""

    name: str = ""
    organization: str = ""
    country: str = ""
    tel: str = ""
    email: str = ""


class LiaisonOut(Schema):
    """What a liaison statement adds to a TD."""

    direction: Literal["incoming", "outgoing"] = Field(
        description="incoming (LS/i) or outgoing (LS/o)."
    )
    is_reply: bool = Field(description="A reply (/r) to an earlier LS.")
    for_action: str = Field(description="Whom it asks to act; empty if nobody.")
    for_comment: str = Field(description="Whom it asks for comments; empty if nobody.")
    for_information: str = Field(description="Whom it is sent to for information.")
    approval: Literal["", "study_group", "working_party", "rapporteur_group"] = Field(
        description="Who approved it: study_group, working_party or rapporteur_group; empty "
        "if not given."
    )
    deadline: dt.date | None = Field(
        description="When a reply is due (given when it asks for action); null otherwise."
    )


class DocumentDetail(DocumentSummary):
    abstract: str
    purpose: str
    keywords: str
    contacts: list[ContactOut] = Field(
        description="The cover page's contact rows; empty unless the caller may read the file."
    )
    liaison: LiaisonOut | None = Field(
        description="A liaison statement's addressees, approval and deadline; null for "
        "every other document."
    )
    held_for_next: bool
    url: str = Field(description="The document's page.")
    revisions: list[RevisionOut] = Field(
        description="Every file, oldest first; empty when the caller may not read the files."
    )


class SearchHit(Schema):
    code: str
    number: str
    title: str
    source: str
    meeting: str | None
    snippet_html: str = Field(
        description="An escaped excerpt with matched words in <mark>; a file's text only when "
        "the caller may read the file."
    )
    from_file: bool
    api_url: str


class SearchPage(Page):
    items: list[SearchHit]


class ContactIn(BaseModel):
    """One contact row of the cover page."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Required; at most 200 characters, as every part.")
    organization: str = ""
    country: str = ""
    tel: str = ""
    email: str = Field("", description="A valid e-mail address, or empty.")


CONTACTS_DESCRIPTION = (
    "The cover page's contact rows (at most 10); empty or left out: the caller's own contact."
)


class ContributionIn(BaseModel):
    """A plain pydantic model: a body must be a JSON object (ninja's Schema would read the
    attributes of anything, even of a string)."""

    title: str = Field(min_length=1, max_length=500, description="As it will be on the cover.")
    source: str | None = Field(
        None,
        max_length=500,
        description="The submitting organization(s); by default the caller's organization.",
    )
    questions: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Acronyms of the Questions, e.g. ['Q2/11'] (required when the study group "
        "has Questions).",
    )
    abstract: str = Field("", max_length=10000)
    contacts: list[ContactIn] = Field(
        default_factory=list, max_length=100, description=CONTACTS_DESCRIPTION
    )
    work_items: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Acronyms of the work items it addresses, e.g. ['Q.SCC'].",
    )


# Registrations ---------------------------------------------------------------------------------

REGISTRATION_STATES = "pending, approved, rejected, withdrawn or cancelled."


class PersonOut(Schema):
    name: str
    email: str


class RegistrationOut(Schema):
    id: int
    meeting: str = Field(description="The meeting's slug.")
    meeting_title: str
    person: PersonOut
    organization: str | None = Field(description="The organization the person represents.")
    mode: str = Field(description="remote or in_person.")
    delegation_role: str = Field(
        description="head, deputy_head, delegate, adviser, observer or invited_expert."
    )
    state: str = Field(description=REGISTRATION_STATES)
    late: bool = Field(description="Registered by the secretariat after the deadline.")
    approved_automatically: bool
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reason: str | None = Field(
        description="Why it was rejected or cancelled, as the person was told; null otherwise."
    )
    meeting_api_url: str


class RegistrationPage(Page):
    items: list[RegistrationOut]


class RegisterIn(BaseModel):
    """Registering oneself, as the meeting's registration page asks it."""

    mode: Literal["remote", "in_person"] = Field(
        description="How you take part; a virtual meeting is remote only, a physical one in "
        "person only."
    )
    delegation_role: Literal["head", "deputy_head", "delegate", "adviser", "observer"] = Field(
        description="Your role in your organization's delegation (invited experts are "
        "registered by the secretariat)."
    )


class ReasonIn(BaseModel):
    reason: str = Field(
        min_length=1, max_length=2000, description="Why; the person reads it in the e-mail."
    )


# Decisions -------------------------------------------------------------------------------------


class DecisionDocument(Schema):
    code: str = Field(description="The document's ITU file code.")
    number: str
    api_url: str


class DecisionOut(Schema):
    id: int
    kind: str = Field(
        description="consent, determination, agreement, new_work_item, report_approval or "
        "documents_noted."
    )
    kind_label: str
    agenda_item: str | None = Field(
        description="The agenda item's number ('6'); null if the item was removed since."
    )
    agenda_title: str = Field(description="The agenda item's title when the decision was taken.")
    text: str
    work_items: list[str] = Field(description="Acronyms of the work items concerned.")
    documents: list[DecisionDocument]
    approval_meeting: dt.date | None = Field(
        description="For a determination: the date of the study-group meeting to approve."
    )
    corrects: int | None = Field(description="The id of the decision this one corrects.")
    corrected_by: int | None = Field(description="The id of the decision that corrects this one.")
    recorded_by: str
    recorded_at: dt.datetime


class DecisionPage(Page):
    items: list[DecisionOut]


class NewWorkItemIn(BaseModel):
    """A new work item agreed, with the justification ITU-T A.1 asks for."""

    acronym: str = Field(min_length=1, max_length=50, description="e.g. 'Q.NEW-req'.")
    title: str = Field(min_length=1, max_length=300)
    question: str | None = Field(
        None,
        max_length=30,
        pattern=r"^[A-Za-z0-9/._-]+$",
        description="A Question's acronym, 'Q2/11'.",
    )
    kind: Literal["new", "revised", "amendment", "supplement", "technical_report"] = "new"
    approval_process: Literal["AAP", "TAP", "agreement"] = "AAP"
    base_text: str | None = Field(
        None, max_length=60, description="The file code of the contribution or TD it starts from."
    )
    timing: dt.date | None = Field(None, description="Target month (any day of it).")
    editors: str = Field("", max_length=500)
    scope: str = Field("", max_length=10000)
    summary: str = Field("", max_length=10000)
    supporting_members: str = Field("", max_length=1000)


class DecisionIn(BaseModel):
    """A decision as the chair announces it: under which agenda item, what, about which texts."""

    agenda_item: str = Field(
        max_length=20,
        pattern=r"^\d{1,3}(\.\d{1,3}){0,5}$",
        description="The agenda item's number, '6' or '2.1', as the agenda numbers it.",
    )
    kind: Literal[
        "consent",
        "determination",
        "agreement",
        "new_work_item",
        "report_approval",
        "documents_noted",
    ]
    text: str = Field(min_length=1, max_length=10000, description="What was decided.")
    work_items: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(
        default_factory=list,
        max_length=50,
        description="Acronyms of the study group's work items (required for a consent or a "
        "determination).",
    )
    documents: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list,
        max_length=200,
        description="File codes of this meeting's numbered documents.",
    )
    approval_meeting: dt.date | None = Field(
        None, description="For a determination: the date of the approving study-group meeting."
    )
    new_work_item: NewWorkItemIn | None = Field(
        None, description="For kind new_work_item: the work item agreed."
    )
