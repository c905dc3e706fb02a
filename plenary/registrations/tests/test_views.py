"""Every page: who may open it, who may not, anonymous visitors, and wrong methods."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from plenary.accounts.models import User
from plenary.membership.models import Organization
from plenary.registrations import services
from plenary.registrations.models import Registration
from plenary.registrations.permissions import can_view_approval_queue
from plenary.registrations.templatetags.registrations import may_approve

State = Registration.State


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


def register_url(meeting):
    return reverse("registrations:register", kwargs={"slug": meeting.slug})


class TestRegisterPage:
    def test_it_shows_the_form_and_the_deadline(self, as_user, delegate, next_meeting):
        response = as_user(delegate).get(register_url(next_meeting))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="delegation_role"' in html
        assert "Registration closes at the end of" in html
        assert "Demo Sector Member Telecom" in html
        assert "csrfmiddlewaretoken" in html

    def test_it_registers_and_reports_pending(self, as_user, delegate, next_meeting):
        response = as_user(delegate).post(
            register_url(next_meeting),
            {"mode": "remote", "delegation_role": "delegate", "confirm": "on"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("registrations:mine")
        assert "pending approval" in response.content.decode()
        assert Registration.objects.get().state == State.PENDING

    def test_a_double_submit_gives_one_registration_and_a_message(
        self, as_user, delegate, next_meeting
    ):
        client = as_user(delegate)
        data = {"mode": "remote", "delegation_role": "delegate", "confirm": "on"}
        client.post(register_url(next_meeting), data)
        response = client.post(register_url(next_meeting), data, follow=True)
        assert Registration.objects.count() == 1
        assert "You are already registered for this meeting (state: pending approval)." in (
            response.content.decode()
        )

    def test_errors_stand_next_to_their_fields(self, as_user, delegate, next_meeting):
        response = as_user(delegate).post(register_url(next_meeting), {"mode": "remote"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="id_delegation_role_error"' in html
        assert 'aria-describedby="id_delegation_role_error"' in html
        assert "Choose your role in the delegation." in html
        assert "Tick the box to confirm your registration." in html
        assert not Registration.objects.exists()

    def test_a_late_visit_says_when_registration_closed(self, as_user, delegate, seed_meeting):
        response = as_user(delegate).get(register_url(seed_meeting))
        assert response.status_code == 200
        assert "Registration for this meeting closed at the end of Monday, 19 October 2020" in (
            response.content.decode()
        )
        assert 'name="delegation_role"' not in response.content.decode()

    def test_a_late_submission_is_refused_with_the_date(self, as_user, delegate, seed_meeting):
        response = as_user(delegate).post(
            register_url(seed_meeting),
            {"mode": "remote", "delegation_role": "delegate", "confirm": "on"},
        )
        assert response.status_code == 200
        assert "closed on 19 October 2020" in response.content.decode()
        assert not Registration.objects.exists()

    @pytest.mark.parametrize("who", ["outsider", "associate"])
    def test_it_refuses_people_membership_does_not_admit(self, as_user, next_meeting, who, request):
        response = as_user(request.getfixturevalue(who)).get(register_url(next_meeting))
        assert response.status_code == 403
        assert not Registration.objects.exists()

    def test_it_refuses_a_post_by_a_non_member(self, as_user, outsider, next_meeting):
        response = as_user(outsider).post(
            register_url(next_meeting),
            {"mode": "remote", "delegation_role": "delegate", "confirm": "on"},
        )
        assert response.status_code == 403
        assert not Registration.objects.exists()

    def test_it_sends_anonymous_visitors_to_sign_in(self, client, next_meeting):
        assert_login_redirect(client.get(register_url(next_meeting)))

    def test_it_refuses_other_methods(self, as_user, delegate, next_meeting):
        assert as_user(delegate).put(register_url(next_meeting)).status_code == 405

    def test_a_draft_meeting_is_not_found(self, as_user, delegate, next_meeting):
        next_meeting.status = "draft"
        next_meeting.save()
        assert as_user(delegate).get(register_url(next_meeting)).status_code == 404


class TestMyMeetings:
    url = reverse("registrations:mine")

    def test_it_lists_own_registrations_and_states(self, as_user, pending, delegate):
        response = as_user(delegate).get(self.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert pending.meeting.title in html
        assert "Pending approval" in html
        assert reverse("registrations:withdraw", args=[pending.pk]) in html

    def test_it_gives_the_reason_of_a_rejection(
        self, as_user, pending, delegate, focal_point, django_assert_max_num_queries
    ):
        services.registration_reject(registration=pending, by=focal_point, reason="Team is full.")
        client = as_user(delegate)
        with django_assert_max_num_queries(8):
            html = client.get(self.url).content.decode()
        assert "Rejected" in html
        assert "Reason: Team is full." in html

    def test_it_shows_nothing_of_others(self, as_user, pending, focal_point):
        response = as_user(focal_point).get(self.url)
        assert pending.meeting.title not in response.content.decode()

    def test_anonymous(self, client):
        assert_login_redirect(client.get(self.url))

    def test_wrong_method(self, as_user, delegate):
        assert as_user(delegate).post(self.url).status_code == 405


class TestNavigation:
    """The Approvals link in every signed-in page's navigation, and what asking for it costs."""

    url = reverse("registrations:mine")
    queue = reverse("registrations:queue")
    # The signed-in person, the navigation's one question (focal point or secretariat), and the
    # page's own list of registrations.
    page_queries = 3

    @pytest.mark.parametrize("who", ["focal_point", "secretariat"])
    def test_it_shows_approvals_to_focal_points_and_the_secretariat(self, as_user, who, request):
        html = as_user(request.getfixturevalue(who)).get(self.url).content.decode()
        assert f'href="{self.queue}"' in html

    def test_it_hides_approvals_from_a_delegate(self, as_user, delegate):
        html = as_user(delegate).get(self.url).content.decode()
        assert "My meetings" in html
        assert f'href="{self.queue}"' not in html

    @pytest.mark.parametrize("who", ["delegate", "focal_point"])
    def test_a_page_view_costs_one_query_for_the_navigation(
        self, as_user, who, request, django_assert_num_queries
    ):
        client = as_user(request.getfixturevalue(who))
        client.get(self.url)
        with django_assert_num_queries(self.page_queries):
            assert client.get(self.url).status_code == 200

    @pytest.mark.parametrize("who", ["delegate", "focal_point", "secretariat"])
    def test_asking_again_in_the_same_request_costs_nothing(
        self, who, request, django_assert_num_queries
    ):
        user = User.objects.get(pk=request.getfixturevalue(who).pk)
        template = Template("{% load registrations %}" + "{{ user|may_approve }}" * 3)
        with django_assert_num_queries(1):
            template.render(Context({"user": user}))

    def test_a_superuser_costs_no_query(self, demo, django_assert_num_queries):
        admin = User.objects.create_superuser("root@example.org", "x", name="Administrator")
        with django_assert_num_queries(0):
            assert may_approve(admin) is True

    @pytest.mark.parametrize(
        ("who", "approves"),
        [
            ("secretariat", True),
            ("focal_point", True),
            ("chair", False),
            ("sg_chairman", False),
            ("delegate", False),
            ("associate", False),
            ("outsider", False),
        ],
    )
    def test_the_queue_is_for_focal_points_and_the_secretariat(self, who, approves, request):
        user = User.objects.get(pk=request.getfixturevalue(who).pk)
        assert can_view_approval_queue(user) is approves
        assert may_approve(user) is approves

    def test_anonymous_visitors_are_not_asked(self, client, demo, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert may_approve(AnonymousUser()) is False


class TestWithdrawPage:
    def url(self, registration):
        return reverse("registrations:withdraw", args=[registration.pk])

    def test_the_participant_withdraws(self, as_user, pending, delegate):
        response = as_user(delegate).post(self.url(pending))
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.state == State.WITHDRAWN

    def test_the_focal_point_may_not(self, as_user, pending, focal_point):
        assert as_user(focal_point).post(self.url(pending)).status_code == 403

    def test_another_organizations_focal_point_does_not_see_it(
        self, as_user, pending, other_focal_point
    ):
        assert as_user(other_focal_point).post(self.url(pending)).status_code == 404

    def test_anonymous(self, client, pending):
        assert_login_redirect(client.post(self.url(pending)))

    def test_wrong_method(self, as_user, pending, delegate):
        assert as_user(delegate).get(self.url(pending)).status_code == 405
        pending.refresh_from_db()
        assert pending.state == State.PENDING


class TestQueue:
    url = reverse("registrations:queue")

    def test_the_focal_point_sees_pending_requests_with_age(self, as_user, pending, focal_point):
        response = as_user(focal_point).get(self.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Delegate of Demo Sector Member Telecom" in html
        assert "0\xa0minutes" in html
        assert reverse("registrations:approve", args=[pending.pk]) in html

    def test_another_focal_point_sees_an_empty_queue(self, as_user, pending, other_focal_point):
        response = as_user(other_focal_point).get(self.url)
        assert response.status_code == 200
        assert "Delegate of Demo Sector Member Telecom" not in response.content.decode()

    def test_the_secretariat_sees_the_requests_of_its_meetings(self, as_user, pending, secretariat):
        response = as_user(secretariat).get(self.url)
        assert "Delegate of Demo Sector Member Telecom" in response.content.decode()

    def test_bulk_approval(self, as_user, pending, focal_point):
        response = as_user(focal_point).post(
            self.url, {"registrations": [pending.pk], "action": "approve"}, follow=True
        )
        assert "1 request(s) approved." in response.content.decode()
        pending.refresh_from_db()
        assert pending.state == State.APPROVED

    def test_bulk_rejection_needs_a_reason_next_to_its_field(self, as_user, pending, focal_point):
        response = as_user(focal_point).post(
            self.url, {"registrations": [pending.pk], "action": "reject", "reason": ""}
        )
        assert response.status_code == 200
        assert 'id="id_reason_error"' in response.content.decode()
        pending.refresh_from_db()
        assert pending.state == State.PENDING

    def test_another_focal_point_cannot_bulk_decide_it(self, as_user, pending, other_focal_point):
        response = as_user(other_focal_point).post(
            self.url, {"registrations": [pending.pk], "action": "approve"}
        )
        assert response.status_code == 200  # the form refuses an id outside the queue
        pending.refresh_from_db()
        assert pending.state == State.PENDING

    @pytest.mark.parametrize("who", ["delegate", "outsider", "chair"])
    def test_it_refuses_people_who_decide_nothing(self, as_user, who, request):
        assert as_user(request.getfixturevalue(who)).get(self.url).status_code == 403

    def test_anonymous(self, client, demo):
        assert_login_redirect(client.get(self.url))

    def test_wrong_method(self, as_user, focal_point):
        assert as_user(focal_point).put(self.url).status_code == 405

    def test_it_costs_a_fixed_number_of_queries(
        self, as_user, register, focal_point, django_assert_max_num_queries
    ):
        org = focal_point.organization
        for i in range(8):
            register(
                User.objects.create_user(f"p{i}@example.org", "x", name=f"P{i}", organization=org)
            )
        client = as_user(focal_point)
        with django_assert_max_num_queries(12):
            response = client.get(self.url)
        assert response.content.decode().count('name="registrations"') == 8


class TestApproveAndReject:
    def test_the_focal_point_approves(self, as_user, pending, focal_point):
        url = reverse("registrations:approve", args=[pending.pk])
        response = as_user(focal_point).post(url)
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.state == State.APPROVED

    def test_approve_returns_to_a_local_next_only(self, as_user, pending, focal_point):
        url = reverse("registrations:approve", args=[pending.pk])
        response = as_user(focal_point).post(url, {"next": "https://evil.example/"})
        assert response.url == reverse("registrations:queue")

    def test_another_focal_point_cannot_approve(self, as_user, pending, other_focal_point):
        url = reverse("registrations:approve", args=[pending.pk])
        assert as_user(other_focal_point).post(url).status_code == 404

    def test_the_delegate_cannot_approve_their_own(self, as_user, pending, delegate):
        url = reverse("registrations:approve", args=[pending.pk])
        assert as_user(delegate).post(url).status_code == 403
        pending.refresh_from_db()
        assert pending.state == State.PENDING

    def test_approve_anonymous_and_wrong_method(self, client, pending, focal_point):
        url = reverse("registrations:approve", args=[pending.pk])
        assert_login_redirect(client.post(url))
        client.force_login(focal_point)
        assert client.get(url).status_code == 405

    def test_reject_asks_for_a_reason(self, as_user, pending, focal_point):
        url = reverse("registrations:reject", args=[pending.pk])
        client = as_user(focal_point)
        assert client.get(url).status_code == 200
        response = client.post(url, {"reason": ""})
        assert response.status_code == 200
        assert "Give the reason; the person will read it." in response.content.decode()
        client.post(url, {"reason": "Not in our delegation."})
        pending.refresh_from_db()
        assert pending.state == State.REJECTED
        assert pending.events.last().reason == "Not in our delegation."

    def test_reject_refusals(self, client, pending, delegate, other_focal_point):
        url = reverse("registrations:reject", args=[pending.pk])
        assert_login_redirect(client.get(url))
        client.force_login(other_focal_point)
        assert client.post(url, {"reason": "x"}).status_code == 404
        client.force_login(delegate)
        assert client.post(url, {"reason": "x"}).status_code == 403
        assert client.put(url).status_code == 405
        pending.refresh_from_db()
        assert pending.state == State.PENDING


class TestSecretariatPages:
    def test_the_overview_separates_approved_and_pending(
        self, as_user, register, pending, focal_point, secretariat, next_meeting
    ):
        register(focal_point)
        url = reverse("registrations:meeting", kwargs={"slug": next_meeting.slug})
        response = as_user(secretariat).get(url)
        assert response.status_code == 200
        assert [r.pk for r in response.context["pending"]] == [pending.pk]
        assert [r.person for r in response.context["approved"]] == [focal_point]
        html = response.content.decode()
        assert "Pending (1)" in html and "Approved (1)" in html
        assert "ago" in html

    @pytest.mark.parametrize("who", ["chair", "focal_point", "delegate"])
    def test_the_overview_refuses_others(self, as_user, next_meeting, who, request):
        url = reverse("registrations:meeting", kwargs={"slug": next_meeting.slug})
        assert as_user(request.getfixturevalue(who)).get(url).status_code == 403

    def test_the_overview_anonymous_and_wrong_method(self, client, next_meeting, secretariat):
        url = reverse("registrations:meeting", kwargs={"slug": next_meeting.slug})
        assert_login_redirect(client.get(url))
        client.force_login(secretariat)
        assert client.post(url).status_code == 405

    def test_the_secretariat_adds_an_invited_expert(
        self, as_user, secretariat, outsider, next_meeting
    ):
        url = reverse("registrations:add", kwargs={"slug": next_meeting.slug})
        response = as_user(secretariat).post(
            url,
            {
                "email": "OUTSIDER@example.org",
                "mode": "remote",
                "delegation_role": "invited_expert",
            },
        )
        assert response.status_code == 302
        registration = Registration.objects.get()
        assert registration.person == outsider
        assert registration.state == State.APPROVED

    def test_adding_a_non_member_as_delegate_is_explained(
        self, as_user, secretariat, outsider, next_meeting
    ):
        url = reverse("registrations:add", kwargs={"slug": next_meeting.slug})
        response = as_user(secretariat).post(
            url, {"email": "outsider@example.org", "mode": "remote", "delegation_role": "delegate"}
        )
        assert response.status_code == 200
        assert "invited expert" in response.content.decode()
        response = as_user(secretariat).post(
            url, {"email": "nobody@example.org", "mode": "remote", "delegation_role": "delegate"}
        )
        assert "No account has this e-mail address." in response.content.decode()
        assert not Registration.objects.exists()

    def test_a_late_addition_is_marked_late(self, as_user, secretariat, delegate, seed_meeting):
        url = reverse("registrations:add", kwargs={"slug": seed_meeting.slug})
        client = as_user(secretariat)
        assert "will be marked late" in client.get(url).content.decode()
        client.post(
            url, {"email": "delegate@example.org", "mode": "remote", "delegation_role": "delegate"}
        )
        assert Registration.objects.get().late

    @pytest.mark.parametrize("who", ["chair", "focal_point", "delegate"])
    def test_adding_is_for_the_secretariat(self, as_user, next_meeting, who, request):
        url = reverse("registrations:add", kwargs={"slug": next_meeting.slug})
        assert as_user(request.getfixturevalue(who)).get(url).status_code == 403

    def test_cancel(self, as_user, approved, secretariat):
        url = reverse("registrations:cancel", args=[approved.pk])
        client = as_user(secretariat)
        assert client.get(url).status_code == 200
        assert client.post(url, {"reason": ""}).status_code == 200
        client.post(url, {"reason": "Duplicate account."})
        approved.refresh_from_db()
        assert approved.state == State.CANCELLED

    def test_cancel_refusals(self, client, approved, focal_point, other_focal_point, chair):
        url = reverse("registrations:cancel", args=[approved.pk])
        assert_login_redirect(client.get(url))
        client.force_login(focal_point)
        assert client.post(url, {"reason": "x"}).status_code == 403
        client.force_login(chair)
        assert client.post(url, {"reason": "x"}).status_code == 403
        client.force_login(other_focal_point)
        assert client.post(url, {"reason": "x"}).status_code == 404
        assert client.put(url).status_code == 405
        approved.refresh_from_db()
        assert approved.state == State.APPROVED


class TestParticipants:
    @pytest.fixture
    def crowd(self, register, approved, focal_point, academic, secretariat, outsider):
        register(focal_point)  # approved automatically
        register(academic)  # pending
        register(outsider, by=secretariat, delegation_role="invited_expert")

    def url(self, meeting, name="participants"):
        return reverse(f"registrations:{name}", kwargs={"slug": meeting.slug})

    def test_the_secretariat_sees_approved_participants_and_counts(
        self, as_user, crowd, secretariat, next_meeting
    ):
        response = as_user(secretariat).get(self.url(next_meeting))
        assert response.status_code == 200
        assert len(response.context["rows"]) == 3
        assert dict(response.context["by_category"]) == {"Sector Member": 2, "No organization": 1}
        assert dict(response.context["by_country"]) == {"Germany": 2, "Not given": 1}

    def test_the_chair_filters(self, as_user, crowd, chair, next_meeting):
        client = as_user(chair)
        response = client.get(self.url(next_meeting), {"state": "pending"})
        assert [r.person.email for r in response.context["rows"]] == ["academic@example.org"]
        response = client.get(self.url(next_meeting), {"state": "all", "category": "academia"})
        assert len(response.context["rows"]) == 1
        response = client.get(self.url(next_meeting), {"state": "all", "country": "DE"})
        assert len(response.context["rows"]) == 2
        org = Organization.objects.get(short_name="DSMT")
        response = client.get(self.url(next_meeting), {"organization": org.pk, "mode": "remote"})
        assert len(response.context["rows"]) == 2
        response = client.get(self.url(next_meeting), {"mode": "in_person"})
        assert response.context["rows"] == []

    def test_csv_export_follows_the_filters(self, as_user, crowd, secretariat, next_meeting):
        response = as_user(secretariat).get(
            self.url(next_meeting, "participants_csv"), {"category": "sector_member"}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Name", "E-mail", "Organization"]
        assert sorted(r[1] for r in rows[1:]) == ["delegate@example.org", "focalpoint@example.org"]

    def test_xlsx_export(self, as_user, crowd, chair, next_meeting):
        response = as_user(chair).get(self.url(next_meeting, "participants_xlsx"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == "Name"
        assert len(rows) == 4

    def test_a_formula_like_name_is_neutralised(self, as_user, secretariat, next_meeting, register):
        person = User.objects.create_user(
            "f@example.org", "x", name="=HYPERLINK(1)", organization=secretariat.organization
        )
        register(person, by=secretariat, delegation_role="invited_expert")
        response = as_user(secretariat).get(self.url(next_meeting, "participants_csv"))
        assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")

    @pytest.mark.parametrize("name", ["participants", "participants_csv", "participants_xlsx"])
    @pytest.mark.parametrize("who", ["focal_point", "delegate", "other_focal_point"])
    def test_others_are_refused(self, as_user, next_meeting, name, who, request):
        response = as_user(request.getfixturevalue(who)).get(self.url(next_meeting, name))
        assert response.status_code == 403

    @pytest.mark.parametrize("name", ["participants", "participants_csv"])
    def test_anonymous_and_wrong_method(self, client, next_meeting, secretariat, name):
        assert_login_redirect(client.get(self.url(next_meeting, name)))
        client.force_login(secretariat)
        assert client.post(self.url(next_meeting, name)).status_code == 405

    def test_it_costs_a_fixed_number_of_queries(
        self, as_user, crowd, secretariat, next_meeting, django_assert_max_num_queries
    ):
        client = as_user(secretariat)
        with django_assert_max_num_queries(12):
            client.get(self.url(next_meeting))


class TestAutomaticApprovalPage:
    def url(self, user):
        return reverse("registrations:automatic_approval", args=[user.organization_id])

    def test_the_focal_point_switches_it_on(self, as_user, focal_point):
        client = as_user(focal_point)
        assert client.get(self.url(focal_point)).status_code == 200
        client.post(self.url(focal_point), {"enabled": "on"})
        assert Organization.objects.get(pk=focal_point.organization_id).automatic_approval

    def test_the_secretariat_switches_it_off(self, as_user, focal_point, secretariat):
        Organization.objects.filter(pk=focal_point.organization_id).update(automatic_approval=True)
        as_user(secretariat).post(self.url(focal_point), {})
        assert not Organization.objects.get(pk=focal_point.organization_id).automatic_approval

    @pytest.mark.parametrize("who", ["delegate", "other_focal_point", "chair"])
    def test_others_are_refused(self, as_user, focal_point, who, request):
        response = as_user(request.getfixturevalue(who)).post(
            self.url(focal_point), {"enabled": "on"}
        )
        assert response.status_code == 403
        assert not Organization.objects.get(pk=focal_point.organization_id).automatic_approval

    def test_anonymous_and_wrong_method(self, client, focal_point):
        assert_login_redirect(client.get(self.url(focal_point)))
        client.force_login(focal_point)
        assert client.put(self.url(focal_point)).status_code == 405


class TestMeetingPage:
    def test_the_public_sees_only_the_count(self, client, approved, next_meeting):
        html = client.get(next_meeting.get_absolute_url()).content.decode()
        assert "1 participant registered." in html
        assert "Delegate of Demo Sector Member Telecom" not in html
        assert "Sign in to register" in html

    def test_an_approved_participant_sees_the_remote_link(self, client, approved, next_meeting):
        next_meeting.remote_link = "https://meet.example.org/wp1"
        next_meeting.save()
        client.force_login(approved.person)
        html = client.get(next_meeting.get_absolute_url()).content.decode()
        assert "https://meet.example.org/wp1" in html
        assert "You are registered: <strong>Approved</strong>" in html

    def test_a_pending_request_does_not_reveal_the_link(self, client, pending, next_meeting):
        next_meeting.remote_link = "https://meet.example.org/wp1"
        next_meeting.save()
        client.force_login(pending.person)
        html = client.get(next_meeting.get_absolute_url()).content.decode()
        assert "https://meet.example.org/wp1" not in html
        assert "Pending approval" in html

    def test_an_eligible_member_gets_a_register_button(self, client, delegate, next_meeting):
        client.force_login(delegate)
        html = client.get(next_meeting.get_absolute_url()).content.decode()
        assert register_url(next_meeting) in html

    def test_after_the_deadline_the_page_says_so(self, client, delegate, seed_meeting):
        client.force_login(delegate)
        html = client.get(seed_meeting.get_absolute_url()).content.decode()
        assert "Registration closed at the end of Monday, 19 October 2020, Geneva time" in html
        assert register_url(seed_meeting) not in html

    def test_the_navigation_links_my_meetings_and_approvals(self, client, focal_point, delegate):
        client.force_login(focal_point)
        html = client.get(reverse("home")).content.decode()
        assert reverse("registrations:mine") in html and reverse("registrations:queue") in html
        client.force_login(delegate)
        html = client.get(reverse("home")).content.decode()
        assert reverse("registrations:queue") not in html


def test_times_are_utc_in_the_export(as_user, secretariat, next_meeting, register, delegate):
    registration = register(delegate, by=secretariat)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    )
    response = as_user(secretariat).get(
        reverse("registrations:participants_csv", kwargs={"slug": next_meeting.slug})
    )
    assert "2026-01-02 03:04" in response.content.decode("utf-8-sig")
