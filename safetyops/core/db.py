"""Declarative base, constraint naming (needed by Alembic batch mode) and UTC timestamps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, MetaData, TypeDecorator, insert, inspect
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


def new_rows(model: type, rows: Iterable[dict[str, Any]]) -> list[Any]:
    """Transient ``model`` objects for ``rows`` with the columns' Python defaults filled in,
    as a flush would fill them: for many rows inserted in one batched statement (see
    ``insert_rows``) and audited from the same values."""
    defaults: list[tuple[str, Any]] = []
    mapper: Any = inspect(model)
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if column.default is not None and not column.primary_key:
            defaults.append((attr.key, column.default))
    made = []
    for row in rows:
        values = dict(row)
        for key, default in defaults:
            if key not in values:
                arg = default.arg
                values[key] = arg(None) if callable(arg) else arg
        made.append(model(**values))
    return made


def insert_rows(session: Any, model: type, objects: list[Any]) -> None:
    """One batched INSERT (executemany) of transient ``objects`` made by ``new_rows``; their
    ids are not read back (the caller looks them up by a natural key in one query)."""
    if not objects:
        return
    mapper: Any = inspect(model)
    keys = [a.key for a in mapper.column_attrs]
    session.execute(
        insert(model), [{k: o.__dict__[k] for k in keys if k in o.__dict__} for o in objects]
    )
