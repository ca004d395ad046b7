"""What the server received from a tablet's outbox: the three times of each entry."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from safetyops.core.db import Base, enum_check, utcnow


class EntryKind(enum.StrEnum):
    """Outbox entries other than checkpoint results (whose times live on the result)."""

    ROUND_START = "round_start"
    ROUND_COMPLETE = "round_complete"
    DRILL = "drill"
    MEDICAL_CALL = "medical_call"


class OutboxReceipt(Base):
    """One outbox entry received: the device's tap and send times and the server's receive
    time, so a supervisor sees a late sync or a clock that is off. Written once per client
    UUID (a resend keeps the first receipt)."""

    __tablename__ = "outbox_receipt"
    __table_args__ = (
        enum_check("kind", EntryKind),
        # The receipts of a round, a drill or a medical call (migration 0020).
        Index("ix_outbox_receipt_kind_record", "kind", "record_id"),
    )

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id"), index=True)
    record_id: Mapped[int | None]  # the round, drill or medical call it made
    tapped_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    corrected_at: Mapped[datetime | None]
