"""The demo: the WP1/11 meeting of 19 November 2020 as its collective letter describes it.

Every load is idempotent: objects are found by their natural keys and brought to the stated values.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from plenary.accounts.models import User
from plenary.decisions.demo import load_outcomes
from plenary.decisions.models import WorkItem
from plenary.documents.demo import load_documents
from plenary.groups.models import Body, Role, StudyPeriod
from plenary.letters.models import LetterDetails
from plenary.meetings.models import AgendaItem, Meeting, TimePlanSlot
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations.demo import load_registrations

DEMO_PASSWORD = "plenary-demo"
DEMO_MEETING = "sg11-wp1-2020-11-19"
NEXT_MEETING = "sg11-wp1-next"

ANNEX_B_AGENDA = [
    "Opening remarks",
    "Approval of the agenda",
    "Documents allocation",
    "Discussion of received contributions",
    "Review and approve the reports and outputs of Rapporteur Group meetings",
    "Consent of draft Recommendations",
    "Agreement on other deliverables",
    "Agreement on new work items",
    "Agreement on future activities",
    "Approval of outgoing liaison statements",
    "Work Programme",
    "Future meetings",
    "AOB",
    "Closure of the meeting",
]

Cat = Organization.Category

ORGANIZATIONS = [
    # name, short name, category, country
    ("ITU Telecommunication Standardization Bureau", "TSB", Cat.SECRETARIAT, "CH"),
    ("China", "China", Cat.MEMBER_STATE, "CN"),
    ("Russian Federation", "Russian Federation", Cat.MEMBER_STATE, "RU"),
    ("Switzerland", "Switzerland", Cat.MEMBER_STATE, "CH"),
    ("Demo Sector Member Telecom", "DSMT", Cat.SECTOR_MEMBER, "DE"),
    ("Demo Sector Member Networks", "DSMN", Cat.SECTOR_MEMBER, "JP"),
    ("Demo Associate Systems", "DAS", Cat.ASSOCIATE, "FR"),
    ("Demo University of Technology", "DUT", Cat.ACADEMIA, "BR"),
    ("Demo Regional Telecommunity", "DRT", Cat.REGIONAL, ""),
]

# email, title, name, organization, member-only access, what the login is for
ACCOUNTS = [
    ("secretariat@example.org", "", "SG11 secretariat counsellor", "TSB", True, "secretariat"),
    ("director@example.org", "Mr", "Chaesub Lee", "TSB", True, "TSB Director"),
    (
        "sg11-chairman@example.org",
        "Mr",
        "Andrey Kucheryavy",
        "Russian Federation",
        True,
        "SG11 chairman",
    ),
    ("chair@example.org", "Ms", "Xiaojie Zhu", "China", True, "WP1/11 chairman"),
    (
        "focalpoint@example.org",
        "",
        "Focal point of Demo Sector Member Telecom",
        "DSMT",
        True,
        "focal point",
    ),
    (
        "delegate@example.org",
        "",
        "Delegate of Demo Sector Member Telecom",
        "DSMT",
        True,
        "delegate",
    ),
    (
        "associate@example.org",
        "",
        "Delegate of Demo Associate Systems",
        "DAS",
        True,
        "Associate (SG13 only)",
    ),
    (
        "academic@example.org",
        "",
        "Researcher of Demo University of Technology",
        "DUT",
        True,
        "Academia",
    ),
    ("outsider@example.org", "", "Member of the public", None, False, "no membership"),
]


def _body(acronym, **fields) -> Body:
    body, _ = Body.objects.update_or_create(acronym=acronym, defaults=fields)
    return body


def _user(email, title, name, organization, member_access) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
        user.set_password(DEMO_PASSWORD)
    user.title, user.name = title, name
    user.organization = organization
    user.country = organization.country if organization else ""
    user.has_member_access = member_access
    user.save()
    # Demo addresses count as verified, so the logins work at once under mandatory verification.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _agenda(meeting: Meeting) -> None:
    if meeting.agenda_items.exists():
        return
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, title=title)
        for n, title in enumerate(ANNEX_B_AGENDA, start=1)
    )


def _one_slot(meeting: Meeting, title: str) -> None:
    TimePlanSlot.objects.update_or_create(
        meeting=meeting,
        date=meeting.start_date,
        start=meeting.daily_start,
        defaults={"end": meeting.daily_end, "title": title, "session_key": "V"},
    )


@transaction.atomic
def load_demo(today: dt.date | None = None, *, records: bool = True) -> list[tuple[str, str]]:
    """Load (or bring up to date) the demo; returns (login, what it is for) pairs. Without
    ``records`` the meetings get no document register, decisions or registrations (for tests
    that number, decide and register their own)."""
    today = today or timezone.now().date()
    StudyPeriod.objects.update_or_create(
        code="T17", defaults={"start_year": 2017, "end_year": 2020}
    )
    StudyPeriod.objects.update_or_create(
        code="T22", defaults={"start_year": 2022, "end_year": 2024}
    )
    StudyPeriod.objects.update_or_create(
        code="T25", defaults={"start_year": 2025, "end_year": 2028}
    )

    itu_t = _body(
        "ITU-T", kind=Body.Kind.SECTOR, title="ITU Telecommunication Standardization Sector"
    )
    sg11 = _body(
        "SG11",
        kind=Body.Kind.STUDY_GROUP,
        parent=itu_t,
        number=11,
        title="Signalling requirements, protocols, test specifications and combating "
        "counterfeit telecommunication/ICT devices",
    )
    sg13 = _body(
        "SG13",
        kind=Body.Kind.STUDY_GROUP,
        parent=itu_t,
        number=13,
        title="Future networks, with focus on IMT-2020, cloud computing and trusted network "
        "infrastructures",
    )
    wp1 = _body(
        "WP1/11",
        kind=Body.Kind.WORKING_PARTY,
        parent=sg11,
        number=1,
        title="Signalling requirements and protocols for emerging telecommunications networks",
    )

    orgs = {}
    for name, short, category, country in ORGANIZATIONS:
        org, _ = Organization.objects.update_or_create(
            name=name, defaults={"short_name": short, "category": category, "country": country}
        )
        orgs[short] = org
    orgs["DAS"].admitted_to.set([sg13])

    users = {}
    logins = []
    for email, title, name, org_key, access, purpose in ACCOUNTS:
        users[email] = _user(email, title, name, orgs.get(org_key), access)
        logins.append((email, purpose))

    roles = [
        (itu_t, "director@example.org", Role.Name.DIRECTOR),
        (sg11, "secretariat@example.org", Role.Name.COUNSELLOR),
        (sg11, "sg11-chairman@example.org", Role.Name.CHAIRMAN),
        (wp1, "chair@example.org", Role.Name.CHAIRMAN),
    ]
    for body, email, name in roles:
        Role.objects.get_or_create(body=body, person=users[email], name=name)
    FocalPoint.objects.get_or_create(
        organization=orgs["DSMT"], person=users["focalpoint@example.org"]
    )

    q_scc, _ = WorkItem.objects.update_or_create(
        study_group=sg11,
        acronym="Q.SCC",
        defaults={
            "title": "Signalling requirements and information model of Cooperative Controller"
        },
    )
    q_vnft, _ = WorkItem.objects.update_or_create(
        study_group=sg11,
        acronym="Q.VNFT-req",
        defaults={
            "title": "Signalling requirements for VNF lifecycle management under the testing "
            "environment"
        },
    )

    common = {
        "body": wp1,
        "time_zone": "Europe/Zurich",
        "time_zone_label": "Geneva time",
        "daily_start": dt.time(13, 0),
        "daily_end": dt.time(15, 0),
        "mode": Meeting.Mode.VIRTUAL,
        "languages": ["en"],
        "interpretation": False,
        "fellowships": False,
        "remote_tool": "MyMeetings",
        "status": Meeting.Status.ANNOUNCED,
    }
    seed, _ = Meeting.objects.update_or_create(
        slug=DEMO_MEETING,
        defaults={
            **common,
            "title": "Virtual meeting of Working Party 1/11, 19 November 2020",
            "start_date": dt.date(2020, 11, 19),
            "end_date": dt.date(2020, 11, 19),
            "objective": "The main objective of this WP1/11 meeting is to consider initiating the "
            "approval process for the following draft ITU-T Recommendations, depending on the "
            "results of the Rapporteur Group meetings.",
        },
    )
    seed.drafts.set([q_scc, q_vnft])
    _agenda(seed)
    _one_slot(seed, "WP1/11 plenary (virtual meeting via ITU MyMeetings)")
    LetterDetails.objects.update_or_create(
        meeting=seed,
        defaults={
            "context": "as endorsed at the meeting of Study Group 11 (virtual, 22-31 July 2020)",
            "agenda_note": "Updates to the agenda can be found in SG11-TD53/WP1.",
        },
    )

    # The next meeting stays about four months ahead so that all its deadlines are open; it is
    # moved forward only once its registration deadline would have passed.
    upcoming = Meeting.objects.filter(slug=NEXT_MEETING).first()
    if upcoming is None or upcoming.start_date < today + dt.timedelta(days=40):
        start = today + dt.timedelta(days=120)
        start += dt.timedelta(days=(3 - start.weekday()) % 7)  # a Thursday, as WP1/11 meets
        upcoming, _ = Meeting.objects.update_or_create(
            slug=NEXT_MEETING,
            defaults={
                **common,
                "title": f"Virtual meeting of Working Party 1/11, {start:%-d %B %Y}",
                "start_date": start,
                "end_date": start,
            },
        )
        upcoming.slots.all().delete()
    _agenda(upcoming)
    _one_slot(upcoming, "WP1/11 plenary")
    if records:
        load_registrations(seed=seed, upcoming=upcoming)
        load_documents(seed=seed, upcoming=upcoming)
        load_outcomes(seed=seed)
    return logins
