"""School calendar entries: terms and non-school days, district-wide or for one campus."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    from safetyops.campuses.models import Campus


class CalendarKind(enum.StrEnum):
    TERM = "term"
    CLOSED = "closed"


class CalendarEntry(Base):
    """A term (first day of classes to last day) or a closure (holiday, break, closure).

    ``campus_id`` is NULL for district-wide entries.
    """

    __tablename__ = "calendar_entry"
    __table_args__ = (
        enum_check("kind", CalendarKind),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        Index("ix_calendar_entry_lookup", "campus_id", "kind", "start_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    start_date: Mapped[date]
    end_date: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campus: Mapped[Campus | None] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarEntry {self.kind} {self.name} {self.start_date}..{self.end_date}>"
