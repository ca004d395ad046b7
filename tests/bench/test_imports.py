"""CSV imports run a fixed number of statements whatever the row count (issue 16), and the
CLI shows a progress bar while a long file's rows are checked."""

from __future__ import annotations

import imports  # bench/imports.py: bench/ is put on sys.path by conftest.py
import pytest
from sqlalchemy import func, select

from safetyops.audit.models import AuditEvent
from safetyops.extensions import db


@pytest.fixture
def codes(app):
    codes = imports.campus_codes(3)
    imports.make_campuses(codes)
    return codes


@pytest.mark.parametrize("kind", imports.KINDS)
def test_queries_do_not_grow_with_rows(app, codes, kind):
    few, few_again, few_report = imports.measure(kind, 10, codes)
    many, many_again, many_report = imports.measure(kind, 100, codes)
    assert few_report.created == 10
    assert many_report.created == 90  # the first ten rows are the same as before
    assert many.queries == few.queries, (few.statements, many.statements)
    assert many_again.queries == few_again.queries
    assert few.queries <= 6


@pytest.mark.parametrize("kind", imports.KINDS)
def test_every_created_row_is_audited(app, codes, kind):
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    _first, _again, report = imports.measure(kind, 25, codes)
    after = db.session.scalar(select(func.count(AuditEvent.id)))
    assert after - before == report.created == 25
    entity = {"campuses": "campus", "checkpoints": "checkpoint", "calendar": "calendar_entry",
              "drills": "drill"}[kind]  # fmt: skip
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.entity_type == entity).order_by(AuditEvent.id)
    ).all()
    assert events[-1].changes, "the audit event says what was created"
    assert all(e.entity_id.isdigit() for e in events)


def test_drill_audit_keeps_the_defaults(app, codes):
    """An imported drill's audit event records its whole first state, the columns' defaults
    included, as a drill saved one by one did."""
    imports.measure("drills", 1, codes)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "drill")).one()
    assert event.action == "import"
    assert event.changes["problems"] == [None, []]
    assert event.changes["announced"] == [None, True]


def test_cli_progress_bar_for_a_long_file(app, codes, runner, tmp_path):
    path = tmp_path / "drills.csv"
    path.write_text(imports.csv_text("drills", 600, codes))
    result = runner.invoke(args=["import", "drills", str(path)])
    assert result.exit_code == 0, result.output
    assert "checking rows" in result.output
    assert "created 600" in result.output


def test_cli_no_bar_for_a_short_file(app, codes, runner, tmp_path):
    path = tmp_path / "drills.csv"
    path.write_text(imports.csv_text("drills", 5, codes))
    result = runner.invoke(args=["import", "drills", str(path)])
    assert result.exit_code == 0, result.output
    assert "checking rows" not in result.output
    assert "created 5" in result.output


def test_a_roster_sync_does_not_grow_with_the_staff(app, codes):
    """``safetyops roster sync``: new staff in a fixed number of statements (users, their
    campuses and audit events each one batched INSERT), no argon2 work for them."""
    from safetyops.accounts.models import User
    from safetyops.accounts.passwords import UNUSABLE_PREFIX

    imports.measure_roster(5, codes)  # some staff known already: their campuses are read
    few, few_again, few_report = imports.measure_roster(10, codes)
    many, many_again, many_report = imports.measure_roster(600, codes)  # > one IN batch
    assert (few_report.created, many_report.created) == (5, 590)
    assert many.queries == few.queries, (few.statements, many.statements)
    assert many_again.queries == few_again.queries
    users = db.session.scalars(select(User).where(User.email.like("staff%@bench.org"))).all()
    assert len(users) == 600
    assert all(u.password_hash.startswith(UNUSABLE_PREFIX) for u in users)
    assert {len(u.campuses) for u in users} == {1}
    events = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.entity_type == "user", AuditEvent.action == "create"
        )
    )
    assert events == 600
