"""Public posting of a campus's drill records (opt-in periods) and cancelled or missed
drills. Both are append-only: an opt-in period is closed (once), never edited or deleted;
a cancellation is never changed (the database refuses it, migration 0016)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, slug_check, utcnow

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus


class CancellationKind(enum.StrEnum):
    """Why a planned drill did not take place: called off ahead, or simply not held."""

    CANCELLED = "cancelled"
    MISSED = "missed"


class PublicPosting(Base):
    """One period during which a campus's signed-off drills are public.

    Opting in opens a period, opting out closes it. A drill counts as posted at the first
    moment it was both signed off and inside an open period (postings.domain.posted_at),
    so the history of these rows is the record of when each drill became public.
    """

    __tablename__ = "public_posting"
    # One open period per campus, enforced by the database (partial unique index).
    __table_args__ = (
        Index(
            "uq_public_posting_open_campus",
            "campus_id",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    campus: Mapped[Campus] = relationship()


class DrillCancellation(Base):
    """A drill that was cancelled or missed, with the reason. Never changed or deleted."""

    __tablename__ = "drill_cancellation"
    __table_args__ = (
        Index("ix_drill_cancellation_campus_day", "campus_id", "scheduled_for"),
        slug_check("drill_type"),
        enum_check("kind", CancellationKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    # Client-generated key: a retried or double-tapped submit stores one record.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    drill_type: Mapped[str] = mapped_column(String(40))
    # The campus-local day the drill was to be held.
    scheduled_for: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    campus: Mapped[Campus] = relationship()
    recorded_by: Mapped[User | None] = relationship()
