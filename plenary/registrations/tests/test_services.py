"""Every state change, who may make it, and the history it leaves."""

import pytest

from plenary.accounts.models import User
from plenary.membership.models import FocalPoint, Organization
from plenary.registrations import services
from plenary.registrations.models import AutomaticApprovalChange, Registration, RegistrationEvent

State = Registration.State


def events(registration):
    return [
        (e.actor.email, e.from_state, e.to_state, e.reason, e.automatic)
        for e in registration.events.select_related("actor")
    ]


class TestCreate:
    def test_it_leaves_a_delegates_request_pending_for_the_focal_point(self, register, delegate):
        registration = register(delegate, mode="remote", delegation_role="head")
        assert registration.state == State.PENDING
        assert registration.organization.short_name == "DSMT"
        assert registration.delegation_role == "head"
        assert not registration.approved_automatically
        assert not registration.late
        assert events(registration) == [("delegate@example.org", "", "pending", "", False)]

    def test_it_approves_a_focal_points_own_request_automatically(self, register, focal_point):
        registration = register(focal_point)
        assert registration.state == State.APPROVED
        assert registration.approved_automatically
        assert registration.decided_by is None
        [event] = registration.events.all()
        assert event.automatic and event.to_state == "approved"
        assert "focal point" in event.reason

    def test_it_approves_on_arrival_when_the_organization_says_so(
        self, register, delegate, focal_point
    ):
        services.organization_set_automatic_approval(
            organization=delegate.organization, by=focal_point, enabled=True
        )
        registration = register(delegate)
        assert registration.state == State.APPROVED
        assert registration.approved_automatically
        assert events(registration)[0][4] is True

    def test_it_refuses_a_mode_the_meeting_does_not_allow(self, register, delegate):
        with pytest.raises(services.RegistrationError) as error:
            register(delegate, mode="in_person")  # the next meeting is fully virtual
        assert error.value.field == "mode"
        assert "in person" in error.value.message
        assert not Registration.objects.exists()

    def test_it_allows_either_mode_at_a_hybrid_meeting(self, register, delegate, next_meeting):
        next_meeting.mode = "hybrid"
        next_meeting.save()
        assert register(delegate, mode="in_person").mode == "in_person"

    def test_it_refuses_an_invited_expert_by_self_service(self, register, delegate):
        with pytest.raises(services.NotEligible):
            register(delegate, delegation_role="invited_expert")

    def test_it_refuses_a_second_request_with_a_clear_message(self, register, delegate):
        first = register(delegate)
        with pytest.raises(services.AlreadyRegistered) as error:
            register(delegate)
        assert error.value.registration == first
        assert "already registered" in error.value.message
        assert "pending" in error.value.message
        assert Registration.objects.count() == 1

    def test_it_accepts_a_new_request_after_a_withdrawal(self, register, pending, delegate):
        services.registration_withdraw(registration=pending, by=delegate)
        assert register(delegate).state == State.PENDING
        assert Registration.objects.count() == 2

    def test_the_constraint_refuses_a_second_live_registration(self, register, delegate):
        """No look-up comes first: the database refuses, and the refusal names the live one."""
        first = register(delegate)
        with pytest.raises(services.AlreadyRegistered) as error:
            register(delegate)
        assert error.value.registration == first
        assert error.value.message == (
            "You are already registered for this meeting (state: pending approval)."
        )
        assert Registration.objects.count() == 1
        assert RegistrationEvent.objects.count() == 1

    def test_it_words_a_lost_race_it_cannot_see_yet(self, register, delegate, monkeypatch):
        """The winner of a race not yet visible to the loser: still refused, still one row."""
        register(delegate)
        monkeypatch.setattr(services, "_live_registration", lambda meeting, person: None)
        with pytest.raises(services.AlreadyRegistered) as error:
            register(delegate)
        assert "being processed" in error.value.message
        assert Registration.objects.count() == 1

    def test_it_refuses_someone_else_registering_a_person(self, register, delegate, focal_point):
        with pytest.raises(services.NotAllowed):
            register(delegate, by=focal_point)

    def test_it_refuses_a_draft_meeting(self, register, delegate, next_meeting):
        next_meeting.status = "draft"
        next_meeting.save()
        with pytest.raises(services.NotAllowed):
            register(delegate)


