"""Notifications (in-app and email), job bookkeeping, planned drills, calendar feeds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus


class EmailPreference(enum.StrEnum):
    EACH = "each"  # one email per notification
    DIGEST = "digest"  # one email a day
    NONE = "none"  # in-app only


class EmailStatus(enum.StrEnum):
    PENDING = "pending"  # to send (again)
    SENDING = "sending"  # claimed by one process
    SENT = "sent"
    DIGEST = "digest"  # waits for the daily digest
    SKIPPED = "skipped"  # the user wants no email, or has no address
    FAILED = "failed"  # gave up after the last retry


class Notification(Base):
    """One message to one user. ``key`` is unique: a job that runs twice (or in two
    processes at once) cannot notify anyone twice about the same thing."""

    __tablename__ = "notification"
    __table_args__ = (
        enum_check("email_status", EmailStatus),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_email_status", "email_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What it is about: the kind's parameters (JSON), rendered in the reader's language at
    # display and email time (notifications/kinds.py). None: a row from before 0014.
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The English text as of creation: readable in the table, and what rows without
    # params (or of a kind no longer known) show.
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    email_status: Mapped[str] = mapped_column(String(10), default=EmailStatus.PENDING)
    email_attempts: Mapped[int] = mapped_column(default=0)
    email_claimed_at: Mapped[datetime | None]
    email_sent_at: Mapped[datetime | None]
    email_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
    campus: Mapped[Campus | None] = relationship()
