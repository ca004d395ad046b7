"""The append-only audit trail: who did what, when, through which interface."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from safetyops.accounts.models import User
from safetyops.core.db import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    interface: Mapped[str] = mapped_column(String(10))  # web | api | cli | system
    action: Mapped[str] = mapped_column(String(40))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id"), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class EvidenceSeal(Base):
    """One link of a campus's hash chain (chain 0: district-wide audit events): which
    record (and which version of it: a signed drill gets one per applied amendment), the
    hash of its content when sealed, and the link hash to the previous link."""

    __tablename__ = "evidence_seal"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        UniqueConstraint("record_type", "record_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(index=True)
    seq: Mapped[int]
    record_type: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    """Audit events are written once; the ORM refuses to update or delete them."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AppendOnlyError("audit events are append-only")
