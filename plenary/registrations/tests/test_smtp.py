"""Once, the e-mail really crosses a socket: a local SMTP server started by the test receives it."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from plenary.registrations import services


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield collector
    controller.stop()


def test_the_focal_point_request_arrives_over_smtp(
    smtp_server, register, delegate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(delegate)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["focalpoint@example.org"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert "Registration request to approve" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Delegate of Demo Sector Member Telecom" in text
    assert "<strong>Delegate of Demo Sector Member Telecom</strong>" in html


def test_the_outcome_arrives_over_smtp(
    smtp_server, pending, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_approve(registration=pending, by=focal_point)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["delegate@example.org"]
