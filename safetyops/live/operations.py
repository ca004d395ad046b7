"""Campus areas (add, edit, deactivate, CSV import) and live drills (start, tap, end)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from safetyops.accounts.models import User
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.core.csv import ImportReport
from safetyops.core.db import utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.core.transitions import transition
from safetyops.drills import operations as drills
from safetyops.drills.schemas import TEXT_MAX
from safetyops.extensions import db
from safetyops.live import domain
from safetyops.live.csv import parse_areas
from safetyops.live.forms import ISSUE_LABELS
from safetyops.live.models import (
    AreaKind,
    CampusArea,
    LiveArea,
    LiveDrill,
    LiveStatus,
    LiveTap,
)
from safetyops.live.schemas import AREA_NAME_MAX, TapIn
from safetyops.rounds.operations import Conflict

AREA_FIELDS = ["name", "kind", "position", "active"]


# ---- campus areas ------------------------------------------------------------------------


def _clean_area(campus: Campus, data: dict[str, Any], exclude_id: int | None = None) -> dict:
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the area a name.")
    elif len(name) > AREA_NAME_MAX:
        errors["name"] = _("At most %(n)d characters.", n=AREA_NAME_MAX)
    else:
        other = db.session.scalar(
            select(CampusArea.id).where(CampusArea.campus_id == campus.id, CampusArea.name == name)
        )
        if other is not None and other != exclude_id:
            errors["name"] = _("This campus already has an area with this name.")
    kind = data.get("kind") or AreaKind.BUILDING
    if kind not in {k.value for k in AreaKind}:
        errors["kind"] = _("Unknown kind.")
    position = data.get("position")
    if position is not None and (not isinstance(position, int) or not 0 <= position < 2**31):
        errors["position"] = _("Enter a whole number, 0 or more.")
    if errors:
        raise ValidationFailed(errors)
    return {"name": name, "kind": kind, "position": position}


def create_area(campus: Campus, data: dict[str, Any]) -> CampusArea:
    values = _clean_area(campus, data)
    if values["position"] is None:
        last = db.session.scalar(
            select(CampusArea.position)
            .where(CampusArea.campus_id == campus.id)
            .order_by(CampusArea.position.desc())
            .limit(1)
        )
        values["position"] = (last or 0) + 10
    area = CampusArea(campus_id=campus.id, **values)
    db.session.add(area)
    db.session.flush()
    audit.record(
        "create",
        "campus_area",
        area.id,
        audit.diff({}, audit.snapshot(area, AREA_FIELDS)),
        campus_id=campus.id,
    )
    db.session.commit()
    return area


def update_area(area: CampusArea, data: dict[str, Any]) -> CampusArea:
    values = _clean_area(area.campus, data, exclude_id=area.id)
    if values["position"] is None:
        values["position"] = area.position
    before = audit.snapshot(area, AREA_FIELDS)
    for key, value in values.items():
        setattr(area, key, value)
    changes = audit.diff(before, audit.snapshot(area, AREA_FIELDS))
    if changes:
        audit.record("update", "campus_area", area.id, changes, campus_id=area.campus_id)
    db.session.commit()
    return area


def move_area(area: CampusArea, up: bool) -> bool:
    """Swap ``area`` with its neighbour above (or below) in the campus's order (among the
    active areas, or the deactivated ones, as the page lists them); the list is renumbered
    10, 20, ... so equal positions cannot stick. False at either end."""
    areas = list(
        db.session.scalars(
            select(CampusArea)
            .where(CampusArea.campus_id == area.campus_id, CampusArea.active == area.active)
            .order_by(CampusArea.position, CampusArea.name)
        )
    )
    index = next(i for i, a in enumerate(areas) if a.id == area.id)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(areas):
        return False
    before = {a.id: a.position for a in areas}
    areas[index], areas[other] = areas[other], areas[index]
    for n, item in enumerate(areas):
        item.position = (n + 1) * 10
    changes = {a.name: [before[a.id], a.position] for a in areas if before[a.id] != a.position}
    audit.record("reorder", "campus_area", area.id, changes, campus_id=area.campus_id)
    db.session.commit()
    return True


def set_area_active(area: CampusArea, active: bool) -> None:
    if audit.record_active_change(area, active, "campus_area", area.campus_id):
        db.session.commit()


def import_areas(text: str, campus_codes: set[str] | None = None) -> ImportReport:
    """Create or update areas by (campus_code, name); a file with any bad row imports
    nothing. ``campus_codes``: the campuses the importer may change (None: all). A fixed
    number of queries whatever the file's size: the campuses and their areas read once, the
    new areas inserted in one batch, the changed ones updated in one, and one audit event
    per campus naming what changed."""
    query = select(Campus)
    if campus_codes is not None:
        query = query.where(Campus.code.in_(sorted(campus_codes)))
    campuses = {c.code: c for c in db.session.scalars(query)}
    parsed = parse_areas(text, set(campuses))
    if not parsed.ok:
        return ImportReport(errors=parsed.errors)
    report = ImportReport()
    existing = {
        (a.campus_id, a.name): a
        for a in db.session.scalars(
            select(CampusArea).where(CampusArea.campus_id.in_([c.id for c in campuses.values()]))
        )
    }
    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    changes: dict[int, dict[str, Any]] = {}
    now = utcnow()
    for row in parsed.rows:
        campus = campuses[row.pop("campus_code")]
        area = existing.get((campus.id, row["name"]))
        if area is None:
            created.append({"campus_id": campus.id, "active": True, "created_at": now, **row})
            changes.setdefault(campus.id, {}).setdefault("created", []).append(row)
            continue
        diff = audit.diff(audit.snapshot(area, list(row)), row)
        if diff:
            updated.append({"id": area.id, **row})
            changes.setdefault(campus.id, {}).setdefault("updated", {})[area.name] = diff
            report.updated += 1
        else:
            report.unchanged += 1
    if created:
        db.session.execute(insert(CampusArea), created)
    if updated:
        db.session.execute(update(CampusArea), updated)
    for campus_id, change in changes.items():
        audit.record(
            "import",
            "campus_area",
            campus_id,  # the campus whose list of areas the file changed
            {key: [None, value] for key, value in change.items()},
            campus_id=campus_id,
        )
    report.created = len(created)
    db.session.commit()
    return report


# ---- live drills -------------------------------------------------------------------------


def start(
    campus: Campus, user: User, data: dict[str, Any], client_id: str
) -> tuple[LiveDrill, bool]:
    """Open a live drill once per ``client_id`` over the chosen areas. (live, created)."""
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationFailed({"client_id": _("Missing submission id; reload the form.")})
    existing = db.session.scalar(select(LiveDrill).where(LiveDrill.client_id == client_id))
    if existing is not None:
        if existing.campus_id != campus.id:
            raise ValidationFailed({"client_id": _("That submission id belongs to another drill.")})
        return existing, False
    errors: dict[str, str] = {}
    drill_type = data.get("drill_type")
    if drill_type not in domain.LIVE_ACTIONS:
        errors["drill_type"] = _("Choose the SRP action.")
    wanted = {int(i) for i in data.get("area_ids") or [] if str(i).isdigit()}
    areas = list(
        db.session.scalars(
            select(CampusArea)
            .where(
                CampusArea.campus_id == campus.id,
                CampusArea.active.is_(True),
                CampusArea.id.in_(wanted),
            )
            .order_by(CampusArea.position, CampusArea.name)
        )
    )
    if not areas or len(areas) != len(wanted):
        errors["area_ids"] = _("Choose the areas to report clear (this campus's areas).")
    if errors:
        raise ValidationFailed(errors)
    live = LiveDrill(
        campus_id=campus.id,
        client_id=client_id,
        drill_type=drill_type,
        real_event=bool(data.get("real_event")),
        announced=bool(data.get("announced")),
        status=LiveStatus.RUNNING,
        started_at=utcnow(),
        started_by_id=user.id,
    )
    db.session.add(live)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same start arrived twice at once: the first stands
        winner = db.session.scalar(select(LiveDrill).where(LiveDrill.client_id == client_id))
        if winner is None:
            raise
        return winner, False
    for index, area in enumerate(areas):
        db.session.add(
            LiveArea(live_drill_id=live.id, area_id=area.id, name=area.name, position=index)
        )
    audit.record(
        "start",
        "live_drill",
        live.id,
        {
            "drill_type": [None, live.drill_type],
            "real_event": [None, live.real_event],
            "announced": [None, live.announced],
            "areas": [None, [a.name for a in areas]],
        },
        campus_id=campus.id,
    )
    db.session.commit()
    return live, True


def _time_message(problem: domain.TapTime) -> str:
    return {
        domain.TapTime.FUTURE: _("is in the future (check the tablet's clock)"),
        domain.TapTime.BEFORE_START: _("is before the drill started"),
        domain.TapTime.AFTER_END: _("is after the drill ended"),
    }[problem]


def record_tap(live: LiveDrill, user: User, body: TapIn) -> tuple[LiveTap, bool]:
    """Store one tap once per client id. The area's clear time is its earliest tap (a
    conditional update, so two tablets racing keep the earlier time); every tap is kept.
    A tap queued offline that arrives after the end is kept too, and changes nothing."""
    tap_id = str(body.client_id)
    existing = db.session.get(LiveTap, tap_id)
    if existing is not None:
        return _same_tap(existing, live, body), False
    area = db.session.scalar(
        select(LiveArea).where(LiveArea.live_drill_id == live.id, LiveArea.area_id == body.area_id)
    )
    if area is None:
        raise ValidationFailed({"area_id": _("is not an area of this drill")})
    now = utcnow()
    at = domain.tap_time(body.tapped_at, live.started_at, now, live.ended_at)
    if isinstance(at, domain.TapTime):
        raise ValidationFailed({"tapped_at": _time_message(at)})
    issue = body.issue.value if body.issue else ""
    tap = LiveTap(
        id=tap_id,
        live_drill_id=live.id,
        live_area_id=area.id,
        user_id=user.id,
        tapped_at=at,
        received_at=now,
        issue=issue,
        note=body.note,
    )
    db.session.add(tap)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same tap from a retry in flight: the first stands
        winner = db.session.get(LiveTap, tap_id)
        if winner is None:
            raise
        return _same_tap(winner, live, body), False
    if live.status == LiveStatus.RUNNING:
        db.session.execute(
            update(LiveArea)
            .where(
                LiveArea.id == area.id,
                or_(LiveArea.cleared_at.is_(None), LiveArea.cleared_at > at),
            )
            .values(cleared_at=at, cleared_by_id=user.id)
            .execution_options(synchronize_session=False)
        )
    audit.record(
        "tap",
        "live_drill",
        live.id,
        {"area": [None, area.name], "tapped_at": [None, at.isoformat()], "issue": [None, issue],
         "note": [None, body.note], "tap": [None, tap_id]},
        campus_id=live.campus_id,
    )  # fmt: skip
    db.session.commit()
    return tap, True


def _same_tap(tap: LiveTap, live: LiveDrill, body: TapIn) -> LiveTap:
    area_id = db.session.scalar(select(LiveArea.area_id).where(LiveArea.id == tap.live_area_id))
    same = (
        tap.live_drill_id == live.id
        and area_id == body.area_id
        and tap.issue == (body.issue.value if body.issue else "")
        and tap.note == body.note
    )
    if not same:
        raise Conflict(_("client_id was already used for another tap"))
    return tap


def taps_of(live: LiveDrill) -> list[domain.Tap]:
    rows = db.session.execute(
        select(LiveTap, LiveArea.area_id)
        .join(LiveArea, LiveArea.id == LiveTap.live_area_id)
        .where(LiveTap.live_drill_id == live.id)
    ).all()
    return [
        domain.Tap(t.id, area_id, t.tapped_at, t.user_id, t.issue, t.note) for t, area_id in rows
    ]


def end(live: LiveDrill, user: User) -> tuple[LiveDrill, bool]:
    """End a running drill: store each area's time and the time to all clear, then open its
    drill record pre-filled (start, end, durations, problems). Ending twice ends it once."""
    ended_at = utcnow()
    if not transition(
        live,
        LiveDrill.status == LiveStatus.RUNNING,
        status=LiveStatus.ENDED,
        ended_at=ended_at,
        ended_by_id=user.id,
    ):
        db.session.rollback()  # ended a moment ago (a double tap, another tablet)
        db.session.refresh(live)
        return live, False
    areas = list(live.areas)
    taps = taps_of(live)
    outcome = domain.result(live.started_at, [a.area_id for a in areas], taps)
    for area in areas:
        area.seconds_to_clear = outcome.area_seconds[area.area_id]
    live.all_clear_seconds = outcome.all_clear_seconds
    audit.record(
        "end",
        "live_drill",
        live.id,
        {"status": ["running", "ended"], "all_clear_seconds": [None, outcome.all_clear_seconds],
         "uncleared": [None, [a.name for a in areas if a.area_id in outcome.uncleared]]},
        campus_id=live.campus_id,
    )  # fmt: skip
    names = {a.area_id: a.name for a in areas}
    campus = live.campus
    drill, _created = drills.log_drill(
        campus,
        {
            "drill_type": live.drill_type,
            "real_event": live.real_event,
            "announced": live.announced,
            "started_at": live.started_at,
            "ended_at": ended_at,
            "conducted_by": live.started_by.name,
            "time_to_complete_seconds": outcome.all_clear_seconds,
            "problems": domain.problems(taps),
            "problems_notes": problem_notes(taps, names, outcome.uncleared)[:TEXT_MAX],
        },
        user,
        f"live:{live.client_id}"[:64],
        source="live",
    )  # commits the drill together with the end above
    live.drill_id = drill.id
    db.session.commit()
    return live, True


def problem_notes(taps: list[domain.Tap], names: dict[int, str], uncleared: list[int]) -> str:
    """The drill record's problem details: each reported issue by area, then the areas
    never reported clear."""
    lines = []
    for tap in domain.reported_issues(taps):
        label = str(ISSUE_LABELS.get(tap.issue, "")) if tap.issue else ""
        text = " — ".join(part for part in (label, tap.note) if part)
        lines.append(f"{names.get(tap.area, '?')}: {text}")
    for area in uncleared:
        lines.append(_("%(area)s: not reported clear", area=names.get(area, "?")))
    return "\n".join(lines)
