"""School calendars: terms and closures in the database, loaded in bulk for the engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from safetyops.audit import operations as audit
from safetyops.calendar.csv import parse_calendar
from safetyops.calendar.domain import Closure, SchoolCalendar, Term, build_calendar
from safetyops.calendar.models import CalendarEntry, CalendarKind
from safetyops.campuses.models import Campus
from safetyops.core import dates
from safetyops.core.csv import ImportReport
from safetyops.core.db import insert_rows, new_rows, utcnow
from safetyops.core.errors import ValidationFailed
from safetyops.extensions import db

ENTRY_FIELDS = ["campus_id", "kind", "name", "start_date", "end_date"]


def calendars_for(campuses: Iterable[Campus]) -> dict[int, SchoolCalendar]:
    """Every campus's calendar in one query: district entries plus its own."""
    campuses = list(campuses)
    ids = [c.id for c in campuses]
    entries = db.session.scalars(
        select(CalendarEntry).where(
            or_(CalendarEntry.campus_id.is_(None), CalendarEntry.campus_id.in_(ids))
        )
    ).all()
    district_terms: list[Term] = []
    district_closed: list[Closure] = []
    own: dict[int, tuple[list[Term], list[Closure]]] = {i: ([], []) for i in ids}
    for entry in entries:
        if entry.kind == CalendarKind.TERM:
            term = Term(entry.name, entry.start_date, entry.end_date)
            (district_terms if entry.campus_id is None else own[entry.campus_id][0]).append(term)
        else:
            closure = Closure(entry.name, entry.start_date, entry.end_date)
            (district_closed if entry.campus_id is None else own[entry.campus_id][1]).append(
                closure
            )
    # Campuses on the same calendar share one object, so its school-day index (built on
    # first use) is built once for the district, not once per campus.
    shared: dict[tuple, SchoolCalendar] = {}
    out = {}
    for c in campuses:
        terms, closed = own[c.id]
        weekdays = tuple(sorted(c.school_weekdays or ()))
        key = (tuple(terms), tuple(closed), weekdays)
        if key not in shared:
            shared[key] = build_calendar(
                district_terms, district_closed, terms, closed, weekdays=weekdays
            )
        out[c.id] = shared[key]
    return out


def calendar_for(campus: Campus) -> SchoolCalendar:
    return calendars_for([campus])[campus.id]


def entries(campus_id: int | None = None) -> list[CalendarEntry]:
    """District entries, or one campus's own entries, by date."""
    query = select(CalendarEntry).order_by(CalendarEntry.start_date, CalendarEntry.kind)
    if campus_id is None:
        query = query.where(CalendarEntry.campus_id.is_(None))
    else:
        query = query.where(CalendarEntry.campus_id == campus_id)
    return list(db.session.scalars(query))


def _validate(data: dict) -> dict:
    errors = {}
    if data.get("kind") not in (CalendarKind.TERM, CalendarKind.CLOSED):
        errors["kind"] = _("Choose a term or a closed day.")
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give it a name, e.g. Fall 2026 or Thanksgiving break.")
    start, end = data.get("start_date"), data.get("end_date") or data.get("start_date")
    today = utcnow().date()
    if not isinstance(start, date):
        errors["start_date"] = _("Enter the first day.")
    elif not dates.in_range(start, today):
        errors["start_date"] = dates.range_message(today)
    elif isinstance(end, date) and not dates.in_range(end, today):
        errors["end_date"] = dates.range_message(today)
    elif isinstance(end, date) and end < start:
        errors["end_date"] = _("The last day is before the first day.")
    if errors:
        raise ValidationFailed(errors)
    return {
        "campus_id": data.get("campus_id") or None,
        "kind": data["kind"],
        "name": name,
        "start_date": start,
        "end_date": end,
    }


def _add(values: dict) -> CalendarEntry:
    """Add an entry and its audit event (the caller commits)."""
    entry = CalendarEntry(**values)
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "create",
        "calendar_entry",
        entry.id,
        audit.diff({}, audit.snapshot(entry, ENTRY_FIELDS)),
        campus_id=entry.campus_id,
    )
    return entry


def create_entry(data: dict) -> CalendarEntry:
    entry = _add(_validate(data))
    db.session.commit()
    return entry


def update_entry(entry: CalendarEntry, data: dict) -> CalendarEntry:
    values = _validate(data)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    for key, value in values.items():
        setattr(entry, key, value)
    changes = audit.diff(before, audit.snapshot(entry, ENTRY_FIELDS))
    if changes:
        audit.record("update", "calendar_entry", entry.id, changes, campus_id=entry.campus_id)
    db.session.commit()
    return entry


def delete_entry(entry: CalendarEntry) -> None:
    audit.record(
        "delete",
        "calendar_entry",
        entry.id,
        {k: [v, None] for k, v in audit.snapshot(entry, ENTRY_FIELDS).items()},
        campus_id=entry.campus_id,
    )
    db.session.delete(entry)
    db.session.commit()


def import_calendar(text: str) -> ImportReport:
    """Create or update entries by (campus, kind, name, start_date). All or nothing."""
    campuses = {c.code: c for c in db.session.scalars(select(Campus))}
    parsed = parse_calendar(text, set(campuses))
    if not parsed.ok:
        return ImportReport(errors=parsed.errors)
    existing = {
        (e.campus_id, e.kind, e.name, e.start_date): e
        for e in db.session.scalars(select(CalendarEntry))
    }
    report = ImportReport()
    new: list[dict] = []
    for row in parsed.rows:
        code = row.pop("campus_code")
        row["campus_id"] = campuses[code].id if code else None
        entry = existing.get((row["campus_id"], row["kind"], row["name"], row["start_date"]))
        if entry is None:
            new.append(row)
            report.created += 1
        elif entry.end_date != row["end_date"]:
            audit.record(
                "update",
                "calendar_entry",
                entry.id,
                {"end_date": [entry.end_date.isoformat(), row["end_date"].isoformat()]},
                campus_id=entry.campus_id,
            )
            entry.end_date = row["end_date"]
            report.updated += 1
        else:
            report.unchanged += 1
    # New entries in one batched INSERT, their ids in one query, their audit events in one
    # batched INSERT: a fixed number of statements whatever the file's length.
    entries = new_rows(CalendarEntry, new)
    if entries:
        insert_rows(db.session, CalendarEntry, entries)
        ids = {
            (e.campus_id, e.kind, e.name, e.start_date): e.id
            for e in db.session.execute(
                select(CalendarEntry.id, CalendarEntry.campus_id, CalendarEntry.kind,
                       CalendarEntry.name, CalendarEntry.start_date)
            )
        }  # fmt: skip
        audit.record_many(
            "create",
            "calendar_entry",
            (
                (
                    ids[(e.campus_id, e.kind, e.name, e.start_date)],
                    audit.diff({}, audit.snapshot(e, ENTRY_FIELDS)),
                    e.campus_id,
                )
                for e in entries
            ),
        )
    db.session.commit()
    return report


def school_day_checker(campuses: Iterable[Campus]) -> Callable[[int, date], bool]:
    """``is_school_day(campus_id, day)`` for the rounds engine, from one query.

    A campus with no terms at all (no calendar entered yet) falls back to its school
    weekdays, so missed rounds still work before anyone types in a calendar.
    """
    calendars = calendars_for({c.id: c for c in campuses}.values())

    def is_school_day(campus_id: int, day: date) -> bool:
        calendar = calendars.get(campus_id)
        if calendar is None:
            return day.isoweekday() <= 5
        if not calendar.terms:
            return day.isoweekday() in calendar.weekdays
        return calendar.is_school_day(day)

    return is_school_day
