"""A real SMTP server (aiosmtpd) on a free port for the mail tests, and notifications to mail."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.content_fixtures import make_need, make_supplier  # noqa: F401
from tests.plans.conftest import make_plan  # noqa: F401


@dataclass
class Mailbox:
    """What the SMTP server accepted; `refuse` answers 451 to that many next mails."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        message = message_from_bytes(envelope.content, policy=policy.default)
        message.recipients = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_settings(app) -> Iterator[dict]:
    """The app's mail settings, put back after the test."""
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "PORTAL_BASE_URL")
    saved = {key: app.config[key] for key in keys}
    app.config["PORTAL_BASE_URL"] = "https://portal.example.se"
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp_server(mail_settings) -> Iterator[Mailbox]:
    """An SMTP server on a free port of this host, which the portal is configured to use."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    mail_settings.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield mailbox
    finally:
        controller.stop()
