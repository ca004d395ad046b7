"""`safetyops backup` and `safetyops restore`: a round trip (database and photos) that then
passes `audit verify`, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select, text

from safetyops.audit import ledger
from safetyops.drills.models import Drill
from safetyops.rounds.models import RoundResult
from tests.core.test_evidence_protection import evidence  # noqa: F401 - the fixture
from tests.drills.test_views import district  # noqa: F401 - the fixture


def _counts(db) -> tuple[int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(RoundResult)),
        db.session.scalar(select(func.count()).select_from(Drill)),
    )


def test_backup_then_restore_brings_back_everything_and_it_verifies(
    evidence,  # noqa: F811 - the imported fixture
    runner,
    db,
    tmp_path,
):
    ledger.seal()
    before = _counts(db)
    folder = tmp_path / "backup"
    made = runner.invoke(args=["backup", str(folder)])
    assert made.exit_code == 0, made.output
    assert (folder / "safetyops-backup.json").is_file()
    # Disaster: the evidence is gone (triggers off, as a broken disk would not ask).
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET session_replication_role = replica"))
    else:
        db.session.execute(text("DROP TRIGGER IF EXISTS round_result_no_delete"))
    db.session.execute(text("DELETE FROM round_result"))
    db.session.commit()
    assert _counts(db)[0] == 0
    db.session.remove()
    restored = runner.invoke(args=["restore", "--yes", str(folder)])
    assert restored.exit_code == 0, restored.output
    assert _counts(db) == before
    checked = runner.invoke(args=["audit", "verify"])
    assert checked.exit_code == 0 and "all match" in checked.output, checked.output


def test_a_backup_of_another_database_kind_is_refused(runner, db, tmp_path):
    folder = tmp_path / "other"
    folder.mkdir()
    other = "sqlite" if db.engine.dialect.name == "postgresql" else "postgresql"
    (folder / "safetyops-backup.json").write_text(f'{{"database": "{other}", "file": "x"}}')
    refused = runner.invoke(args=["restore", "--yes", str(folder)])
    assert refused.exit_code != 0 and "not" in refused.output
