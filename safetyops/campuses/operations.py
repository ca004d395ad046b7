"""Campuses and checkpoints: create, edit, deactivate, and import from CSV."""

from __future__ import annotations

import zoneinfo
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import select

from safetyops.accounts.models import Role, User
from safetyops.audit import operations as audit
from safetyops.campuses import csv as campus_csv
from safetyops.campuses.models import Campus, Checkpoint
from safetyops.core.csv import ImportReport
from safetyops.core.db import insert_rows, new_rows
from safetyops.core.errors import ValidationFailed
from safetyops.extensions import db

CAMPUS_FIELDS = [
    "code",
    "name",
    "address",
    "timezone",
    "grade_band",
    "principal_id",
    "school_weekdays",
    "active",
]
CHECKPOINT_FIELDS = ["name", "kind", "location_notes", "expected_state", "walk_order", "active"]


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _validate_campus(data: dict, exclude_id: int | None = None) -> None:
    errors = {}
    code = data["code"].strip().upper()
    if not campus_csv.CODE_RE.match(code):
        errors["code"] = _("Use 1-32 letters, digits, - or _.")
    else:
        other = db.session.scalar(select(Campus).where(Campus.code == code))
        if other is not None and other.id != exclude_id:
            errors["code"] = _("Another campus already uses this code.")
    if not data["name"].strip():
        errors["name"] = _("Give the campus a name.")
    if data["timezone"] not in known_timezones():
        errors["timezone"] = _("Unknown time zone.")
    if data.get("grade_band") and data["grade_band"] not in campus_csv.GRADE_BANDS:
        errors["grade_band"] = _("Unknown grade band.")
    principal_id = data.get("principal_id")
    if principal_id:
        principal = db.session.get(User, principal_id)
        if principal is None or principal.role != Role.PRINCIPAL or not principal.active:
            errors["principal_id"] = _("Choose an active user with the principal role.")
    weekdays = data.get("school_weekdays")
    if weekdays is not None and (not weekdays or any(d not in range(1, 8) for d in weekdays)):
        errors["school_weekdays"] = _("Choose at least one school weekday.")
    if errors:
        raise ValidationFailed(errors)


def _apply_campus(campus: Campus, data: dict) -> None:
    campus.code = data["code"].strip().upper()
    campus.name = data["name"].strip()
    campus.address = (data.get("address") or "").strip()
    campus.timezone = data["timezone"]
    campus.grade_band = data.get("grade_band") or ""
    campus.principal_id = data.get("principal_id") or None
    if data.get("school_weekdays") is not None:
        campus.school_weekdays = sorted({int(d) for d in data["school_weekdays"]})
    if campus.principal_id:
        principal = db.session.get(User, campus.principal_id)
        if principal is not None and campus not in principal.campuses:
            principal.campuses.append(campus)  # a principal sees the campus they lead


def create_campus(data: dict, commit: bool = True) -> Campus:
    _validate_campus(data)
    campus = Campus()
    _apply_campus(campus, data)
    db.session.add(campus)
    db.session.flush()
    audit.record(
        "create",
        "campus",
        campus.id,
        audit.diff({}, audit.snapshot(campus, CAMPUS_FIELDS)),
        campus_id=campus.id,
    )
    if commit:
        db.session.commit()
    return campus


def update_campus(campus: Campus, data: dict) -> Campus:
    _validate_campus(data, exclude_id=campus.id)
    before = audit.snapshot(campus, CAMPUS_FIELDS)
    _apply_campus(campus, data)
    changes = audit.diff(before, audit.snapshot(campus, CAMPUS_FIELDS))
    if changes:
        audit.record("update", "campus", campus.id, changes, campus_id=campus.id)
    db.session.commit()
    return campus


def set_campus_active(campus: Campus, active: bool) -> None:
    if audit.record_active_change(campus, active, "campus", campus.id):
        db.session.commit()


def _validate_checkpoint(campus: Campus, data: dict, exclude_id: int | None = None) -> None:
    errors = {}
    name = data["name"].strip()
    if not name:
        errors["name"] = _("Give the checkpoint a name.")
    else:
        other = db.session.scalar(
            select(Checkpoint).where(Checkpoint.campus_id == campus.id, Checkpoint.name == name)
        )
        if other is not None and other.id != exclude_id:
            errors["name"] = _("This campus already has a checkpoint with this name.")
    if data["kind"] not in campus_csv.CHECKPOINT_KINDS:
        errors["kind"] = _("Unknown kind.")
    if data.get("expected_state", "locked") not in campus_csv.EXPECTED_STATES:
        errors["expected_state"] = _("Unknown expected state.")
    if errors:
        raise ValidationFailed(errors)


