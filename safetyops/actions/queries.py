"""What pages, the home page and the weekly report show of corrective actions, in a fixed
number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from safetyops.actions import domain
from safetyops.actions.domain import ActionStatus
from safetyops.actions.models import CorrectiveAction
from safetyops.campuses.models import Campus
from safetyops.extensions import db


def _load() -> tuple:
    # Built per query, not at import: a loader option configures the mappers, which needs
    # every model imported first (the scheduler's registry imports this module early).
    return (
        selectinload(CorrectiveAction.owner),
        selectinload(CorrectiveAction.closed_by),
        selectinload(CorrectiveAction.campus),
    )


def for_drills(drill_ids: Iterable[int]) -> dict[int, list[CorrectiveAction]]:
    """Each drill's actions (open first, then by due date), in one query and its loads."""
    ids = list(drill_ids)
    out: dict[int, list[CorrectiveAction]] = defaultdict(list)
    if not ids:
        return out
    rows = db.session.scalars(
        select(CorrectiveAction)
        .where(CorrectiveAction.drill_id.in_(ids))
        .options(*_load())
        .order_by(CorrectiveAction.status.desc(), CorrectiveAction.due_on, CorrectiveAction.id)
    )
    for action in rows:
        out[action.drill_id].append(action)
    return out


def listing(campus_ids: list[int] | None, status: str | None) -> list[CorrectiveAction]:
    """Actions of these campuses (None: all), open first and soonest due; at most 500."""
    query = select(CorrectiveAction).options(*_load(), selectinload(CorrectiveAction.drill))
    if campus_ids is not None:
        query = query.where(CorrectiveAction.campus_id.in_(campus_ids))
    if status in {s.value for s in ActionStatus}:
        query = query.where(CorrectiveAction.status == status)
    return list(
        db.session.scalars(
            query.order_by(
                CorrectiveAction.status.desc(), CorrectiveAction.due_on, CorrectiveAction.id
            ).limit(500)
        )
    )


def open_for(campus_ids: list[int] | None, limit: int = 20) -> list[CorrectiveAction]:
    """Open actions, soonest due first (the principal's home)."""
    return listing(campus_ids, ActionStatus.OPEN)[:limit]


def overdue_candidates(campus_ids: Sequence[int], latest_today: date) -> list[CorrectiveAction]:
    """Open actions due before ``latest_today`` (each campus then checks its own date)."""
    return list(
        db.session.scalars(
            select(CorrectiveAction)
            .where(
                CorrectiveAction.status == ActionStatus.OPEN,
                CorrectiveAction.due_on < latest_today,
                CorrectiveAction.campus_id.in_(list(campus_ids)),
            )
            .options(selectinload(CorrectiveAction.owner), selectinload(CorrectiveAction.drill))
        )
    )


def weekly(campuses: Sequence[Campus], monday: date, sunday: date) -> dict[str, Any]:
    """The weekly report's section (JSON-ready, stored in the snapshot): per campus, the
    actions open at the end of the week, how many overdue, how many closed that week, and
    the open ones soonest due. Two queries."""
    ids = [c.id for c in campuses]
    end = datetime.combine(sunday + timedelta(days=1), time.min, UTC)
    start = datetime.combine(monday, time.min, UTC)
    rows = db.session.scalars(
        select(CorrectiveAction)
        .where(
            CorrectiveAction.campus_id.in_(ids),
            CorrectiveAction.created_at < end,
            (CorrectiveAction.closed_at.is_(None)) | (CorrectiveAction.closed_at >= start),
        )
        .options(selectinload(CorrectiveAction.owner))
        .order_by(CorrectiveAction.due_on, CorrectiveAction.id)
    ).all()
    by_campus: dict[int, dict[str, Any]] = {}
    for campus in campuses:
        by_campus[campus.id] = {"code": campus.code, "name": campus.name, "open": 0,
                                "overdue": 0, "closed": 0, "items": []}  # fmt: skip
    for action in rows:
        section = by_campus[action.campus_id]
        open_at_end = action.closed_at is None or action.closed_at >= end
        if action.closed_at is not None and start <= action.closed_at < end:
            section["closed"] += 1
        if not open_at_end:
            continue
        section["open"] += 1
        late = domain.is_overdue(ActionStatus.OPEN, action.due_on, sunday)
        section["overdue"] += late
        if len(section["items"]) < 10:
            section["items"].append(
                {"id": action.id, "description": action.description,
                 "owner": action.owner.name, "due": action.due_on.isoformat(), "overdue": late,
                 "drill_id": action.drill_id}
            )  # fmt: skip
    campuses_out = [s for s in by_campus.values() if s["open"] or s["closed"]]
    campuses_out.sort(key=lambda s: s["name"])
    return _totals(campuses_out)


def _totals(campuses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "open": sum(s["open"] for s in campuses),
        "overdue": sum(s["overdue"] for s in campuses),
        "closed": sum(s["closed"] for s in campuses),
        "campuses": campuses,
    }


def weekly_for_codes(section: dict[str, Any], codes: set[str]) -> dict[str, Any]:
    """The weekly section cut down to these campuses (a principal's or one campus's view)."""
    return _totals([c for c in section.get("campuses", []) if c["code"] in codes])


def open_counts(campus_ids: Sequence[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(CorrectiveAction.campus_id, func.count())
            .where(
                CorrectiveAction.status == ActionStatus.OPEN,
                CorrectiveAction.campus_id.in_(list(campus_ids)),
            )
            .group_by(CorrectiveAction.campus_id)
        ).all()
    )
