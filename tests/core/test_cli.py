"""CLI: CSV imports (all or nothing, idempotent), demo data, deployment checks."""

import pytest
from sqlalchemy import func, select, text

from safetyops.accounts.models import User
from safetyops.audit.models import AppendOnlyError, AuditEvent
from safetyops.campuses.models import Campus, Checkpoint

CAMPUSES_CSV = """code,name,timezone,address,grade_band
AVE,Aspen Valley Elementary,America/Denver,1200 Aspen Way,elementary
RMS,Ridgeview Middle,America/Denver,,middle
"""


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    return str(path)


def _count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_campuses_twice_updates_not_duplicates(runner, db, tmp_path):
    path = _write(tmp_path, "campuses.csv", CAMPUSES_CSV)
    first = runner.invoke(args=["import", "campuses", path])
    assert first.exit_code == 0, first.output
    assert "created 2, updated 0, unchanged 0" in first.output
    again = runner.invoke(args=["import", "campuses", path])
    assert "created 0, updated 0, unchanged 2" in again.output
    changed = _write(tmp_path, "c2.csv", CAMPUSES_CSV.replace("Ridgeview Middle", "Ridgeview MS"))
    third = runner.invoke(args=["import", "campuses", changed])
    assert "created 0, updated 1, unchanged 1" in third.output
    assert _count(db, Campus) == 2
    assert db.session.scalar(select(Campus.name).where(Campus.code == "RMS")) == "Ridgeview MS"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.interface == "cli" and event.changes == {
        "name": ["Ridgeview Middle", "Ridgeview MS"]
    }


def test_bad_campus_file_reports_every_row_and_imports_nothing(runner, db, tmp_path):
    path = _write(
        tmp_path,
        "bad.csv",
        CAMPUSES_CSV + "N!X,Bad,America/Denver,,\nXYZ,Also bad,Nowhere/City,,\n",
    )
    result = runner.invoke(args=["import", "campuses", path])
    assert result.exit_code != 0
    assert "line 4:" in result.output and "line 5:" in result.output
    assert "nothing was imported" in result.output
    assert _count(db, Campus) == 0


def test_import_checkpoints(runner, db, tmp_path):
    runner.invoke(args=["import", "campuses", _write(tmp_path, "c.csv", CAMPUSES_CSV)])
    good = _write(
        tmp_path,
        "cp.csv",
        "campus_code,name,kind,walk_order,expected_state,location_notes\n"
        "AVE,Door 1 - Main entrance,exterior_door,10,locked,Front office\n"
        "AVE,Playground gate,gate,20,locked,\n"
        "RMS,Staff lot,parking_lot,,clear,\n",
    )
    assert runner.invoke(args=["import", "checkpoints", good]).exit_code == 0
    again = runner.invoke(args=["import", "checkpoints", good])
    assert "created 0, updated 0, unchanged 3" in again.output
    assert _count(db, Checkpoint) == 3
    bad = _write(tmp_path, "bad.csv", "campus_code,name,kind\nZZZ,Door,exterior_door\n")
    result = runner.invoke(args=["import", "checkpoints", bad])
    assert result.exit_code != 0 and "line 2: unknown campus_code 'ZZZ'" in result.output
    assert _count(db, Checkpoint) == 3


def test_missing_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["import", "campuses", str(tmp_path / "nope.csv")])
    assert result.exit_code != 0 and "cannot read" in result.output


def test_demo_loads_a_district_once(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@demo.local" in result.output and "safetyops-demo" in result.output
    campuses = list(db.session.scalars(select(Campus)))
    assert 5 <= len(campuses) <= 8
    for campus in campuses:
        assert 8 <= len(campus.checkpoints) <= 25, campus.code
    officer = db.session.scalar(select(User).where(User.email == "officer@demo.local"))
    principal = db.session.scalar(select(User).where(User.email == "principal@demo.local"))
    assert len(officer.campuses) == 2 and len(principal.campuses) == 1
    roles = {u.role for u in db.session.scalars(select(User))}
    assert roles == {"officer", "supervisor", "principal", "safety_admin", "viewer"}
    assert runner.invoke(args=["demo"]).exit_code != 0  # not into a non-empty database
    assert runner.invoke(args=["demo", "--if-empty"]).exit_code == 0
    assert len(list(db.session.scalars(select(Campus)))) == len(campuses)


def test_check_deploy_refuses_demo_passwords(app, runner):
    runner.invoke(args=["demo"])
    app.config.update(ENV_NAME="production", SECRET_KEY="s" * 48)
    result = runner.invoke(args=["check-deploy"])
    assert result.exit_code == 1
    assert "admin@demo.local" in result.output
    assert runner.invoke(args=["demo"]).exit_code != 0


def test_users_create_command(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Boss@District.test",
            "--name",
            "Boss",
            "--role",
            "safety_admin",
            "--password",
            "a-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "boss@district.test")) == (
        "safety_admin"
    )
    short = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@d.test",
            "--name",
            "X",
            "--role",
            "officer",
            "--password",
            "short",
        ]
    )
    assert short.exit_code != 0 and "at least" in short.output


def test_audit_trail_is_append_only(make_campus, db):
    make_campus("AUD")
    event = db.session.scalars(select(AuditEvent)).first()
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    # and the database itself refuses, whatever the client
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET action = 'x'"))
    db.session.rollback()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM audit_event"))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) >= 1


def test_db_upgrade_from_the_command_line_reaches_head(tmp_path):
    """`safetyops db upgrade` as `make run` calls it (a process of its own, an empty file)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "SAFETYOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}",
        "SAFETYOPS_INSTANCE_PATH": str(tmp_path),
    }
    for args in (["db", "upgrade"], ["db", "current"]):
        done = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "safetyops.cli", *args],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
    assert "(head)" in done.stdout
