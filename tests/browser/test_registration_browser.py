"""A delegate registers, the focal point decides in another browser, and the delegate sees it."""

import re

import pytest
from playwright.sync_api import expect

from plenary.accounts.models import User
from plenary.meetings.models import Meeting
from plenary.registrations import services

JOIN_LINK = "https://meet.example.org/sg11-wp1-next"


@pytest.fixture
def meeting(next_meeting) -> Meeting:
    """The next meeting, with the join link that only approved participants see."""
    next_meeting.remote_link = JOIN_LINK
    next_meeting.save(update_fields=["remote_link"])
    return next_meeting


def register_remotely_as_delegate(page, meeting: Meeting) -> None:
    page.goto(meeting.get_absolute_url())
    page.get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", name=f"Register for {meeting.title}")).to_be_visible()
    page.get_by_role("radio", name="Remotely").check()
    page.get_by_label("Your role in the delegation").select_option(label="Delegate")
    page.get_by_label("I confirm that I will attend this meeting for my organization.").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="My meetings")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("pending approval")


def my_row(page, meeting: Meeting):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=meeting.title))


def open_the_queue_row(page, email: str):
    page.get_by_role("link", name="Approvals").click()
    expect(page.get_by_role("heading", name="Registration requests to approve")).to_be_visible()
    return page.get_by_role("row").filter(has_text=email)


def test_a_delegate_registers_and_the_focal_point_approves(new_page, sign_in, meeting):
    delegate = new_page(timezone_id="Asia/Shanghai")
    sign_in(delegate, "delegate@example.org")
    register_remotely_as_delegate(delegate, meeting)
    expect(my_row(delegate, meeting)).to_contain_text("Pending approval")
    expect(my_row(delegate, meeting)).to_contain_text("Remotely, delegate")
    delegate.goto(meeting.get_absolute_url())
    expect(delegate.get_by_role("link", name="join link")).to_have_count(0)
    expect(delegate.get_by_text("the link is given to registered participants")).to_be_visible()

    focal_point = new_page()
    sign_in(focal_point, "focalpoint@example.org")
    row = open_the_queue_row(focal_point, "delegate@example.org")
    expect(row).to_contain_text(meeting.title)
    row.get_by_role("button", name=re.compile(r"^Approve ")).click()
    expect(focal_point.get_by_role("status")).to_contain_text("Approved:")
    expect(focal_point.get_by_text("No request is waiting for you.")).to_be_visible()

    delegate.get_by_role("navigation", name="Main").get_by_role("link", name="My meetings").click()
    expect(my_row(delegate, meeting)).to_contain_text("Approved")
    my_row(delegate, meeting).get_by_role("link", name=meeting.title).click()
    expect(delegate.get_by_role("link", name="join link")).to_have_attribute("href", JOIN_LINK)
    expect(delegate.locator("#registration")).to_contain_text("You are registered: Approved")


def test_the_focal_point_rejects_with_a_reason_and_the_delegate_reads_it(
    new_page, sign_in, meeting
):
    delegate = new_page()
    sign_in(delegate, "delegate@example.org")
    register_remotely_as_delegate(delegate, meeting)

    focal_point = new_page()
    sign_in(focal_point, "focalpoint@example.org")
    row = open_the_queue_row(focal_point, "delegate@example.org")
    row.get_by_role("link", name=re.compile(r"^Reject ")).click()
    focal_point.get_by_role("button", name="Reject").click()
    reason = focal_point.get_by_label("Reason")
    expect(reason).to_have_accessible_description(re.compile("Give the reason"))
    reason.fill("Our delegation for this meeting is complete.")
    focal_point.get_by_role("button", name="Reject").click()
    expect(focal_point.get_by_role("status")).to_contain_text("Rejected:")

    delegate.reload()
    expect(my_row(delegate, meeting)).to_contain_text("Rejected")
    expect(my_row(delegate, meeting)).to_contain_text(
        "Our delegation for this meeting is complete."
    )
    delegate.goto(meeting.get_absolute_url())
    expect(delegate.get_by_role("link", name="join link")).to_have_count(0)


def test_an_outsider_is_refused_registration_with_a_clear_message(new_page, sign_in, meeting):
    page = new_page()
    sign_in(page, "outsider@example.org")
    page.goto(meeting.get_absolute_url())
    block = page.locator("#registration")
    expect(block).to_contain_text("Only people of a member organization can register.")
    expect(block.get_by_role("link", name="Register", exact=True)).to_have_count(0)

    page.goto(f"/registrations/meeting/{meeting.slug}/register/")
    expect(page.get_by_role("alert")).to_contain_text(
        "Only people of a member organization can register."
    )
    expect(page.get_by_role("button", name="Register")).to_have_count(0)
    page.get_by_role("link", name="Ask to represent an organization").click()
    expect(page.get_by_role("heading", name="Your organization")).to_be_visible()


def test_the_register_form_works_by_keyboard_alone(new_page, sign_in, meeting):
    page = new_page()
    sign_in(page, "delegate@example.org")
    page.goto(f"/registrations/meeting/{meeting.slug}/register/")
    role = page.get_by_label("Your role in the delegation")
    role.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("I confirm that I will attend")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Register")).to_be_focused()
    page.keyboard.press("Enter")
    expect(role).to_have_accessible_description("Choose your role in the delegation.")
    role.focus()
    role.select_option(label="Observer")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_label("I confirm that I will attend")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("pending approval")
    expect(my_row(page, meeting)).to_contain_text("Remotely, observer")


def test_enter_in_the_queue_applies_the_bulk_action_to_the_ticked_request_only(
    new_page, sign_in, meeting, delegate
):
    colleague = User.objects.create_user(
        "colleague@example.org",
        "x",
        name="Colleague of the delegate",
        organization=delegate.organization,
    )
    first = services.registration_create(
        meeting=meeting, person=delegate, mode="remote", delegation_role="delegate", by=delegate
    )
    second = services.registration_create(
        meeting=meeting, person=colleague, mode="remote", delegation_role="adviser", by=colleague
    )
    page = new_page()
    sign_in(page, "focalpoint@example.org")
    open_the_queue_row(page, "colleague@example.org")
    page.get_by_role("checkbox", name="Select Colleague of the delegate").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("1 request(s) approved.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("pending", "approved")
