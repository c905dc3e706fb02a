"""Constraints that concurrency or a careless admin edit could break are in the database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plenary.accounts.models import User
from plenary.decisions.models import WorkItem
from plenary.groups.models import Body, Role, StudyPeriod
from plenary.meetings.models import AgendaItem, Meeting, TimePlanSlot
from plenary.membership.models import FocalPoint


def _raises_integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_it_refuses_a_meeting_ending_before_it_starts(seed_meeting):
    seed_meeting.pk = None
    seed_meeting.slug = "backwards"
    seed_meeting.end_date = seed_meeting.start_date - dt.timedelta(days=1)
    _raises_integrity(seed_meeting.save)


def test_it_refuses_daily_hours_that_end_before_they_start(seed_meeting):
    Meeting.objects.filter(pk=seed_meeting.pk)
    seed_meeting.daily_end = dt.time(12, 0)
    _raises_integrity(seed_meeting.save)


def test_it_refuses_two_agenda_items_at_one_position(seed_meeting):
    _raises_integrity(
        lambda: AgendaItem.objects.create(meeting=seed_meeting, position=1, title="X")
    )


def test_it_refuses_two_sub_items_at_one_position(seed_meeting):
    parent = seed_meeting.agenda_items.get(position=4)
    AgendaItem.objects.create(meeting=seed_meeting, parent=parent, position=1, title="C1")
    _raises_integrity(
        lambda: AgendaItem.objects.create(
            meeting=seed_meeting, parent=parent, position=1, title="C2"
        )
    )


def test_it_refuses_a_slot_ending_before_it_starts(seed_meeting):
    _raises_integrity(
        lambda: TimePlanSlot.objects.create(
            meeting=seed_meeting,
            date=seed_meeting.start_date,
            start=dt.time(15),
            end=dt.time(13),
            title="Backwards",
        )
    )


def test_it_keeps_e_mail_addresses_unique_whatever_the_case(delegate):
    _raises_integrity(lambda: User.objects.create(email="DELEGATE@example.org", name="Copy"))


def test_it_stores_new_e_mail_addresses_in_lower_case(db):
    user = User.objects.create_user("Mixed.Case@Example.ORG", "pw-long-enough", name="A person")
    assert user.email == "mixed.case@example.org"
    assert user.check_password("pw-long-enough")


def test_it_refuses_a_role_held_twice(chair, demo):
    wp1 = Body.objects.get(acronym="WP1/11")
    _raises_integrity(lambda: Role.objects.create(body=wp1, person=chair, name="chairman"))


def test_it_refuses_a_focal_point_designated_twice(focal_point):
    org = focal_point.organization
    _raises_integrity(lambda: FocalPoint.objects.create(organization=org, person=focal_point))


def test_it_refuses_a_body_without_parent_unless_it_is_the_sector(db):
    _raises_integrity(lambda: Body.objects.create(kind="study_group", acronym="SG99", title="x"))


def test_it_refuses_a_study_period_ending_before_it_starts(db):
    _raises_integrity(
        lambda: StudyPeriod.objects.create(code="T99", start_year=2030, end_year=2029)
    )


def test_it_refuses_two_work_items_with_one_acronym_in_a_study_group(demo):
    sg11 = Body.objects.get(acronym="SG11")
    _raises_integrity(lambda: WorkItem.objects.create(study_group=sg11, acronym="Q.SCC", title="x"))


def test_it_validates_languages_and_time_zones(seed_meeting):
    seed_meeting.languages = ["en", "xx"]
    seed_meeting.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as excinfo:
        seed_meeting.full_clean()
    assert set(excinfo.value.message_dict) >= {"languages", "time_zone"}


def test_it_names_bodies_as_a_letter_does(demo):
    wp1 = Body.objects.get(acronym="WP1/11")
    assert wp1.long_name == "Working Party 1/11"
    assert wp1.study_group.acronym == "SG11"
    assert [b.acronym for b in wp1.ancestors()] == ["SG11", "ITU-T"]
    assert StudyPeriod.for_year(2020).code == "T17"