class TestSecretariatRegisters:
    def test_it_approves_what_the_secretariat_enters(self, register, delegate, secretariat):
        registration = register(delegate, by=secretariat)
        assert registration.state == State.APPROVED
        assert registration.registered_by == secretariat
        assert registration.decided_by == secretariat
        assert not registration.approved_automatically

    def test_it_registers_an_invited_expert_without_organization(
        self, register, outsider, secretariat
    ):
        registration = register(outsider, by=secretariat, delegation_role="invited_expert")
        assert registration.state == State.APPROVED
        assert registration.organization is None

    def test_it_refuses_a_non_member_unless_as_invited_expert(
        self, register, outsider, secretariat
    ):
        with pytest.raises(services.NotEligible) as error:
            register(outsider, by=secretariat)
        assert "invited expert" in error.value.message

    def test_the_chair_cannot_register_others(self, register, delegate, chair):
        with pytest.raises(services.NotAllowed):
            register(delegate, by=chair)


class TestApprove:
    def test_the_focal_point_of_the_same_organization_approves(self, pending, focal_point):
        registration = services.registration_approve(registration=pending, by=focal_point)
        assert registration.state == State.APPROVED
        assert registration.decided_by == focal_point
        assert registration.decided_at is not None
        assert events(registration)[-1] == (
            "focalpoint@example.org",
            "pending",
            "approved",
            "",
            False,
        )

    def test_the_secretariat_approves(self, pending, secretariat):
        services.registration_approve(registration=pending, by=secretariat)
        pending.refresh_from_db()
        assert pending.state == State.APPROVED

    @pytest.mark.parametrize("who", ["other_focal_point", "delegate", "outsider", "chair"])
    def test_others_may_not_approve(self, pending, who, request):
        with pytest.raises(services.NotAllowed):
            services.registration_approve(registration=pending, by=request.getfixturevalue(who))
        pending.refresh_from_db()
        assert pending.state == State.PENDING
        assert pending.events.count() == 1

    def test_it_cannot_approve_twice(self, approved, focal_point):
        with pytest.raises(services.InvalidTransition):
            services.registration_approve(registration=approved, by=focal_point)


class TestReject:
    def test_the_focal_point_rejects_with_a_reason(self, pending, focal_point):
        services.registration_reject(
            registration=pending, by=focal_point, reason="  Not in our delegation.  "
        )
        pending.refresh_from_db()
        assert pending.state == State.REJECTED
        assert events(pending)[-1] == (
            "focalpoint@example.org",
            "pending",
            "rejected",
            "Not in our delegation.",
            False,
        )

    def test_a_reason_is_required(self, pending, focal_point):
        with pytest.raises(services.RegistrationError) as error:
            services.registration_reject(registration=pending, by=focal_point, reason="   ")
        assert error.value.field == "reason"
        pending.refresh_from_db()
        assert pending.state == State.PENDING

    @pytest.mark.parametrize("who", ["other_focal_point", "delegate", "outsider"])
    def test_others_may_not_reject(self, pending, who, request):
        with pytest.raises(services.NotAllowed):
            services.registration_reject(
                registration=pending, by=request.getfixturevalue(who), reason="No."
            )

    def test_an_approved_registration_cannot_be_rejected(self, approved, focal_point):
        with pytest.raises(services.InvalidTransition):
            services.registration_reject(registration=approved, by=focal_point, reason="Late.")


class TestBulk:
    @pytest.fixture
    def three(self, register, delegate, focal_point):
        org = delegate.organization
        people = [delegate] + [
            User.objects.create_user(f"d{i}@example.org", "x", name=f"D{i}", organization=org)
            for i in range(2)
        ]
        return [register(person) for person in people]

    def test_it_approves_several(self, three, focal_point):
        decided, skipped = services.registrations_decide_in_bulk(
            registrations=three, by=focal_point, approve=True
        )
        assert len(decided) == 3 and skipped == []
        assert set(Registration.objects.values_list("state", flat=True)) == {"approved"}

    def test_it_rejects_several_with_one_reason(self, three, focal_point):
        services.registrations_decide_in_bulk(
            registrations=three, by=focal_point, approve=False, reason="Delegation is full."
        )
        assert set(Registration.objects.values_list("state", flat=True)) == {"rejected"}
        assert all(r.events.last().reason == "Delegation is full." for r in three)

    def test_it_skips_what_was_decided_meanwhile(self, three, focal_point, secretariat):
        services.registration_approve(registration=three[0], by=secretariat)
        decided, skipped = services.registrations_decide_in_bulk(
            registrations=three, by=focal_point, approve=True
        )
        assert [r.pk for r in skipped] == [three[0].pk]
        assert len(decided) == 2

    def test_it_saves_nothing_when_one_is_not_theirs(
        self, three, other_delegate, other_focal_point, register, focal_point
    ):
        foreign = register(other_delegate)
        with pytest.raises(services.NotAllowed):
            services.registrations_decide_in_bulk(
                registrations=[*three, foreign], by=focal_point, approve=True
            )
        assert set(Registration.objects.values_list("state", flat=True)) == {"pending"}

    def test_a_bulk_rejection_needs_a_reason(self, three, focal_point):
        with pytest.raises(services.RegistrationError):
            services.registrations_decide_in_bulk(
                registrations=three, by=focal_point, approve=False, reason=""
            )


