"""A real SMTP server (aiosmtpd) inside the test process, and what it received."""

from __future__ import annotations

import email
import socket
import threading
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def subjects(self, address: str | None = None) -> list[str]:
        # Long subjects are folded on the wire; compare them unfolded.
        return [
            " ".join(str(m["Subject"]).split())
            for m in (self.to(address) if address else self.messages)
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    def config(self) -> dict:
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_TLS": "none",
            "MAIL_FROM": "SafetyOps <safetyops@district.test>",
            "BASE_URL": "https://safetyops.district.test",
        }
