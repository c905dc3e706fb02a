"""A delegate in Shanghai opens the meeting page and reads the times in both zones."""

import re

from playwright.sync_api import expect


def test_it_shows_the_browsers_time_zone_beside_geneva_time(new_page, seed_meeting):
    page = new_page(timezone_id="Asia/Shanghai")
    page.goto("/meetings/sg11-wp1-2020-11-19/")
    hours = page.locator("dd", has_text="Geneva time").first
    expect(hours).to_contain_text("13:00")
    expect(hours).to_contain_text("Your time: Thu 19 Nov, 20:00")
    expect(hours).to_contain_text("Asia/Shanghai")
    expect(page.get_by_role("heading", name="Draft agenda")).to_be_visible()
    expect(page.locator("table", has_text="Approval of the agenda")).to_contain_text(
        "Closure of the meeting"
    )


def test_it_is_usable_by_keyboard_and_in_a_narrow_window(new_page, seed_meeting):
    page = new_page(width=380)
    page.goto("/meetings/sg11-wp1-2020-11-19/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"


def test_a_delegate_signs_in_sets_a_time_zone_and_signs_out(
    new_page, sign_in, delegate, seed_meeting
):
    page = new_page()
    sign_in(page, "delegate@example.org")
    expect(page.get_by_role("link", name=delegate.display_name)).to_be_visible()
    page.get_by_role("link", name=delegate.display_name).click()
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    page.goto("/meetings/sg11-wp1-2020-11-19/")
    expect(page.locator("dd", has_text="Geneva time").first).to_contain_text(
        re.compile(r"07:00.09:00 America/New_York")
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_the_calendar_link_downloads_an_ics_file(new_page, seed_meeting):
    page = new_page()
    page.goto("/meetings/sg11-wp1-2020-11-19/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename == "sg11-wp1-2020-11-19.ics"
