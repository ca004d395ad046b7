"""The drill CSV: one format, one column list, used by the campus's drill export and by
the district export (/exports/drills.csv). Rows are written as they are read, in batches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from safetyops.core.csv_export import SafeWriter
from safetyops.drills.models import Drill, DrillAmendment
from safetyops.extensions import db

BATCH = 500

COLUMNS = [
    "id", "campus_code", "type", "real_event", "announced", "date", "started_at", "ended_at",
    "conducted_by", "notification_method", "staff_participating", "occupants",
    "time_to_complete_seconds", "hazard", "evacuation_location", "special_conditions",
    "problems", "problems_notes", "weather", "observers", "debrief_notes", "follow_ups",
    "signed_off_by", "signed_off_at", "amendments",
]  # fmt: skip


def row(drill: Drill) -> list:
    """One drill as a CSV row: local times in the campus's zone, lists joined."""
    zone = ZoneInfo(drill.campus.timezone)
    return [
        drill.id,
        drill.campus.code,
        drill.drill_type,
        str(drill.real_event).lower(),
        str(drill.announced).lower(),
        drill.local_date.isoformat(),
        drill.started_at.astimezone(zone).isoformat(timespec="minutes"),
        drill.ended_at.astimezone(zone).isoformat(timespec="minutes") if drill.ended_at else "",
        drill.conducted_by,
        drill.notification_method,
        drill.staff_participating if drill.staff_participating is not None else "",
        drill.occupants if drill.occupants is not None else "",
        drill.time_to_complete_seconds if drill.time_to_complete_seconds is not None else "",
        drill.hazard,
        drill.evacuation_location,
        drill.special_conditions,
        ";".join(drill.problems),
        drill.problems_notes,
        drill.weather,
        ";".join(drill.observers),
        drill.debrief_notes,
        "; ".join(
            f"{f['action']} ({f.get('owner') or '-'}, {f.get('due') or '-'})"
            for f in drill.follow_ups
        ),
        drill.signed_off_by.name if drill.signed_off_by else "",
        drill.signed_off_at.astimezone(zone).isoformat(timespec="minutes")
        if drill.signed_off_at
        else "",
        len(drill.amendments),
    ]


def records(campus_ids: list[int] | None, start: date, end: date) -> Select:
    """Drills held from ``start`` to ``end`` (local dates) at these campuses (None: all)."""
    query = (
        select(Drill)
        .where(Drill.local_date.between(start, end))
        .options(
            selectinload(Drill.campus),
            selectinload(Drill.signed_off_by),
            selectinload(Drill.amendments).selectinload(DrillAmendment.author),
        )
        .order_by(Drill.started_at, Drill.id)
    )
    if campus_ids is not None:
        query = query.where(Drill.campus_id.in_(campus_ids))
    return query


def stream(query: Select) -> Iterator[str]:
    """The header, then the rows in chunks of ``BATCH`` drills."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(COLUMNS)
    result = db.session.scalars(query.execution_options(yield_per=BATCH))
    for drills in result.partitions():
        for drill in drills:
            writer.writerow(row(drill))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
