"""Weekly report snapshots: the report as it was sent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from safetyops.core.db import Base, utcnow

if TYPE_CHECKING:
    pass


class WeeklyReport(Base):
    """The district's weekly report as generated on Monday: what was sent, kept as sent."""

    __tablename__ = "weekly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)  # 2026-W47
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict] = mapped_column(JSON)
