"""Drills and real SRP events, their amendments, medical calls, and rule packs."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, slug_check, utcnow
from safetyops.drills.domain import ShelterHazard

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus

# Fields of a drill record a user fills in; amendments may change any of them.
DRILL_FIELDS = (
    "drill_type",
    "hazard",
    "evacuation_location",
    "real_event",
    "announced",
    "conducted_by",
    "started_at",
    "ended_at",
    "notification_method",
    "staff_participating",
    "occupants",
    "time_to_complete_seconds",
    "special_conditions",
    "problems",
    "problems_notes",
    "weather",
    "observers",
    "debrief_notes",
    "follow_ups",
)


class Drill(Base):
    """One drill or real SRP event at one campus. Append-only once signed off."""

    __tablename__ = "drill"
    __table_args__ = (
        Index("ix_drill_campus_day", "campus_id", "local_date"),
        slug_check("drill_type"),
        enum_check("hazard", ShelterHazard, blank=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    # Client-generated key: a retried or double-tapped submit stores one record.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    drill_type: Mapped[str] = mapped_column(String(40))
    hazard: Mapped[str] = mapped_column(String(40), default="")
    evacuation_location: Mapped[str] = mapped_column(String(200), default="")
    real_event: Mapped[bool] = mapped_column(default=False)
    announced: Mapped[bool] = mapped_column(default=True)
    conducted_by: Mapped[str] = mapped_column(String(160), default="")
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # The campus-local date of started_at: what compliance counts by.
    local_date: Mapped[date]
    notification_method: Mapped[str] = mapped_column(String(120), default="")
    staff_participating: Mapped[int | None]
    occupants: Mapped[int | None]
    time_to_complete_seconds: Mapped[int | None]
    special_conditions: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    problems_notes: Mapped[str] = mapped_column(Text, default="")
    weather: Mapped[str] = mapped_column(String(120), default="")
    observers: Mapped[list[str]] = mapped_column(JSON, default=list)
    debrief_notes: Mapped[str] = mapped_column(Text, default="")
    # [{"action": str, "owner": str, "due": "YYYY-MM-DD"}]
    follow_ups: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(10), default="web")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    signed_off_at: Mapped[datetime | None]

    campus: Mapped[Campus] = relationship()
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    amendments: Mapped[list[DrillAmendment]] = relationship(
        back_populates="drill", order_by="DrillAmendment.at"
    )

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def duration_minutes(self) -> int | None:
        if self.ended_at is None:
            return None
        return round((self.ended_at - self.started_at).total_seconds() / 60)


class DrillAmendment(Base):
    """A correction to a signed-off drill record: what changed, why, by whom. Never edited."""

    __tablename__ = "drill_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drill.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    # {field: [old, new]}
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set by a database trigger when the drill row changes with it: one amendment allows
    # exactly one change of a signed-off record (migration 0008).
    applied: Mapped[bool] = mapped_column(default=False, server_default=false())

    drill: Mapped[Drill] = relationship(back_populates="amendments")
    author: Mapped[User] = relationship()


class MedicalCall(Base):
    """An officer's support of a medical emergency. No patient names: location and actions."""

    __tablename__ = "medical_call"
    __table_args__ = (Index("ix_medical_call_campus_called", "campus_id", "called_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    called_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(200))
    # Subset of first_aid, aed, cpr, called_911, escorted_ems
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    ems_arrived_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campus: Mapped[Campus] = relationship()
    officer: Mapped[User | None] = relationship()
