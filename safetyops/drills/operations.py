"""Drill records and real SRP events, sign-off, amendments, medical calls, CSV import."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from safetyops.accounts.models import User
from safetyops.audit import operations as audit
from safetyops.campuses.models import Campus
from safetyops.compliance.engine import DrillFact
from safetyops.compliance.operations import extra_drill_types
from safetyops.core import dates, record_rules
from safetyops.core.csv import ImportReport, RowError
from safetyops.core.db import insert_rows, new_rows, utcnow
from safetyops.core.errors import NotAllowed, ValidationFailed
from safetyops.core.transitions import transition
from safetyops.drills.csv import parse_drills
from safetyops.drills.domain import CANONICAL, canonical_type
from safetyops.drills.models import DRILL_FIELDS, Drill, DrillAmendment, MedicalCall
from safetyops.drills.schemas import TEXT_MAX, validate_drill
from safetyops.extensions import db

MEDICAL_ACTIONS = ("first_aid", "aed", "cpr", "called_911", "escorted_ems")


def drill_types() -> tuple[str, ...]:
    return CANONICAL + tuple(t for t in extra_drill_types() if t not in CANONICAL)


def type_of(name: str) -> str | None:
    return canonical_type(name, extra_drill_types())


def local_date(campus: Campus, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(campus.timezone)).date()


def to_utc(campus: Campus, local: datetime) -> datetime:
    """A naive campus-local date-time as aware UTC."""
    return local.replace(tzinfo=ZoneInfo(campus.timezone)).astimezone(UTC)


def _clean(
    campus: Campus, data: dict[str, Any], resolve: Callable[[str], str | None] | None = None
) -> dict[str, Any]:
    """Validated drill fields from the form or a CSV row (one schema: ``DrillIn``); raises
    ValidationFailed naming each field. ``resolve`` maps a typed drill type to a canonical
    one (an import passes one that has read the packs' types once, not once per row)."""
    values = validate_drill(data, resolve or type_of, now=utcnow()).values()
    values["local_date"] = local_date(campus, values["started_at"])
    return values


def log_drill(
    campus: Campus, data: dict[str, Any], user: User | None, client_id: str, source: str = "web"
) -> tuple[Drill, bool]:
    """Store a drill record once per ``client_id``. Returns (drill, created)."""
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationFailed({"client_id": _("Missing submission id; reload the form.")})
    existing = db.session.scalar(select(Drill).where(Drill.client_id == client_id))
    if existing is not None:
        return _same_campus(existing, campus), False
    values = _clean(campus, data)
    drill = Drill(
        campus_id=campus.id,
        client_id=client_id,
        source=source,
        logged_by_id=user.id if user else None,
        **values,
    )
    db.session.add(drill)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()  # the same submission arrived concurrently; the first stands
        existing = db.session.scalar(select(Drill).where(Drill.client_id == client_id))
        if existing is None:
            raise
        return _same_campus(existing, campus), False
    audit.record("create", "drill", drill.id, audit.diff({}, _snapshot(drill)), campus_id=campus.id)
    db.session.commit()
    return drill, True


def _same_campus(drill: Drill, campus: Campus) -> Drill:
    if drill.campus_id != campus.id:
        raise ValidationFailed({"client_id": _("That submission id belongs to another record.")})
    return drill


def _snapshot(drill: Drill) -> dict[str, Any]:
    snap = audit.snapshot(drill, [f for f in DRILL_FIELDS if f not in ("problems", "observers")])
    snap["problems"], snap["observers"] = list(drill.problems), list(drill.observers)
    snap["follow_ups"] = list(drill.follow_ups)
    return snap


def sign_off(drill: Drill, user: User) -> Drill:
    if drill.is_signed_off:
        return drill
    if not record_rules.may_sign_off_drill(user, drill):
        raise NotAllowed(_("Only the campus principal or the safety department signs off."))
    signed = transition(
        drill, Drill.signed_off_at.is_(None), signed_off_by_id=user.id, signed_off_at=utcnow()
    )
    if not signed:  # signed off a moment ago (a double tap, or another signer)
        db.session.rollback()
        return drill
    audit.record(
        "sign_off",
        "drill",
        drill.id,
        {"signed_off_at": [None, drill.signed_off_at and drill.signed_off_at.isoformat()]},
        campus_id=drill.campus_id,
    )
    db.session.commit()
    return drill


def update_drill(drill: Drill, data: dict[str, Any], user: User, reason: str = "") -> Drill:
    """Edit a draft record; a signed-off record only changes through an amendment."""
    if not record_rules.may_change_drill(user, drill):
        raise NotAllowed(
            _("Only the campus principal, a supervisor or the safety department amends this.")
            if drill.is_signed_off
            else _("Only whoever logged this record, or a signer, edits it before sign-off.")
        )
    values = _clean(drill.campus, data)
    before = _snapshot(drill)
    reason = (reason or "").strip()
    if drill.is_signed_off and not reason:
        raise ValidationFailed(
            {"reason": _("A signed-off record is corrected by an amendment with a reason.")}
        )
    for key, value in values.items():
        setattr(drill, key, value)
    changes = audit.diff(before, _snapshot(drill))
    if not changes:
        db.session.rollback()
        return drill
    if drill.is_signed_off:
        # The amendment is written before the record changes: the database lets a
        # signed-off drill change only with a fresh amendment (migration 0008).
        db.session.expire(drill, list(values))
        db.session.add(
            DrillAmendment(drill_id=drill.id, author_id=user.id, reason=reason, changes=changes)
        )
        db.session.flush()
        for key, value in values.items():
            setattr(drill, key, value)
        audit.record(
            "amend",
            "drill",
            drill.id,
            {"reason": [None, reason], **changes},
            campus_id=drill.campus_id,
        )
    else:
        audit.record("update", "drill", drill.id, changes, campus_id=drill.campus_id)
    db.session.commit()
    return drill


# ---- medical calls -------------------------------------------------------------------


def record_medical_call(
    campus: Campus, data: dict[str, Any], user: User, client_id: str
) -> tuple[MedicalCall, bool]:
    client_id = (client_id or "").strip()[:64]
    if not client_id:
        raise ValidationFailed({"client_id": _("Missing submission id; reload the form.")})
    existing = db.session.scalar(select(MedicalCall).where(MedicalCall.client_id == client_id))
    if existing is not None:
        return existing, False
    errors = {}
    called = data.get("called_at")
    if not isinstance(called, datetime) or called.tzinfo is None:
        errors["called_at"] = _("Enter when the call came.")
    elif called > utcnow() + timedelta(hours=1) or not dates.in_range(called, utcnow().date()):
        errors["called_at"] = _("That is not a time a call could have come.")
    location = (data.get("location") or "").strip()
    if not location:
        errors["location"] = _("Where on campus? (a place, not a person)")
    actions = sorted(set(data.get("actions") or []))
    if any(a not in MEDICAL_ACTIONS for a in actions):
        errors["actions"] = _("Unknown action.")
    ems = data.get("ems_arrived_at")
    if ems is not None and isinstance(called, datetime) and ems < called:
        errors["ems_arrived_at"] = _("EMS cannot arrive before the call.")
    notes = (data.get("notes") or "").strip()
    if len(notes) > TEXT_MAX:
        errors["notes"] = _("At most %(n)d characters.", n=TEXT_MAX)
    if errors:
        raise ValidationFailed(errors)
    call = MedicalCall(
        campus_id=campus.id,
        client_id=client_id,
        called_at=called,
        location=location[:200],
        actions=actions,
        ems_arrived_at=ems,
        notes=notes,
        officer_id=user.id,
    )
    db.session.add(call)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        winner = db.session.scalar(select(MedicalCall).where(MedicalCall.client_id == client_id))
        if winner is None:
            raise
        return winner, False
    audit.record(
        "create",
        "medical_call",
        call.id,
        {"location": [None, call.location], "actions": [None, actions]},
        campus_id=campus.id,
    )
    db.session.commit()
    return call, True


# ---- import, queries -------------------------------------------------------------------


def import_drills(text: str, user: User | None = None) -> ImportReport:
    """Paper and spreadsheet logs, all or nothing. Re-importing a file adds nothing twice:
    each row's submission id is derived from (campus, type, start)."""
    campuses = {c.code: c for c in db.session.scalars(select(Campus))}
    extra = extra_drill_types()  # read once for the whole file

    def resolve(name: str) -> str | None:
        return canonical_type(name, extra)

    parsed = parse_drills(text, set(campuses), resolve)
    if not parsed.ok:
        return ImportReport(errors=parsed.errors)
    report = ImportReport()
    rows: list[tuple[Campus, str, dict[str, Any]]] = []
    errors: list[RowError] = []
    for row in parsed.rows:
        campus = campuses[row.pop("campus_code")]
        line = row.pop("line")
        started = to_utc(campus, row["started_at"])
        ended = to_utc(campus, row["ended_at"]) if row["ended_at"] else None
        # The same checks as a drill logged on the form (future dates, bounds, lengths).
        try:
            values = _clean(campus, {**row, "started_at": started, "ended_at": ended}, resolve)
        except ValidationFailed as exc:
            errors.extend(RowError(line, f"{name}: {text}") for name, text in exc.errors.items())
            continue
        values.pop("local_date")
        kept = {key: values[key] for key in row}
        client_id = f"import:{campus.code}:{row['drill_type']}:{started:%Y%m%dT%H%M%S}"
        rows.append((campus, client_id, kept))
    if errors:
        return ImportReport(errors=errors)
    # A fixed number of statements whatever the file's length: imported drills are known by
    # their derived submission ids (one query), new ones go in as one batched INSERT, their
    # ids come back in one query, and their audit events go in as one batched INSERT.
    existing = set(db.session.scalars(select(Drill.client_id).where(Drill.source == "import")))
    wanted: dict[str, dict[str, Any]] = {}
    for campus, client_id, row in rows:
        if client_id in existing or client_id in wanted:
            report.unchanged += 1
            continue
        wanted[client_id] = {
            "campus_id": campus.id,
            "client_id": client_id,
            "source": "import",
            "logged_by_id": user.id if user else None,
            "local_date": local_date(campus, row["started_at"]),
            **row,
        }
    new = dict(zip(wanted, new_rows(Drill, wanted.values()), strict=True))
    if new:
        insert_rows(db.session, Drill, list(new.values()))
        ids = dict(
            db.session.execute(
                select(Drill.client_id, Drill.id).where(Drill.source == "import")
            ).all()
        )
        audit.record_many(
            "import",
            "drill",
            (
                (ids[client_id], audit.diff({}, _snapshot(drill)), drill.campus_id)
                for client_id, drill in new.items()
            ),
        )
    report.created += len(new)
    db.session.commit()
    return report


def drills_between(
    campus: Campus, start: date, end: date, with_people: bool = False
) -> list[Drill]:
    query = (
        select(Drill)
        .where(Drill.campus_id == campus.id, Drill.local_date.between(start, end))
        .order_by(Drill.started_at)
    )
    if with_people:  # exports show who signed off and every amendment
        query = query.options(
            selectinload(Drill.signed_off_by),
            selectinload(Drill.amendments).selectinload(DrillAmendment.author),
        )
    return list(db.session.scalars(query))


def medical_calls_between(campus: Campus, start: date, end: date) -> list[MedicalCall]:
    since = to_utc(campus, datetime.combine(start, time.min))
    until = to_utc(campus, datetime.combine(end + timedelta(days=1), time.min))
    return list(
        db.session.scalars(
            select(MedicalCall)
            .where(
                MedicalCall.campus_id == campus.id,
                MedicalCall.called_at >= since,
                MedicalCall.called_at < until,
            )
            .options(selectinload(MedicalCall.officer))
            .order_by(MedicalCall.called_at)
        )
    )


def facts_for(campus_ids: Iterable[int], start: date, end: date) -> dict[int, list[DrillFact]]:
    """What the compliance engine needs of every drill of these campuses, in one query."""
    ids = list(campus_ids)
    out: dict[int, list[DrillFact]] = {i: [] for i in ids}
    rows = db.session.execute(
        select(
            Drill.id, Drill.campus_id, Drill.drill_type, Drill.local_date, Drill.real_event
        ).where(Drill.campus_id.in_(ids), Drill.local_date.between(start, end))
    )
    for drill_id, campus_id, drill_type, day, real in rows:
        out[campus_id].append(DrillFact(drill_id, drill_type, day, real))
    return out


def school_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 7, 1), date(start_year + 1, 6, 30)
