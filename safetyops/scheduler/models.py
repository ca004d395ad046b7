"""Job bookkeeping: which scheduler holds a slot, and each run of a job."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from safetyops.core.db import Base, utcnow

if TYPE_CHECKING:
    pass


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
    __table_args__ = (
        Index("ix_job_run_job_started", "job_id", "started_at"),
        # Pruning by age (JOB_RUN_KEEP_DAYS) reads by it (migration 0018).
        Index("ix_job_run_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    as_of: Mapped[date | None]
    ok: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
