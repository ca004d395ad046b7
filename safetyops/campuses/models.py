"""Campuses (school sites) and their checkpoints (doors, gates, perimeter, lots)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.accounts.models import user_campus
from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    from safetyops.accounts.models import User


class GradeBand(enum.StrEnum):
    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"
    K8 = "k8"
    K12 = "k12"
    OTHER = "other"


class CheckpointKind(enum.StrEnum):
    EXTERIOR_DOOR = "exterior_door"
    INTERIOR_DOOR = "interior_door"
    GATE = "gate"
    PERIMETER = "perimeter"
    PARKING_LOT = "parking_lot"
    OTHER = "other"


class ExpectedState(enum.StrEnum):
    LOCKED = "locked"
    CLOSED = "closed"
    CLEAR = "clear"
    SECURE = "secure"


class Campus(Base):
    __tablename__ = "campus"
    __table_args__ = (enum_check("grade_band", GradeBand, blank=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    grade_band: Mapped[str] = mapped_column(String(20), default="")
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # ISO weekdays school is in session (Monday = 1); terms and closures do the rest.
    school_weekdays: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5])
    # Local time of the daily drill reminders ("HH:MM"); empty: the district default.
    reminder_time: Mapped[str] = mapped_column(String(5), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    principal: Mapped[User | None] = relationship(foreign_keys=[principal_id])
    staff: Mapped[list[User]] = relationship(secondary=user_campus, back_populates="campuses")
    checkpoints: Mapped[list[Checkpoint]] = relationship(
        back_populates="campus", order_by="Checkpoint.walk_order"
    )

    def __repr__(self) -> str:
        return f"<Campus {self.code}>"


class Checkpoint(Base):
    __tablename__ = "checkpoint"
    __table_args__ = (
        UniqueConstraint("campus_id", "name"),
        enum_check("kind", CheckpointKind),
        enum_check("expected_state", ExpectedState),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(20))
    location_notes: Mapped[str] = mapped_column(Text, default="")
    expected_state: Mapped[str] = mapped_column(String(20), default=ExpectedState.LOCKED)
    walk_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    campus: Mapped[Campus] = relationship(back_populates="checkpoints")

    def __repr__(self) -> str:
        return f"<Checkpoint {self.campus_id}:{self.name}>"
