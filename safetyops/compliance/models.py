"""Rule packs as stored: the pack's rules and the campuses that follow it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from safetyops.core.db import Base, utcnow

if TYPE_CHECKING:
    from safetyops.campuses.models import Campus


campus_rule_pack = Table(
    "campus_rule_pack",
    Base.metadata,
    Column("campus_id", ForeignKey("campus.id"), primary_key=True),
    Column("pack_id", ForeignKey("rule_pack.id"), primary_key=True),
)


class RulePackRecord(Base):
    """A loaded rule pack: its TOML as given, and its rules parsed into JSON."""

    __tablename__ = "rule_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    source: Mapped[str] = mapped_column(Text, default="")
    toml: Mapped[str] = mapped_column(Text)
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    drill_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Reminder lead times for this pack's rules (days); NULL: the district's REMINDER_LEAD_DAYS.
    reminder_lead_days: Mapped[list[int] | None] = mapped_column(JSON)
    # Staff training rules ([[training]] in the TOML; certifications.domain), NULL: none.
    training_rules: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    campuses: Mapped[list[Campus]] = relationship(secondary=campus_rule_pack)
