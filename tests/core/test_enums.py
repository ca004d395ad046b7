"""Each enumeration is defined once (the models' StrEnums) and enforced by the database:
a CHECK constraint refuses a value no code path should write, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import CheckConstraint, text
from sqlalchemy.exc import IntegrityError

import safetyops.all_models  # noqa: F401  (every table in the metadata)
from safetyops.accounts.models import Employer, EmployerKind
from safetyops.calendar.models import CalendarEntry, CalendarKind
from safetyops.certifications.models import TrainingProtocol, TrainingSession
from safetyops.core.db import Base
from safetyops.drills.domain import DrillType, ShelterHazard
from safetyops.drills.forms import TYPE_LABELS
from safetyops.drills.models import Drill
from safetyops.notifications.models import EmailStatus, Notification
from safetyops.offline.models import EntryKind, OutboxReceipt
from safetyops.planning.models import DrillPlan
from safetyops.postings.models import CancellationKind, DrillCancellation
from safetyops.reports.models import ReportFile, ReportFileStatus


def _checks(kind: str) -> list[tuple[str, str, CheckConstraint]]:
    """(table, column, constraint) for every enumeration (``allowed``) or drill-type
    (``shape``) CHECK the models declare, read from the metadata so a new one is tested."""
    found = []
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and kind in constraint.info:
                found.append((table.name, constraint.info["column"], constraint))
    # A table's constraints are a set: sorted, every process collects the same order
    # (pytest-xdist's workers must).
    return sorted(found, key=lambda check: check[:2])


ENUM_CHECKS = _checks("allowed")
SHAPE_CHECKS = _checks("shape")


def test_every_enumeration_column_has_a_check():
    checked = {(table, column) for table, column, _ in ENUM_CHECKS + SHAPE_CHECKS}
    assert checked >= {
        ("employer", "kind"), ("user", "role"), ("user", "email_preference"),
        ("campus", "grade_band"), ("calendar_entry", "kind"), ("checkpoint", "kind"),
        ("checkpoint", "expected_state"), ("round_plan", "kind"), ("round_result", "status"),
        ("round_result", "finding_kind"), ("round_result", "action_taken"),
        ("finding", "kind"), ("finding", "status"), ("drill", "hazard"),
        ("drill", "drill_type"), ("drill_plan", "drill_type"), ("notification", "email_status"),
    }  # fmt: skip


@pytest.fixture
def rows(two_campuses, plan, client, db):
    """At least one row in every table with an enumeration column: users, campuses,
    checkpoints, a plan, a result and its finding (posted through the API), an employer, a
    calendar entry, an unsigned drill, a planned drill and a notification."""
    from tests.rounds.test_rounds import result, start

    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(plan.stops[0].checkpoint_id, "problem", finding_kind="unlocked"),
    )
    campus = two_campuses["a"]
    now = datetime.now(UTC)
    db.session.add_all(
        [
            Employer(name="Acme Security", kind=EmployerKind.CONTRACTOR),
            CalendarEntry(
                campus_id=campus.id, kind=CalendarKind.CLOSED, name="Snow day",
                start_date=date(2026, 12, 1), end_date=date(2026, 12, 1),
            ),
            Drill(
                campus_id=campus.id, client_id=str(uuid.uuid4()), drill_type=DrillType.SHELTER,
                hazard=ShelterHazard.TORNADO, started_at=now, local_date=now.date(),
            ),
            DrillPlan(
                campus_id=campus.id, drill_type=DrillType.HOLD, planned_for=date(2026, 12, 2)
            ),
            DrillCancellation(
                campus_id=campus.id, client_id=str(uuid.uuid4()), drill_type=DrillType.HOLD,
                scheduled_for=date(2026, 12, 3), kind=CancellationKind.MISSED, reason="Snow",
            ),
            TrainingSession(
                campus_id=campus.id, held_on=date(2026, 9, 1), protocol=TrainingProtocol.HOLD,
                attendees=12,
            ),
            Notification(
                key="test-enum", user_id=two_campuses["officer_a"].id, kind="test",
                subject="Test", email_status=EmailStatus.SKIPPED,
            ),
            OutboxReceipt(
                client_id=str(uuid.uuid4()), kind=EntryKind.DRILL,
                user_id=two_campuses["officer_a"].id, received_at=now,
            ),
            ReportFile(week="2026-W47", status=ReportFileStatus.DONE),
        ]
    )  # fmt: skip
    db.session.commit()
    from tests.live.helpers import enum_rows  # areas, a live drill and its tap, an action

    enum_rows(db, campus, two_campuses["officer_a"])
    return {"round_id": round_["id"], "checkpoint_id": plan.stops[1].checkpoint_id}


def _refused_by(error: IntegrityError, constraint: CheckConstraint) -> bool:
    # SQLite and PostgreSQL both name the violated constraint in their message.
    return str(constraint.name) in str(error.orig)


# Results are evidence from the moment they are stored: a trigger refuses any UPDATE, so
# the CHECK is tried on an INSERT of a copy instead (an UPDATE would prove nothing).
APPEND_ONLY = {"round_result", "drill_cancellation", "live_tap"}


def _write(db, table: str, column: str, value: str) -> None:
    if table not in APPEND_ONLY:
        db.session.execute(text(f'UPDATE "{table}" SET {column} = :value'), {"value": value})
        return
    # A fresh id (unless the database numbers it) and client id; the rest copied.
    columns = Base.metadata.tables[table].columns
    names = [c.name for c in columns if not (c.name == "id" and c.type.python_type is int)]
    fresh = {"id", "client_id"}
    picked = [f":{n}" if n in fresh else ":value" if n == column else n for n in names]
    db.session.execute(
        text(
            f'INSERT INTO "{table}" ({", ".join(names)})'
            f' SELECT {", ".join(picked)} FROM "{table}" LIMIT 1'
        ),
        {"id": str(uuid.uuid4()), "client_id": str(uuid.uuid4()), "value": value},
    )


@pytest.mark.parametrize(
    ("table", "column", "constraint"), ENUM_CHECKS, ids=[f"{t}.{c}" for t, c, _ in ENUM_CHECKS]
)
def test_the_database_refuses_an_unknown_value(rows, db, table, column, constraint):
    count = db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
    assert count, f"the fixture left {table} empty: nothing would be checked"
    with pytest.raises(IntegrityError) as refused:
        _write(db, table, column, "nope")
    db.session.rollback()
    assert _refused_by(refused.value, constraint), refused.value.orig


@pytest.mark.parametrize(
    ("table", "column", "constraint"), ENUM_CHECKS, ids=[f"{t}.{c}" for t, c, _ in ENUM_CHECKS]
)
def test_the_migrated_check_lists_exactly_the_enumeration(db, table, column, constraint):
    """Autogenerate ignores CHECKs: compare the migrated database's constraint with the
    enumeration, so a member added in code without a migration is caught here."""
    name = str(constraint.name)
    if db.engine.dialect.name == "postgresql":
        definition = db.session.execute(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :n"),
            {"n": name},
        ).scalar()
    else:
        sql = db.session.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
            {"t": table},
        ).scalar()
        definition = _sqlite_check(sql, name)
    assert definition, f"{name} is missing from the migrated database"
    assert set(re.findall(r"'((?:[^']|'')*)'", definition)) == constraint.info["allowed"]
    assert ("NULL" in definition.upper()) == constraint.info["nullable"]


def _sqlite_check(sql: str, name: str) -> str | None:
    """The text of CHECK constraint ``name`` in a CREATE TABLE statement: from its name to
    the parenthesis that closes the condition (quotes skipped)."""
    start = sql.find(f"CONSTRAINT {name} CHECK")
    if start < 0:
        return None
    depth, quoted = 0, False
    for index in range(sql.index("(", start), len(sql)):
        char = sql[index]
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth == 0:
                return sql[start : index + 1]
    return None


@pytest.mark.parametrize(
    ("table", "column", "constraint"), SHAPE_CHECKS, ids=[f"{t}.{c}" for t, c, _ in SHAPE_CHECKS]
)
def test_drill_types_must_look_like_a_type(rows, db, table, column, constraint):
    for bad in ("", "Lock Down", "LOCKDOWN"):
        with pytest.raises(IntegrityError) as refused:
            _write(db, table, column, bad)
        db.session.rollback()
        assert _refused_by(refused.value, constraint), refused.value.orig
    # A type a rule pack adds (not canonical) has the right shape and is stored.
    _write(db, table, column, "reverse_evacuation")
    db.session.rollback()


def test_every_canonical_drill_type_has_a_label():
    assert set(TYPE_LABELS) == {t.value for t in DrillType}


def test_form_choices_come_from_the_enumerations():
    from safetyops.accounts.admin_forms import ROLE_CHOICES
    from safetyops.accounts.models import Role
    from safetyops.campuses.forms import CHECKPOINT_KIND_CHOICES
    from safetyops.campuses.models import CheckpointKind
    from safetyops.core.forms import enum_choices
    from safetyops.findings.models import FindingKind
    from safetyops.rounds.forms import FINDING_KIND_CHOICES

    assert [c.value for c in ROLE_CHOICES] == [r.value for r in Role]
    assert {c.value for c in CHECKPOINT_KIND_CHOICES} == {k.value for k in CheckpointKind}
    assert {c.value for c in FINDING_KIND_CHOICES} == {k.value for k in FindingKind}
    with pytest.raises(ValueError, match="differ"):
        enum_choices(Role, {Role.OFFICER: "Officer"})  # a member without a label


def test_every_requirement_status_has_a_word_and_a_rank():
    from safetyops.compliance.engine import STATUSES, RequirementStatus
    from safetyops.compliance.queries import SEVERITY
    from safetyops.compliance.views import STATUS_WORDS

    assert set(STATUS_WORDS) == set(SEVERITY) == set(STATUSES) == set(RequirementStatus)


def test_the_weekly_report_colours_every_status_it_counts():
    from safetyops.compliance.engine import RequirementStatus
    from safetyops.reports.domain import REPORTED_STATUSES, STATUS_COLOURS

    assert set(STATUS_COLOURS) == set(REPORTED_STATUSES)
    assert set(REPORTED_STATUSES) == set(RequirementStatus) - {RequirementStatus.NOT_REQUIRED}
