"""Each enumeration is defined once (the models' StrEnums) and enforced by the database:
a CHECK constraint refuses a value no code path should write, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from safetyops.drills.domain import DrillType
from safetyops.drills.forms import TYPE_LABELS

# (table, column, a row to update: WHERE clause on the fixtures' data)
UPDATABLE = [
    ("user", "role", "1 = 1"),
    ("user", "email_preference", "1 = 1"),
    ("campus", "grade_band", "1 = 1"),
    ("checkpoint", "kind", "1 = 1"),
    ("checkpoint", "expected_state", "1 = 1"),
    ("round_plan", "kind", "1 = 1"),
    ("finding", "kind", "1 = 1"),
    ("finding", "status", "1 = 1"),
]


@pytest.fixture
def rows(two_campuses, plan, client, db):
    """A user, campuses, checkpoints, a plan, and a finding from a posted problem."""
    from tests.rounds.test_rounds import result, start

    client.login(two_campuses["officer_a"])
    round_ = start(client, plan.id)
    client.post_json(
        f"/api/v1/rounds/{round_['id']}/results",
        result(plan.stops[0].checkpoint_id, "problem", finding_kind="unlocked"),
    )
    return {"round_id": round_["id"], "checkpoint_id": plan.stops[1].checkpoint_id}


@pytest.mark.parametrize(("table", "column", "where"), UPDATABLE)
def test_the_database_refuses_an_unknown_value(rows, db, table, column, where):
    with pytest.raises(IntegrityError):
        db.session.execute(text(f'UPDATE "{table}" SET {column} = :bad WHERE {where}'),
                           {"bad": "nope"})  # fmt: skip
    db.session.rollback()


@pytest.mark.parametrize(
    ("column", "value"),
    [("status", "maybe"), ("finding_kind", "haunted"), ("action_taken", "shrugged")],
)
def test_a_result_with_an_unknown_value_is_refused(rows, db, column, value):
    values = {"status": "problem", "finding_kind": "unlocked", "action_taken": "none",
              column: value}  # fmt: skip
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "INSERT INTO round_result (id, round_id, checkpoint_id, status, finding_kind,"
                " note, action_taken, recorded_at, received_at) VALUES (:id, :round_id,"
                " :checkpoint_id, :status, :finding_kind, '', :action_taken,"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {**values, "id": str(uuid.uuid4()), **rows},
        )
    db.session.rollback()


def test_drill_types_must_look_like_a_type(rows, db):
    for bad in ("", "Lock Down", "LOCKDOWN"):
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO drill_plan (campus_id, drill_type, planned_for, notes,"
                    " created_at) SELECT id, :t, '2026-12-01', '', CURRENT_TIMESTAMP"
                    " FROM campus LIMIT 1"
                ),
                {"t": bad},
            )
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
