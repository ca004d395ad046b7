"""Streaming CSV exports: rows are read with a server-side cursor and written as they come,
so a year of district results exports in constant memory."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select

from safetyops.accounts.models import User
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core.csv_export import SafeWriter
from safetyops.drills import export as drill_export
from safetyops.extensions import db
from safetyops.findings.models import Finding
from safetyops.rounds.models import Round, RoundPlan, RoundResult

BATCH = 2000


def _utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    # Exports take whole UTC days; each row also carries its campus so it can be re-sliced.
    return datetime.combine(start, time.min, UTC), datetime.combine(
        end + timedelta(days=1), time.min, UTC
    )


def _iso(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.isoformat(timespec="seconds")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


EXPORTS = {
    "rounds": [
        "round_id", "campus_code", "plan", "kind", "officer", "started_at", "completed_at",
        "checkpoints", "incomplete_reason",
    ],
    "results": [
        "result_id", "round_id", "campus_code", "checkpoint", "status", "finding_kind",
        "action_taken", "note", "recorded_at", "received_at",
    ],
    "findings": [
        "finding_id", "campus_code", "checkpoint", "kind", "status", "opened_at",
        "acknowledged_at", "resolved_at", "resolution",
    ],
    "drills": drill_export.COLUMNS,
}  # fmt: skip


def _query(kind: str, campus_ids: list[int] | None, start: date, end: date) -> Select:
    since, until = _utc_range(start, end)
    query: Select  # three exports, three row shapes
    if kind == "rounds":
        query = (
            select(Round.id, Campus.code, RoundPlan.name, RoundPlan.kind, User.name,
                   Round.started_at, Round.completed_at, Round.checkpoint_ids,
                   Round.incomplete_reason)
            .join(Campus, Campus.id == Round.campus_id)
            .outerjoin(RoundPlan, RoundPlan.id == Round.plan_id)
            .join(User, User.id == Round.officer_id)
            .where(Round.started_at >= since, Round.started_at < until)
            .order_by(Round.started_at, Round.id)
        )  # fmt: skip
        scope = Round.campus_id
    elif kind == "results":
        query = (
            select(RoundResult.id, RoundResult.round_id, Campus.code, Checkpoint.name,
                   RoundResult.status, RoundResult.finding_kind, RoundResult.action_taken,
                   RoundResult.note, RoundResult.recorded_at, RoundResult.received_at)
            .join(Round, Round.id == RoundResult.round_id)
            .join(Campus, Campus.id == Round.campus_id)
            .join(Checkpoint, Checkpoint.id == RoundResult.checkpoint_id)
            .where(RoundResult.recorded_at >= since, RoundResult.recorded_at < until)
            .order_by(RoundResult.recorded_at, RoundResult.id)
        )  # fmt: skip
        scope = Round.campus_id
    elif kind == "findings":
        query = (
            select(Finding.id, Campus.code, Checkpoint.name, Finding.kind, Finding.status,
                   Finding.opened_at, Finding.acknowledged_at, Finding.resolved_at,
                   Finding.resolution)
            .join(Campus, Campus.id == Finding.campus_id)
            .join(Checkpoint, Checkpoint.id == Finding.checkpoint_id)
            .where(Finding.opened_at >= since, Finding.opened_at < until)
            .order_by(Finding.opened_at, Finding.id)
        )  # fmt: skip
        scope = Finding.campus_id
    else:
        raise ValueError(f"unknown export {kind!r}")
    if campus_ids is not None:
        query = query.where(scope.in_(campus_ids))
    return query


def _cell(kind: str, index: int, value):
    if kind == "rounds" and index == 7:  # checkpoint_ids: how many were on the round
        return len(value or [])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return _iso(value)
    return "" if value is None else value


def stream_csv(kind: str, campus_ids: list[int] | None, start: date, end: date) -> Iterator[str]:
    """CSV text in chunks; the rows come from a streaming cursor, ``BATCH`` at a time."""
    if kind == "drills":  # the one drill CSV format, shared with the campus export
        yield from drill_export.stream(drill_export.records(campus_ids, start, end))
        return
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(EXPORTS[kind])
    result = db.session.execute(
        _query(kind, campus_ids, start, end), execution_options={"yield_per": BATCH}
    )
    for rows in result.partitions():
        for row in rows:
            writer.writerow([_cell(kind, i, v) for i, v in enumerate(row)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    result.close()
    yield buffer.getvalue()
