"""Findings: what a round found wrong at a checkpoint, and what was done about it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus, Checkpoint
    from safetyops.rounds.models import RoundResult


class FindingKind(enum.StrEnum):
    UNLOCKED = "unlocked"
    PROPPED_OPEN = "propped_open"
    DAMAGED = "damaged"
    LOCK_FAULT = "lock_fault"
    LIGHTING_OUT = "lighting_out"
    OBSTRUCTION = "obstruction"
    SUSPICIOUS_ACTIVITY = "suspicious_activity"
    OTHER = "other"


class ActionTaken(enum.StrEnum):
    SECURED = "secured"
    REPORTED_FACILITIES = "reported_facilities"
    CALLED_SUPERVISOR = "called_supervisor"
    CALLED_POLICE = "called_police"
    NONE = "none"


class FindingStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Finding(Base):
    __tablename__ = "finding"
    __table_args__ = (
        enum_check("kind", FindingKind),
        enum_check("status", FindingStatus),
        Index("ix_finding_campus_status", "campus_id", "status"),
        Index("ix_finding_checkpoint_opened", "checkpoint_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[str] = mapped_column(ForeignKey("round_result.id"), unique=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(15), default=FindingStatus.OPEN)
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str] = mapped_column(Text, default="")

    result: Mapped[RoundResult] = relationship(back_populates="finding")
    campus: Mapped[Campus] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
