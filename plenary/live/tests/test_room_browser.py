"""The live room in a real browser: a chair and two delegates, each in their own context, served
by uvicorn with WebSockets (the live_server fixture speaks only HTTP)."""

import contextlib
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from django.core.handlers import asgi as asgi_handler
from django.test import Client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path(os.environ.get("PLENARY_CHROMIUM", "/usr/bin/chromium"))
ROOM = "/meetings/sg11-wp1-2020-11-19/live/"


@pytest.fixture
def asgi_url(settings, monkeypatch):
    """The project's ASGI stack on a free port, in a thread sharing the test database."""
    import uvicorn
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.core.asgi import get_asgi_application

    from plenary.routing import websocket_urlpatterns

    # Playwright's sync API runs an event loop in the test's thread; its ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.WHITENOISE_USE_FINDERS = True  # serve room.js without collectstatic
    # One thread for every view and consumer database call: the in-memory test database (shared
    # cache) answers a second connection's write with "table is locked" instead of waiting.
    monkeypatch.setattr(asgi_handler, "ThreadSensitiveContext", contextlib.nullcontext)
    # Django's own ASGI handler rather than a2wsgi's thread pool, so that views run on the thread
    # the consumers' database calls use.
    application = ProtocolTypeRouter(
        {
            "http": get_asgi_application(),
            "websocket": URLRouter(websocket_urlpatterns),
        }
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, lifespan="off", log_level="warning", ws="websockets")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def open_as(asgi_url):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is missing at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def open_page(session: str, width=1280):
            context = browser.new_context(
                base_url=asgi_url, viewport={"width": width, "height": 900}
            )
            context.set_default_timeout(15_000)
            context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_url}])
            page = context.new_page()
            page.goto(ROOM)
            return page

        yield open_page
        browser.close()


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_the_floor_and_the_chat_reach_everyone_and_survive_a_reload(
    open_as, participant, second_participant, chair
):
    from playwright.sync_api import expect

    # Sessions and names are read before the pages open: the test makes no database call while
    # the server answers them.
    sessions = [_session(user) for user in (chair, participant, second_participant)]
    name = participant.display_name
    speaker = f"{name} ({participant.affiliation}) has the floor."
    chairing = open_as(sessions[0])
    first = open_as(sessions[1])
    second = open_as(sessions[2], width=400)  # beside a video call
    for page in (chairing, first, second):
        expect(page.locator("#live-status")).to_have_text("Connected.")
    expect(chairing.locator("#live-present li")).to_have_count(3)

    first.get_by_role("button", name="Request the floor").click()
    queue = chairing.locator("#live-queue li")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text(name)

    queue.first.get_by_role("button", name="Give the floor").click()
    for page in (chairing, first, second):
        expect(page.locator("#live-speaker")).to_have_text(speaker)
    expect(second.locator("#live-elapsed")).to_contain_text("Speaking for")
    expect(first.get_by_role("button", name="Give the floor to the next")).to_have_count(0)

    chairing.get_by_role("button", name="Interrupt").click()
    expect(first.locator("#live-speaker")).to_have_text("Nobody has the floor.")
    expect(second.locator("#live-elapsed")).to_have_text("")
    expect(second.locator("#live-closed")).to_be_hidden()
    chairing.get_by_role("button", name="Close the list").click()
    expect(second.locator("#live-closed")).to_be_visible()

    second.get_by_label("Message").fill("See <b>https://example.org/draft</b>")
    second.get_by_role("button", name="Send").click()
    line = first.locator("#live-chat li").last
    expect(line).to_contain_text("See <b>https://example.org/draft</b>")
    expect(line.get_by_role("link")).to_have_attribute("href", "https://example.org/draft")

    first.reload()
    expect(first.locator("#live-status")).to_have_text("Connected.")
    expect(first.locator("#live-chat li")).to_have_count(1)
    expect(first.locator("#live-speaker")).to_have_text("Nobody has the floor.")


def test_the_chair_consents_a_draft_from_the_room_and_the_work_programme_shows_it(
    open_as, participant, chair, seed_meeting
):
    from playwright.sync_api import expect

    sessions = [_session(user) for user in (chair, participant)]
    item = seed_meeting.agenda_items.order_by("pk").first()
    draft = seed_meeting.drafts.get(acronym="Q.SCC")
    chairing = open_as(sessions[0])
    delegate = open_as(sessions[1])
    for page in (chairing, delegate):
        expect(page.locator("#live-status")).to_have_text("Connected.")
    # A delegate has no control to record a decision.
    expect(delegate.get_by_role("button", name="Consent Q.SCC")).to_have_count(0)

    chairing.get_by_label("Agenda item").select_option(str(item.pk))
    chairing.locator("#current-form").get_by_role("button", name="Set").click()
    expect(delegate.locator("#live-current")).to_contain_text(item.title)

    chairing.get_by_role("button", name="Consent Q.SCC").click()
    for page in (chairing, delegate):
        decision = page.locator("#live-decisions li")
        expect(decision).to_have_count(1)
        expect(decision).to_contain_text("Consent of a draft Recommendation (AAP): Q.SCC")
    expect(chairing.get_by_role("button", name="Consent Q.SCC")).to_be_disabled()

    chairing.goto("/workprogramme/SG11/")
    status = chairing.locator(f"#item-{draft.pk} abbr.badge")
    expect(status).to_have_text("C")
    expect(status).to_have_attribute("title", "Consented (C)")
    chairing.goto(f"/workprogramme/SG11/items/{draft.pk}/")
    expect(chairing.locator("body")).to_contain_text("awaiting the edited text and summary")
