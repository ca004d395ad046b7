"""Campus areas (buildings, wings, floors, fields) and live drills: the drill run on the
tablets, its areas with their first "clear" time, and every tap (append-only evidence)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, utcnow
from safetyops.live.domain import LIVE_ACTIONS, TapIssue

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus
    from safetyops.drills.models import Drill


class AreaKind(enum.StrEnum):
    BUILDING = "building"
    WING = "wing"
    FLOOR = "floor"
    FIELD = "field"
    OTHER = "other"


class LiveStatus(enum.StrEnum):
    RUNNING = "running"
    ENDED = "ended"


class CampusArea(Base):
    """One area of a campus that is reported clear during a drill, in the campus's order."""

    __tablename__ = "campus_area"
    __table_args__ = (
        UniqueConstraint("campus_id", "name"),
        enum_check("kind", AreaKind),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default=AreaKind.BUILDING)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campus: Mapped[Campus] = relationship()


class LiveDrill(Base):
    """A drill (or a real SRP event) run live on the tablets. Ending it stores the times
    and the drill record it opened (``drill_id``)."""

    __tablename__ = "live_drill"
    __table_args__ = (
        enum_check("drill_type", LIVE_ACTIONS),
        enum_check("status", LiveStatus),
        Index("ix_live_drill_campus_status", "campus_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    # Client-generated key: a retried or double-tapped start opens one drill.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    drill_type: Mapped[str] = mapped_column(String(40))
    real_event: Mapped[bool] = mapped_column(default=False)
    announced: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(10), default=LiveStatus.RUNNING)
    started_at: Mapped[datetime]
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Seconds from the start until the last area was clear; None if one never was.
    all_clear_seconds: Mapped[int | None]
    drill_id: Mapped[int | None] = mapped_column(ForeignKey("drill.id"))

    campus: Mapped[Campus] = relationship()
    started_by: Mapped[User] = relationship(foreign_keys=[started_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    drill: Mapped[Drill | None] = relationship()
    areas: Mapped[list[LiveArea]] = relationship(
        back_populates="live_drill", order_by="LiveArea.position"
    )


class LiveArea(Base):
    """An area as it was when the drill started (its name kept), and when it was first
    reported clear: the earliest tap wins, whichever tablet's request arrived first."""

    __tablename__ = "live_area"
    __table_args__ = (UniqueConstraint("live_drill_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_drill_id: Mapped[int] = mapped_column(ForeignKey("live_drill.id"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("campus_area.id"))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    cleared_at: Mapped[datetime | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Stored when the drill ends: seconds from the start to this area's first clear tap.
    seconds_to_clear: Mapped[int | None]

    live_drill: Mapped[LiveDrill] = relationship(back_populates="areas")
    cleared_by: Mapped[User | None] = relationship()


class LiveTap(Base):
    """One "clear / accounted for" tap from one tablet: never changed or deleted. The id is
    the tablet's UUID for the tap, so a retry or a replayed outbox stores it once."""

    __tablename__ = "live_tap"
    __table_args__ = (enum_check("issue", TapIssue, blank=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    live_drill_id: Mapped[int] = mapped_column(ForeignKey("live_drill.id"), index=True)
    live_area_id: Mapped[int] = mapped_column(ForeignKey("live_area.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tapped_at: Mapped[datetime]  # on the tablet (when the officer tapped)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    issue: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
