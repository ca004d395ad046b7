"""Patrol rounds: plans (what is expected when), rounds walked, results, findings, amendments."""

from __future__ import annotations

import enum
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, enum_check, utcnow
from safetyops.findings.models import ActionTaken, FindingKind

if TYPE_CHECKING:
    from safetyops.accounts.models import User
    from safetyops.campuses.models import Campus, Checkpoint
    from safetyops.findings.models import Finding


class RoundKind(enum.StrEnum):
    EXTERIOR_DOOR_CHECK = "exterior_door_check"
    PERIMETER_SWEEP = "perimeter_sweep"
    INTERIOR_CHECK = "interior_check"


class ResultStatus(enum.StrEnum):
    OK = "ok"
    PROBLEM = "problem"


class CaptureMethod(enum.StrEnum):
    """How a result was captured: proof of presence that flags rather than refuses."""

    QR = "qr"  # the checkpoint's QR label was scanned
    LIST = "list"  # a tap in the round's list
    FORM = "form"  # the no-JavaScript form


class RoundPlan(Base):
    __tablename__ = "round_plan"
    __table_args__ = (enum_check("kind", RoundKind),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))
    # ISO weekdays the plan runs on, e.g. [1, 2, 3, 4, 5] for Monday to Friday.
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=lambda: [1, 2, 3, 4, 5])
    school_days_only: Mapped[bool] = mapped_column(default=True)
    grace_minutes: Mapped[int] = mapped_column(default=15)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campus: Mapped[Campus] = relationship()
    windows: Mapped[list[RoundPlanWindow]] = relationship(
        back_populates="plan", order_by="RoundPlanWindow.start", cascade="all, delete-orphan"
    )
    stops: Mapped[list[RoundPlanStop]] = relationship(
        back_populates="plan", order_by="RoundPlanStop.position", cascade="all, delete-orphan"
    )


class RoundPlanWindow(Base):
    __tablename__ = "round_plan_window"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("round_plan.id"), index=True)
    start: Mapped[time]
    end: Mapped[time]

    plan: Mapped[RoundPlan] = relationship(back_populates="windows")


class RoundPlanStop(Base):
    """A checkpoint of a plan, in walking order."""

    __tablename__ = "round_plan_stop"
    __table_args__ = (UniqueConstraint("plan_id", "checkpoint_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("round_plan.id"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    position: Mapped[int]

    plan: Mapped[RoundPlan] = relationship(back_populates="stops")
    checkpoint: Mapped[Checkpoint] = relationship()


class Round(Base):
    """One walk by one officer. Append-only once completed (corrections are amendments)."""

    __tablename__ = "round"
    __table_args__ = (Index("ix_round_campus_started", "campus_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("round_plan.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # The client's id for "start this round", so a double tap starts one round.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(index=True)
    incomplete_reason: Mapped[str] = mapped_column(Text, default="")
    # The checkpoints of the round in walking order, fixed when it starts.
    checkpoint_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    campus: Mapped[Campus] = relationship()
    plan: Mapped[RoundPlan | None] = relationship()
    officer: Mapped[User] = relationship()
    results: Mapped[list[RoundResult]] = relationship(
        back_populates="round", order_by="RoundResult.received_at"
    )
    amendments: Mapped[list[RoundAmendment]] = relationship(
        back_populates="round", order_by="RoundAmendment.id"
    )

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class RoundResult(Base):
    """One checkpoint checked. The id is the client's UUID: the same result sent twice is one."""

    __tablename__ = "round_result"
    __table_args__ = (
        enum_check("status", ResultStatus),
        enum_check("finding_kind", FindingKind, nullable=True),
        enum_check("action_taken", ActionTaken, nullable=True),
        enum_check("capture", CaptureMethod, nullable=True),
        Index("ix_round_result_checkpoint_recorded", "checkpoint_id", "recorded_at"),
        Index("ix_round_result_recorded", "recorded_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"))
    status: Mapped[str] = mapped_column(String(10))  # ok | problem
    finding_kind: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    action_taken: Mapped[str | None] = mapped_column(String(30))
    photo: Mapped[str | None] = mapped_column(String(255))
    recorded_at: Mapped[datetime]  # the device's clock
    received_at: Mapped[datetime] = mapped_column(default=utcnow)  # the server's clock
    # The device's clock when the tablet sent it (an offline tap is sent later): with
    # received_at it estimates the device's clock skew; corrected_at is recorded_at minus
    # that skew (offline/domain.py). None: sent without the outbox (the no-JS form).
    sent_at: Mapped[datetime | None]
    corrected_at: Mapped[datetime | None]
    capture: Mapped[str | None] = mapped_column(String(10))  # CaptureMethod

    round: Mapped[Round] = relationship(back_populates="results")
    checkpoint: Mapped[Checkpoint] = relationship()
    finding: Mapped[Finding | None] = relationship(back_populates="result")


class RoundAmendment(Base):
    """A correction to a completed round, shown beside the original; never an edit."""

    __tablename__ = "round_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id"), index=True)
    result_id: Mapped[str | None] = mapped_column(ForeignKey("round_result.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    round: Mapped[Round] = relationship(back_populates="amendments")
    author: Mapped[User] = relationship()
