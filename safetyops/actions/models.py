"""Corrective actions: what a drill's problems led to, owned by a staff member, due on a
date, open until closed with a note."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.actions.domain import ActionStatus
from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus
    from safetyops.drills.models import Drill


class CorrectiveAction(Base):
    __tablename__ = "corrective_action"
    __table_args__ = (
        enum_check("status", ActionStatus),
        Index("ix_corrective_action_campus_status", "campus_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), index=True)
    # Client-generated key: a double tap or a retried form stores one action.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    # The drill problem it answers (drills.schemas.PROBLEM_CHOICES), or "" for none.
    problem: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=ActionStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closing_note: Mapped[str] = mapped_column(Text, default="")

    campus: Mapped[Campus] = relationship()
    drill: Mapped[Drill] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN
