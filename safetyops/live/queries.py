"""What the live pages and the drill record show of live drills, in a bounded number of
queries: a drill's state as the tablets poll it, a campus's areas and running drills, and
the per-area times of ended drills for their drill records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import User
from safetyops.campuses.models import Campus
from safetyops.core.db import utcnow
from safetyops.extensions import db
from safetyops.live import domain
from safetyops.live.models import CampusArea, LiveArea, LiveDrill, LiveStatus, LiveTap


def areas_of(campus: Campus, include_inactive: bool = False) -> list[CampusArea]:
    query = select(CampusArea).where(CampusArea.campus_id == campus.id)
    if not include_inactive:
        query = query.where(CampusArea.active.is_(True))
    return list(
        db.session.scalars(
            query.order_by(CampusArea.active.desc(), CampusArea.position, CampusArea.name)
        )
    )


def running(campus: Campus) -> list[LiveDrill]:
    return list(
        db.session.scalars(
            select(LiveDrill)
            .where(LiveDrill.campus_id == campus.id, LiveDrill.status == LiveStatus.RUNNING)
            .options(selectinload(LiveDrill.started_by))
            .order_by(LiveDrill.started_at.desc())
        )
    )


def state(live: LiveDrill) -> dict[str, Any]:
    """The drill as every tablet sees it (``LiveOut``): three queries (the drill is loaded;
    its areas; its taps with their officers)."""
    areas = list(
        db.session.scalars(
            select(LiveArea).where(LiveArea.live_drill_id == live.id).order_by(LiveArea.position)
        )
    )
    rows = db.session.execute(
        select(LiveTap, User.name)
        .join(User, User.id == LiveTap.user_id)
        .where(LiveTap.live_drill_id == live.id)
        .order_by(LiveTap.tapped_at, LiveTap.id)
    ).all()
    by_area_row = {a.id: a for a in areas}
    names = {tap.user_id: name for tap, name in rows}
    taps = [
        domain.Tap(t.id, by_area_row[t.live_area_id].area_id, t.tapped_at, t.user_id, t.issue,
                   t.note)
        for t, _name in rows
    ]  # fmt: skip
    late = {t.id for t, _name in rows if _late(live, t)}
    first = {tap.id for tap in domain.first_clear(t for t in taps if t.id not in late).values()}
    by_area: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for tap in taps:
        by_area[tap.area].append(
            {"id": tap.id, "area_id": tap.area, "by": names.get(tap.by, ""),
             "tapped_at": tap.at.isoformat(),
             "seconds": domain.seconds_between(live.started_at, tap.at),
             "issue": tap.issue or None, "note": tap.note, "first": tap.id in first}
        )  # fmt: skip
    out_areas = []
    for area in areas:
        seconds = area.seconds_to_clear
        if seconds is None and area.cleared_at is not None:
            seconds = domain.seconds_between(live.started_at, area.cleared_at)
        cleared_by = next((t["by"] for t in by_area[area.area_id] if t["first"]), None)
        out_areas.append(
            {"area_id": area.area_id, "name": area.name,
             "cleared_at": area.cleared_at.isoformat() if area.cleared_at else None,
             "cleared_by": cleared_by if area.cleared_at else None, "seconds": seconds,
             "taps": by_area[area.area_id]}
        )  # fmt: skip
    return {
        "id": live.id,
        "campus": live.campus.code,
        "drill_type": live.drill_type,
        "real_event": live.real_event,
        "announced": live.announced,
        "status": live.status,
        "started_at": live.started_at.isoformat(),
        "ended_at": live.ended_at.isoformat() if live.ended_at else None,
        "server_now": utcnow().isoformat(),
        "cleared": sum(1 for a in areas if a.cleared_at is not None),
        "total": len(areas),
        "all_clear_seconds": live.all_clear_seconds,
        "drill_id": live.drill_id,
        "areas": out_areas,
    }


def tap_out(live: LiveDrill, tap: LiveTap) -> dict[str, Any]:
    """One tap as ``TapOut``, and whether it is its area's clear time: one query (the
    taps of that area, with their officers' names)."""
    rows = db.session.execute(
        select(LiveTap, User.name, LiveArea.area_id)
        .join(User, User.id == LiveTap.user_id)
        .join(LiveArea, LiveArea.id == LiveTap.live_area_id)
        .where(LiveTap.live_area_id == tap.live_area_id)
    ).all()
    taps = [domain.Tap(t.id, area_id, t.tapped_at, t.user_id, t.issue, t.note)
            for t, _name, area_id in rows]  # fmt: skip
    late = {t.id for t, _name, _area in rows if _late(live, t)}
    first = domain.first_clear(t for t in taps if t.id not in late)
    names = {t.id: name for t, name, _area in rows}
    mine = next(t for t in taps if t.id == tap.id)
    return {
        "id": mine.id,
        "area_id": mine.area,
        "by": names[mine.id],
        "tapped_at": mine.at.isoformat(),
        "seconds": domain.seconds_between(live.started_at, mine.at),
        "issue": mine.issue or None,
        "note": mine.note,
        "first": mine.area in first and first[mine.area].id == mine.id,
    }


def _late(live: LiveDrill, tap: LiveTap) -> bool:
    """Received after the drill ended (queued offline): kept, but it clears nothing."""
    return live.ended_at is not None and tap.received_at > live.ended_at


def for_drills(drill_ids: Iterable[int]) -> dict[int, LiveDrill]:
    """The live drill (with its areas) that opened each of these drill records: two queries."""
    ids = list(drill_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(LiveDrill).where(LiveDrill.drill_id.in_(ids)).options(selectinload(LiveDrill.areas))
    )
    return {live.drill_id: live for live in rows if live.drill_id is not None}


def issues_by_drill(drill_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each live drill record's reported issues (area, issue, note), for the after-action
    form's suggestions: one query."""
    ids = list(drill_ids)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not ids:
        return out
    rows = db.session.execute(
        select(LiveDrill.drill_id, LiveArea.name, LiveTap.issue, LiveTap.note)
        .join(LiveTap, LiveTap.live_drill_id == LiveDrill.id)
        .join(LiveArea, LiveArea.id == LiveTap.live_area_id)
        .where(LiveDrill.drill_id.in_(ids), (LiveTap.issue != "") | (LiveTap.note != ""))
        .order_by(LiveTap.tapped_at)
    )
    for drill_id, area, issue, note in rows:
        if drill_id is not None:
            out[drill_id].append({"area": area, "issue": issue, "note": note})
    return out
