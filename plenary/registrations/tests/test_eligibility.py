"""Who may register for which meeting, and when self-service registration closes."""

import datetime as dt

import pytest
from django.utils import timezone

from plenary.groups.models import Body
from plenary.meetings.models import Meeting
from plenary.registrations import services
from plenary.registrations.models import Registration
from plenary.registrations.permissions import can_register, registration_refusal

UTC = dt.UTC

# The seed meeting opens on 19 November 2020 in Geneva; registration closes one month before, at
# the end of 19 October 2020 Geneva time (CEST, UTC+2), that is 22:00 UTC.
JUST_BEFORE = dt.datetime(2020, 10, 19, 21, 59, 59, tzinfo=UTC)
AT_CUTOFF = dt.datetime(2020, 10, 19, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize("who", ["delegate", "focal_point", "academic", "chair"])
def test_members_of_open_categories_may_register(next_meeting, who, request):
    assert can_register(request.getfixturevalue(who), next_meeting)


def test_a_person_without_organization_may_not(next_meeting, outsider, register):
    assert "member organization" in registration_refusal(outsider, next_meeting)
    with pytest.raises(services.NotEligible):
        register(outsider)


def test_the_secretariat_organization_does_not_register_delegates(
    next_meeting, secretariat, register
):
    assert not can_register(secretariat, next_meeting)


class TestAssociates:
    def test_an_associate_may_not_register_for_another_study_group(
        self, next_meeting, associate, register
    ):
        refusal = registration_refusal(associate, next_meeting)
        assert refusal == (
            "Demo Associate Systems is an Associate that is not admitted to Study Group 11."
        )
        with pytest.raises(services.NotEligible):
            register(associate)
        assert not Registration.objects.exists()

    def test_an_associate_may_register_in_a_study_group_it_is_admitted_to(
        self, next_meeting, associate, register
    ):
        associate.organization.admitted_to.add(Body.objects.get(acronym="SG11"))
        # Admission to SG11 covers its working parties' meetings (the next one is WP1/11's).
        assert next_meeting.body.acronym == "WP1/11"
        assert can_register(associate, next_meeting)
        assert register(associate).state == Registration.State.PENDING

    def test_admission_to_sg13_does_not_cover_sg11(self, next_meeting, associate):
        assert list(associate.organization.admitted_to.values_list("acronym", flat=True)) == [
            "SG13"
        ]
        assert not can_register(associate, next_meeting)


class TestDeadline:
    def test_it_is_open_until_the_end_of_the_day_in_the_meetings_time_zone(
        self, seed_meeting, delegate, register
    ):
        assert can_register(delegate, seed_meeting, now=JUST_BEFORE)
        registration = register(delegate, meeting=seed_meeting, now=JUST_BEFORE)
        assert registration.state == Registration.State.PENDING
        assert not registration.late

    def test_it_closes_at_midnight_geneva_time(self, seed_meeting, delegate, register):
        assert not can_register(delegate, seed_meeting, now=AT_CUTOFF)
        with pytest.raises(services.DeadlinePassed) as error:
            register(delegate, meeting=seed_meeting, now=AT_CUTOFF)
        assert "19 October 2020" in error.value.message
        assert error.value.deadline.date == dt.date(2020, 10, 19)
        assert not Registration.objects.exists()

    def test_it_moves_with_the_meetings_time_zone(self, seed_meeting, delegate):
        seed_meeting.time_zone = "America/New_York"  # EDT, UTC-4 on 19 October 2020
        seed_meeting.save()
        assert can_register(delegate, seed_meeting, now=AT_CUTOFF)
        assert can_register(
            delegate, seed_meeting, now=dt.datetime(2020, 10, 20, 3, 59, tzinfo=UTC)
        )
        assert not can_register(
            delegate, seed_meeting, now=dt.datetime(2020, 10, 20, 4, 0, tzinfo=UTC)
        )

    def test_after_it_the_secretariat_registers_and_marks_late(
        self, seed_meeting, delegate, secretariat, register
    ):
        registration = register(delegate, meeting=seed_meeting, by=secretariat, now=AT_CUTOFF)
        assert registration.late
        assert registration.state == Registration.State.APPROVED

    def test_the_secretariat_before_it_is_not_late(
        self, seed_meeting, delegate, secretariat, register
    ):
        registration = register(delegate, meeting=seed_meeting, by=secretariat, now=JUST_BEFORE)
        assert not registration.late

    def test_the_next_meeting_is_open_now_and_closes_when_its_dates_move(
        self, next_meeting, delegate, register
    ):
        assert can_register(delegate, next_meeting)
        soon = timezone.now().date() + dt.timedelta(days=5)
        next_meeting.start_date = next_meeting.end_date = soon
        next_meeting.save()
        next_meeting = Meeting.objects.get(pk=next_meeting.pk)
        assert "deadline has passed" in registration_refusal(delegate, next_meeting)
        with pytest.raises(services.DeadlinePassed):
            register(delegate, meeting=next_meeting)
