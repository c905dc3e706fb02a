"""Browser tests: Playwright driving Debian's Chromium against a live test server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PLENARY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous and safe, so Django's guard against ORM use inside a running loop is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


# Module scope, not session: while Playwright's sync API is alive it keeps an event loop running in
# the main thread, and every later test that uses async_to_sync (the live room's consumers) fails.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium is missing at {CHROMIUM}; `make test` installs it (as root, with apt)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts (each a separate person); all closed after the test."""
    contexts = []

    def open_page(*, timezone_id: str = "Europe/Zurich", width: int = 1280):
        context = browser.new_context(
            base_url=live_server.url,
            timezone_id=timezone_id,
            viewport={"width": width, "height": 900},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    def do(page, email: str, password: str = "plenary-demo"):
        page.goto("/accounts/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return do
