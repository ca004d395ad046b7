"""Declarative base, constraint naming (needed by Alembic batch mode) and UTC timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC (portable to SQLite), always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


def enum_check(
    column: str, values: Iterable[str], *, nullable: bool = False, blank: bool = False
) -> CheckConstraint:
    """A CHECK that the column holds one of ``values`` (an enumeration's members), so the
    database refuses a value no code path should write. ``blank`` also allows "".

    The allowed values ride along in ``info`` because Alembic's autogenerate does not
    compare CHECK constraints: tests read them to compare the migrated database with the
    enumeration (a member added without a migration fails there)."""
    allowed = sorted({str(v) for v in values} | ({""} if blank else set()))
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in allowed)
    condition = f"{column} IN ({listed})"
    if nullable:
        condition = f"{column} IS NULL OR {condition}"
    return CheckConstraint(
        condition,
        name=f"{column}_allowed",
        info={"column": column, "allowed": frozenset(allowed), "nullable": nullable},
    )


def slug_check(column: str) -> CheckConstraint:
    """Lower-case, no spaces, not empty: the shape of a drill type a rule pack may add
    (the set itself is data, so the database checks the shape, the app the value)."""
    return CheckConstraint(
        f"{column} <> '' AND {column} = lower({column}) AND {column} NOT LIKE '% %'",
        name=f"{column}_shape",
        info={"column": column, "shape": True},
    )
