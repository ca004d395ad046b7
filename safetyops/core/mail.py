"""Sending email over SMTP (``SAFETYOPS_SMTP_*`` settings): plain text plus HTML."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


class MailNotConfigured(RuntimeError):
    pass


def is_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def message_id(local_part: str) -> str:
    """A Message-ID of our own making, on the sender's domain: the same email sent again
    (after a crash between SMTP's answer and our record of it) carries the same one, so mail
    clients and archives see one message."""
    return f"<{local_part}@{_sender_domain() or 'localhost'}>"


def _sender_domain() -> str:
    """The domain of MAIL_FROM ("SafetyOps <safetyops@district.org>": district.org)."""
    return current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">")


def send_email(
    to: str, subject: str, text: str, html: str | None = None, msgid: str | None = None
) -> str:
    """Send one message; returns its Message-ID (``msgid``, or a new random one). Raises on
    any SMTP or network error."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise MailNotConfigured("SAFETYOPS_SMTP_HOST is not set")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = msgid or make_msgid(domain=_sender_domain() or None)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    tls = str(config.get("SMTP_TLS", "starttls")).lower()
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    timeout = float(config.get("SMTP_TIMEOUT", 10))
    client: smtplib.SMTP
    if tls == "ssl":
        client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
    with client:
        if tls in ("starttls", "true", "1", "yes"):
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USER"):
            client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        client.send_message(message)
    return message["Message-ID"]
