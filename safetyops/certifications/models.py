"""Security firms (the employers of contracted officers), the kinds of certification a
district tracks, officers' certifications, and staff training sessions per campus."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.accounts.models import Role
from safetyops.core.db import Base, enum_check, utcnow

if TYPE_CHECKING:
    from safetyops.accounts.models import Employer, User
    from safetyops.campuses.models import Campus


class TrainingProtocol(enum.StrEnum):
    """The Standard Response Protocol actions staff are trained in: the same values, in the
    same order, as the first five ``drills.domain.DrillType`` members (a test checks it)."""

    HOLD = "hold"
    SECURE = "secure"
    LOCKDOWN = "lockdown"
    EVACUATE = "evacuate"
    SHELTER = "shelter"


# Who may hold certificates: officers, and the firms' supervisors who also patrol.
CERTIFIED_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR})


security_firm_campus = Table(
    "security_firm_campus",
    Base.metadata,
    Column("firm_id", ForeignKey("security_firm.id", ondelete="CASCADE"), primary_key=True),
    Column("campus_id", ForeignKey("campus.id", ondelete="CASCADE"), primary_key=True),
)


class SecurityFirm(Base):
    """A contract security firm. Its officers are the users whose employer is the firm's
    employer record (``accounts.Employer``, kind contractor), so the user admin and the
    firm pages agree on who works for whom."""

    __tablename__ = "security_firm"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), unique=True)
    # The firm's business contact (an account manager), not an officer's private data.
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contract_start: Mapped[date | None]
    contract_end: Mapped[date | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employer: Mapped[Employer] = relationship()
    campuses: Mapped[list[Campus]] = relationship(
        secondary=security_firm_campus, order_by="Campus.name"
    )

    @property
    def name(self) -> str:
        return self.employer.name


# The kinds a new district starts with (migration 0017 seeds the same list).
DEFAULT_KINDS = (
    "CPR/AED",
    "First aid",
    "Firearms qualification",
    "State security licence",
    "SRP training",
)


class CertificationKind(Base):
    """A kind of certification the district tracks (CPR/AED, firearms qualification...):
    a table, so the safety department adds or retires kinds without a deployment."""

    __tablename__ = "certification_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(default=True)


class Certification(Base):
    """One certificate an officer holds. A renewal is a new row; the newest of a kind is
    the one that counts. A wrong entry is withdrawn with a reason, never deleted."""

    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint(
            "expires_on IS NULL OR expires_on >= issued_on", name="expires_after_issued"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("certification_kind.id"))
    number: Mapped[str] = mapped_column(String(80), default="")
    issued_on: Mapped[date]
    expires_on: Mapped[date | None]  # None: does not expire
    # The scanned copy's name in the file store (core.storage), and its media type.
    scan: Mapped[str | None] = mapped_column(String(120))
    scan_type: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="")

    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    kind: Mapped[CertificationKind] = relationship()


class TrainingSession(Base):
    """Staff trained in one SRP protocol at one campus on one day: how many attended,
    never who (no names, no student data)."""

    __tablename__ = "training_session"
    __table_args__ = (
        enum_check("protocol", TrainingProtocol),
        CheckConstraint("attendees >= 1", name="attendees_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campus_id: Mapped[int] = mapped_column(ForeignKey("campus.id"), index=True)
    held_on: Mapped[date]
    protocol: Mapped[str] = mapped_column(String(20))
    attendees: Mapped[int]
    notes: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A mistaken entry is withdrawn with a reason (it stops counting), never deleted.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="")

    campus: Mapped[Campus] = relationship()
