"""The shapes of the API's responses, as the OpenAPI document publishes them."""

import datetime as dt

from ninja import Schema
from pydantic import Field

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