class TestWithdraw:
    def test_the_participant_withdraws_a_pending_request(self, pending, delegate):
        services.registration_withdraw(registration=pending, by=delegate)
        pending.refresh_from_db()
        assert pending.state == State.WITHDRAWN
        assert events(pending)[-1][:3] == ("delegate@example.org", "pending", "withdrawn")

    def test_the_participant_withdraws_an_approved_registration(self, approved, delegate):
        services.registration_withdraw(registration=approved, by=delegate)
        approved.refresh_from_db()
        assert approved.state == State.WITHDRAWN

    @pytest.mark.parametrize("who", ["focal_point", "secretariat", "outsider"])
    def test_nobody_else_withdraws_it(self, pending, who, request):
        with pytest.raises(services.NotAllowed):
            services.registration_withdraw(registration=pending, by=request.getfixturevalue(who))

    def test_a_rejected_request_cannot_be_withdrawn(self, pending, delegate, focal_point):
        services.registration_reject(registration=pending, by=focal_point, reason="No.")
        with pytest.raises(services.InvalidTransition):
            services.registration_withdraw(registration=pending, by=delegate)


class TestCancel:
    def test_the_secretariat_cancels_with_a_reason(self, approved, secretariat):
        services.registration_cancel(
            registration=approved, by=secretariat, reason="Duplicate account."
        )
        approved.refresh_from_db()
        assert approved.state == State.CANCELLED
        assert events(approved)[-1] == (
            "secretariat@example.org",
            "approved",
            "cancelled",
            "Duplicate account.",
            False,
        )

    def test_the_secretariat_cancels_a_pending_request(self, pending, secretariat):
        services.registration_cancel(registration=pending, by=secretariat, reason="Duplicate.")
        pending.refresh_from_db()
        assert pending.state == State.CANCELLED

    @pytest.mark.parametrize("who", ["focal_point", "delegate", "chair", "other_focal_point"])
    def test_nobody_else_cancels(self, approved, who, request):
        with pytest.raises(services.NotAllowed):
            services.registration_cancel(
                registration=approved, by=request.getfixturevalue(who), reason="No."
            )

    def test_a_reason_is_required(self, approved, secretariat):
        with pytest.raises(services.RegistrationError):
            services.registration_cancel(registration=approved, by=secretariat, reason="")

    def test_a_withdrawn_registration_cannot_be_cancelled(self, pending, delegate, secretariat):
        services.registration_withdraw(registration=pending, by=delegate)
        with pytest.raises(services.InvalidTransition):
            services.registration_cancel(registration=pending, by=secretariat, reason="x")


class TestNoFocalPoint:
    def test_a_request_waits_for_the_secretariat(self, register, other_delegate, secretariat):
        assert not FocalPoint.objects.filter(organization=other_delegate.organization).exists()
        registration = register(other_delegate)
        assert registration.state == State.PENDING
        services.registration_approve(registration=registration, by=secretariat)
        registration.refresh_from_db()
        assert registration.state == State.APPROVED


class TestAutomaticApprovalSetting:
    def test_the_focal_point_switches_it_and_history_is_kept(self, focal_point):
        org = focal_point.organization
        services.organization_set_automatic_approval(organization=org, by=focal_point, enabled=True)
        org.refresh_from_db()
        assert org.automatic_approval
        change = AutomaticApprovalChange.objects.get()
        assert change.actor == focal_point and change.enabled

    def test_the_secretariat_switches_it(self, secretariat, focal_point):
        org = focal_point.organization
        services.organization_set_automatic_approval(organization=org, by=secretariat, enabled=True)
        services.organization_set_automatic_approval(
            organization=org, by=secretariat, enabled=False
        )
        assert not Organization.objects.get(pk=org.pk).automatic_approval
        assert AutomaticApprovalChange.objects.count() == 2

    @pytest.mark.parametrize("who", ["delegate", "other_focal_point", "outsider", "chair"])
    def test_nobody_else_switches_it(self, focal_point, who, request):
        with pytest.raises(services.NotAllowed):
            services.organization_set_automatic_approval(
                organization=focal_point.organization,
                by=request.getfixturevalue(who),
                enabled=True,
            )

    def test_it_does_not_touch_requests_already_waiting(self, pending, focal_point):
        services.organization_set_automatic_approval(
            organization=focal_point.organization, by=focal_point, enabled=True
        )
        pending.refresh_from_db()
        assert pending.state == State.PENDING