def _apply_checkpoint(checkpoint: Checkpoint, data: dict) -> None:
    checkpoint.name = data["name"].strip()
    checkpoint.kind = data["kind"]
    checkpoint.location_notes = (data.get("location_notes") or "").strip()
    checkpoint.expected_state = data.get("expected_state") or "locked"
    checkpoint.walk_order = int(data.get("walk_order") or 0)


def create_checkpoint(campus: Campus, data: dict, commit: bool = True) -> Checkpoint:
    _validate_checkpoint(campus, data)
    checkpoint = Checkpoint(campus=campus)
    _apply_checkpoint(checkpoint, data)
    db.session.add(checkpoint)
    db.session.flush()
    audit.record(
        "create",
        "checkpoint",
        checkpoint.id,
        audit.diff({}, audit.snapshot(checkpoint, CHECKPOINT_FIELDS)),
        campus_id=campus.id,
    )
    if commit:
        db.session.commit()
    return checkpoint


def update_checkpoint(checkpoint: Checkpoint, data: dict) -> Checkpoint:
    _validate_checkpoint(checkpoint.campus, data, exclude_id=checkpoint.id)
    before = audit.snapshot(checkpoint, CHECKPOINT_FIELDS)
    _apply_checkpoint(checkpoint, data)
    changes = audit.diff(before, audit.snapshot(checkpoint, CHECKPOINT_FIELDS))
    if changes:
        audit.record("update", "checkpoint", checkpoint.id, changes, campus_id=checkpoint.campus_id)
    db.session.commit()
    return checkpoint


def set_checkpoint_active(checkpoint: Checkpoint, active: bool) -> None:
    if audit.record_active_change(checkpoint, active, "checkpoint", checkpoint.campus_id):
        db.session.commit()


# ---- CSV imports -------------------------------------------------------------------


def import_campuses(text: str) -> ImportReport:
    """Create or update campuses by code. A file with any bad row imports nothing."""
    parsed = campus_csv.parse_campuses(text, set(known_timezones()))
    if not parsed.ok:
        return ImportReport(errors=parsed.errors)
    report = ImportReport()
    existing = {c.code: c for c in db.session.scalars(select(Campus))}
    new: list[dict] = []
    for row in parsed.rows:
        campus = existing.get(row["code"])
        if campus is None:
            new.append(row)
            report.created += 1
            continue
        before = audit.snapshot(campus, list(row))
        changes = audit.diff(before, row)
        if changes:
            for key, value in row.items():
                setattr(campus, key, value)
            audit.record("update", "campus", campus.id, changes, campus_id=campus.id)
            report.updated += 1
        else:
            report.unchanged += 1
    # One batched INSERT, the ids in one query, the audit events in one batched INSERT.
    if new:
        insert_rows(db.session, Campus, new_rows(Campus, new))
        ids = dict(db.session.execute(select(Campus.code, Campus.id)).all())
        audit.record_many(
            "create",
            "campus",
            ((ids[row["code"]], audit.diff({}, row), ids[row["code"]]) for row in new),
        )
    db.session.commit()
    return report


def import_checkpoints(text: str) -> ImportReport:
    """Create or update checkpoints by (campus_code, name). All or nothing."""
    campuses = {c.code: c for c in db.session.scalars(select(Campus))}
    parsed = campus_csv.parse_checkpoints(text, set(campuses))
    if not parsed.ok:
        return ImportReport(errors=parsed.errors)
    report = ImportReport()
    existing = {(cp.campus_id, cp.name): cp for cp in db.session.scalars(select(Checkpoint))}
    new: list[dict] = []
    for row in parsed.rows:
        campus = campuses[row.pop("campus_code")]
        checkpoint = existing.get((campus.id, row["name"]))
        if checkpoint is None:
            new.append({"campus_id": campus.id, **row})
            report.created += 1
            continue
        changes = audit.diff(audit.snapshot(checkpoint, list(row)), row)
        if changes:
            for key, value in row.items():
                setattr(checkpoint, key, value)
            audit.record("update", "checkpoint", checkpoint.id, changes, campus_id=campus.id)
            report.updated += 1
        else:
            report.unchanged += 1
    # New checkpoints in one batched INSERT, their ids in one query, their audit events in
    # one batched INSERT: a fixed number of statements whatever the file's length.
    if new:
        insert_rows(db.session, Checkpoint, new_rows(Checkpoint, new))
        ids = {
            (c.campus_id, c.name): c.id
            for c in db.session.execute(
                select(Checkpoint.id, Checkpoint.campus_id, Checkpoint.name)
            )
        }
        audit.record_many(
            "create",
            "checkpoint",
            (
                (
                    ids[(row["campus_id"], row["name"])],
                    audit.diff({}, {k: v for k, v in row.items() if k != "campus_id"}),
                    row["campus_id"],
                )
                for row in new
            ),
        )
    db.session.commit()
    return report
