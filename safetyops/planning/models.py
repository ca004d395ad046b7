"""Planned drills and each campus's private calendar feed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, slug_check, utcnow

if TYPE_CHECKING:
    from safetyops.campuses.models import Campus


class DrillPlan(Base):
    """A drill a principal plans ahead; shown on the compliance page and the iCal feed."""

    __tablename__ = "drill_plan"
    __table_args__ = (
        Index("ix_drill_plan_campus_day", "campus_id", "planned_for"),
        slug_check("drill_type"),
    )

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
    # One active feed per campus, enforced by the database (partial unique index).
    __table_args__ = (
        Index(
            "uq_calendar_feed_active_campus",
            "campus_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
            sqlite_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    campus: Mapped[Campus] = relationship()
