"""Weekly report snapshots: the report as it was sent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    pass


class WeeklyReport(Base):
    """The district's weekly report as generated on Monday: what was sent, kept as sent."""

    __tablename__ = "weekly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)  # 2026-W47
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)


class ReportFileStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportFile(Base):
    """A weekly report PDF kept in the report store (core.storage.report_store): the Monday
    snapshot's, rendered once by the scheduler, or one asked for live and too large to
    render inside a request (the whole district), made in the background with its progress
    here. ``campus_code`` None: every campus the requester sees (the district)."""

    __tablename__ = "report_file"
    __table_args__ = (
        enum_check("status", ReportFileStatus),
        Index("ix_report_file_week", "week", "campus_code", "live"),
        Index("ix_report_file_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))  # 2026-W47
    campus_code: Mapped[str | None] = mapped_column(String(20))
    live: Mapped[bool] = mapped_column(default=False)  # False: from the stored snapshot
    status: Mapped[str] = mapped_column(String(10), default=ReportFileStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    stage: Mapped[str] = mapped_column(String(40), default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    name: Mapped[str] = mapped_column(String(200), default="")  # in the report store
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
