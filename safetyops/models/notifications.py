"""Notifications (in-app and email), job bookkeeping, planned drills, calendar feeds."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.models.base import Base, utcnow

if TYPE_CHECKING:
    from safetyops.models.accounts import User
    from safetyops.models.campuses import Campus


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
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_email_status", "email_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id"))
    kind: Mapped[str] = mapped_column(String(40))
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


class JobSlot(Base):
    """A job's once-per-period work, claimed by inserting its key (e.g. the weekly report
    of 2026-W48, a user's digest of a day). Also records each job run for ``jobs list``."""

    __tablename__ = "job_slot"
    __table_args__ = (UniqueConstraint("job_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    as_of: Mapped[date | None]
    ok: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")


class DrillPlan(Base):
    """A drill a principal plans ahead; shown on the compliance page and the iCal feed."""

    __tablename__ = "drill_plan"
    __table_args__ = (Index("ix_drill_plan_campus_day", "campus_id", "planned_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    drill_type: Mapped[str] = mapped_column(String(40))
    planned_for: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    campus: Mapped[Campus] = relationship()


class CalendarFeed(Base):
    """A campus's private iCalendar feed. The URL's secret is stored as a digest only."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    campus: Mapped[Campus] = relationship()


class WeeklyReport(Base):
    """The district's weekly report as generated on Monday: what was sent, kept as sent."""

    __tablename__ = "weekly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)  # 2026-W47
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)
