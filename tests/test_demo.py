"""`plenary demo` loads exactly the seed meeting, and loading it again changes nothing."""

import datetime as dt

from django.core.management import call_command
from django.db.models import Count

from plenary.accounts.models import User
from plenary.core.demo import ANNEX_B_AGENDA, load_demo
from plenary.decisions.models import WorkItem
from plenary.groups.models import Body, Role
from plenary.meetings.models import AgendaItem, Meeting, TimePlanSlot
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations.models import Registration, RegistrationEvent

MODELS = [
    User,
    Organization,
    FocalPoint,
    Body,
    Role,
    Meeting,
    AgendaItem,
    TimePlanSlot,
    WorkItem,
    Registration,
    RegistrationEvent,
]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_is_idempotent(db, capsys):
    call_command("demo")
    first = _counts()
    upcoming = Meeting.objects.get(slug="sg11-wp1-next").start_date
    call_command("demo")
    assert _counts() == first
    assert Meeting.objects.get(slug="sg11-wp1-next").start_date == upcoming
    output = capsys.readouterr().out
    assert "plenary-demo" in output
    assert "chair@example.org" in output


def test_it_loads_the_seed_meeting_as_the_letter_describes_it(seed_meeting):
    m = seed_meeting
    assert m.body.acronym == "WP1/11"
    assert (m.start_date, m.end_date) == (dt.date(2020, 11, 19), dt.date(2020, 11, 19))
    assert m.start_date.strftime("%A") == "Thursday"
    assert (m.daily_start, m.daily_end) == (dt.time(13), dt.time(15))
    assert m.time_zone == "Europe/Zurich"
    assert m.mode == Meeting.Mode.VIRTUAL
    assert m.languages == ["en"]
    assert (m.interpretation, m.fellowships) == (False, False)
    assert m.remote_tool == "MyMeetings"
    titles = list(
        m.agenda_items.filter(parent=None).order_by("position").values_list("title", flat=True)
    )
    assert titles == ANNEX_B_AGENDA
    assert len(titles) == 14
    assert sorted(m.drafts.values_list("acronym", flat=True)) == ["Q.SCC", "Q.VNFT-req"]
    slot = m.slots.get()
    assert (slot.date, slot.start, slot.end, slot.session_key) == (
        m.start_date,
        dt.time(13),
        dt.time(15),
        "V",
    )


def test_it_gives_every_role_its_person(demo):
    def holder(acronym, role):
        return Role.objects.get(body__acronym=acronym, name=role).person

    assert holder("SG11", "chairman").display_name == "Mr Andrey Kucheryavy"
    assert holder("WP1/11", "chairman").email == "chair@example.org"
    assert holder("WP1/11", "chairman").display_name == "Ms Xiaojie Zhu"
    assert holder("WP1/11", "chairman").organization.country.code == "CN"
    assert holder("ITU-T", "director").display_name == "Mr Chaesub Lee"
    assert holder("SG11", "counsellor").email == "secretariat@example.org"


def test_it_has_one_organization_of_each_category_and_the_named_accounts(demo):
    categories = set(Organization.objects.values_list("category", flat=True))
    assert categories == set(Organization.Category.values)
    focal = User.objects.get(email="focalpoint@example.org")
    delegate = User.objects.get(email="delegate@example.org")
    assert focal.organization == delegate.organization
    assert delegate.organization.category == Organization.Category.SECTOR_MEMBER
    assert FocalPoint.objects.filter(person=focal, organization=delegate.organization).exists()
    associate = User.objects.get(email="associate@example.org").organization
    assert associate.category == Organization.Category.ASSOCIATE
    assert list(associate.admitted_to.values_list("acronym", flat=True)) == ["SG13"]
    assert User.objects.get(email="academic@example.org").organization.category == "academia"
    outsider = User.objects.get(email="outsider@example.org")
    assert outsider.organization is None and not outsider.has_member_access
    assert all(u.check_password("plenary-demo") for u in User.objects.all())


def test_it_keeps_the_next_meeting_about_four_months_ahead(db):
    today = dt.date(2026, 11, 26)
    load_demo(today=today)
    upcoming = Meeting.objects.get(slug="sg11-wp1-next")
    assert 110 <= (upcoming.start_date - today).days <= 130
    assert upcoming.start_date.weekday() == 3
    # Loaded again months later, once its registration deadline would have passed, it moves.
    later = today + dt.timedelta(days=100)
    load_demo(today=later)
    upcoming.refresh_from_db()
    assert upcoming.start_date > later + dt.timedelta(days=100)
    assert upcoming.slots.count() == 1
    assert Meeting.objects.annotate(n=Count("agenda_items")).get(pk=upcoming.pk).n == 14


def test_its_registrations_took_the_routes_the_rules_give(db):
    call_command("demo")
    seed = Registration.objects.filter(meeting__slug="sg11-wp1-2020-11-19")
    assert {r.person.email for r in seed} == {
        "focalpoint@example.org",
        "delegate@example.org",
        "sg11-chairman@example.org",
        "chair@example.org",
        "academic@example.org",
    }
    assert {r.state for r in seed} == {Registration.State.APPROVED}
    assert not any(r.late for r in seed)
    deciders = {
        r.person.email: (r.approved_automatically, r.decided_by and r.decided_by.email)
        for r in seed
    }
    assert deciders["focalpoint@example.org"] == (True, None)
    assert deciders["delegate@example.org"] == (False, "focalpoint@example.org")
    assert deciders["chair@example.org"] == (False, "secretariat@example.org")
    # Each request was made before the deadline and decided after it was made, with its history.
    for registration in seed:
        events = list(registration.events.order_by("at", "pk"))
        assert events[0].from_state == ""
        assert events[-1].to_state == Registration.State.APPROVED
        assert registration.created_at < dt.datetime(2020, 10, 20, tzinfo=dt.UTC)

    waiting = Registration.objects.get(meeting__slug="sg11-wp1-next")
    assert waiting.person.email == "academic@example.org"
    assert waiting.state == Registration.State.PENDING
    # Demo University of Technology has no focal point: the request waits for the secretariat.
    assert not FocalPoint.objects.filter(organization=waiting.organization).exists()
