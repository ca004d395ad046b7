"""Queries and time to validate and import CSV files of 10,000 rows: drills, calendar
entries, checkpoints and campuses (a roster-sized file each), and a OneRoster staff
roster (``safetyops roster sync``) of as many staff, with as many students again (skipped).

    python bench/imports.py                        # a temporary SQLite database
    python bench/imports.py --db postgresql://postgres@127.0.0.1:5432/safetyops_bench_imports

The database is reset. Each kind is imported twice: the first run creates every row, the
second finds them all unchanged. The statement count must not grow with the row count
(tests/bench/test_imports.py checks 10 against 100 rows); inserts are batched by
SQLAlchemy's insertmanyvalues, 1,000 rows a statement on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, datetime, timedelta

from counting import counting  # bench/ is on sys.path when run as a script

KINDS = ("campuses", "checkpoints", "calendar", "drills")


def campus_codes(count: int) -> list[str]:
    return [f"K{n:04d}" for n in range(1, count + 1)]


def csv_text(kind: str, rows: int, codes: list[str], today: date | None = None) -> str:
    """A clean file of ``rows`` data rows of ``kind`` spread over the campuses ``codes``."""
    today = today or date.today()
    lines: list[str] = []
    if kind == "campuses":
        lines.append("code,name,timezone")
        lines += [f"Z{n:05d},Bench school {n},America/Denver" for n in range(rows)]
    elif kind == "checkpoints":
        lines.append("campus_code,name,kind,walk_order")
        lines += [f"{codes[n % len(codes)]},Door {n},exterior_door,{n}" for n in range(rows)]
    elif kind == "calendar":
        lines.append("campus_code,kind,name,start_date,end_date")
        for n in range(rows):
            day = today - timedelta(days=1 + n // len(codes) % 600)
            lines.append(f"{codes[n % len(codes)]},closed,Closed {n},{day},{day}")
    elif kind == "drills":
        lines.append("campus_code,type,started_at,ended_at,conducted_by")
        for n in range(rows):
            start = datetime(today.year, today.month, today.day, 9) - timedelta(
                days=1 + n // len(codes) % 600, minutes=n % 7
            )
            end = start + timedelta(minutes=10)
            kind_name = ("lockdown", "fire", "secure", "shelter")[n % 4]
            lines.append(
                f"{codes[n % len(codes)]},{kind_name},{start:%Y-%m-%dT%H:%M},"
                f"{end:%Y-%m-%dT%H:%M},Officer {n}"
            )
    else:
        raise ValueError(kind)
    return "\n".join(lines) + "\n"


def roster_files(staff: int, codes: list[str]) -> dict[str, str]:
    """A OneRoster 1.1 bundle (orgs.csv, users.csv): ``staff`` principals spread over the
    campuses ``codes``, and as many students (never kept)."""
    orgs = ["sourcedId,identifier,name,type", "district,,District,district"]
    orgs += [f"org-{c},{c},School {c},school" for c in codes]
    users = ["sourcedId,status,enabledUser,orgSourcedIds,role,username,givenName,familyName,email"]
    users += [
        f"stu-{n},active,true,org-{codes[n % len(codes)]},student,s{n},Student,{n},"
        f"s{n}@students.bench.org"
        for n in range(staff)
    ]
    users += [
        f"staff-{n},active,true,org-{codes[n % len(codes)]},administrator,t{n},Staff,{n},"
        f"staff{n}@bench.org"
        for n in range(staff)
    ]
    return {"orgs.csv": "\n".join(orgs) + "\n", "users.csv": "\n".join(users) + "\n"}


def roster_import(files: dict[str, str]):
    """Read and apply a roster bundle, as ``safetyops roster sync`` does."""
    from safetyops.accounts import roster_sync
    from safetyops.accounts.roster import RosterMapping, read_bundle

    return roster_sync.sync(read_bundle(files, RosterMapping()))


def measure_roster(staff: int, codes: list[str]):
    """(counted first sync, counted second sync, report of the first)."""
    return _twice(roster_import, roster_files(staff, codes))


def importer(kind: str):
    from safetyops.calendar import operations as calendar
    from safetyops.campuses import operations as campuses
    from safetyops.drills import operations as drills

    return {
        "campuses": campuses.import_campuses,
        "checkpoints": campuses.import_checkpoints,
        "calendar": calendar.import_calendar,
        "drills": drills.import_drills,
    }[kind]


def make_campuses(codes: list[str]) -> None:
    """The campuses the files refer to (one import of a small campus file)."""
    from safetyops.campuses import operations as campuses

    text = "code,name,timezone\n" + "".join(f"{c},School {c},America/Denver\n" for c in codes)
    report = campuses.import_campuses(text)
    assert report.ok, report.errors


def measure(kind: str, rows: int, codes: list[str]):
    """(counted first import, counted second import, report of the first)."""
    return _twice(importer(kind), csv_text(kind, rows, codes))


def _twice(run, data):
    """``run(data)`` counted, then again (everything unchanged the second time)."""
    from safetyops.extensions import db

    with counting(db.engine) as first:
        report = run(data)
    assert report.ok, report.errors[:5]
    db.session.expire_all()
    with counting(db.engine) as again:
        repeat = run(data)
    assert repeat.ok and repeat.created == 0, repeat
    return first, again, report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--db", help="database URL (reset); default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--campuses", type=int, default=200)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/imports.db"
    from district_data import make_app, reset_schema

    app = make_app(url)
    with app.app_context():
        reset_schema(url)
        codes = campus_codes(args.campuses)
        make_campuses(codes)
        print(f"{url.split(':')[0]}, {args.rows} rows a file, {args.campuses} campuses")
        for kind in KINDS:
            first, again, report = measure(kind, args.rows, codes)
            _print(kind, first, again, report.created)
        first, again, roster = measure_roster(args.rows, codes)
        _print("roster", first, again, roster.created)


def _print(kind: str, first, again, created: int) -> None:
    print(
        f"{kind:12s} import: {first.queries:4d} queries {first.seconds:6.1f} s "
        f"(created {created})   again: {again.queries:4d} queries "
        f"{again.seconds:6.1f} s (all unchanged)",
        flush=True,
    )


if __name__ == "__main__":
    main()
